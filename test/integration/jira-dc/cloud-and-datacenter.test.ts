import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// A migration: the `jira:` section is a Cloud site and a `desks:` entry a Data Center server, at once. Each proves
// its events its own way: Cloud signs with X-Hub-Signature (developer.atlassian.com/cloud/jira/platform/webhooks/),
// Data Center sends basic credentials from the webhook's URL (Atlassian, "Managing webhooks",
// confluence.atlassian.com/adminjiraserver/managing-webhooks-938846912.html). The fakes cite their wire formats.
const GRANT = { taskId: '2pQdTask0001', stepId: '2pQdStepProv' };
const REVOKE = { taskId: '2pQdTask0002', stepId: '2pQdStepProv2' };
const CLOUD_SECRET = 'secret-cloud';
const DC_SECRET = 'secret-dc';

let c1: FakeConductorOne;
let cloud: FakeJira;
let dc: FakeJiraDc;
let bridge: TestBridge | undefined;
beforeAll(async () => {
  [c1, cloud, dc] = await Promise.all([startFakeConductorOne(), startFakeJira(), startFakeJiraDc()]);
});
afterAll(async () => {
  await Promise.all([c1.close(), cloud.close(), dc.close()]);
});
afterEach(async () => {
  await bridge?.close();
  bridge = undefined;
  cloud.reset();
  dc.reset();
  c1.callbacks.length = 0;
});

/** Grants go to the Cloud site, revokes to the Data Center server; both tickets are on record when it returns. */
async function migrationBridge(): Promise<{ b: TestBridge; grantToken: string; revokeToken: string }> {
  const b = await startTestBridge({
    c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
      jira: { baseUrl: cloud.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: CLOUD_SECRET, indexLagSeconds: 0 },
      desks: { 'jira-legacy': { kind: 'jira', deployment: 'datacenter', baseUrl: dc.url, token: 'dc-personal-access-token', webhookSecret: DC_SECRET, indexLagSeconds: 0 } },
      routes: [
        { name: 'grants', match: { taskType: 'grant' }, jira: { project: 'OPS' } },
        { name: 'revokes', match: { taskType: 'revoke' }, desk: 'jira-legacy', jira: { project: 'OPS', outcome: { complete: ['Removed'], errored: ['Refused'] } } },
      ],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  bridge = b;
  await b.deps.startWorkers();
  const tokens: string[] = [];
  for (const name of ['provision-grant', 'provision-revoke'] as const) {
    const fixture = loadFixture(name);
    const token = `${name}-${randomUUID()}`;
    fixture.callbackUrl = c1.callbackUrl(token);
    tokens.push(token);
    expect((await b.deliver(fixture)).statusCode).toBe(202);
  }
  for (const step of [GRANT, REVOKE]) {
    await waitFor('the ticket on record', async () => (await b.deps.correlationStore.get(step.taskId, step.stepId))?.state === 'ticket_created');
  }
  return { b, grantToken: tokens[0] ?? '', revokeToken: tokens[1] ?? '' };
}

const post = (b: TestBridge, url: string, body: Record<string, unknown>, headers: Record<string, string>) =>
  b.app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`jira:${password}`).toString('base64')}` });
const callbacksTo = (token: string) => c1.callbacks.filter((request) => request.path.endsWith(`/${token}`));
const fieldsOf = async (b: TestBridge, step: { taskId: string; stepId: string }) => (await b.deps.correlationStore.get(step.taskId, step.stepId))?.fields ?? {};

describe('a Jira Cloud site and a Jira Data Center server at once (a migration)', () => {
  it('each route opens its ticket on its own desk, in that desk\'s API and markup', async () => {
    const { b } = await migrationBridge();
    expect(await fieldsOf(b, GRANT)).toMatchObject({ ticketSystem: 'jira', ticketKey: 'OPS-1', ticketRoute: 'grants' });
    expect(await fieldsOf(b, REVOKE)).toMatchObject({ ticketSystem: 'jira-legacy', ticketKey: 'OPS-1', ticketRoute: 'revokes' });
    // Cloud: REST v3 with an ADF description; Data Center: REST v2 with a wiki-markup string.
    expect(cloud.issues.size).toBe(1);
    expect(adfToText(cloud.issues.get('OPS-1')?.fields['description'])).toContain('Action: grant the access');
    expect(cloud.issues.get('OPS-1')?.fields['description']).toMatchObject({ type: 'doc', version: 1 });
    expect(dc.issues.size).toBe(1);
    expect(typeof dc.issues.get('OPS-1')?.fields.description).toBe('string');
    expect(wikiToText(dc.issues.get('OPS-1')?.fields.description ?? '')).toContain('Action: REVOKE the access (remove it)');
    expect(dc.requests.filter((request) => request.path.startsWith('/rest/api/3/'))).toEqual([]);
    expect(cloud.requests.filter((request) => request.path.startsWith('/rest/api/2/'))).toEqual([]);
  });

  it("events on each path are proven by that desk's own method and its own secret, and decide only that desk's ticket", async () => {
    const { b, grantToken, revokeToken } = await migrationBridge();

    // The Data Center event: basic credentials with the other desk's secret, or on the Cloud path, are refused.
    const removed = dc.transition('OPS-1', 'Removed', 'indeterminate');
    for (const [url, password] of [['/webhooks/jira-legacy', CLOUD_SECRET], ['/webhooks/jira', DC_SECRET]] as const) {
      const refused = await post(b, url, removed, basic(password));
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: 'unauthorized', message: expect.any(String) as string });
    }
    expect(await fieldsOf(b, REVOKE)).not.toHaveProperty('outcome');
    expect((await post(b, '/webhooks/jira-legacy', removed, basic(DC_SECRET))).statusCode).toBe(200);
    const revoked = await waitFor('the revoke callback', () => callbacksTo(revokeToken)[0]);
    expect(Object.keys(JSON.parse(revoked.body) as object)).toEqual(['version', 'complete']);
    // The same key OPS-1 on the Cloud site is another ticket: still open.
    expect(await fieldsOf(b, GRANT)).not.toHaveProperty('outcome');
    expect(callbacksTo(grantToken)).toEqual([]);

    // The Cloud event: signed with the Cloud secret; Data Center's secret does not sign for it.
    const done = JSON.stringify(cloud.transition('OPS-1', 'Done', 'done', 'Done'));
    const wrong = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: done, headers: { 'content-type': 'application/json', 'x-hub-signature': cloud.sign(done, DC_SECRET) } });
    expect(wrong.statusCode).toBe(401);
    const right = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: done, headers: { 'content-type': 'application/json', 'x-hub-signature': cloud.sign(done, CLOUD_SECRET) } });
    expect(right.statusCode).toBe(200);
    const granted = await waitFor('the grant callback', () => callbacksTo(grantToken)[0]);
    expect(Object.keys(JSON.parse(granted.body) as object)).toEqual(['version', 'complete']);
    await waitFor('both reported', async () => (await fieldsOf(b, GRANT))['outcome'] === 'complete' && (await fieldsOf(b, REVOKE))['outcome'] === 'complete');
    expect(callbacksTo(grantToken)).toHaveLength(1);
    expect(callbacksTo(revokeToken)).toHaveLength(1);
  });
});
