import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { connectRedis, redisLabel, urlOptions } from '../../../src/store/redis-connection.ts';

const redisConfig = (redis: Record<string, unknown>) =>
  configSchema.parse({ server: { publicUrl: 'https://bridge.acme.example' }, conductorone: { tenant: 'acme.conductor.one' }, redis }).redis;

describe('urlOptions: what a redis URL carries besides host and port', () => {
  it('takes user, password (decoded), TLS and db from the URL, and nothing that is not there', () => {
    expect(urlOptions('rediss://bridge:p%40ss@redis.example:6380/3')).toEqual({ username: 'bridge', password: 'p@ss', tls: {}, db: 3 });
    expect(urlOptions('redis://:only-password@redis.example')).toEqual({ password: 'only-password' });
    expect(urlOptions('redis://redis.example:6379')).toEqual({});
    expect(urlOptions('redis://redis.example/0')).toEqual({});
    expect(urlOptions('redis://redis.example/x')).toEqual({});
  });
});

describe('connectRedis: one server, a Sentinel master, or a Cluster, as the config says', () => {
  it('a URL alone is one server, with the role\'s options', () => {
    const client = connectRedis(redisConfig({ url: 'redis://:pw@127.0.0.1:6390/2' }), { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      expect(client).toBeInstanceOf(Redis);
      expect((client as Redis).options).toMatchObject({ host: '127.0.0.1', port: 6390, password: 'pw', db: 2, lazyConnect: true, maxRetriesPerRequest: 1 });
    } finally {
      client.disconnect();
    }
  });

  it('sentinels find the named master; the URL gives only credentials and db', () => {
    const config = redisConfig({ url: 'redis://:pw@ignored.example/1', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2' }], sentinelName: 'bridge-master' });
    const client = connectRedis(config, { lazyConnect: true });
    try {
      expect(client).toBeInstanceOf(Redis);
      expect((client as Redis).options).toMatchObject({
        sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 6379 }],
        name: 'bridge-master',
        password: 'pw',
        db: 1,
        lazyConnect: true,
      });
    } finally {
      client.disconnect();
    }
  });

  it('cluster nodes seed a Cluster; per-node options go to each node, queueing and lazy connect to the cluster', () => {
    const config = redisConfig({ url: 'redis://:pw@ignored.example', prefix: '{c1tb}', cluster: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }] });
    const client = connectRedis(config, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    try {
      expect(client).toBeInstanceOf(Cluster);
      const cluster = client as Cluster;
      expect(cluster.options).toMatchObject({ enableOfflineQueue: false, lazyConnect: true, redisOptions: { password: 'pw', maxRetriesPerRequest: 1 } });
      expect(cluster.options.redisOptions).not.toHaveProperty('lazyConnect');
      expect(cluster.options.redisOptions).not.toHaveProperty('enableOfflineQueue');
    } finally {
      client.disconnect();
    }
    const defaults = connectRedis(config, {}) as Cluster;
    try {
      expect(defaults.options).toMatchObject({ enableOfflineQueue: true, lazyConnect: false });
    } finally {
      defaults.disconnect();
    }
  });
});

describe('redisLabel: where Redis is, without credentials', () => {
  it('names the server, the Sentinel master or the cluster nodes', () => {
    expect(redisLabel(redisConfig({ url: 'redis://bridge:secret@redis.example:6379/0' }))).toBe('redis://redis.example:6379/0');
    expect(redisLabel(redisConfig({ url: 'redis://:secret@redis.example' }))).toBe('redis://redis.example');
    expect(redisLabel(redisConfig({ url: 'redis://redis.example' }))).toBe('redis://redis.example');
    expect(redisLabel(redisConfig({ sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], sentinelName: 'm' }))).toBe('sentinel master m via s1:26379,s2:26380');
    expect(redisLabel(redisConfig({ prefix: '{p}', cluster: [{ host: 'n1', port: 7000 }, { host: 'n2', port: 7001 }] }))).toBe('cluster n1:7000,n2:7001');
  });
});
