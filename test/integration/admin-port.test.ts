import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { writeConfig } from '../helpers/bridge-process.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { spawnMain } from '../helpers/sandbox-process.ts';
import { loadConfig } from '../../src/config/load.ts';

const basic = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;

describe('server.adminPort: a private listener', () => {
  it('serves /admin, /metrics and /readyz only on the admin port, and the webhooks only on the public one', async () => {
    const prefix = uniquePrefix('adminport');
    const path = writeConfig(
      [
        'server: { host: 127.0.0.1, port: 0, adminPort: 0, publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
        'conductorone: { tenant: acme.conductor.one }',
        'admin: { username: ops, password: s3cret }',
      ].join('\n'),
    );
    const run = spawnMain({ BRIDGE_CONFIG: path, BRIDGE_ROLE: 'api' });
    const redis = new Redis(REDIS_URL);
    try {
      await expect.poll(() => /"adminPort":(\d+)/.exec(run.output())?.[1], { timeout: 15_000 }).toBeDefined();
      const publicUrl = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1] ?? '';
      const adminUrl = `http://127.0.0.1:${/"adminPort":(\d+)/.exec(run.output())?.[1] ?? ''}`;
      expect(publicUrl).not.toBe(adminUrl);

      const status = async (url: string, init: RequestInit = {}) => (await fetch(url, init)).status;
      // Public: the webhooks (refused here for want of a token, but there) and liveness; nothing else.
      expect(await status(`${publicUrl}/webhooks/conductorone`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).toBe(401);
      expect(await status(`${publicUrl}/healthz`)).toBe(200);
      for (const hidden of ['/metrics', '/readyz', '/admin/', '/admin/queues', '/admin/tasks/x']) {
        expect({ hidden, status: await status(`${publicUrl}${hidden}`, { headers: { authorization: basic } }) }).toEqual({ hidden, status: 404 });
      }
      // Private: operations, and no webhook.
      expect(await status(`${adminUrl}/metrics`)).toBe(200);
      expect([200, 503]).toContain(await status(`${adminUrl}/readyz`));
      expect(await status(`${adminUrl}/admin/`)).toBe(401);
      expect(await status(`${adminUrl}/admin/`, { headers: { authorization: basic } })).toBe(200);
      expect(await status(`${adminUrl}/webhooks/conductorone`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).toBe(404);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      await deleteUnder(redis, prefix);
      redis.disconnect();
    }
  });

  it('refuses an adminPort equal to server.port', () => {
    const path = writeConfig(['server: { port: 8080, adminPort: 8080, publicUrl: "https://bridge.acme.example" }', 'conductorone: { tenant: acme.conductor.one }'].join('\n'));
    expect(() => loadConfig({ path, env: {} })).toThrow(/server\.adminPort: must differ from server\.port/);
  });
});
