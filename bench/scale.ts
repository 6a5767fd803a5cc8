/**
 * Scale parts of the bench, each with the bridge as two processes (API, worker) on one Redis and the fakes of
 * test/fakes:
 * - footprint: Redis bytes one finished step leaves (record, history, index, jobs), by MEMORY USAGE of its keys;
 * - reconcile: one reconciliation run over many open Jira issues with Jira rate-limited, and new webhooks sent
 *   meanwhile;
 * - two-desks: a burst split over Jira and ServiceNow, each limited to its own rate.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../src/queue/queues.ts';
import { CorrelationStore } from '../src/store/correlation-store.ts';
import { redisKeys } from '../src/store/redis-keys.ts';
import { taskLabel } from '../src/desks/jira/jira-tickets.ts';
import { startFakeJira, type FakeJira } from '../src/desks/jira/fake-jira.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../src/desks/servicenow/fake-servicenow.ts';
import { waitFor } from '../test/helpers/wait-for.ts';
import { startBridgePair, type BridgePair } from './bridge-processes.ts';
import { BURST_SENDERS, JIRA_EMAIL, JIRA_TOKEN, percentiles, postWebhook, sign, taskBody, ticketLabel, WEBHOOK_SECRET, type PipelineContext } from './pipeline.ts';
import { deleteUnder } from './redis-cleanup.ts';
import { PUBLIC_URL } from './targets/target.ts';

const POLL_MS = 5;
/** Issues one reconciliation search reads (the adapter's JIRA_BATCH_SIZE). */
const SEARCH_BATCH = 100;

export interface ScaleContext extends PipelineContext {
  /** The revoke fixture (Salesforce: routed to ServiceNow in two-desks). */
  revokeFixture: unknown;
}

export interface ScaleSettings {
  footprintSteps: number;
  reconcileTickets: number;
  reconcileRate: number;
  reconcileWebhooks: number;
  twoDesksTasks: number;
  twoDesksJiraRate: number;
  twoDesksSnRate: number;
}

export interface FootprintResult {
  steps: number;
  /** Bytes per finished step by kind of key. */
  perStep: Record<string, number>;
}

export interface ReconcileBenchResult {
  tickets: number;
  rate: number;
  searches: number;
  runSeconds: number;
  idealSeconds: number;
  checked: number;
  errors: number;
  webhooks: number;
  idleP50: number;
  duringP50: number;
  rateLimited: number;
}

export interface DeskDrain {
  desk: string;
  tasks: number;
  rate: number;
  drainSeconds: number;
  idealSeconds: number;
  tickets: number;
  duplicates: number;
  missing: number;
}

export interface ScaleResult {
  footprint: FootprintResult | undefined;
  reconcile: ReconcileBenchResult | undefined;
  twoDesks: DeskDrain[] | undefined;
}

function configLines(context: ScaleContext, prefix: string, jira: FakeJira, sn?: FakeServiceNow): string[] {
  return [
    `server: { host: 127.0.0.1, port: 0, publicUrl: "${PUBLIC_URL}" }`,
    `redis: { url: "${context.redisUrl}", prefix: ${prefix} }`,
    `conductorone: { tenant: ${context.c1.tenant}, jwksUrl: "${context.c1.jwksUrl}", callbackOrigins: ["${context.c1.url}"] }`,
    `jira: { baseUrl: "${jira.url}", email: ${JIRA_EMAIL}, apiToken: ${JIRA_TOKEN}, webhookSecret: ${WEBHOOK_SECRET} }`,
    ...(sn === undefined
      ? []
      : [
          `servicenow: { instanceUrl: "${sn.url}", username: bridge, password: sn-password }`,
          'routes: [{ name: salesforce, match: { appName: Salesforce }, servicenow: { table: sc_task } }]',
        ]),
    'defaultRoute: { jira: { project: OPS } }',
    'reconcile: { intervalSeconds: 0 }',
    'logging: { level: info }',
  ];
}

/** Sends every body (signed at once), `BURST_SENDERS` at a time; C1 retries a non-2xx answer with a new token. */
async function sendAll(context: ScaleContext, address: string, bodies: readonly string[]): Promise<void> {
  const tokens = await Promise.all(bodies.map((body) => sign(context, body)));
  let next = 0;
  await Promise.all(
    Array.from({ length: BURST_SENDERS }, async () => {
      for (let i = next++; i < bodies.length; i = next++) {
        let token = tokens[i] ?? '';
        while ((await postWebhook(address, bodies[i] ?? '', token)) !== 202) token = await sign(context, bodies[i] ?? '');
      }
    }),
  );
}

