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

  it('runs the image with the same heap settings as npm start (the ones the bench measures)', () => {
    const startFlags = npmStartFlags();
    const imageFlags = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile)?.[1]?.split(/\s+/);
    expect(startFlags).toContain('--max-old-space-size=128');
    expect(imageFlags).toEqual(startFlags);
    expect(dockerfile).toMatch(/^CMD \["node", "src\/main\.ts"\]$/m);
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
