import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';

function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'c1tb-config-'));
  const path = join(dir, 'bridge.yaml');
  writeFileSync(path, text);
  return path;
}

const baseEnv = { PATH: process.env['PATH'] ?? '', REDIS_URL };

describe('npm start (src/main.ts)', () => {
  it('prints every config problem at once, one line each with its key path, and exits 1', () => {
    const path = writeConfig(
      [
        'server:',
        '  publicUrl: not-a-url',
        '  colour: blue',
        'conductorone:',
        '  tenant: ${C1_TENANT}',
        'routes:',
        '  - name: sf',
        '    match: { appName: Salesforce }',
        '    servicenow: { table: sc_task }',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['src/main.ts'], { env: { ...baseEnv, BRIDGE_CONFIG: path }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe(`config invalid: ${path}`);
    expect(lines).toContain('conductorone.tenant: environment variable C1_TENANT is not set');
    expect(lines).toContain('server.publicUrl: must be an absolute http(s) URL');
    expect(lines).toContain('server: unknown key "colour"');
    expect(lines).toContain('routes.0.servicenow: route "sf" targets servicenow but the servicenow section is missing');
    expect(run.stdout).toBe('');
  });

  it('serves /healthz with a valid config and exits 0 on SIGTERM', async () => {
    const prefix = uniquePrefix('start');
    const path = writeConfig(
      [
        'server: { host: 127.0.0.1, port: 0, publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "\${REDIS_URL}", prefix: ${prefix} }`,
        'conductorone: { tenant: acme.conductor.one }',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['src/main.ts'], { env: { ...baseEnv, BRIDGE_CONFIG: path }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 15_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const health = await fetch(`${address}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Every line is pino JSON.
    for (const line of output.trim().split('\n')) expect(() => JSON.parse(line) as unknown).not.toThrow();
    // The queues it opened (and its reconcile schedule) are this test's own: leave the shared Redis as it was.
    const redis = new Redis(REDIS_URL);
    await deleteUnder(redis, prefix);
    redis.disconnect();
  });
});
