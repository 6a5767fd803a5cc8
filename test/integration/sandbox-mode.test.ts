import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startFlags } from '../../bench/bridge-processes.ts';
import { writeConfig } from '../helpers/bridge-process.ts';
import { deleteUnder, keysUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { spawnMain, startSandboxProcess } from '../helpers/sandbox-process.ts';

describe('npm start without a config: sandbox mode', () => {
  it('starts on 127.0.0.1 only, says plainly it is not production, and /readyz answers 503 sandbox', async () => {
    const sandbox = await startSandboxProcess();
    try {
      expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const lines = sandbox.output().split('\n').filter((line) => line.includes('SANDBOX MODE'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('NOT PRODUCTION');
      expect(sandbox.output()).toContain('Server listening at http://127.0.0.1:');
      const ready = await fetch(new URL('/readyz', sandbox.url));
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'sandbox', message: 'sandbox mode: not for production traffic' });
      expect((await fetch(sandbox.url)).headers.get('content-type')).toContain('text/html');
    } finally {
      expect(await sandbox.stop()).toBe(0);
    }
    const redis = new Redis(REDIS_URL);
    expect(await keysUnder(redis, sandbox.prefix)).toEqual([]);
    redis.disconnect();
  });

  it('works on a machine whose environment names a proxy: its loopback peers are never sent to it', async () => {
    const sandbox = await startSandboxProcess({ HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' }, startFlags());
    try {
      const sent = await fetch(new URL('/sandbox/send', sandbox.url), { method: 'POST', body: 'sample=grant', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(sent.status).toBe(303);
      await expect.poll(async () => (await (await fetch(new URL('/sandbox/live', sandbox.url))).text()).includes('data-ticket="OPS-1"'), { timeout: 10_000 }).toBe(true);
      expect(await (await fetch(new URL('/sandbox/live', sandbox.url))).text()).toContain('<span class="ok">202</span>');
      // An approval's decisions are offered on approval tickets only: a provisioning issue is resolved, not approved.
      const approved = await fetch(new URL('/sandbox/jira/resolve', sandbox.url), { method: 'POST', body: 'key=OPS-1&resolution=Approved', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      expect(approved.status).toBe(400);
      expect(await approved.json()).toEqual({ error: 'invalid_form', message: "resolution must be one of Done, Won't Do" });
      expect(await (await fetch(new URL('/sandbox/live', sandbox.url))).text()).toContain('No callback yet');
    } finally {
      expect(await sandbox.stop()).toBe(0);
    }
  });

  it("refuses the page's forms with bad input or from another site, clearly, and plays no part", async () => {
    const sandbox = await startSandboxProcess();
    try {
      const post = async (path: string, form: string, headers: Record<string, string> = {}) => {
        const answer = await fetch(new URL(path, sandbox.url), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, redirect: 'manual' });
        return { path, form, status: answer.status, body: (await answer.json()) as unknown };
      };
      const refusals = [
        [await post('/sandbox/send', 'sample=replace'), 400, { error: 'invalid_form', message: 'sample must be one of grant, revoke, approval' }],
        [await post('/sandbox/send', ''), 400, { error: 'invalid_form', message: 'sample must be one of grant, revoke, approval' }],
        [await post('/sandbox/send', 'sample=grant', { origin: 'https://evil.example' }), 403, { error: 'csrf_rejected', message: 'the sandbox takes its forms from its own page only' }],
        [await post('/sandbox/resend', 'delivery=nope'), 404, { error: 'not_found', message: 'no delivery "nope" was sent in this sandbox' }],
        [await post('/sandbox/jira/resolve', 'key=OPS-9&resolution=Done'), 404, { error: 'not_found', message: 'no issue "OPS-9" in the sandbox Jira' }],
        [await post('/sandbox/servicenow/close', 'sysId=abc&closing=Closed+Complete'), 404, { error: 'not_found', message: 'no catalog task "abc" in the sandbox ServiceNow' }],
      ] as const;
      for (const [answer, status, body] of refusals) expect(answer).toEqual({ path: answer.path, form: answer.form, status, body });
      const live = await (await fetch(new URL('/sandbox/live', sandbox.url))).text();
      expect(live).toContain('Nothing sent yet');
      expect(live).toContain('No issues yet.');
    } finally {
      expect(await sandbox.stop()).toBe(0);
    }
  });

  it('with NODE_ENV=production a missing config stops start-up as before: exit 1, no sandbox', async () => {
    const run = spawnMain({ NODE_ENV: 'production' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('config invalid: config/bridge.yaml');
    expect(run.output()).not.toContain('SANDBOX');
  });

  it('with BRIDGE_CONFIG naming a missing file, or for a single role, it stops as before', async () => {
    const named = spawnMain({ BRIDGE_CONFIG: join('/nonexistent', 'bridge.yaml') });
    const worker = spawnMain({ BRIDGE_ROLE: 'worker' });
    expect(await named.exited).toBe(1);
    expect(await worker.exited).toBe(1);
    expect(named.output()).toContain('config invalid: /nonexistent/bridge.yaml');
    expect(worker.output()).toContain('config invalid: config/bridge.yaml');
    expect(named.output() + worker.output()).not.toContain('SANDBOX');
  });

  it('with a config file present it is the configured bridge: / is not the sandbox page and /readyz is not 503 sandbox', async () => {
    const prefix = uniquePrefix('nosbx');
    const path = writeConfig(
      [
        'server: { host: 127.0.0.1, port: 0, publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
        'conductorone: { tenant: acme.conductor.one }',
      ].join('\n'),
    );
    const run = spawnMain({ BRIDGE_CONFIG: path });
    const redis = new Redis(REDIS_URL);
    try {
      await expect.poll(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1], { timeout: 15_000 }).toBeDefined();
      const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1] ?? '';
      expect((await fetch(`${address}/`)).status).toBe(404);
      expect(await (await fetch(`${address}/readyz`)).json()).not.toHaveProperty('status', 'sandbox');
      expect(run.output()).not.toContain('SANDBOX');
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await deleteUnder(redis, prefix);
      redis.disconnect();
    }
  });

  it('a bad BRIDGE_SANDBOX_PORT is refused with a clear message', async () => {
    const run = spawnMain({ BRIDGE_SANDBOX_PORT: 'eighty' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('BRIDGE_SANDBOX_PORT must be a port number (0-65535), not "eighty"');
  });

  it('an unknown BRIDGE_SANDBOX_FLAVOUR is refused with the flavours there are, and starts nothing', async () => {
    const run = spawnMain({ BRIDGE_SANDBOX_FLAVOUR: 'zendesk' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('BRIDGE_SANDBOX_FLAVOUR must be one of cloud');
    expect(run.output()).toContain('not "zendesk"');
    expect(run.output()).not.toContain('SANDBOX MODE');
  });
});
