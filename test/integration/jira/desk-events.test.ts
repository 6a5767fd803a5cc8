import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { redisKeys } from '../../../src/store/redis-keys.ts';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { startFakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { useDeskPeers } from '../../helpers/desk-peers.ts';
import { checksSettled } from '../../helpers/ticket-checks.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Jira events are hints: the bridge reads the issue it recorded (by id) and decides from what Jira says.
const TOKEN = 'jira-automation-token';
const TASK = '2pQdTask0001';
const STEP = '2pQdStepProv';

const peers = useDeskPeers(() => startFakeJira());

/** A bridge with one open Jira issue (OPS-1) for the grant fixture's step. */
async function withOpenIssue(): Promise<TestBridge> {
  const b = await startTestBridge({
    c1: peers.c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
      jira: { baseUrl: peers.desk.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: TOKEN, indexLagSeconds: 0 },
      defaultRoute: { jira: { project: 'OPS' } },
      jobs: { attempts: 3, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  peers.bridge = b;
  await b.deps.startWorkers();
  const grant = loadFixture('provision-grant');
  grant.callbackUrl = peers.c1.callbackUrl(`desk-${randomUUID()}`);
  expect((await b.deliver(grant)).statusCode).toBe(202);
  await waitFor('the issue on record', async () => (await b.deps.correlationStore.get(TASK, STEP))?.state === 'ticket_created');
  return b;
}

/** Posts a body as anyone holding the shared X-Bridge-Token can (a Jira Automation rule sends it the same way). */
async function post(b: TestBridge, body: object) {
  const answer = await b.app.inject({ method: 'POST', url: '/webhooks/jira', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-bridge-token': TOKEN } });
  expect(answer.statusCode).toBe(200);
  return answer.json<Record<string, unknown>>();
}

const claimDone = (id: string, key: string, webhookEvent = 'jira:issue_updated') => ({
  webhookEvent,
  issue: { id, key, fields: { status: { name: 'Done', statusCategory: { key: 'done' } }, resolution: { name: 'Done' } } },
});

const state = async (b: TestBridge) => (await b.deps.correlationStore.get(TASK, STEP))?.state;
const callbackBody = async () => JSON.parse((await waitFor('the callback', () => peers.c1.callbacks[0])).body) as Record<string, { comment: string } | undefined>;
const issueReads = (id: string) => peers.desk.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/rest/api/3/issue/${id}?`)).length;

describe('Jira events are hints; Jira is the truth', () => {
  it('a forged body claiming Done (or deleted) for an issue still open in Jira sends no callback', async () => {
    const b = await withOpenIssue();
    const issue = peers.desk.issues.get('OPS-1');
    if (issue === undefined) throw new Error('no issue');
    expect(await post(b, claimDone(issue.id, issue.key))).toEqual({ status: 'accepted' });
    expect(await post(b, claimDone(issue.id, issue.key, 'jira:issue_deleted'))).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(issueReads(issue.id)).toBe(2);
    expect(await state(b)).toBe('ticket_created');
    expect(peers.c1.callbacks).toEqual([]);
    expect(await b.deps.correlationStore.openSteps()).toEqual([{ taskId: TASK, stepId: STEP }]);
  });

  it('a stale or out-of-order event is decided by what Jira says when it is read', async () => {
    const b = await withOpenIssue();
    const doneEvent = peers.desk.transition('OPS-1', 'Done', 'done', 'Done');
    const reopenedEvent = peers.desk.transition('OPS-1', 'To Do', 'new');
    // The Done event arrives after the issue was reopened: Jira says open, nothing is reported.
    expect(await post(b, doneEvent)).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(peers.c1.callbacks).toEqual([]);
    // The issue is done again, and the event that arrives is the stale "To Do" one: Jira says Done.
    peers.desk.transition('OPS-1', 'Done', 'done', "Won't Do");
    expect(await post(b, reopenedEvent)).toEqual({ status: 'accepted' });
    const sent = await callbackBody();
    expect(Object.keys(sent)).toEqual(['version', 'errored']);
    expect(sent['errored']?.comment).toContain(`resolution "Won't Do"`);
  });

  it('an issue moved to another project (new key, same id) is matched by id and completes its task', async () => {
    const b = await withOpenIssue();
    const moved = peers.desk.move('OPS-1', 'ACC');
    const issue = [...peers.desk.issues.values()][0];
    if (issue === undefined) throw new Error('no issue');
    expect(issue.key).not.toBe('OPS-1');
    expect(await post(b, moved)).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(peers.c1.callbacks).toEqual([]);
    expect(await post(b, peers.desk.transition(issue.key, 'Done', 'done', 'Done'))).toEqual({ status: 'accepted' });
    const sent = await callbackBody();
    expect(Object.keys(sent)).toEqual(['version', 'complete']);
    expect(sent['complete']?.comment).toMatch(new RegExp(`^Jira issue ${issue.key} \\(.*/browse/${issue.key}\\) was resolved`));
    await waitFor('the comment on the moved issue', () => issue.comments[0]);
    expect(adfToText(issue.comments[0]?.body)).toBe('The bridge reported this task to ConductorOne as complete.');
  });

  it('a deleted issue (jira:issue_deleted) is reported errored once, saying so, and leaves the open tickets', async () => {
    const b = await withOpenIssue();
    const deleted = peers.desk.remove('OPS-1');
    expect(await post(b, deleted)).toEqual({ status: 'accepted' });
    const sent = await callbackBody();
    expect(sent['errored']?.comment).toMatch(/^Jira issue OPS-1 \(.*\/browse\/OPS-1\) was deleted before it was resolved/);
    await waitFor('the record to be reported', async () => (await state(b)) === 'reported');
    expect(await b.deps.correlationStore.openSteps()).toEqual([]);
    expect(await post(b, deleted)).toEqual({ status: 'already_reported', outcome: 'errored' });
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 0, reported: 0, errors: 0 });
    expect(peers.c1.callbacks).toHaveLength(1);
  });

  it('an issue deleted without an event: reconciliation reads 404, reports errored once, and stops warning', async () => {
    const b = await withOpenIssue();
    peers.desk.remove('OPS-1');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 1, errors: 0 });
    expect((await callbackBody())['errored']?.comment).toContain('was deleted');
    expect(b.logs.find((line) => line['msg'] === 'the ticket was deleted in the desk: reported errored')).toMatchObject({ taskId: TASK, ticket: 'OPS-1' });
    for (let run = 0; run < 3; run += 1) expect(await reconcile(b.deps.jobs)).toEqual({ checked: 0, reported: 0, errors: 0 });
    expect(b.logs.find((line) => line['msg'] === 'reconciliation could not read the ticket')).toBeUndefined();
    await waitFor('the record to be reported', async () => (await state(b)) === 'reported');
    expect(peers.c1.callbacks).toHaveLength(1);
  });

  it('a record indexed by issue key (earlier versions) still matches, and reconciliation indexes it by id', async () => {
    const b = await withOpenIssue();
    const keys = redisKeys(b.prefix);
    const issue = peers.desk.issues.get('OPS-1');
    if (issue === undefined) throw new Error('no issue');
    // What an earlier version wrote: the key index only.
    const step = await b.redis.get(keys.ticketById('jira', issue.id));
    if (step === null) throw new Error('no id index');
    await b.redis.multi().del(keys.ticketById('jira', issue.id)).set(keys.ticket('jira', 'OPS-1'), step).exec();
    expect(await post(b, { issue: { key: 'OPS-1' } })).toEqual({ status: 'accepted' });
    await checksSettled(b);
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 1, reported: 0, errors: 0 });
    expect(await b.redis.get(keys.ticketById('jira', issue.id))).toBe(step);
    const moved = peers.desk.move('OPS-1', 'ACC');
    peers.desk.transition(issue.key, 'Done', 'done', 'Done');
    expect(await post(b, moved)).toEqual({ status: 'accepted' });
    expect(Object.keys(await callbackBody())).toEqual(['version', 'complete']);
  });

  it('the route answers without reading Jira; a check that Jira answers 500 is retried and then decides', async () => {
    const b = await withOpenIssue();
    const issue = peers.desk.issues.get('OPS-1');
    if (issue === undefined) throw new Error('no issue');
    const done = peers.desk.transition('OPS-1', 'Done', 'done', 'Done');
    peers.desk.inject([{ status: 500 }, { status: 503 }], { method: 'GET', pathPrefix: `/rest/api/3/issue/${issue.id}` });
    const readsBefore = issueReads(issue.id);
    // With the checks paused, what the route alone does is seen: it answers, and Jira was not called.
    await b.deps.queues.checkTicket.pause();
    expect(await post(b, done)).toEqual({ status: 'accepted' });
    expect(issueReads(issue.id)).toBe(readsBefore);
    expect(await b.deps.queues.checkTicket.getWaitingCount()).toBe(1);
    await b.deps.queues.checkTicket.resume();
    expect(Object.keys(await callbackBody())).toEqual(['version', 'complete']);
    expect(issueReads(issue.id)).toBe(readsBefore + 3);
  });

  it('events about issues the bridge did not open are ignored without reading Jira', async () => {
    const b = await withOpenIssue();
    const before = peers.desk.requests.length;
    expect(await post(b, claimDone('99999', 'HR-9'))).toEqual({ status: 'ignored', reason: 'not a bridge ticket' });
    expect(await post(b, { webhookEvent: 'jira:issue_updated', issue: {} })).toEqual({ status: 'ignored', reason: 'not an issue event' });
    await checksSettled(b);
    expect(peers.desk.requests.length).toBe(before);
  });
});
