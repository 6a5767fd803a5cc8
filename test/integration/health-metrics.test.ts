import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { startOwnRedis } from '../helpers/redis-server.ts';
import { startTestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

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

function metricValue(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('health, readiness and metrics', () => {
  it('warns in /readyz and the log once Redis nears maxmemory, and exports its memory; probes write no request lines', async () => {
    const redis = await startOwnRedis(['--maxmemory', '16mb', '--maxmemory-policy', 'noeviction']);
    const bridge = await startTestBridge({ c1, redisUrl: redis.url, config: { reconcile: { intervalSeconds: 0 } }, overrides: { shutdownTimeoutMs: 500 } });
    const { Redis } = await import('ioredis');
    const direct = new Redis(redis.url);
    try {
      await bridge.deps.startWorkers();
      await waitFor('readiness', async () => (await bridge.app.inject({ url: '/readyz' })).statusCode === 200);
      expect((await bridge.app.inject({ url: '/readyz' })).json()).toMatchObject({ checks: { memory: expect.stringMatching(/^ok \(.* of maxmemory 16\.0 MiB \(\d+ %\)\)$/) } });
      expect(bridge.logs.lines.some((l) => l['msg'] === 'Redis is close to maxmemory')).toBe(false);

      // Fill it past 85 % of maxmemory in small pieces (a big write's own buffer would hit the limit first).
      const used = async () => Number(/used_memory:(\d+)/.exec(await direct.info('memory'))?.[1]);
      for (let piece = 0; (await used()) < 0.85 * 16 * 1024 * 1024; piece += 1) await direct.set(`ballast:${piece.toString()}`, 'x'.repeat(256 * 1024));
      const ready = await bridge.app.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      const memory = (ready.json() as { checks: { memory: string } }).checks.memory;
      expect(memory).toMatch(/^warning: .* of maxmemory 16\.0 MiB \(\d+ %\) in use; at maxmemory with noeviction every webhook is answered 503$/);
      expect(bridge.logs.lines.some((l) => l['msg'] === 'Redis is close to maxmemory' && l['level'] === 40)).toBe(true);
      const metrics = (await bridge.app.inject({ url: '/metrics' })).body;
      expect(metricValue(metrics, 'c1tb_redis_memory_bytes', 'kind="max"')).toBe(16 * 1024 * 1024);
      expect(metricValue(metrics, 'c1tb_redis_memory_bytes', 'kind="used"')).toBeGreaterThan(0.8 * 16 * 1024 * 1024);

      await bridge.app.inject({ url: '/healthz' });
      const probeLines = bridge.logs.lines.filter((l) => /\/(healthz|readyz|metrics)/.test(JSON.stringify(l['req'] ?? {})) || l['msg'] === 'request completed');
      expect(probeLines).toEqual([]);
    } finally {
      direct.disconnect();
      await bridge.close().catch(() => undefined);
      await redis.stop();
    }
  });


  it('/healthz answers while the process lives; /readyz needs Redis and a running worker, and turns 503 when Redis stops', async () => {
    const redis = await startOwnRedis();
    const bridge = await startTestBridge({ c1, redisUrl: redis.url, config: { reconcile: { intervalSeconds: 0 } }, overrides: { shutdownTimeoutMs: 500 } });
    try {
      expect((await bridge.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      const before = await bridge.app.inject({ url: '/readyz' });
      expect(before.statusCode).toBe(503);
      expect(before.json()).toEqual({ status: 'not_ready', checks: { redis: 'ok', memory: expect.stringMatching(/^ok \(/), workers: 'none running' } });
      await bridge.deps.startWorkers();
      await waitFor('readiness', async () => (await bridge.app.inject({ url: '/readyz' })).statusCode === 200);
      expect((await bridge.app.inject({ url: '/readyz' })).json()).toMatchObject({ status: 'ready', checks: { redis: 'ok' } });
      await redis.stop();
      const after = await bridge.app.inject({ url: '/readyz' });
      expect(after.statusCode).toBe(503);
      expect(after.json()).toMatchObject({ status: 'not_ready', checks: { workers: 'unknown' } });
      expect((after.json() as { checks: { redis: string } }).checks.redis).toMatch(/^unreachable: /);
      expect((await bridge.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await redis.stop();
      await bridge.close().catch(() => undefined);
    }
  });

  it('counts webhooks, queue depth, ticket calls, job durations and callbacks', async () => {
    const bridge = await startTestBridge({
      c1,
      overrides: { jiraSchemaMismatch: 'throw' },
      config: {
        conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
        jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', webhookSecret: 's' },
        defaultRoute: { jira: { project: 'OPS' } },
        reconcile: { intervalSeconds: 0 },
      },
    });
    try {
      const body = JSON.parse(readFileSync(new URL('../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      body['callbackUrl'] = c1.callbackUrl(`metrics-${randomUUID()}`);
      expect((await bridge.deliver(body)).statusCode).toBe(202);
      expect((await bridge.post(Buffer.from('{}'), { 'content-type': 'application/json' })).statusCode).toBe(401);
      let text = (await bridge.app.inject({ url: '/metrics' })).body;
      expect(metricValue(text, 'c1tb_webhooks_received_total', 'endpoint="/webhooks/conductorone",status="202"')).toBe(1);
      expect(metricValue(text, 'c1tb_webhooks_received_total', 'status="401"')).toBe(1);
      expect(metricValue(text, 'c1tb_queue_jobs', 'queue="create-ticket",state="waiting"')).toBe(1);

      await bridge.deps.startWorkers();
      const issue = await waitFor('the issue', () => [...jira.issues.values()][0]);
      await waitFor('the ticket on record', async () => (await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
      const event = JSON.stringify(jira.transition(issue.key, 'Done', 'done'));
      await bridge.app.inject({ method: 'POST', url: '/webhooks/jira', payload: event, headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(event, 's') } });
      await waitFor('the callback', async () => (await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'reported');

      text = (await bridge.app.inject({ url: '/metrics' })).body;
      expect(metricValue(text, 'c1tb_ticket_system_call_duration_seconds_count', 'system="jira",operation="create",outcome="ok"')).toBe(1);
      expect(metricValue(text, 'c1tb_callbacks_total', 'result="delivered",outcome="complete"')).toBe(1);
      expect(metricValue(text, 'c1tb_job_duration_seconds_count', 'queue="create-ticket",result="completed"')).toBe(1);
      expect(metricValue(text, 'c1tb_webhooks_received_total', 'endpoint="/webhooks/jira",status="200"')).toBe(1);
      expect(metricValue(text, 'c1tb_queue_jobs', 'queue="create-ticket",state="completed"')).toBe(1);
    } finally {
      await bridge.close();
      jira.reset();
    }
  });
});

describe('the Grafana dashboard', () => {
  it('only charts metrics the bridge exports', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../integrations/grafana/c1-ticket-bridge-dashboard.json', import.meta.url), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const bridge = await startTestBridge({ c1 });
    try {
      const exported = (await bridge.app.inject({ url: '/metrics' })).body;
      const names = new Set([...exported.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap((m) => (m[2] === 'histogram' ? [`${m[1] ?? ''}_bucket`, `${m[1] ?? ''}_count`] : [m[1] ?? ''])));
      const used = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => [...target.expr.matchAll(/\b(c1tb_[a-z_]+)\b/g)].map((m) => m[1] ?? '')));
      expect(used.length).toBeGreaterThanOrEqual(8);
      expect(used.filter((name) => !names.has(name))).toEqual([]);
    } finally {
      await bridge.close();
    }
  });
});
