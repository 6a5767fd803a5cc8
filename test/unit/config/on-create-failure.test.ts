import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { MINIMAL, problems } from './helpers.ts';

describe('jobs.onCreateFailure', () => {
  it('defaults to report and takes hold', () => {
    expect(parseConfig(MINIMAL, {}).jobs.onCreateFailure).toBe('report');
    expect(parseConfig(`${MINIMAL}jobs: { onCreateFailure: hold }`, {}).jobs.onCreateFailure).toBe('hold');
    expect(parseConfig(`${MINIMAL}jobs: { onCreateFailure: "\${ON_FAIL:-hold}" }`, {}).jobs.onCreateFailure).toBe('hold');
  });

  it('refuses any other word with the choices named', () => {
    expect(problems(`${MINIMAL}jobs: { onCreateFailure: retry }`)).toEqual(['jobs.onCreateFailure: must be one of report, hold, not "retry"']);
    expect(problems(`${MINIMAL}jobs: { onCreateFailure: "" }`)).toEqual(['jobs.onCreateFailure: must be one of report, hold, not ""']);
  });
});
