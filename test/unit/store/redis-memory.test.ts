import { describe, expect, it } from 'vitest';
import { memoryCheck, parseRedisMemory } from '../../../src/store/redis-memory.ts';

// INFO's lines end in \r\n, as Redis sends them.
const info = (fields: Record<string, string>) => `# Memory\r\n${Object.entries(fields).map(([k, v]) => `${k}:${v}`).join('\r\n')}\r\n`;

describe('Redis memory from INFO memory', () => {
  it('reads used, maxmemory and the policy from CRLF lines, and no maxmemory as none', () => {
    expect(parseRedisMemory(info({ used_memory: '1048576', maxmemory: '8388608', maxmemory_policy: 'noeviction' }))).toEqual({ used: 1048576, max: 8388608, policy: 'noeviction' });
    expect(parseRedisMemory(info({ used_memory: '2048', maxmemory: '0', maxmemory_policy: 'allkeys-lru' }))).toEqual({ used: 2048, max: undefined, policy: 'allkeys-lru' });
    expect(parseRedisMemory('# Memory\r\n')).toEqual({ used: 0, max: undefined, policy: 'unknown' });
  });

  it('warns from exactly the warning share of maxmemory on, and never without a maxmemory', () => {
    const max = 100 * 1_048_576;
    expect(memoryCheck({ used: 79 * 1_048_576, max, policy: 'noeviction' }, 80)).toEqual({ text: 'ok (79.0 MiB of maxmemory 100.0 MiB (79 %))', warning: false });
    expect(memoryCheck({ used: 80 * 1_048_576, max, policy: 'noeviction' }, 80)).toEqual({
      text: 'warning: 80.0 MiB of maxmemory 100.0 MiB (80 %) in use; at maxmemory with noeviction every webhook is answered 503',
      warning: true,
    });
    expect(memoryCheck({ used: 99 * 1_048_576, max: undefined, policy: 'noeviction' }, 80)).toEqual({ text: 'ok (99.0 MiB in use, no maxmemory set)', warning: false });
  });
});
