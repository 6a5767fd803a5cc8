/**
 * The whole path, with the bridge run as an operator runs it (an API process and a worker process on one Redis) and
 * the fakes from src/sandbox answering at once:
 * - latency: one task at a time, the time from sending the webhook to Jira receiving the create call, and from sending
 *   Jira's resolution webhook to ConductorOne receiving the callback;
 * - burst: N tasks at once with the fake Jira holding every endpoint to a configured rate (its burst limit answers 429
 *   with Retry-After beyond it): how long until every task has its ticket, and whether any has two;
 * - memory: each process's peak resident set over both.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { redisKeys } from '../src/store/redis-keys.ts';
import { taskLabel } from '../src/desks/jira/jira-tickets.ts';
import type { FakeConductorOne } from '../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../src/desks/jira/fake-jira.ts';
import { waitFor } from '../test/helpers/wait-for.ts';
import { startBridgePair, type BridgeProcess } from './bridge-processes.ts';
import { percentile } from './percentile.ts';
import { deleteUnder } from './redis-cleanup.ts';
import { AUDIENCE, HTU, PUBLIC_URL } from './targets/target.ts';

/** The fake Jira's credentials and webhook secret, the same for every part. */
export const WEBHOOK_SECRET = 'bench-jira-webhook-secret';
export const JIRA_EMAIL = 'bridge@acme.example';
export const JIRA_TOKEN = 'jira-api-token';
/** Tasks sent before the latency is measured, so the JIT, the connections and the JWKS cache are warm. */
const LATENCY_WARMUP = 20;
/** Concurrent senders of the burst: C1 delivers in parallel, and a burst should reach the bridge at once. */
export const BURST_SENDERS = 32;
/** Polling the fakes often keeps the unmeasured gaps between tasks short; the timings come from the fakes' stamps. */
const POLL_MS = 2;

export interface PipelineSettings {
  latencyTasks: number;
  burstTasks: number;
  /** Calls per second the fake Jira allows per endpoint. */
  jiraRate: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyResult {
  tasks: number;
  /** Milliseconds from sending the webhook to its answer. */
  answer: Percentiles;
  /** Milliseconds from sending the webhook to Jira receiving the call that created the ticket. */
  webhookToTicket: Percentiles;
  /** Milliseconds from sending Jira's resolution webhook to ConductorOne receiving the callback. */
  resolutionToCallback: Percentiles;
}

export interface BurstResult {
  tasks: number;
  jiraRate: number;
  /** Seconds from the first webhook sent to the last ticket created. */
  drainSeconds: number;
  /** Seconds the configured rate needs for that many tickets, the first second's worth (the full bucket) aside. */
  idealSeconds: number;
  /** Seconds until every webhook of the burst was answered 202. */
  ingestSeconds: number;
  tickets: number;
  duplicates: number;
  missing: number;
  jiraCalls: number;
  rateLimited: number;
  deliveryRetries: number;
}

export interface PipelineResult {
  latency: LatencyResult | undefined;
  burst: BurstResult | undefined;
  peakRssMiB: { api: number | undefined; worker: number | undefined };
}

export interface PipelineContext {
  redis: Redis;
  redisUrl: string;
  c1: FakeConductorOne;
  fixture: unknown;
  dir: string;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) };
}

interface Fixture {
  callbackUrl: string;
  payload: { taskView: { task: { id: string; policy: { current: { id: string } } } } };
}

export function taskBody(context: Pick<PipelineContext, 'fixture' | 'c1'>, taskId: string): string {
  const copy = structuredClone(context.fixture) as Fixture;
  copy.payload.taskView.task.id = taskId;
  copy.payload.taskView.task.policy.current.id = `${taskId}-step`;
  copy.callbackUrl = context.c1.callbackUrl(`cb-${taskId}`);
  return JSON.stringify(copy);
}

const LABEL_PREFIX = taskLabel('');

export function ticketLabel(issueLabels: readonly string[]): string | undefined {
  return issueLabels.find((label) => label.startsWith(LABEL_PREFIX));
}

interface Running {
  api: BridgeProcess;
  worker: BridgeProcess;
  address: string;
  prefix: string;
  jira: FakeJira;
}

