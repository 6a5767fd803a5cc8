import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startFlags as npmStartFlags } from '../../bench/bridge-processes.ts';

/** No Docker engine runs where the tests run: the compose file's promises are checked by reading it. */
const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, { image?: string; build?: string; command?: string[]; environment?: Record<string, string>; env_file?: string; volumes?: string[]; ports?: string[]; healthcheck?: unknown; depends_on?: Record<string, { condition: string }>; container_name?: string }>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const envExample = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const imageFlags = () => /^ENV BRIDGE_NODE_FLAGS="([^"]*)"$/m.exec(dockerfile)?.[1] ?? '';

describe('docker-compose.yml', () => {
  it('runs Redis durable: AOF, fsync every second, noeviction, on a volume, with a healthcheck', () => {
    const redis = compose.services['redis'];
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction']));
    expect(redis?.volumes?.some((v) => v.startsWith('redis-data:'))).toBe(true);
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis?.healthcheck).toBeDefined();
  });

  it.each([
    ['api', 'api'],
    ['worker', 'worker'],
  ])('runs the %s role from the same image, config from ./config, secrets from .env, after Redis is healthy', (service, role) => {
    const s = compose.services[service];
    expect(s?.build).toBe('.');
    expect(s?.environment?.['BRIDGE_ROLE']).toBe(role);
    expect(s?.environment?.['BRIDGE_CONFIG']).toBe('/app/config/bridge.yaml');
    expect(s?.volumes).toContain('./config:/app/config:ro');
    expect(s?.env_file).toBe('.env');
    expect(s?.depends_on?.['redis']?.condition).toBe('service_healthy');
  });

  it('publishes the API port only, and lets workers scale (no fixed name or port)', () => {
    expect(compose.services['api']?.ports).toEqual(['8080:8080']);
    expect(compose.services['worker']?.ports).toBeUndefined();
    expect(compose.services['worker']?.container_name).toBeUndefined();
  });

  it('builds a multi-stage Node 22 slim image that runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM node:22-slim/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('runs the image with the same flags as npm start (the heap the bench measures, the proxy support)', () => {
    const startFlags = npmStartFlags();
    expect(startFlags).toContain('--max-old-space-size=128');
    expect(startFlags).toContain('--use-env-proxy');
    expect(imageFlags().split(/\s+/)).toEqual(startFlags);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
  });

  it.each([
    ['no NODE_OPTIONS of its own', undefined, 128],
    ['an option added in compose', '--enable-source-maps', 128],
    ['a larger heap asked for', '--max-old-space-size=512', 512],
  ])("keeps the image's flags when the operator gives %s", (_what, operatorOptions, heapMiB) => {
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(cmd.slice(0, 2)).toEqual(['sh', '-c']);
    const probe = `exec "${process.execPath}" -e 'const v8 = require("node:v8"); console.log(JSON.stringify({ options: process.env.NODE_OPTIONS, heap: v8.getHeapStatistics().heap_size_limit }))'`;
    const script = (cmd[2] ?? '').replace('exec node src/main.ts', probe);
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', BRIDGE_NODE_FLAGS: imageFlags(), ...(operatorOptions === undefined ? {} : { NODE_OPTIONS: operatorOptions }) };
    const run = spawnSync('sh', ['-c', script], { env, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const seen = JSON.parse(run.stdout) as { options: string; heap: number };
    expect(seen.options.startsWith(imageFlags())).toBe(true);
    if (operatorOptions !== undefined) expect(seen.options.endsWith(operatorOptions)).toBe(true);
    // V8's limit is the old space plus the young generation: within a few MiB of what was asked for.
    expect(Math.round(seen.heap / 1048576 / 16)).toBe(Math.round((heapMiB + 12) / 16));
  });

  it('.env.example lists every variable the example config needs', () => {
    // Only keys in force: comments (and commented-out alternatives) name variables nobody has to set.
    const config = readFileSync(new URL('../../config/bridge.example.yaml', import.meta.url), 'utf8')
      .split('\n')
      .map((line) => line.replace(/(^|\s)#.*$/, ''))
      .join('\n');
    const required = [...config.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]);
    for (const name of required) expect(envExample, `${name ?? ''} in .env.example`).toMatch(new RegExp(`^${name ?? ''}=`, 'm'));
  });
});
