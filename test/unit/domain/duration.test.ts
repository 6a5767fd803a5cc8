import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../../src/domain/duration.ts';
import { durationToSeconds } from '../../../src/domain/provisioning-request.ts';

describe('durationToSeconds', () => {
  it.each([
    ['604800s', 604_800],
    ['3600s', 3600],
    ['1.5s', 1.5],
    ['0s', 0],
    ['0.000000001s', 1e-9],
    ['315576000000s', 315_576_000_000],
  ] as const)('%s is %d seconds', (value, seconds) => {
    expect(durationToSeconds(value)).toBe(seconds);
  });

  it.each([
    ['abc', 'not a number'],
    ['-5s', 'negative: no grant lasts less than nothing'],
    ['3600', 'no unit'],
    ['3600S', 'an upper-case unit'],
    ['1h', 'another unit'],
    ['1.1234567890s', 'more than nanosecond precision'],
    ['.5s', 'no integer part'],
    ['5.s', 'no fraction digits after the point'],
    [' 5s', 'a leading blank'],
    ['', 'empty'],
  ])('%j is undefined (%s)', (value) => {
    expect(durationToSeconds(value)).toBeUndefined();
  });

  it('is undefined when there is no value', () => {
    expect(durationToSeconds(undefined)).toBeUndefined();
    expect(durationToSeconds(null)).toBeUndefined();
  });
});

describe('humanDuration', () => {
  it.each([
    [604_800, '7 days'],
    [5400, '1 hour 30 minutes'],
    [90_061, '1 day 1 hour'],
    [1.5, '2 seconds'],
    [0, '0 seconds'],
  ] as const)('%d seconds reads %s', (seconds, text) => {
    expect(humanDuration(seconds)).toBe(text);
  });
});
