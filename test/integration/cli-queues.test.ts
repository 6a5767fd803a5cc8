import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { writeConfig } from '../helpers/bridge-process.ts';
import { deleteUnder, REDIS_URL } from '../helpers/redis.ts';
import { startTestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { captureIo } from '../helpers/capture-io.ts';

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

describe('CLI: status, list-failed, replay-failed', () => {
  it('shows a task, lists the job Jira refused with its reason, and replays it into one issue', async () => {
    const bridge = await startTestBridge({
      c1,
      config: {
        conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
        jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token' },
        defaultRoute: { jira: { project: 'OPS' } },
        reconcile: { intervalSeconds: 0 },
        jobs: { attempts: 3, backoffMs: 20, onCreateFailure: 'hold' },
      },
    });
    const path = writeConfig(
      [
        'server: { publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "${REDIS_URL}", prefix: ${bridge.prefix} }`,
        'conductorone: { tenant: acme.conductor.one }',
      ].join('\n'),
    );
    try {
      await bridge.deps.startWorkers();
      jira.inject([{ status: 400, message: 'Field customfield_1 is required' }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
      const body = JSON.parse(readFileSync(new URL('../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      body['callbackUrl'] = c1.callbackUrl(`cli-${randomUUID()}`);
      await bridge.deliver(body);
      await waitFor('the job to fail', async () => (await bridge.deps.queues.createTicket.getFailedCount()) === 1);

      const shown = captureIo();
      expect(await runCli(['status', '2pQdTask0001', '--config', path], {}, shown.io)).toBe(0);
      expect(shown.out[0]).toBe('task 2pQdTask0001 step 2pQdStepProv (grant)');
      expect(shown.out).toContain('  state: received');
      expect(shown.out).toContain('  ticket: none yet');

      const listed = captureIo();
      expect(await runCli(['list-failed', '--config', path], {}, listed.io)).toBe(0);
      expect(listed.out[0]).toMatch(/^create-ticket {2}2pQdTask0001\|2pQdStepProv {2}attempts=1 .*Jira refused with 400: summary: Field customfield_1 is required/);
      expect(listed.out.at(-1)).toBe('1 failed job(s)');

      const dry = captureIo();
      expect(await runCli(['replay-failed', '--queue', 'create-ticket', '--dry-run', '--config', path], {}, dry.io)).toBe(0);
      expect(dry.out.at(-1)).toBe('would replay 1 job(s)');
      expect(await bridge.deps.queues.createTicket.getFailedCount()).toBe(1);

      const replayed = captureIo();
      expect(await runCli(['replay-failed', '--config', path], {}, replayed.io)).toBe(0);
      expect(replayed.out.at(-1)).toBe('replayed 1 job(s)');
      await waitFor('the record to hold the ticket', async () => (await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
      expect(jira.issues.size).toBe(1);

      const after = captureIo();
      expect(await runCli(['status', '2pQdTask0001', '--config', path], {}, after.io)).toBe(0);
      expect(after.out).toContain(`  ticket: jira OPS-1 ${jira.url}/browse/OPS-1`);
    } finally {
      await bridge.close();
      jira.reset();
    }
  });

  it('answers an unknown task with exit 1, an unknown queue with a clear message, and a missing task id with usage', async () => {
    const prefix = `cli-empty-${randomUUID().slice(0, 8)}`;
    const path = writeConfig(`server: { publicUrl: "https://b.example" }\nredis: { url: "${REDIS_URL}", prefix: ${prefix} }\nconductorone: { tenant: acme.conductor.one }\n`);
    onTestFinished(async () => {
      const redis = new Redis(REDIS_URL);
      await deleteUnder(redis, prefix);
      redis.disconnect();
    });
    const unknown = captureIo();
    expect(await runCli(['status', 'nope', '--config', path], {}, unknown.io)).toBe(1);
    expect(unknown.err).toEqual(['no record of task nope']);
    const badQueue = captureIo();
    expect(await runCli(['list-failed', '--queue', 'tickets', '--config', path], {}, badQueue.io)).toBe(1);
    expect(badQueue.err[0]).toBe('unknown queue "tickets"; queues: create-ticket, send-callback, reconcile, check-ticket');
    const usage = captureIo();
    expect(await runCli(['status', '--config', path], {}, usage.io)).toBe(2);
    expect(usage.err[0]).toBe('status: give exactly one task id');
  });

  it('says so when Redis does not answer', async () => {
    const path = writeConfig('server: { publicUrl: "https://b.example" }\nredis: { url: "redis://127.0.0.1:1" }\nconductorone: { tenant: acme.conductor.one }\n');
    const down = captureIo();
    expect(await runCli(['list-failed', '--config', path], {}, down.io)).toBe(1);
    expect(down.err[0]).toMatch(/^Redis does not answer at redis:\/\/127\.0\.0\.1:1: /);
  });
});
