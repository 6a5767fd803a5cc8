import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const demo = (...args: string[]) => spawnSync(process.execPath, ['demo/run-demo.ts', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env } });

/** A flavour ran its whole loop: exit 0, nothing on stderr, each step's line printed. */
function expectClosedLoop(run: SpawnSyncReturns<string>, lines: readonly string[]): void {
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('bridge answered 202');
  for (const line of lines) expect(run.stdout).toContain(line);
  expect(run.stdout).toContain('The loop closed: webhook → ticket → resolution → callback.');
}

describe('npm run demo', () => {
  it('walks one grant from webhook to ticket to resolution to callback and exits 0 (the default, Jira Cloud)', () => {
    expectClosedLoop(demo(), ['demo flavour cloud:', 'The worker opened Jira issue OPS-1', '"complete": {']);
  });

  it('--flavour datacenter walks a grant through a Jira Data Center issue with a wiki-markup description', () => {
    expectClosedLoop(demo('--flavour', 'datacenter'), [
      'The worker opened Jira Data Center issue OPS-1 in project OPS (POST /rest/api/2/issue)',
      // The hyphen in the account name is escaped so that wiki markup cannot strike it through.
      '    Account in the app: janedoe\\-acme',
      'Data Center sends jira:issue_updated with X-Hub-Signature sha256=',
      '"complete": {',
    ]);
  });

  it('--flavour jsm walks a grant through a Jira Service Management request', () => {
    expectClosedLoop(demo('--flavour', 'jsm'), [
      'The worker opened Jira Service Management request ITHELP-1 in service desk ITHELP, request type "Request access" (POST /rest/servicedeskapi/request)',
      '   labels (added after the create): c1-task-2pQdTask0001',
      '"complete": {',
    ]);
  });

  it('--flavour approval walks a policy approval step through a Jira approval issue to an approve callback', () => {
    expectClosedLoop(demo('--flavour', 'approval'), [
      'ConductorOne sends a signed PayloadPolicyApprovalStep',
      'The worker opened approval issue CAB-1 in project CAB',
      '   summary: Approve: Grant GitHub / Org Admin for Jane Doe',
      '"approve": {',
      'got the note: "The bridge sent the answer to ConductorOne: approved."',
    ]);
  });

  it('--flavour servicenow walks a revoke through a ServiceNow catalog task closed complete', () => {
    expectClosedLoop(demo('--flavour', 'servicenow'), [
      'The worker opened ServiceNow catalog task SCTASK',
      'the business rule calls the bridge signed sha256=',
      '"complete": {',
      'got the note: "The bridge reported this task to ConductorOne as complete."',
    ]);
  });

  it('refuses an unknown flavour or option with exit 2 and the list of flavours, starting nothing', () => {
    for (const args of [['--flavour', 'zendesk'], ['--colour']]) {
      const run = demo(...args);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('usage: npm run demo [-- --flavour <name>]');
      expect(run.stderr).toMatch(/^ {2}cloud {7}a grant to a Jira Cloud issue/m);
    }
    expect(demo('--flavour', 'zendesk').stderr).toContain('unknown flavour "zendesk"');
    const help = demo('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^ {2}servicenow {2}a revoke to a ServiceNow catalog task/m);
  });
});