/** What a key under the prefix holds, for the footprint table. */
function keyKind(name: string): string {
  if (/^task:.*:history$/.test(name)) return 'history';
  if (name.startsWith('task:')) return 'record';
  if (/^(ticket|ticket-id|steps):/.test(name) || name === 'open') return 'index';
  if (name.startsWith('jti:')) return 'token replay (expires with the token)';
  const queue = Object.values(QUEUE_NAMES).find((q) => name.startsWith(`${q}:`));
  if (queue !== undefined && name.slice(queue.length + 1).includes('|')) return 'job';
  return 'queue-wide (event stream, job sets)';
}

async function measureFootprint(context: ScaleContext, steps: number): Promise<FootprintResult> {
  const jira = await startFakeJira({ email: JIRA_EMAIL, apiToken: JIRA_TOKEN });
  const prefix = `bench-fp-${randomUUID().slice(0, 8)}`;
  let pair: BridgePair | undefined;
  try {
    pair = await startBridgePair(context.dir, 'footprint', configLines(context, prefix, jira));
    const run = randomUUID().slice(0, 8);
    const tasks = Array.from({ length: steps }, (_, i) => `fp-${run}-${String(i)}`);
    console.log(`footprint: ${String(steps)} steps through ticket, resolution, callback and comment`);
    await sendAll(context, pair.address, tasks.map((task) => taskBody(context, task)));
    const keys = redisKeys(prefix);
    await waitFor('every ticket recorded', async () => (await Promise.all(tasks.map((t) => context.redis.hget(keys.record(t, `${t}-step`), 'ticketKey')))).every((k) => k !== null), 120_000, 50);
    for (const issue of [...jira.issues.values()]) {
      const event = JSON.stringify(jira.transition(issue.key, 'Done', 'done', 'Done'));
      const answer = await fetch(`${pair.address}/webhooks/jira`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(event, WEBHOOK_SECRET), 'x-atlassian-webhook-identifier': randomUUID() },
        body: event,
      });
      await answer.arrayBuffer();
    }
    await waitFor('every step reported and commented', () => [...jira.issues.values()].every((issue) => issue.comments.length > 0), 120_000, 50);
    await waitFor('every record reported', async () => (await Promise.all(tasks.map((t) => context.redis.hget(keys.record(t, `${t}-step`), 'state')))).every((s) => s === 'reported'), 60_000, 50);
    await sleep(1000);
    const perKind: Record<string, number> = {};
    let cursor = '0';
    do {
      const [nextCursor, batch] = await context.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      const sizes = await Promise.all(batch.map((key) => context.redis.memory('USAGE', key, 'SAMPLES', '0')));
      batch.forEach((key, i) => {
        const kind = keyKind(key.slice(prefix.length + 1));
        perKind[kind] = (perKind[kind] ?? 0) + Number(sizes[i] ?? 0);
      });
    } while (cursor !== '0');
    return { steps, perStep: Object.fromEntries(Object.entries(perKind).map(([kind, bytes]) => [kind, bytes / steps])) };
  } finally {
    await pair?.stop();
    await jira.close();
    await deleteUnder(context.redis, prefix);
  }
}

/** Sends `count` webhooks, one every `spacingMs` without waiting for answers; answers each one's time to its Jira issue. */
async function pacedWebhooks(context: ScaleContext, address: string, jira: FakeJira, label: string, count: number, spacingMs: number): Promise<number[]> {
  const tasks = Array.from({ length: count }, (_, i) => `${label}-${String(i)}`);
  const bodies = tasks.map((task) => taskBody(context, task));
  const tokens = await Promise.all(bodies.map((body) => sign(context, body)));
  const sentAt = new Map<string, number>();
  const started = performance.now();
  await Promise.all(
    tasks.map(async (task, i) => {
      await sleep(Math.max(0, started + i * spacingMs - performance.now()));
      sentAt.set(taskLabel(task), performance.now());
      const status = await postWebhook(address, bodies[i] ?? '', tokens[i] ?? '');
      if (status !== 202) throw new Error(`reconcile: a webhook was answered ${String(status)}`);
    }),
  );
  const wanted = new Set(tasks.map((task) => taskLabel(task)));
  const found = () => [...jira.issues.values()].filter((issue) => wanted.has(ticketLabel(issue.fields.labels) ?? ''));
  await waitFor('the paced webhooks’ issues', () => found().length >= count, 120_000, 50);
  return found().map((issue) => issue.createdAt - (sentAt.get(ticketLabel(issue.fields.labels) ?? '') ?? issue.createdAt));
}

