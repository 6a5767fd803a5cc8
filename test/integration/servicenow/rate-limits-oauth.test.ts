import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { createServiceNowTickets } from '../../../src/desks/servicenow/servicenow-tickets.ts';
import { createFailure, ticketOnRecord, useServiceNowPeers } from '../../helpers/servicenow-events.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

type Json = Record<string, unknown>;
const TASK = '2pQdTask0001';
const STEP = '2pQdStepProv';
const RULE = '0c5f2b1e9a7d4c3b8e6f1a2b3c4d5e6f';
const fakes = useServiceNowPeers();

function grant(): Json {
  const body = JSON.parse(readFileSync(new URL('../../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Json;
  body['callbackUrl'] = fakes.c1.callbackUrl(`sn-${randomUUID()}`);
  return body;
}

const BASIC = { username: 'bridge', password: 'sn-password' };
const OAUTH = { oauth: { clientId: 'sn-client', clientSecret: 'sn-client-secret' } };

async function start(credentials: Json = BASIC, target: Json = { catalogItem: 'Access request', variables: { application: '{{ app.name }}' }, requestedFor: 'subject' }): Promise<TestBridge> {
  const bridge = await startTestBridge({
    c1: fakes.c1,
    config: {
      conductorone: { tenant: fakes.c1.tenant, jwksUrl: fakes.c1.jwksUrl, callbackOrigins: [fakes.c1.url] },
      servicenow: { instanceUrl: fakes.desk.url, webhookSecret: 'sn-webhook-secret', ...credentials },
      routes: [{ name: 'github', match: { appName: 'GitHub' }, servicenow: target }],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  fakes.bridge = bridge;
  await bridge.deps.startWorkers();
  return bridge;
}

function seed() {
  fakes.desk.catalog.addItem('Access request', [{ name: 'application', mandatory: true }]);
  fakes.desk.catalog.addUser({ email: 'jane.doe@acme.com' });
}

const tooMany = (retryAfterSeconds?: number) =>
  ({ kind: 'status', status: 429, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }), rateLimit: { limit: 100, resetAt: Math.ceil(Date.now() / 1000) + 1, rule: RULE } }) as const;

describe('ServiceNow rate limits', () => {
  it('a 429 reads Retry-After, else X-RateLimit-Reset, and names the limit and the rule', async () => {
    const config = configSchema.parse({ server: { publicUrl: 'https://b.example' }, conductorone: { tenant: 'acme.conductor.one' }, servicenow: { instanceUrl: fakes.desk.url, ...BASIC } });
    if (config.servicenow === undefined) throw new Error('no servicenow');
    const now = 1_800_000_000_000;
    const system = createServiceNowTickets({ config: config.servicenow, now: () => now });
    fakes.desk.inject([{ kind: 'status', status: 429, rateLimit: { limit: 100, resetAt: now / 1000 + 42, rule: RULE } }, { kind: 'status', status: 429, retryAfterSeconds: 7, rateLimit: { limit: 100, resetAt: now / 1000 + 42, rule: RULE } }]);
    const ticket = { system: 'servicenow', key: 'INC0000001', id: 'a'.repeat(32), url: '', container: 'incident' } as const;
    await expect(system.getStatus(ticket)).rejects.toMatchObject({
      code: 'ticket_system_rate_limited',
      retryAfterMs: 42_000,
      message: `ServiceNow get INC0000001: answered 429 (rate limited: limit 100 per hour, rule ${RULE})`,
    });
    await expect(system.getStatus(ticket)).rejects.toMatchObject({ code: 'ticket_system_rate_limited', retryAfterMs: 7_000 });
  });

  it('a 429 with only X-RateLimit-Reset before the order waits and then orders once', async () => {
    seed();
    const b = await start();
    fakes.desk.inject([tooMany()]);
    await b.deliver(grant());
    await ticketOnRecord(b, TASK, STEP);
    expect(fakes.desk.catalog.orders).toHaveLength(1);
    expect(fakes.desk.requests[0]?.path).toMatch(/^\/api\/sn_sc\/servicecatalog\/items\?/);
    expect(b.logs.find((line) => line['msg'] === 'ServiceNow rate limit reached: waiting before the next call')).toMatchObject({ limit: '100', rule: RULE, action: 'find catalog item "Access request"' });
  });

  it('a 429 after the order is waited out in place: one order, its RITM marked', async () => {
    seed();
    const b = await start();
    // catalog item look-up, sys_user, order_now, then the RITM look-up is rate limited.
    fakes.desk.inject([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' }, tooMany(0)]);
    await b.deliver(grant());
    await ticketOnRecord(b, TASK, STEP);
    expect(fakes.desk.catalog.orders).toHaveLength(1);
    expect(fakes.desk.tables.get('sc_request')?.size).toBe(1);
    expect(fakes.desk.find('sc_req_item', () => true)?.correlation_id).toBe(`${TASK}:${STEP}`);
  });

  it('failures that last after the order fail the job for good, naming the request, never ordering twice', async () => {
    seed();
    const b = await start();
    fakes.desk.inject([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' }, ...Array.from({ length: 5 }, () => tooMany(0))]);
    await b.deliver(grant());
    expect(await createFailure(b)).toMatch(/^ServiceNow placed request REQ0010001, but the bridge could not mark its requested items \(ServiceNow find the requested items of REQ0010001: answered 429 .*\); not retried, so the item is not ordered twice: mark or cancel REQ0010001 by hand$/);
    expect(fakes.desk.catalog.orders).toHaveLength(1);
  });
});

describe('ServiceNow OAuth client credentials', () => {
  it('orders with a bearer token, and fetches a new one when the instance revokes it', async () => {
    seed();
    fakes.desk.tokensIssued = 0;
    const b = await start(OAUTH);
    await b.deliver(grant());
    await ticketOnRecord(b, TASK, STEP);
    const api = fakes.desk.requests.filter((r) => r.path.startsWith('/api/'));
    expect(api.every((r) => r.headers.authorization?.startsWith('Bearer '))).toBe(true);
    expect(fakes.desk.tokensIssued).toBe(1);

    fakes.desk.revokeTokens();
    const ritm = fakes.desk.find('sc_req_item', () => true);
    if (ritm === undefined) throw new Error('no RITM');
    fakes.desk.setState('sc_req_item', ritm.sys_id, 3, '', 'complete');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 1, errors: 0 });
    expect(fakes.desk.tokensIssued).toBe(2);
    await waitFor('the callback', () => fakes.c1.callbacks[0]);
  });

  it('an instance without the client-credentials grant refuses for good, and nothing is ordered', async () => {
    seed();
    const b = await start({ oauth: { clientId: 'sn-client', clientSecret: 'not-enabled' } });
    await b.deliver(grant());
    expect(await createFailure(b)).toBe('ServiceNow OAuth token: answered 401');
    expect(fakes.desk.catalog.orders).toHaveLength(0);
  });
});
