import { Cluster } from 'ioredis';
import { BridgeError } from '../errors.ts';
import type { RedisClient } from './redis-connection.ts';

/**
 * Resolves once the writes made so far on the producer connection are on `replicas` replicas; throws a retryable
 * `redis_unavailable` otherwise, so the sender tries again rather than trust a 202 that a failover could undo.
 */
export type ReplicaWait = () => Promise<void>;

export interface ReplicaWaitOptions {
  replicas: number;
  timeoutMs: number;
  /** Any key under the bridge's prefix: in a Cluster it names the slot (the prefix is one hash tag: one slot). */
  slotKey: string;
}

/**
 * Redis replicates asynchronously: a master that dies right after answering a write can take that write with it, and
 * the replica promoted in its place never had it. WAIT makes the master confirm the copies before the bridge answers.
 * In a Cluster, WAIT must go to the connection that made the writes: the master that serves the prefix's slot.
 *
 * @example
 *   const replicated = createReplicaWait(redis, { replicas: 1, timeoutMs: 1000, slotKey: 'c1tb:x' });
 *   await replicated?.(); // after the writes, before the 202
 */
export function createReplicaWait(redis: RedisClient, options: ReplicaWaitOptions): ReplicaWait | undefined {
  if (options.replicas <= 0) return undefined;
  let slot: number | undefined;
  const connectionOf = async (): Promise<Pick<RedisClient, 'wait'>> => {
    if (!(redis instanceof Cluster)) return redis;
    slot ??= Number(await redis.call('CLUSTER', 'KEYSLOT', options.slotKey));
    const master = redis.slots[slot]?.[0];
    const node = redis.nodes('master').find((n) => `${n.options.host ?? ''}:${String(n.options.port)}` === master);
    if (node === undefined) throw new Error(`no connection to the master of slot ${String(slot)} (${master ?? 'unknown'})`);
    return node;
  };
  return async () => {
    const connection = await connectionOf();
    const acknowledged = await connection.wait(options.replicas, options.timeoutMs);
    if (acknowledged < options.replicas) {
      throw new BridgeError('redis_unavailable', 'the queue could not confirm the write; retry later', {
        reason: `WAIT: ${String(acknowledged)} of ${String(options.replicas)} replicas confirmed within ${String(options.timeoutMs)} ms (redis.waitForReplicas)`,
      });
    }
  };
}
