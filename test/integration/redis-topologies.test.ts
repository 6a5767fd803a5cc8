import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../../src/config/load.ts';
import { urlOptions } from '../../src/store/redis-connection.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startOwnRedis, startOwnSentinel } from '../helpers/redis-server.ts';
import { startTestBridge } from '../helpers/test-bridge.ts';
import { readFileSync } from 'node:fs';

let c1: FakeConductorOne;
beforeAll(async () => {
  c1 = await startFakeConductorOne();
});
afterAll(async () => {
  await c1.close();
});

const BASE = 'server: { publicUrl: "https://b.example" }\nconductorone: { tenant: acme.conductor.one }\n';
function problems(text: string): string[] {
  try {
    parseConfig(text, {});
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
}

describe('Redis topologies', () => {
  it('takes credentials, TLS and db from the URL', () => {
    expect(urlOptions('rediss://user:p%40ss@redis.example:6380/2')).toEqual({ username: 'user', password: 'p@ss', tls: {}, db: 2 });
    expect(urlOptions('redis://127.0.0.1:6379')).toEqual({});
  });

  it('checks Sentinel and Cluster settings', () => {
    expect(problems(`${BASE}redis: { sentinels: [{ host: s1 }] }`)).toEqual(['redis.sentinelName: is required with sentinels (the name of the monitored master)']);
    expect(problems(`${BASE}redis: { cluster: [{ host: n1, port: 7000 }] }`)).toEqual(['redis.prefix: must be a hash tag such as "{c1tb}" with cluster, so related keys share a slot']);
    expect(problems(`${BASE}redis: { prefix: "{c1tb}", cluster: [{ host: n1, port: 7000 }], sentinels: [{ host: s1 }], sentinelName: m }`)).toEqual(['redis: give sentinels or cluster, not both']);
    expect(problems(`${BASE}redis: { prefix: "{c1tb}", cluster: [{ host: n1, port: 7000 }, { host: n2, port: 7001 }] }`)).toEqual([]);
  });

  it('finds the master through Sentinel and queues work there', async () => {
    const master = await startOwnRedis();
    const sentinel = await startOwnSentinel(master, 'bridge-master');
    const bridge = await startTestBridge({
      c1,
      redisUrl: 'redis://127.0.0.1:1',
      config: { redis: { url: 'redis://ignored-host:1', prefix: 'sentinel-test', sentinels: [{ host: '127.0.0.1', port: sentinel.port }], sentinelName: 'bridge-master' } },
      overrides: { shutdownTimeoutMs: 500 },
    });
    try {
      const body = JSON.parse(readFileSync(new URL('../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      expect((await bridge.deliver(body)).statusCode).toBe(202);
      const { Redis } = await import('ioredis');
      const direct = new Redis(master.url);
      expect(await direct.exists('sentinel-test:create-ticket:2pQdTask0001|2pQdStepProv')).toBe(1);
      direct.disconnect();
    } finally {
      await bridge.close().catch(() => undefined);
      await sentinel.stop();
      await master.stop();
    }
  });
});
