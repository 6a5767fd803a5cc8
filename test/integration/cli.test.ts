import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { captureIo } from '../helpers/capture-io.ts';

/** The variables .env.example lists, each set to a dummy value. */
function exampleEnv(): Record<string, string> {
  const lines = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8').split('\n');
  const names = lines.map((line) => /^([A-Z_][A-Z0-9_]*)=/.exec(line)?.[1]).filter((name) => name !== undefined);
  return { ...Object.fromEntries(names.map((name) => [name, `dummy-${name.toLowerCase()}`])), BRIDGE_PUBLIC_URL: 'https://bridge.acme.example', C1_TENANT: 'acme.conductor.one', JIRA_BASE_URL: 'https://acme.atlassian.net', SN_INSTANCE_URL: 'https://acme.service-now.com', REDIS_URL: 'redis://127.0.0.1:6379' };
}

const EXAMPLE = 'config/bridge.example.yaml';

describe('c1-ticket-bridge check-config', () => {
  it('passes the example config with the variables of .env.example set', async () => {
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--config', EXAMPLE], exampleEnv(), io)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe(`config OK: ${EXAMPLE}`);
    expect(out).toContain('  service desks: jira, servicenow');
    expect(out).toContain('  routes: 2 + defaultRoute');
    expect(out.join('\n')).not.toContain('dummy-jira_api_token');
  });

  it('fails the example config with one clear line per missing variable', async () => {
    const env = exampleEnv();
    delete env['JIRA_API_TOKEN'];
    delete env['C1_TENANT'];
    const { io, out, err } = captureIo();
    expect(await runCli(['check-config', '--config', EXAMPLE], env, io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `config invalid: ${EXAMPLE}`,
      'conductorone.tenant: environment variable C1_TENANT is not set',
      'jira.apiToken: environment variable JIRA_API_TOKEN is not set',
    ]);
  });

  it('reads BRIDGE_CONFIG when no --config is given', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['check-config'], { BRIDGE_CONFIG: '/nonexistent.yaml' }, io)).toBe(1);
    expect(err[0]).toBe('config invalid: /nonexistent.yaml');
  });

  it('answers an unknown command with the usage and exit code 2', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['frobnicate'], {}, io)).toBe(2);
    expect(err[0]).toBe('unknown command: frobnicate');
    expect(err.join('\n')).toContain('usage: c1-ticket-bridge <command>');
  });

  it('runs as the package bin with exit codes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'c1tb-cli-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'server: { publicUrl: "https://bridge.acme.example" }\nconductorone: { tenant: acme.conductor.one }\n');
    const ok = spawnSync(process.execPath, ['bin/c1-ticket-bridge.js', 'check-config'], { env: { PATH: process.env['PATH'] ?? '', BRIDGE_CONFIG: good }, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.split('\n')[0]).toBe(`config OK: ${good}`);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server: { publicUrl: nope }\n');
    const refused = spawnSync(process.execPath, ['bin/c1-ticket-bridge.js', 'check-config', '--config', bad], { env: { PATH: process.env['PATH'] ?? '' }, encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr.split('\n')).toEqual([`config invalid: ${bad}`, 'server.publicUrl: must be an absolute http(s) URL', 'conductorone: is required', '']);
  });
});
