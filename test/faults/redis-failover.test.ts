/**
 * Redis failover, run for real: a burst of grants through api and worker processes while the Redis master that holds
 * the bridge's keys is SIGKILLed and a replica takes over, once in a Redis Cluster (three masters with a replica each)
 * and once under Sentinel. Afterwards every task has exactly one ticket and exactly one callback.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { startBridgeProcess, writeConfig, type BridgeProcess } from '../helpers/bridge-process.ts';
import { BURST_PUBLIC_URL, effectCounts, resolveNewIssues, sendBurst } from '../helpers/grant-burst.ts';
import { startOwnCluster } from '../helpers/redis-cluster.ts';
import { startOwnRedis, startOwnSentinel, type OwnRedis } from '../helpers/redis-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TASKS = Number(process.env['FAILOVER_TASKS'] ?? '1000');
const SECRET = 'failover-secret';

let c1: FakeConductorOne;
let jira: FakeJira;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  jira = await startFakeJira();
});
afterAll(async () => {
  await c1.close();
  await jira.close();
});

async function replicaOf(server: OwnRedis, masterPort: number): Promise<void> {
  const probe = new Redis(server.url);
  try {
    await waitFor(
      `the server on ${server.port.toString()} to replicate ${masterPort.toString()}`,
      async () => {
        const info = await probe.info('replication').catch(() => '');
        return info.includes(`master_port:${masterPort.toString()}`) && info.includes('master_link_status:up');
      },
      30_000,
      100,
    );
  } finally {
    probe.disconnect();
  }
}

function bridgeConfig(redisLines: string): string {
  return writeConfig(
    [
      'server: { host: 127.0.0.1, port: 0, publicUrl: "' + BURST_PUBLIC_URL + '" }',
      redisLines,
      `conductorone: { tenant: ${c1.tenant}, jwksUrl: "${c1.jwksUrl}", callbackOrigins: ["${c1.url}"] }`,
      // The fake Jira's search sees an issue at once: a create retried after the failover waits 1 s, not 60.
      `jira: { baseUrl: "${jira.url}", email: bridge@acme.example, apiToken: jira-api-token, webhookSecret: ${SECRET}, indexLagSeconds: 1 }`,
      'defaultRoute: { jira: { project: OPS } }',
      'reconcile: { intervalSeconds: 2 }',
      'jobs: { attempts: 50, backoffMs: 200, lockDurationMs: 2000 }',
      'logging: { level: info }',
    ].join('\n'),
  );
}

interface FailoverRun {
  /** Kills the master now; resolves once a replica serves the bridge's keys. */
  failOver(): Promise<void>;
  /** Where the bridge's Redis is, as config lines. */
  redisLines: string;
}

/**
 * Two api and two worker processes; the burst goes round robin through both APIs, and the master is killed once a
 * third of the tasks were accepted. Ends when every record says reported, then counts the effects at the fakes.
 */
