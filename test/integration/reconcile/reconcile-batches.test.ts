import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/jobs/reconcile.ts';
import { redisKeys } from '../../../src/store/redis-keys.ts';
import type { TicketRef } from '../../../src/domain/ticket.ts';
import { startOnBothDesks, useBothDesks } from '../../helpers/desk-peers.ts';
import type { TestBridge } from '../../helpers/test-bridge.ts';

// Reconciliation reads open tickets in the desk's batches: Jira Cloud's JQL search (POST /rest/api/3/search/jql,
// `id in (…)`, paged by nextPageToken) and ServiceNow's Table API (`sysparm_query=sys_idIN…` with `sysparm_fields`).
const peers = useBothDesks();

const start = (concurrency = 2) => startOnBothDesks(peers, { reconcile: { intervalSeconds: 0, concurrency } });

/** `count` open Jira issues, each recorded for its own step as the create job records it. */
async function openJiraIssues(b: TestBridge, count: number, from = 0): Promise<TicketRef[]> {
  const refs: TicketRef[] = [];
  for (let n = from; n < from + count; n += 1) {
    const id = String(50_000 + n);
    const key = `OPS-${n.toString()}`;
    peers.jira.issues.set(key, {
      id,
      key,
      fields: { labels: [], summary: 's', description: null, project: { key: 'OPS' } },
      properties: {},
      status: { name: 'To Do', category: 'new' },
      resolution: null,
      comments: [],
      createdAt: -1e12,
    });
    refs.push(await record(b, `jira-task-${n.toString()}`, { system: 'jira', key, id, url: `${peers.jira.url}/browse/${key}`, container: 'OPS' }));
  }
  return refs;
}

async function openSnRecords(b: TestBridge, count: number): Promise<TicketRef[]> {
  const refs: TicketRef[] = [];
  const rows = peers.sn.tables.get('sc_task') ?? new Map();
  peers.sn.tables.set('sc_task', rows);
  for (let n = 0; n < count; n += 1) {
    const sysId = randomBytes(16).toString('hex');
    const number = `SCTASK${String(20_000 + n).padStart(7, '0')}`;
    rows.set(sysId, { sys_id: sysId, number, state: '1', correlation_id: `sn-task-${n.toString()}:step` });
    refs.push(await record(b, `sn-task-${n.toString()}`, { system: 'servicenow', key: number, id: sysId, url: `${peers.sn.url}/sc_task.do?sys_id=${sysId}`, container: 'sc_task' }));
  }
  return refs;
}

async function record(b: TestBridge, taskId: string, ticket: TicketRef): Promise<TicketRef> {
  const at = new Date().toISOString();
  await b.deps.correlationStore.registerDelivery({ taskId, stepId: 'step', kind: 'grant', callbackUrl: peers.c1.callbackUrl(`rec-${taskId}`), at });
  await b.deps.correlationStore.markTicketCreated(taskId, 'step', ticket, at);
  return ticket;
}

const searches = () => peers.jira.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/search/jql');
const jiraGets = () => peers.jira.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/rest/api/3/issue/'));
const snReads = () => peers.sn.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/now/table/sc_task'));
const outcome = async (b: TestBridge, taskId: string) => (await b.deps.correlationStore.get(taskId, 'step'))?.fields['outcome'];

