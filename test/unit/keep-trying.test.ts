import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.ts';
import { keepTrying } from '../../src/queue/keep-trying.ts';
import { captureLogs } from '../helpers/log-capture.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('keepTrying', () => {
  it('tries again after each failure until the task succeeds, warning each time and saying when it is done', async () => {
    const logs = captureLogs();
    let calls = 0;
    const task = async () => {
      calls += 1;
      if (calls < 3) throw new Error(`refused ${calls.toString()}`);
    };
    const kept = keepTrying('reconcile schedule', 'set', task, createLogger({ level: 'info', destination: logs.destination }), 5);
    await kept.firstTry;
    expect(calls).toBe(1);
    await waitFor('the third call', async () => logs.find((line) => line['msg'] === 'reconcile schedule set') !== undefined);
    expect(calls).toBe(3);
    expect(logs.lines.map((line) => [line['msg'], line['err']])).toEqual([
      ['reconcile schedule not set yet; trying again', 'refused 1'],
      ['reconcile schedule not set yet; trying again', 'refused 2'],
      ['reconcile schedule set', undefined],
    ]);
  });

  it('makes no further attempt once stopped', async () => {
    const logs = captureLogs();
    let calls = 0;
    const kept = keepTrying('reconcile schedule', 'removed', async () => {
      calls += 1;
      throw new Error('Command timed out');
    }, createLogger({ level: 'info', destination: logs.destination }), 5);
    await kept.firstTry;
    kept.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toBe(1);
    expect(logs.lines).toHaveLength(1);
    expect(logs.lines[0]).toMatchObject({ level: 40, msg: 'reconcile schedule not removed yet; trying again', retryInMs: 5 });
  });
});
