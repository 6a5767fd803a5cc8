import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { MINIMAL } from './helpers.ts';
import { captureIo } from '../../helpers/capture-io.ts';

function tempConfig(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'c1tb-cli-')), 'bridge.yaml');
  writeFileSync(path, text);
  return path;
}

const GOOD = tempConfig(`${MINIMAL}jira: { baseUrl: "https://acme.atlassian.net", token: "\${JIRA_PAT}" }\nroutes: [{ name: gh, jira: { project: OPS } }]\n`);
const BAD = tempConfig('server: { publicUrl: nope }\nconductorone: { tenant: acme.conductor.one, colour: blue }\n');

describe('runCli check-config', () => {
  it('prints the summary and exits 0 for a valid config, without printing secrets', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--config', GOOD], { JIRA_PAT: 'secret-pat' }, io)).toBe(0);
    expect(err).toEqual([]);
    expect(out).toEqual([
      `config OK: ${GOOD}`,
      '  publicUrl: https://bridge.acme.example (ConductorOne webhook: https://bridge.acme.example/webhooks/conductorone)',
      '  tenant: acme.conductor.one (JWKS https://acme.conductor.one/auth/v1/jwks, audience bridge.acme.example)',
      '  service desks: jira',
      '  routes: 1, no defaultRoute',
    ]);
    expect(out.join('\n')).not.toContain('secret-pat');
  });

  it('prints every problem and exits 1 for an invalid config', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--config', BAD], {}, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([`config invalid: ${BAD}`, 'server.publicUrl: must be an absolute http(s) URL', 'conductorone: unknown key "colour"']);
  });

  it('reads BRIDGE_CONFIG when --config is not given', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['check-config'], { BRIDGE_CONFIG: GOOD, JIRA_PAT: 'p' }, io)).toBe(0);
    expect(out[0]).toBe(`config OK: ${GOOD}`);
  });

  it('answers an unknown option with the usage and exit code 2', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--confg', GOOD], {}, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(/^check-config: Unknown option '--confg'/);
    expect(err.join('\n')).toContain('usage: c1-ticket-bridge <command>');
  });
});

describe('runCli dispatch', () => {
  it('answers an unknown command with the usage on err and exit code 2', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['frobnicate'], {}, io)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toBe('unknown command: frobnicate');
    expect(err.slice(1).join('\n')).toMatch(/^usage: c1-ticket-bridge <command>\n[\s\S]*check-config/);
  });

  it('answers no command like an unknown one', async () => {
    const { io, err } = captureIo();
    expect(await runCli([], {}, io)).toBe(2);
    expect(err[0]).toBe('no command given');
  });

  it('prints the usage on out for help and exits 0', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['help'], {}, io)).toBe(0);
    expect(err).toEqual([]);
    expect(out.join('\n')).toContain('check-config [--config <file>]');
  });
});

describe('bin/c1-ticket-bridge.js', () => {
  it('runs check-config from BRIDGE_CONFIG and exits 0', () => {
    const stdout = execFileSync(process.execPath, ['bin/c1-ticket-bridge.js', 'check-config'], { env: { BRIDGE_CONFIG: GOOD, JIRA_PAT: 'p' }, encoding: 'utf8' });
    expect(stdout.split('\n')).toEqual([
      `config OK: ${GOOD}`,
      '  publicUrl: https://bridge.acme.example (ConductorOne webhook: https://bridge.acme.example/webhooks/conductorone)',
      '  tenant: acme.conductor.one (JWKS https://acme.conductor.one/auth/v1/jwks, audience bridge.acme.example)',
      '  service desks: jira',
      '  routes: 1, no defaultRoute',
      '',
    ]);
  });

  it('exits 1 with the problems on stderr for an invalid config', () => {
    const run = spawnSync(process.execPath, ['bin/c1-ticket-bridge.js', 'check-config'], { env: { BRIDGE_CONFIG: BAD }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`config invalid: ${BAD}\nserver.publicUrl: must be an absolute http(s) URL\nconductorone: unknown key "colour"\n`);
  });

  it('exits 1 when a variable the config needs is missing', () => {
    const run = spawnSync(process.execPath, ['bin/c1-ticket-bridge.js', 'check-config'], { env: { BRIDGE_CONFIG: GOOD }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`config invalid: ${GOOD}\njira.token: environment variable JIRA_PAT is not set\n`);
  });

  it('exits 2 for an unknown command', () => {
    const run = spawnSync(process.execPath, ['bin/c1-ticket-bridge.js', 'frobnicate'], { env: {}, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^unknown command: frobnicate\nusage: c1-ticket-bridge <command>/);
  });
});