export async function postWebhook(address: string, body: string, token: string): Promise<number> {
  const response = await fetch(`${address}/webhooks/conductorone`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

export const sign = (context: Pick<PipelineContext, 'c1'>, body: string): Promise<string> => context.c1.sign(body, AUDIENCE, HTU, { alg: 'ES256' });

async function measureLatency(running: Running, context: PipelineContext, tasks: number): Promise<LatencyResult> {
  const { jira, address, prefix } = running;
  const answer: number[] = [];
  const toTicket: number[] = [];
  const toCallback: number[] = [];
  const run = randomUUID().slice(0, 8);
  for (let i = 0; i < LATENCY_WARMUP + tasks; i += 1) {
    const taskId = `lat-${run}-${String(i)}`;
    const body = taskBody(context, taskId);
    const token = await sign(context, body);
    const issuesBefore = jira.issues.size;
    const sent = performance.now();
    const status = await postWebhook(address, body, token);
    const answered = performance.now();
    if (status !== 202) throw new Error(`latency: the webhook of ${taskId} was answered ${String(status)}`);
    const issue = await waitFor(`the ticket of ${taskId}`, () => (jira.issues.size > issuesBefore ? [...jira.issues.values()].at(-1) : undefined), 30_000, POLL_MS);
    if (ticketLabel(issue.fields.labels) !== taskLabel(taskId)) throw new Error(`latency: expected the ticket of ${taskId}, got ${issue.key}`);
    // The ticket key is recorded after Jira answers; a resolution webhook before that would find no task.
    const record = redisKeys(prefix).record(taskId, `${taskId}-step`);
    await waitFor(`the record of ${taskId}`, async () => (await context.redis.hget(record, 'ticketKey')) === issue.key, 30_000, POLL_MS);

    const event = JSON.stringify(jira.transition(issue.key, 'Done', 'done', 'Done'));
    const callbacksBefore = context.c1.callbacks.length;
    const resolved = performance.now();
    const jiraAnswer = await fetch(`${address}/webhooks/jira`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(event, WEBHOOK_SECRET), 'x-atlassian-webhook-identifier': randomUUID() },
      body: event,
    });
    await jiraAnswer.arrayBuffer();
    if (!jiraAnswer.ok) throw new Error(`latency: the Jira webhook of ${issue.key} was answered ${String(jiraAnswer.status)}`);
    const callback = await waitFor(`the callback of ${taskId}`, () => context.c1.callbacks.slice(callbacksBefore).find((c) => c.path.endsWith(`/cb-${taskId}`)), 30_000, POLL_MS);
    if (i < LATENCY_WARMUP) continue;
    answer.push(answered - sent);
    toTicket.push(issue.createdAt - sent);
    toCallback.push(callback.receivedAt - resolved);
  }
  return { tasks, answer: percentiles(answer), webhookToTicket: percentiles(toTicket), resolutionToCallback: percentiles(toCallback) };
}

