/** What `INFO memory` says about room left; `max` is undefined when Redis has no `maxmemory` (it may take the host's). */
export interface RedisMemory {
  used: number;
  max: number | undefined;
  policy: string;
}

/** Reads the fields the bridge watches out of `INFO memory` (one `name:value` a line; Redis' INFO format). */
export function parseRedisMemory(info: string): RedisMemory {
  const field = (name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const max = Number(field('maxmemory') ?? '0');
  return { used: Number(field('used_memory') ?? '0'), max: max > 0 ? max : undefined, policy: field('maxmemory_policy') ?? 'unknown' };
}

/**
 * The readiness line for Redis memory: a warning once `warnPercent` of `maxmemory` is in use, because with
 * `noeviction` a full Redis refuses every write and each webhook is answered 503 until room is made.
 */
export function memoryCheck(memory: RedisMemory, warnPercent: number): { text: string; warning: boolean } {
  if (memory.max === undefined) return { text: `ok (${mib(memory.used)} in use, no maxmemory set)`, warning: false };
  const percent = Math.round((memory.used / memory.max) * 100);
  const share = `${mib(memory.used)} of maxmemory ${mib(memory.max)} (${percent.toString()} %)`;
  if (percent < warnPercent) return { text: `ok (${share})`, warning: false };
  return { text: `warning: ${share} in use; at maxmemory with ${memory.policy} every webhook is answered 503`, warning: true };
}

function mib(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MiB`;
}
