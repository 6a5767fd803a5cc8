import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { useTwoJiraSites } from '../../helpers/two-jira-sites.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Two Jira sites (a Cloud site and a second one during a migration): the jira: section and a named desk. Events are
// signed as Jira's admin webhooks sign them (X-Hub-Signature, https://developer.atlassian.com/cloud/jira/platform/webhooks/).
const GRANT = { taskId: '2pQdTask0001', stepId: '2pQdStepProv' };
const REVOKE = { taskId: '2pQdTask0002', stepId: '2pQdStepProv2' };
const CREDENTIALS = { email: 'bridge@acme.example', apiToken: 'jira-api-token', indexLagSeconds: 0 };

const peers = useTwoJiraSites();

async function bridgeWith(config: { grantsOutcome?: object; otherOutcome?: object } = {}): Promise<TestBridge> {
  const b = await startTestBridge({
    c1: peers.c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
      jira: { baseUrl: peers.cloud.url, ...CREDENTIALS, webhookSecret: 'secret-cloud' },
      desks: { 'jira-dc': { kind: 'jira', baseUrl: peers.other.url, ...CREDENTIALS, webhookSecret: 'secret-dc', ...(config.otherOutcome === undefined ? {} : { outcome: config.otherOutcome }) } },
      routes: [
        { name: 'grants', match: { taskType: 'grant' }, jira: { project: 'OPS', ...(config.grantsOutcome === undefined ? {} : { outcome: config.grantsOutcome }) } },
        { name: 'revokes', match: { taskType: 'revoke' }, desk: 'jira-dc', jira: { project: 'OPS' } },
      ],
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  peers.bridge = b;
  await b.deps.startWorkers();
  for (const name of ['provision-grant', 'provision-revoke'] as const) {
    const fixture = loadFixture(name);
    fixture.callbackUrl = peers.c1.callbackUrl(`${name}-${randomUUID()}`);
    expect((await b.deliver(fixture)).statusCode).toBe(202);
  }
  for (const step of [GRANT, REVOKE]) {
    await waitFor('the ticket on record', async () => (await b.deps.correlationStore.get(step.taskId, step.stepId))?.state === 'ticket_created');
  }
  return b;
}

async function event(b: TestBridge, path: string, site: 'cloud' | 'other', secret: string, status: string, category: 'new' | 'indeterminate' | 'done', resolution?: string) {
  const body = JSON.stringify(peers[site].transition('OPS-1', status, category, resolution));
  return b.app.inject({ method: 'POST', url: path, payload: body, headers: { 'content-type': 'application/json', 'x-hub-signature': peers[site].sign(body, secret) } });
}

const outcomeOf = async (b: TestBridge, step: { taskId: string; stepId: string }) => (await b.deps.correlationStore.get(step.taskId, step.stepId))?.fields['outcome'];

describe('named desks: two Jira sites side by side', () => {
  it('sends each route to its desk; the same issue id and key on both sites index two tickets', async () => {
    const b = await bridgeWith();
    const onCloud = peers.cloud.issues.get('OPS-1');
    const onOther = peers.other.issues.get('OPS-1');
    expect(onCloud?.id).toBeDefined();
    expect(onOther?.id).toBe(onCloud?.id);
    const grant = await b.deps.correlationStore.get(GRANT.taskId, GRANT.stepId);
    const revoke = await b.deps.correlationStore.get(REVOKE.taskId, REVOKE.stepId);
    expect(grant?.fields).toMatchObject({ ticketSystem: 'jira', ticketKey: 'OPS-1', ticketRoute: 'grants' });
    expect(revoke?.fields).toMatchObject({ ticketSystem: 'jira-dc', ticketKey: 'OPS-1', ticketRoute: 'revokes' });
    expect(await b.deps.correlationStore.findByTicketId('jira', onCloud?.id ?? '')).toEqual(GRANT);
    expect(await b.deps.correlationStore.findByTicketId('jira-dc', onOther?.id ?? '')).toEqual(REVOKE);
    expect(await b.deps.correlationStore.findByTicket('jira-dc', 'OPS-1')).toEqual(REVOKE);
  });

  it('takes events at /webhooks/<name> signed with that desk\'s own secret only, and reports the right task', async () => {
    const b = await bridgeWith();
    const refused = await event(b, '/webhooks/jira-dc', 'other', 'secret-cloud', 'Done', 'done', 'Done');
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'unauthorized' });
    expect((await event(b, '/webhooks/jira', 'cloud', 'secret-dc', 'Done', 'done', 'Done')).statusCode).toBe(401);
    await checksSettled(b);
    expect(peers.c1.callbacks).toEqual([]);

    const accepted = await event(b, '/webhooks/jira-dc', 'other', 'secret-dc', 'Done', 'done', 'Done');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ status: 'accepted' });
    await waitFor('the revoke reported', async () => (await outcomeOf(b, REVOKE)) === 'complete');
    expect(await outcomeOf(b, GRANT)).toBeUndefined();
    await waitFor('the callback', () => peers.c1.callbacks[0]);
    expect(peers.c1.callbacks).toHaveLength(1);
  });

  it('a desk\'s status map decides for its tickets: a status in neither list stays open', async () => {
    const b = await bridgeWith({ otherOutcome: { complete: ['Granted'], errored: ['Refused'] } });
    // Done is in neither list: with a map, the category no longer decides.
    expect((await event(b, '/webhooks/jira-dc', 'other', 'secret-dc', 'Done', 'done', 'Done')).statusCode).toBe(200);
    await checksSettled(b);
    expect(await outcomeOf(b, REVOKE)).toBeUndefined();
    expect(peers.c1.callbacks).toEqual([]);
    expect((await event(b, '/webhooks/jira-dc', 'other', 'secret-dc', 'Refused', 'indeterminate')).statusCode).toBe(200);
    const sent = JSON.parse((await waitFor('the callback', () => peers.c1.callbacks[0])).body) as Record<string, { comment: string } | undefined>;
    expect(Object.keys(sent)).toEqual(['version', 'errored']);
    expect(sent['errored']?.comment).toContain('status "Refused"');
  });

  it('a route\'s status map replaces the desk\'s for the tickets it opened', async () => {
    const b = await bridgeWith({ grantsOutcome: { complete: ['Granted'], errored: [] } });
    expect((await event(b, '/webhooks/jira', 'cloud', 'secret-cloud', 'Done', 'done', 'Done')).statusCode).toBe(200);
    await checksSettled(b);
    expect(await outcomeOf(b, GRANT)).toBeUndefined();
    expect((await event(b, '/webhooks/jira', 'cloud', 'secret-cloud', 'Granted', 'indeterminate')).statusCode).toBe(200);
    await waitFor('the grant reported', async () => (await outcomeOf(b, GRANT)) === 'complete');
    // The revoke route has no map of its own and its desk none: Done completes, as before.
    expect((await event(b, '/webhooks/jira-dc', 'other', 'secret-dc', 'Done', 'done', 'Done')).statusCode).toBe(200);
    await waitFor('the revoke reported', async () => (await outcomeOf(b, REVOKE)) === 'complete');
  });

  it('reconciliation reads each desk\'s tickets from that desk, each with its route\'s map', async () => {
    const b = await bridgeWith({ grantsOutcome: { complete: ['Granted'], errored: [] }, otherOutcome: { complete: [], errored: ['Refused'] } });
    // No events: the statuses change in Jira only. Done is in neither map, so nothing is final yet.
    peers.cloud.transition('OPS-1', 'Done', 'done', 'Done');
    peers.other.transition('OPS-1', 'Done', 'done', 'Done');
    expect(await reconcile(b.deps.jobs)).toMatchObject({ checked: 2, reported: 0, errors: 0 });
    peers.cloud.transition('OPS-1', 'Granted', 'indeterminate');
    peers.other.transition('OPS-1', 'Refused', 'done');
    expect(await reconcile(b.deps.jobs)).toMatchObject({ checked: 2, reported: 2, errors: 0 });
    expect(await outcomeOf(b, GRANT)).toBe('complete');
    expect(await outcomeOf(b, REVOKE)).toBe('errored');
  });

  it('a record written before desks had names (no route, ticketSystem = the kind) reads as the kind\'s own desk', async () => {
    const b = await bridgeWith({ grantsOutcome: { complete: ['Granted'], errored: [] } });
    // What an earlier version wrote: the same fields, without ticketRoute; the route's map then does not apply.
    await b.redis.hdel(`${b.prefix}:task:${GRANT.taskId}:${GRANT.stepId}`, 'ticketRoute');
    expect((await event(b, '/webhooks/jira', 'cloud', 'secret-cloud', 'Done', 'done', "Won't Do")).statusCode).toBe(200);
    await waitFor('the grant reported', async () => (await outcomeOf(b, GRANT)) === 'errored');
  });
});
