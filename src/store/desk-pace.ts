import { LuaScript } from './lua-script.ts';
import type { RedisClient } from './redis-connection.ts';

// The pause is a key that expires when the desk may be called again: Redis keeps the time, so processes on hosts
// whose clocks disagree still wait for the same moment. A later, longer Retry-After extends it; a shorter one never
// shortens it.
const PAUSE = new LuaScript(`
local left = redis.call('PTTL', KEYS[1])
local want = tonumber(ARGV[1])
if left < want then
  redis.call('SET', KEYS[1], '1', 'PX', want)
  return want
end
return left
`);

/** How long a desk is paused after a 429 that carried no Retry-After. */
export const DEFAULT_PAUSE_MS = 1000;

/**
 * Each desk's pace, shared by every worker process through Redis and keyed by the desk's name (`jira`,
 * `servicenow`, or a named instance such as `jira-legacy`): a 429 from one desk holds only the calls to that desk.
 */
export interface DeskPace {
  /** How long calls to the desk must still wait (0: call now). */
  waitMs(desk: string): Promise<number>;
  /** Holds calls to the desk, in every process, for at least `ms`; answers how long the pause now lasts. */
  pause(desk: string, ms: number): Promise<number>;
}

export function createDeskPace(redis: RedisClient, keyOf: (desk: string) => string): DeskPace {
  return {
    async waitMs(desk) {
      return Math.max(0, await redis.pttl(keyOf(desk)));
    },
    async pause(desk, ms) {
      return Number(await PAUSE.run(redis, [keyOf(desk)], [Math.max(1, Math.ceil(ms))]));
    },
  };
}