async function burstThroughFailover(run: FailoverRun): Promise<string> {
  const path = bridgeConfig(run.redisLines);
  const processes: BridgeProcess[] = [
    startBridgeProcess(path, { BRIDGE_ROLE: 'api' }),
    startBridgeProcess(path, { BRIDGE_ROLE: 'api' }),
    startBridgeProcess(path, { BRIDGE_ROLE: 'worker' }),
    startBridgeProcess(path, { BRIDGE_ROLE: 'worker' }),
  ];
  const started = Date.now();
  try {
    const addresses = await Promise.all(processes.slice(0, 2).map((p) => p.address()));
    await Promise.all(processes.slice(2).map((p) => p.waitForLog(/workers started/, 30_000)));
    const tasks = Array.from({ length: TASKS }, (_, i) => `fo-${randomUUID().slice(0, 6)}-${i.toString().padStart(4, '0')}`);
    const first = tasks.slice(0, Math.floor(TASKS / 3));
    const rest = tasks.slice(first.length);

    let attempts = await sendBurst(c1, addresses, first, 8);
    const failoverStarted = Date.now();
    const [restAttempts] = await Promise.all([sendBurst(c1, addresses, rest, 8), run.failOver()]);
    const failoverMs = Date.now() - failoverStarted;
    attempts += restAttempts;

    const resolved = new Set<string>();
    await waitFor(
      `every one of ${TASKS.toString()} tasks called back`,
      async () => {
        await resolveNewIssues(jira, addresses[0] ?? '', SECRET, resolved);
        const { callbacksPerUrl } = effectCounts(jira, c1);
        return callbacksPerUrl.size >= TASKS;
      },
      180_000,
      200,
    ).catch((error: unknown) => {
      const { ticketsPerTask, callbacksPerUrl } = effectCounts(jira, c1);
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}: ${ticketsPerTask.size.toString()} tasks ticketed, ${callbacksPerUrl.size.toString()} called back\n` +
          processes.map((p) => p.output().slice(-2000)).join('\n---\n'),
      );
    });
    // Give a late duplicate (a second create or callback) the chance to show up before counting.
    await sleep(3_000);
    const { ticketsPerTask, callbacksPerUrl } = effectCounts(jira, c1);
    const ours = tasks.map((task) => `c1-task-${task}`);
    expect(ours.filter((label) => ticketsPerTask.get(label) !== 1)).toEqual([]);
    expect(ticketsPerTask.size).toBe(TASKS);
    const perTask = tasks.map((task) => callbacksPerUrl.get(`/api/v1/webhooks/callback/burst-${task}`) ?? 0);
    expect(perTask.filter((n) => n !== 1)).toEqual([]);
    expect(c1.callbacks.every((callback) => JSON.parse(callback.body).complete !== undefined)).toBe(true);
    return `${TASKS.toString()} tasks, ${attempts.toString()} delivery attempts, failover ${failoverMs.toString()} ms, drained in ${(Date.now() - started).toString()} ms`;
  } finally {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
  }
}

describe('Redis failover under a burst', () => {
  it(`Redis Cluster: ${TASKS.toString()} grants while the master holding the bridge's slot is killed: one ticket and one callback each`, async () => {
    jira.reset();
    c1.callbacks.length = 0;
    const cluster = await startOwnCluster({ nodeTimeoutMs: 1000 });
    const prefix = `{fo-${randomUUID().slice(0, 8)}}`;
    try {
      const summary = await burstThroughFailover({
        redisLines: `redis: { prefix: "${prefix}", waitForReplicas: 1, cluster: [${cluster.seeds.map((s) => `{ host: ${s.host}, port: ${s.port.toString()} }`).join(', ')}] }`,
        async failOver() {
          const master = await cluster.masterOf(`${prefix}:any`);
          await cluster.kill(master);
          await cluster.failedOver(`${prefix}:any`, master);
          // With waitForReplicas the new master refuses to confirm writes until it has a replica again.
          await cluster.rejoin(master);
        },
      });
      console.error(`cluster failover: ${summary}`);
    } finally {
      await cluster.stop();
    }
  }, 300_000);

  it(`Sentinel: ${TASKS.toString()} grants while the master is killed and Sentinel promotes its replica: one ticket and one callback each`, async () => {
    jira.reset();
    c1.callbacks.length = 0;
    const master = await startOwnRedis();
    const replica = await startOwnRedis(['--replicaof', '127.0.0.1', master.port.toString()]);
    const sentinel = await startOwnSentinel(master, 'bridge-master', { downAfterMs: 1000, failoverTimeoutMs: 5000 });
    let replacement: OwnRedis | undefined;
    try {
      const summary = await burstThroughFailover({
        redisLines: `redis: { url: "redis://127.0.0.1:1", waitForReplicas: 1, prefix: fo-${randomUUID().slice(0, 8)}, sentinels: [{ host: 127.0.0.1, port: ${sentinel.port.toString()} }], sentinelName: bridge-master }`,
        async failOver() {
          await master.stop();
          await sentinel.masterMoved?.(replica.port);
          // The dead master is replaced by a new server replicating the promoted one (with waitForReplicas the new
          // master refuses to confirm writes until it has a replica again). The old one stays down: restarted as it
          // was, it would come back as an empty master until Sentinel got round to demoting it.
          replacement = await startOwnRedis(['--replicaof', '127.0.0.1', replica.port.toString()]);
          await replicaOf(replacement, replica.port);
        },
      });
      console.error(`sentinel failover: ${summary}`);
    } finally {
      await replacement?.stop();
      await sentinel.stop();
      await replica.stop();
      await master.stop();
    }
  }, 300_000);
});