async function seedOpenIssues(redis: Redis, prefix: string, jira: FakeJira, count: number): Promise<void> {
  const store = new CorrelationStore(redis, redisKeys(prefix));
  const at = new Date().toISOString();
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      for (let n = next++; n < count; n = next++) {
        const id = String(900_000 + n);
        const key = `REC-${String(n)}`;
        const taskId = `rec-${String(n)}`;
        jira.issues.set(key, {
          id,
          key,
          fields: { labels: [taskLabel(taskId)], summary: 'open', description: null, project: { key: 'REC' } },
          properties: {},
          status: { name: 'To Do', category: 'new' },
          resolution: null,
          comments: [],
          createdAt: -1e12,
        });
        await store.registerDelivery({ taskId, stepId: 'step', kind: 'grant', callbackUrl: `${PUBLIC_URL}/unused/${randomBytes(4).toString('hex')}`, at });
        await store.markTicketCreated(taskId, 'step', { system: 'jira', key, id, url: `${jira.url}/browse/${key}`, container: 'REC' }, at);
      }
    }),
  );
}

async function finishedRun(logFile: string, timeoutMs: number): Promise<{ seconds: number; checked: number; errors: number }> {
  const line = await waitFor(
    'the reconciliation run to finish',
    async () => (await readFile(logFile, 'utf8')).split('\n').find((l) => l.includes('"msg":"reconciliation run finished"')),
    timeoutMs,
    50,
  );
  return JSON.parse(line) as { seconds: number; checked: number; errors: number };
}

async function measureReconcile(context: ScaleContext, settings: ScaleSettings): Promise<ReconcileBenchResult> {
  const jira = await startFakeJira({ email: JIRA_EMAIL, apiToken: JIRA_TOKEN });
  const prefix = `bench-rec-${randomUUID().slice(0, 8)}`;
  let pair: BridgePair | undefined;
  const queue = new Queue(QUEUE_NAMES.reconcile, { connection: context.redis.duplicate(), prefix });
  try {
    pair = await startBridgePair(context.dir, 'reconcile', configLines(context, prefix, jira));
    const run = randomUUID().slice(0, 8);
    jira.rateLimit(settings.reconcileRate);
    // Webhooks arrive at half the create rate, so that they alone never meet Jira's limit.
    const spacingMs = 2000 / settings.reconcileRate;
    console.log(`reconcile: idle latency of ${String(settings.reconcileWebhooks)} webhooks, one every ${spacingMs.toFixed(0)} ms; Jira allows ${String(settings.reconcileRate)} calls/s per endpoint`);
    const idle = await pacedWebhooks(context, pair.address, jira, `idle-${run}`, settings.reconcileWebhooks, spacingMs);
    console.log(`reconcile: seeding ${settings.reconcileTickets.toLocaleString('en-US')} open issues`);
    await seedOpenIssues(context.redis, prefix, jira, settings.reconcileTickets);
    const searchesBefore = jira.requests.filter((r) => r.path === '/rest/api/3/search/jql').length;
    jira.rateLimit(settings.reconcileRate);
    await sleep(1100);
    console.log('reconcile: one run, with the same webhooks sent meanwhile');
    await queue.add('reconcile', {});
    const [during, finished] = await Promise.all([
      pacedWebhooks(context, pair.address, jira, `during-${run}`, settings.reconcileWebhooks, spacingMs),
      finishedRun(pair.worker.logFile, 600_000),
    ]);
    const searches = jira.requests.filter((r) => r.path === '/rest/api/3/search/jql').length - searchesBefore;
    return {
      tickets: settings.reconcileTickets,
      rate: settings.reconcileRate,
      searches,
      runSeconds: finished.seconds,
      // Every open issue is read: the seeded ones and the idle webhooks' (still open) alike.
      idealSeconds: Math.ceil(finished.checked / SEARCH_BATCH) / settings.reconcileRate,
      checked: finished.checked,
      errors: finished.errors,
      webhooks: settings.reconcileWebhooks,
      idleP50: percentiles(idle).p50,
      duringP50: percentiles(during).p50,
      rateLimited: jira.rateLimited,
    };
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await pair?.stop();
    await jira.close();
    await deleteUnder(context.redis, prefix);
  }
}

