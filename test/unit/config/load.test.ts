import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveConfigPath } from '../../../src/config/load.ts';
import { MINIMAL, problems } from './helpers.ts';

function tempFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'c1tb-config-')), 'bridge.yaml');
  writeFileSync(path, text);
  return path;
}

function thrownBy(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads, interpolates and checks a file', () => {
    const config = loadConfig({ path: tempFile(`${MINIMAL}redis: { url: "\${REDIS_URL}" }\n`), env: { REDIS_URL: 'redis://cache:6380' } });
    expect(config.redis.url).toBe('redis://cache:6380');
    expect(config.conductorone.tenant).toBe('acme.conductor.one');
  });

  it('throws a ConfigError with a stable code, the problems and one line per problem', () => {
    const error = thrownBy(() => loadConfig({ path: tempFile('server: { publicUrl: nope }\nconductorone: { tenant: "${C1_TENANT}" }\n'), env: {} }));
    expect(error.code).toBe('config_invalid');
    expect(error.problems).toEqual([
      { path: 'conductorone.tenant', message: 'environment variable C1_TENANT is not set' },
      { path: 'server.publicUrl', message: 'must be an absolute http(s) URL' },
    ]);
    expect(error.format()).toBe('conductorone.tenant: environment variable C1_TENANT is not set\nserver.publicUrl: must be an absolute http(s) URL');
    expect(error.message).toBe(`the configuration has 2 problem(s):\n${error.format()}`);
  });

  it('reports a missing file in one line that says what to do', () => {
    expect(thrownBy(() => loadConfig({ path: '/nonexistent/bridge.yaml', env: {} })).format()).toBe(
      '/nonexistent/bridge.yaml: file not found (set BRIDGE_CONFIG or create config/bridge.yaml from config/bridge.example.yaml)',
    );
  });

  it('reports a path that is no file', () => {
    expect(thrownBy(() => loadConfig({ path: tmpdir(), env: {} })).format()).toMatch(/^\/.+: EISDIR: illegal operation on a directory/);
  });
});

describe('YAML problems', () => {
  it('reports a syntax error with its line and column', () => {
    expect(problems('server:\n  publicUrl: [unclosed\nconductorone: {}\n')).toEqual([
      'line 3, column 1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports a key given twice, which would otherwise silently keep one of them', () => {
    expect(problems(`${MINIMAL}jobs: { attempts: 3 }\njobs: { attempts: 4 }\n`)).toEqual(['line 5, column 1: YAML syntax: Map keys must be unique']);
  });

  it('reports an empty file as the sections it lacks', () => {
    expect(problems('')).toEqual(['server: is required', 'conductorone: is required']);
  });
});

describe('resolveConfigPath', () => {
  it('takes BRIDGE_CONFIG, else config/bridge.yaml', () => {
    expect(resolveConfigPath({ BRIDGE_CONFIG: '/etc/bridge.yaml' })).toBe('/etc/bridge.yaml');
    expect(resolveConfigPath({})).toBe('config/bridge.yaml');
  });
});
