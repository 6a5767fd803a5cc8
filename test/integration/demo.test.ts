import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('walks one grant from webhook to ticket to resolution to callback and exits 0', () => {
    const run = spawnSync(process.execPath, ['demo/run-demo.ts'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('bridge answered 202');
    expect(run.stdout).toContain('The worker opened Jira issue OPS-1');
    expect(run.stdout).toContain('"complete": {');
    expect(run.stdout).toContain('The loop closed: webhook → ticket → resolution → callback.');
  });
});