async function measureTwoDesks(context: ScaleContext, settings: ScaleSettings): Promise<DeskDrain[]> {
  const [jira, sn] = await Promise.all([startFakeJira({ email: JIRA_EMAIL, apiToken: JIRA_TOKEN }), startFakeServiceNow()]);
  const prefix = `bench-2d-${randomUUID().slice(0, 8)}`;
  let pair: BridgePair | undefined;
  try {
    pair = await startBridgePair(context.dir, 'two-desks', configLines(context, prefix, jira, sn));
    const run = randomUUID().slice(0, 8);
    const n = settings.twoDesksTasks;
    const jiraTasks = Array.from({ length: n }, (_, i) => `2dj-${run}-${String(i)}`);
    const snTasks = Array.from({ length: n }, (_, i) => `2ds-${run}-${String(i)}`);
    const revoke = { ...context, fixture: context.revokeFixture };
    const bodies = jiraTasks.flatMap((task, i) => [taskBody(context, task), taskBody(revoke, snTasks[i] ?? '')]);
    jira.rateLimit(settings.twoDesksJiraRate);
    sn.rateLimit(settings.twoDesksSnRate);
    console.log(`two-desks: ${n.toLocaleString('en-US')} Jira + ${n.toLocaleString('en-US')} ServiceNow tasks at once; Jira ${String(settings.twoDesksJiraRate)} calls/s, ServiceNow ${String(settings.twoDesksSnRate)} calls/s`);
    const cpuAtStart = await Promise.all([pair.api.cpuSeconds(), pair.worker.cpuSeconds()]);
    const started = performance.now();
    let snDrained: number | undefined;
    let cpuAtSn: Promise<Array<number | undefined>> | undefined;
    const snCount = () => sn.tables.get('sc_task')?.size ?? 0;
    // When the last webhook was answered: a desk cannot drain before its tasks have arrived.
    const sending = sendAll(context, pair.address, bodies).then(() => {
      console.log(`two-desks: every webhook answered after ${((performance.now() - started) / 1000).toFixed(1)} s`);
    });
    await waitFor(
      'both desks drained',
      () => {
        if (snDrained === undefined && snCount() >= n) {
          snDrained = performance.now();
          cpuAtSn = Promise.all([pair?.api.cpuSeconds(), pair?.worker.cpuSeconds()]);
        }
        return snDrained !== undefined && jira.issues.size >= n;
      },
      Math.max(120_000, (n / settings.twoDesksJiraRate) * 3000),
      POLL_MS,
    );
    await sending;
    // Cores each bridge process kept busy over the whole part: a worker near one core sets the desks' pace itself.
    const coresUntil = async (label: string, at: number, marks: Promise<Array<number | undefined>>) => {
      const wall = (at - started) / 1000;
      const ends = await marks;
      const cores = ends.map((end, i) => {
        const begin = cpuAtStart[i];
        return end === undefined || begin === undefined ? 'unknown' : ((end - begin) / wall).toFixed(2);
      });
      console.log(`two-desks: cores busy until ${label} (${wall.toFixed(1)} s): API process ${cores[0] ?? 'unknown'}, worker process ${cores[1] ?? 'unknown'}`);
    };
    if (snDrained !== undefined && cpuAtSn !== undefined) await coresUntil('ServiceNow drained', snDrained, cpuAtSn);
    await coresUntil('both drained', performance.now(), Promise.all([pair.api.cpuSeconds(), pair.worker.cpuSeconds()]));
    await sleep(1000);
    console.log(`two-desks: calls answered 429: Jira ${String(jira.rateLimited)}, ServiceNow ${String(sn.rateLimited)}`);
    const issues = [...jira.issues.values()];
    const labels = new Set(issues.map((issue) => ticketLabel(issue.fields.labels)));
    const records = [...(sn.tables.get('sc_task')?.values() ?? [])];
    const correlations = new Set(records.map((record) => record.correlation_id.split(':')[0]));
    const ideal = (rate: number) => Math.max(n - rate, 1) / rate;
    return [
      {
        desk: 'jira',
        tasks: n,
        rate: settings.twoDesksJiraRate,
        drainSeconds: (Math.max(...issues.map((issue) => issue.createdAt)) - started) / 1000,
        idealSeconds: ideal(settings.twoDesksJiraRate),
        tickets: issues.length,
        duplicates: issues.length - labels.size,
        missing: jiraTasks.filter((task) => !labels.has(taskLabel(task))).length,
      },
      {
        desk: 'servicenow',
        tasks: n,
        rate: settings.twoDesksSnRate,
        drainSeconds: ((snDrained ?? performance.now()) - started) / 1000,
        idealSeconds: ideal(settings.twoDesksSnRate),
        tickets: records.length,
        duplicates: records.length - correlations.size,
        missing: snTasks.filter((task) => !correlations.has(task)).length,
      },
    ];
  } finally {
    await pair?.stop();
    await Promise.all([jira.close(), sn.close()]);
    await deleteUnder(context.redis, prefix);
  }
}

export async function runScale(context: ScaleContext, settings: ScaleSettings, parts: { footprint: boolean; reconcile: boolean; twoDesks: boolean }): Promise<ScaleResult> {
  return {
    footprint: parts.footprint ? await measureFootprint(context, settings.footprintSteps) : undefined,
    reconcile: parts.reconcile ? await measureReconcile(context, settings) : undefined,
    twoDesks: parts.twoDesks ? await measureTwoDesks(context, settings) : undefined,
  };
}
