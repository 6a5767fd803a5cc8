import { cpus } from 'node:os';
import type { Redis } from 'ioredis';

/** CPU seconds spent so far: the whole machine's busy time, this process's, and the Redis server's. */
export interface CpuMark {
  at: number;
  machine: number;
  self: number;
  redis: number;
}

function machineBusySeconds(): number {
  let milliseconds = 0;
  for (const { times } of cpus()) milliseconds += times.user + times.nice + times.sys + times.irq;
  return milliseconds / 1000;
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

export async function cpuMark(redis: Redis): Promise<CpuMark> {
  const usage = process.cpuUsage();
  return { at: performance.now(), machine: machineBusySeconds(), self: (usage.user + usage.system) / 1e6, redis: await redisCpuSeconds(redis) };
}

/**
 * Cores kept busy by anything other than the bench (its two processes and Redis) between two marks. The targets share
 * the machine with whatever else runs there, and a busy neighbour can halve a result without any other sign.
 */
export function coresElsewhere(from: CpuMark, to: CpuMark, loadProcessSeconds: number): number {
  const wall = (to.at - from.at) / 1000;
  if (wall <= 0) return 0;
  const ours = to.self - from.self + (to.redis - from.redis) + loadProcessSeconds;
  return Math.max(0, (to.machine - from.machine - ours) / wall);
}
