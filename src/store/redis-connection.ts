import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { BridgeConfig } from '../config/schema.ts';

type RedisConfig = BridgeConfig['redis'];

/** A single server or a Sentinel-managed master (both `Redis`), or a Cluster: the commands the bridge uses are shared. */
export type RedisClient = Redis | Cluster;

/** The options the bridge sets; ioredis' reply mapping stays at its default. */
export type ConnectionOptions = Omit<RedisOptions, 'replyMapping'>;

/** Connection settings that come from the URL: credentials, TLS, database. */
export function urlOptions(url: string): ConnectionOptions {
  const parsed = new URL(url);
  const db = Number(parsed.pathname.replace('/', '') || '0');
  return {
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(Number.isInteger(db) && db > 0 ? { db } : {}),
  };
}

/**
 * A connection as the config describes it: one server, a Sentinel-managed master, or a Cluster. `options` are the
 * role's own (fail fast for producers, block forever for workers).
 */
export function connectRedis(config: RedisConfig, options: ConnectionOptions): RedisClient {
  if (config.cluster !== undefined) {
    const { enableOfflineQueue, lazyConnect, ...perNode } = options;
    const redisOptions = { ...urlOptions(config.url), ...perNode } as NonNullable<ClusterOptions['redisOptions']>;
    return new Cluster(
      config.cluster.map((node) => ({ host: node.host, port: node.port })),
      { redisOptions, enableOfflineQueue: enableOfflineQueue ?? true, lazyConnect: lazyConnect ?? false } as ConstructorParameters<typeof Cluster>[1],
    );
  }
  if (config.sentinels !== undefined) {
    const sentinelOptions = {
      ...urlOptions(config.url),
      ...options,
      sentinels: config.sentinels.map((node) => ({ host: node.host, port: node.port })),
      name: config.sentinelName ?? 'mymaster',
    };
    return new Redis(sentinelOptions);
  }
  return new Redis(config.url, options);
}

/** The URL without its credentials, for messages and logs. */
export function redisLabel(config: RedisConfig): string {
  if (config.cluster !== undefined) return `cluster ${config.cluster.map((n) => `${n.host}:${n.port.toString()}`).join(',')}`;
  if (config.sentinels !== undefined) return `sentinel master ${config.sentinelName ?? ''} via ${config.sentinels.map((n) => `${n.host}:${n.port.toString()}`).join(',')}`;
  return config.url.replace(/\/\/[^@/]*@/, '//');
}
