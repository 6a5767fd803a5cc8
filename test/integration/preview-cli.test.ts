import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'c1tb-preview-'));
const CONFIG = join(dir, 'bridge.yaml');
writeFileSync(
  CONFIG,
  `server: { publicUrl: "https://bridge.acme.example" }
conductorone: { tenant: acme.conductor.one }
jira: { baseUrl: "https://acme.atlassian.net", token: "\${JIRA_PAT}" }
servicenow: { instanceUrl: "https://acme.service-now.com", username: u, password: p }
routes:
  - name: emergency-contractors
    match: { taskType: grant }
    when: 'task.emergencyAccess && subject.employmentType == "Contractor"'
    jira: { project: SEC, labels: [emergency-access] }
  - name: code
    match: { appName: [GitHub, GitLab] }
    jira: { project: OPS, labels: [access] }
`,
);
const ENV = { JIRA_PAT: 'secret-pat' };

describe('c1-ticket-bridge preview', () => {
  it('prints the route, why earlier routes did not match, and the ticket; exit 0', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['preview', '--config', CONFIG, '--fixture', 'provision-grant'], ENV, io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.slice(0, 8)).toEqual([
      'task 2pQdTask0001 (step 2pQdStepProv): grant GitHub / Org Admin for Jane Doe <jane.doe@acme.com>',
      '',
      'routing (first match wins):',
      '  skip  emergency-contractors: when: is false',
      '  take  code',
      '',
      'ticket (Jira, project OPS, issue type Task); preview only, nothing was created:',
      '  summary:       Grant GitHub / Org Admin for Jane Doe',
    ]);
    const body = JSON.parse(out.at(-1) ?? '{}') as { fields: { labels: string[] } };
    expect(body.fields.labels).toEqual(['access', 'c1-task-2pQdTask0001']);
    expect(out.join('\n')).not.toContain('secret-pat');
  });

  it('reads a payload from a JSON file, and exits 1 when no route takes it', async () => {
    const payload = loadFixture('provision-revoke');
    const file = join(dir, 'revoke.json');
    writeFileSync(file, JSON.stringify(payload));
    const { io, out } = captureIo();
    expect(await runCli(['preview', '--config', CONFIG, file], ENV, io)).toBe(1);
    expect(out).toContain('  skip  emergency-contractors: match.taskType: wants "grant", the task has "revoke"');
    expect(out).toContain('  no route matches and there is no defaultRoute: no ticket; ConductorOne gets an errored callback:');
  });

  it('previews an approval step: "no approval route" and exit 1 when no for: approval route takes it', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['preview', '--config', CONFIG, '--fixture', 'policy-approval'], ENV, io)).toBe(1);
    expect(err).toEqual([]);
    expect(out).toContain('  skip  code: for: takes provision steps, this is an approval step');
    expect(out.at(-1)).toBe('  no approval route: no route with for: approval takes this step; ConductorOne is answered 422 no_approval_route and nothing is written (never a deny)');
    expect(out.join('\n')).not.toContain('not a provisioning step');
  });

  it('--all prints one row per sample payload', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['preview', '--config', CONFIG, '--all'], ENV, io)).toBe(0);
    expect(out[0]).toMatch(/^payload\s+task\s+route\s+desk\s+summary$/);
    expect(out.find((line) => line.startsWith('provision-emergency-contractor'))).toMatch(/2pQdTask0007\s+emergency-contractors\s+jira SEC\s+Grant AWS Production \/ PowerUser for Chris Lee$/);
    expect(out.find((line) => line.startsWith('provision-grant'))).toMatch(/2pQdTask0001\s+code\s+jira OPS\s+Grant GitHub/);
    expect(out.find((line) => line.startsWith('provision-revoke'))).toMatch(/\(no route\)/);
    expect(out.find((line) => line.startsWith('test '))).toMatch(/\(not accepted\)/);
  });

  it('--json gives the structured result the console can use', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['preview', '--config', CONFIG, '--json'], ENV, io)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ kind: 'routed', route: 'code', ticket: { system: 'jira', project: 'OPS' } });
  });

  it('refuses a wrong command line (2) and an unreadable payload (2), creating nothing', async () => {
    for (const args of [['--all', '--fixture', 'provision-grant'], ['a.json', 'b.json'], ['--colour']]) {
      const { io, err } = captureIo();
      expect(await runCli(['preview', '--config', CONFIG, ...args], ENV, io)).toBe(2);
      expect(err[0]).toMatch(/^preview: /);
    }
    const { io, err } = captureIo();
    expect(await runCli(['preview', '--config', CONFIG, '--fixture', 'nope'], ENV, io)).toBe(2);
    expect(err[0]).toContain('cannot read "nope" (no such file)');
  });

  it('runs as the installed command (npx c1-ticket-bridge preview)', () => {
    const run = spawnSync('npx', ['c1-ticket-bridge', 'preview', '--config', CONFIG, '--fixture', 'provision-emergency-contractor'], { encoding: 'utf8', env: { ...process.env, ...ENV } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  take  emergency-contractors');
    expect(run.stdout).toContain('  labels:        emergency-access, c1-task-2pQdTask0007');
  });
});