describe('reconciliation in batches', () => {
  it('reads 250 open Jira issues with one JQL id search per 100, only status and resolution, and reports the final ones', async () => {
    const b = await start();
    const refs = await openJiraIssues(b, 250);
    peers.jira.transition('OPS-7', 'Done', 'done', 'Done');
    peers.jira.transition('OPS-180', 'Done', 'done', "Won't Do");

    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 250, reported: 2, errors: 0 });
    expect(searches()).toHaveLength(3);
    const bodies = searches().map((r) => JSON.parse(r.body) as { jql: string; fields: string[]; maxResults: number });
    expect(bodies.map((body) => body.fields)).toEqual([['status', 'resolution'], ['status', 'resolution'], ['status', 'resolution']]);
    const asked = bodies.flatMap((body) => /^id in \(([\d, ]+)\)$/.exec(body.jql)?.[1]?.split(', ') ?? []);
    expect(asked.sort()).toEqual(refs.map((ref) => ref.id).sort());
    expect(Math.max(...bodies.map((body) => body.maxResults))).toBe(100);
    expect(jiraGets()).toHaveLength(0);
    expect(await outcome(b, 'jira-task-7')).toBe('complete');
    expect(await outcome(b, 'jira-task-180')).toBe('errored');
    expect(await b.deps.correlationStore.openMembers()).toHaveLength(248);
  });

  it('follows nextPageToken when Jira pages a batch', async () => {
    const b = await start();
    await openJiraIssues(b, 100);
    peers.jira.searchPageLimit = 30;
    peers.jira.transition('OPS-99', 'Done', 'done', 'Done');
    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 100, reported: 1, errors: 0 });
    expect(searches()).toHaveLength(4);
    expect(jiraGets()).toHaveLength(0);
  });

  it('a ticket missing from the batch is read once by id: deleted ones are reported, ones the search does not show yet stay open', async () => {
    const b = await start();
    await openJiraIssues(b, 5);
    peers.jira.remove('OPS-2');
    // A fresh issue Jira's search does not show yet (its index lags): the read by id finds it open.
    peers.jira.indexLag(60_000);
    const fresh = peers.jira.issues.get('OPS-4');
    if (fresh === undefined) throw new Error('no OPS-4');
    fresh.createdAt = performance.now();

    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 5, reported: 1, errors: 0 });
    expect(jiraGets().map((r) => r.path.split('?')[0]).sort()).toEqual(['/rest/api/3/issue/50002', '/rest/api/3/issue/50004']);
    const deleted = await b.deps.correlationStore.get('jira-task-2', 'step');
    expect(deleted?.fields['outcome']).toBe('errored');
    expect(deleted?.fields['outcomeComment']).toMatch(/deleted/i);
    expect(await outcome(b, 'jira-task-4')).toBeUndefined();
  });

  it('reads ServiceNow records with sys_idIN and sysparm_fields, 100 a query', async () => {
    const b = await start();
    const refs = await openSnRecords(b, 150);
    const closed = refs[120];
    if (closed === undefined) throw new Error('no record');
    peers.sn.setState('sc_task', closed.id, 3);

    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 150, reported: 1, errors: 0 });
    const reads = snReads().map((r) => new URL(r.path, 'http://sn').searchParams);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(reads.length).toBeLessThanOrEqual(3);
    for (const query of reads) {
      expect(query.get('sysparm_query')).toMatch(/^sys_idIN[0-9a-f]{32}(,[0-9a-f]{32})*$/);
      expect(query.get('sysparm_fields')).toBe('sys_id,number,state');
      expect(query.get('sysparm_limit')).toBe('100');
    }
    expect(await outcome(b, 'sn-task-120')).toBe('complete');
  });

  it('two overlapping runs: one does the work, the other is skipped', async () => {
    const b = await start();
    await openJiraIssues(b, 120);
    peers.jira.transition('OPS-3', 'Done', 'done', 'Done');
    // The first search is slow, so the second run starts while the first holds the lock.
    peers.jira.inject([{ delayMs: 300 }], { method: 'POST', pathPrefix: '/rest/api/3/search/jql' });
    const [first, second] = await Promise.all([reconcile(b.deps.jobs), new Promise((resolve) => setTimeout(resolve, 50)).then(() => reconcile(b.deps.jobs))]);
    const runs = [first, second];
    expect(runs.filter((run) => run.skipped === true)).toHaveLength(1);
    expect(runs.find((run) => run.skipped !== true)).toEqual({ checked: 120, reported: 1, errors: 0 });
    expect(searches()).toHaveLength(2);
    expect(await b.deps.metrics.registry.getSingleMetricAsString('c1tb_reconcile_runs_total')).toMatch(/result="skipped"\} 1/);
    // Once the run is over the lock is free: the next run runs.
    expect((await reconcile(b.deps.jobs)).skipped).toBeUndefined();
  });

  it('a 429 on a batch pauses the desk for every job (create-ticket too) and the batch is read after Retry-After', async () => {
    const b = await start(1);
    await openJiraIssues(b, 150);
    peers.jira.inject([{ status: 429, retryAfterSeconds: 1 }], { method: 'POST', pathPrefix: '/rest/api/3/search/jql' });
    const run = reconcile(b.deps.jobs);
    await expect.poll(() => b.deps.jobs.pace.waitMs('jira')).toBeGreaterThan(0);
    expect(await b.deps.jobs.pace.waitMs('servicenow')).toBe(0);
    expect(await run).toEqual({ checked: 150, reported: 0, errors: 0 });
    expect(searches()).toHaveLength(3);
    expect(peers.jira.issues.size).toBe(150);
  });

  it('members whose record expired leave the open set; run size, duration and outcome are metrics', async () => {
    const b = await start();
    await openJiraIssues(b, 3);
    const keys = redisKeys(b.prefix);
    // Expiry as records.retentionDays makes it: the record and its history are gone, the open set still names them.
    await b.redis.del(keys.record('jira-task-1', 'step'), keys.history('jira-task-1', 'step'));
    await b.redis.sadd(keys.open(), 'not a step');

    expect(await reconcile(b.deps.jobs)).toEqual({ checked: 2, reported: 0, errors: 0, expired: 2 });
    expect((await b.deps.correlationStore.openMembers()).length).toBe(2);
    const metrics = await b.deps.metrics.registry.metrics();
    expect(metrics).toMatch(/c1tb_reconcile_expired_total 2/);
    expect(metrics).toMatch(/c1tb_reconcile_run_tickets\{desk="jira"\} 2/);
    expect(metrics).toMatch(/c1tb_reconcile_run_duration_seconds_count\{result="ok"\} 1/);
    expect(metrics).toMatch(/c1tb_reconcile_runs_total\{result="ok"\} 1/);
  });
});
