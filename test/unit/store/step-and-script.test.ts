import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LuaScript } from '../../../src/store/lua-script.ts';
import { decodeStep, encodeStep } from '../../../src/store/step-id.ts';
import { REDIS_URL } from '../../helpers/redis.ts';

const redis = new Redis(REDIS_URL);
afterAll(() => {
  redis.disconnect();
});

describe('a task step as one string', () => {
  it('survives the round trip whatever the ids hold, including the separator', () => {
    for (const [taskId, stepId] of [['2pQdTask0001', '2pQdStepProv'], ['a|b', 'c%7Cd'], ['ü €', '']]) {
      const encoded = encodeStep(taskId as string, stepId as string);
      expect(encoded.split('|')).toHaveLength(2);
      expect(decodeStep(encoded)).toEqual({ taskId, stepId });
    }
    expect(encodeStep('a|b', 'c')).toBe('a%7Cb|c');
  });

  it('is undefined for a value that is not one', () => {
    expect(decodeStep('no-separator')).toBeUndefined();
    expect(decodeStep('a|b|c')).toBeUndefined();
  });
});

describe('LuaScript', () => {
  it('loads itself on first use (NOSCRIPT) and is called by its SHA afterwards', async () => {
    // A source no Redis has seen, so the first EVALSHA is answered NOSCRIPT.
    const marker = randomUUID();
    const script = new LuaScript(`return {KEYS[1], ARGV[1], '${marker}'}`);
    expect(await script.run(redis, ['k'], ['v'])).toEqual(['k', 'v', marker]);
    expect(await script.run(redis, ['k2'], [7])).toEqual(['k2', '7', marker]);
  });

  it('passes on an error the script raises, instead of retrying it as a missing script', async () => {
    const script = new LuaScript(`return redis.error_reply('BROKEN ${randomUUID()}')`);
    await expect(script.run(redis, [], [])).rejects.toThrow(/^BROKEN /);
  });
});