async function measureBurst(running: Running, context: PipelineContext, settings: PipelineSettings): Promise<BurstResult> {
  const { jira, address } = running;
  const tasks = settings.burstTasks;
  const run = randomUUID().slice(0, 8);
  const bodies = Array.from({ length: tasks }, (_, i) => taskBody(context, `burst-${run}-${String(i)}`));
  process.stdout.write(`burst: signing ${tasks.toLocaleString('en-US')} tokens… `);
  const signedAt = performance.now();
  const tokens = await Promise.all(bodies.map((body) => sign(context, body)));
  console.log(`${((performance.now() - signedAt) / 1000).toFixed(1)} s`);

  jira.reset();
  jira.rateLimit(settings.jiraRate);
  let deliveryRetries = 0;
  let next = 0;
  console.log(`burst: ${tasks.toLocaleString('en-US')} webhooks from ${String(BURST_SENDERS)} senders; Jira allows ${String(settings.jiraRate)} calls/s per endpoint`);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BURST_SENDERS }, async () => {
      for (let i = next++; i < tasks; i = next++) {
        const body = bodies[i] ?? '';
        // C1 retries an answer that is not 2xx with a new token; none is expected here, so each retry is counted.
        let token = tokens[i] ?? '';
        while ((await postWebhook(address, body, token)) !== 202) {
          deliveryRetries += 1;
          token = await sign(context, body);
        }
      }
    }),
  );
  const ingestSeconds = (performance.now() - started) / 1000;
  // The fake's bucket starts full: the first second's worth goes through at once, the rest at the rate.
  const idealSeconds = Math.max(tasks - settings.jiraRate, 1) / settings.jiraRate;
  console.log(`burst: every webhook answered 202 after ${ingestSeconds.toFixed(1)} s; waiting for ${tasks.toLocaleString('en-US')} tickets (about ${idealSeconds.toFixed(0)} s at the configured rate)`);
  let reported = performance.now();
  await waitFor(
    'every ticket of the burst',
    () => {
      if (performance.now() - reported > 10_000) {
        reported = performance.now();
        console.log(`burst: ${jira.issues.size.toLocaleString('en-US')} tickets after ${((reported - started) / 1000).toFixed(0)} s`);
      }
      return jira.issues.size >= tasks;
    },
    Math.max(60_000, idealSeconds * 3000),
    POLL_MS,
  );
  // Late duplicates would come from jobs still running: let the queue settle before counting.
  await sleep(1000);
  jira.rateLimit(undefined);

  const issues = [...jira.issues.values()];
  const lastCreated = Math.max(...issues.map((issue) => issue.createdAt));
  const labels = new Set(issues.map((issue) => ticketLabel(issue.fields.labels)));
  const expected = new Set(bodies.map((_, i) => taskLabel(`burst-${run}-${String(i)}`)));
  const missing = [...expected].filter((label) => !labels.has(label)).length;
  return {
    tasks,
    jiraRate: settings.jiraRate,
    drainSeconds: (lastCreated - started) / 1000,
    idealSeconds,
    ingestSeconds,
    tickets: issues.length,
    duplicates: issues.length - labels.size,
    missing,
    jiraCalls: jira.requests.length,
    rateLimited: jira.rateLimited,
    deliveryRetries,
  };
}

async function startBridge(context: PipelineContext, jira: FakeJira): Promise<Running> {
  const prefix = `bench-e2e-${randomUUID().slice(0, 8)}`;
  const { api, worker, address } = await startBridgePair(context.dir, 'bridge', [
    `server: { host: 127.0.0.1, port: 0, publicUrl: "${PUBLIC_URL}" }`,
    `redis: { url: "${context.redisUrl}", prefix: ${prefix} }`,
    `conductorone: { tenant: ${context.c1.tenant}, jwksUrl: "${context.c1.jwksUrl}", callbackOrigins: ["${context.c1.url}"] }`,
    `jira: { baseUrl: "${jira.url}", email: ${JIRA_EMAIL}, apiToken: ${JIRA_TOKEN}, webhookSecret: ${WEBHOOK_SECRET} }`,
    'defaultRoute: { jira: { project: OPS } }',
    // Polling every open ticket would spend the rate the burst is measured against.
    'reconcile: { intervalSeconds: 0 }',
    'logging: { level: info }',
  ]);
  return { api, worker, address, prefix, jira };
}

export async function runPipeline(context: PipelineContext, settings: PipelineSettings, parts: { latency: boolean; burst: boolean }): Promise<PipelineResult> {
  const jira = await startFakeJira({ email: JIRA_EMAIL, apiToken: JIRA_TOKEN });
  let running: Running | undefined;
  try {
    running = await startBridge(context, jira);
    console.log(`pipeline: API at ${running.address}, worker ready; logs in ${context.dir}`);
    let latency: LatencyResult | undefined;
    if (parts.latency) {
      console.log(`latency: ${String(LATENCY_WARMUP)} tasks to warm up, then ${String(settings.latencyTasks)} measured, one at a time`);
      latency = await measureLatency(running, context, settings.latencyTasks);
    }
    const burst = parts.burst ? await measureBurst(running, context, settings) : undefined;
    const peakRssMiB = { api: await running.api.peakRssMiB(), worker: await running.worker.peakRssMiB() };
    return { latency, burst, peakRssMiB };
  } finally {
    await running?.api.stop();
    await running?.worker.stop();
    await jira.close();
    if (running !== undefined) await deleteUnder(context.redis, running.prefix);
  }
}
