import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { startBridgeProcess, writeConfig } from '../helpers/bridge-process.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { waitFor } from '../helpers/wait-for.ts';

let c1: FakeConductorOne;
let jira: FakeJira;
let redis: Redis;
beforeAll(async () => {
  c1 = await startFakeConductorOne();
  jira = await startFakeJira();
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  await c1.close();
  await jira.close();
  redis.disconnect();
});

function config(prefix: string): string {
  return writeConfig(
    [
      'server: { host: 127.0.0.1, port: 0, publicUrl: "https://bridge.acme.example" }',
      `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
      `conductorone: { tenant: ${c1.tenant}, jwksUrl: "${c1.jwksUrl}", callbackOrigins: ["${c1.url}"] }`,
      `jira: { baseUrl: "${jira.url}", email: bridge@acme.example, apiToken: jira-api-token, webhookSecret: s }`,
      'defaultRoute: { jira: { project: OPS } }',
      'reconcile: { intervalSeconds: 0 }',
    ].join('\n'),
  );
}

async function deliver(address: string): Promise<number> {
  const body = JSON.parse(readFileSync(new URL('../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  body['callbackUrl'] = c1.callbackUrl(`proc-${randomUUID()}`);
  const bytes = Buffer.from(JSON.stringify(body));
  const token = await c1.sign(bytes, 'bridge.acme.example', 'https://bridge.acme.example/webhooks/conductorone');
  const response = await fetch(`${address}/webhooks/conductorone`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bytes });
  return response.status;
}

describe('roles', () => {
  it('BRIDGE_ROLE=api serves HTTP and runs no worker; BRIDGE_ROLE=worker picks the job up without serving HTTP', async () => {
    const prefix = uniquePrefix('roles');
    const path = config(prefix);
    const api = startBridgeProcess(path, { BRIDGE_ROLE: 'api' });
    const worker = startBridgeProcess(path, { BRIDGE_ROLE: 'worker' });
    try {
      const address = await api.address();
      expect(await deliver(address)).toBe(202);
      const issue = await waitFor('the worker process to open the issue', () => [...jira.issues.values()].find((i) => i.fields.labels.includes('c1-task-2pQdTask0001')), 15_000);
      expect(issue.fields.project.key).toBe('OPS');
      expect(worker.output()).not.toMatch(/Server listening/);
      expect(JSON.parse(api.output().split('\n')[0] ?? '{}')).toMatchObject({ role: 'api' });
    } finally {
      api.child.kill('SIGTERM');
      worker.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      expect(await worker.exited).toBe(0);
      jira.reset();
      await deleteUnder(redis, prefix);
    }
  });

  it('refuses an unknown role with a clear message and exit code 1', async () => {
    const run = startBridgeProcess(config(uniquePrefix('roles')), { BRIDGE_ROLE: 'everything' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('BRIDGE_ROLE must be api, worker or all, not "everything"');
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM stops taking requests and lets the running job finish before exiting 0', async () => {
    const prefix = uniquePrefix('term');
    const bridge = startBridgeProcess(config(prefix), { BRIDGE_ROLE: 'all' });
    try {
      const address = await bridge.address();
      jira.inject([{ delayMs: 1500 }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
      expect(await deliver(address)).toBe(202);
      await waitFor('the create call to reach Jira', () => jira.requests.some((r) => r.method === 'POST' && r.path.startsWith('/rest/api/3/issue')));
      bridge.child.kill('SIGTERM');
      expect(await bridge.exited).toBe(0);
      // The job in flight finished: its issue exists and its record says so; nothing is left running or waiting.
      expect(jira.issues.size).toBe(1);
      expect(await redis.hget(`${prefix}:task:2pQdTask0001:2pQdStepProv`, 'state')).toBe('ticket_created');
      const queued = await redis.llen(`${prefix}:create-ticket:wait`);
      const active = await redis.llen(`${prefix}:create-ticket:active`);
      expect(queued + active).toBe(0);
      expect(bridge.output()).toMatch(/"msg":"shutting down"/);
    } finally {
      if (bridge.child.exitCode === null) bridge.child.kill('SIGKILL');
      jira.reset();
      await deleteUnder(redis, prefix);
    }
  });
});

describe('a killed worker', () => {
  it('loses no job when two workers die in turn while running it: the stalled check hands it on, and the issue is opened once', async () => {
    const prefix = uniquePrefix('kill');
    const path = writeConfig(
      [
        'server: { host: 127.0.0.1, port: 0, publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
        `conductorone: { tenant: ${c1.tenant}, jwksUrl: "${c1.jwksUrl}", callbackOrigins: ["${c1.url}"] }`,
        `jira: { baseUrl: "${jira.url}", email: bridge@acme.example, apiToken: jira-api-token, indexLagSeconds: 1 }`,
        'defaultRoute: { jira: { project: OPS } }',
        'reconcile: { intervalSeconds: 0 }',
        'jobs: { lockDurationMs: 1000, backoffMs: 50 }',
      ].join('\n'),
    );
    const api = startBridgeProcess(path, { BRIDGE_ROLE: 'api' });
    const first = startBridgeProcess(path, { BRIDGE_ROLE: 'worker' });
    let second: ReturnType<typeof startBridgeProcess> | undefined;
    let rescuer: ReturnType<typeof startBridgeProcess> | undefined;
    const calls = (method: string | undefined, prefixOfPath: string) => jira.requests.filter((r) => (method === undefined || r.method === method) && r.path.startsWith(prefixOfPath)).length;
    try {
      const address = await api.address();
      // Jira holds the create, then the search of the retry, long enough to kill a worker during each.
      jira.inject([{ delayMs: 3000 }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
      jira.inject([{ delayMs: 4000 }], { pathPrefix: '/rest/api/3/search' });
      expect(await deliver(address)).toBe(202);
      await waitFor('the create call to reach Jira', () => calls('POST', '/rest/api/3/issue') === 1, 20_000);
      first.child.kill('SIGKILL');
      await first.exited;
      second = startBridgeProcess(path, { BRIDGE_ROLE: 'worker' });
      await waitFor('the second worker to search Jira for the issue', () => calls(undefined, '/rest/api/3/search') === 1, 20_000);
      second.child.kill('SIGKILL');
      await second.exited;
      rescuer = startBridgeProcess(path, { BRIDGE_ROLE: 'worker' });
      await waitFor('the record to hold the ticket', async () => (await redis.hget(`${prefix}:task:2pQdTask0001:2pQdStepProv`, 'state')) === 'ticket_created', 20_000);
      // The first create reached Jira before the kill; the rescuer found that issue instead of opening another.
      expect([...jira.issues.values()].filter((issue) => issue.fields.labels.includes('c1-task-2pQdTask0001'))).toHaveLength(1);
      expect(calls('POST', '/rest/api/3/issue')).toBe(1);
      expect(await redis.zcard(`${prefix}:create-ticket:failed`)).toBe(0);
    } finally {
      api.child.kill('SIGTERM');
      rescuer?.child.kill('SIGTERM');
      await api.exited;
      await rescuer?.exited;
      jira.reset();
      await deleteUnder(redis, prefix);
    }
  }, 40_000);
});
