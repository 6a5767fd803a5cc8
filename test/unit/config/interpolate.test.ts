import { describe, expect, it } from 'vitest';
import { interpolateEnv, missingValue } from '../../../src/config/interpolate.ts';
import { parseConfig } from '../../../src/config/load.ts';
import { MINIMAL, problems } from './helpers.ts';

describe('interpolateEnv', () => {
  it('replaces ${NAME} and ${NAME:-default} in every string, at any depth, and leaves other scalars alone', () => {
    const { value, problems: found } = interpolateEnv(
      { a: 'x-${A}-y', b: '${B:-fallback}', list: ['${A}', { deep: '${A}${A}' }], n: 3, t: true, z: null },
      { A: 'alpha' },
    );
    expect(found).toEqual([]);
    expect(value).toEqual({ a: 'x-alpha-y', b: 'fallback', list: ['alpha', { deep: 'alphaalpha' }], n: 3, t: true, z: null });
  });

  it('counts a variable set to the empty string as set; ${NAME:-default} falls back on empty as the shell does', () => {
    const { value, problems: found } = interpolateEnv({ bare: '${EMPTY}', withDefault: '${EMPTY:-d}', setWins: '${SET:-d}' }, { EMPTY: '', SET: 's' });
    expect(found).toEqual([]);
    expect(value).toEqual({ bare: '', withDefault: 'd', setWins: 's' });
  });

  it('keeps $${ as a literal ${ and does not expand what follows it', () => {
    const { value, problems: found } = interpolateEnv({ template: 'cost $${A} and ${A}', plain: 'pa$$word $A' }, { A: 'x' });
    expect(found).toEqual([]);
    expect(value).toEqual({ template: 'cost ${A} and x', plain: 'pa$$word $A' });
  });

  it('reports every missing variable with its key path, and leaves a placeholder so the rest can be validated', () => {
    const { value, problems: found } = interpolateEnv({ jira: { apiToken: '${JIRA_API_TOKEN}' }, routes: [{ name: '${R1}' }, { name: '${R2}' }] }, {});
    expect(found).toEqual([
      { path: 'jira.apiToken', message: 'environment variable JIRA_API_TOKEN is not set' },
      { path: 'routes.0.name', message: 'environment variable R1 is not set' },
      { path: 'routes.1.name', message: 'environment variable R2 is not set' },
    ]);
    expect(value).toEqual({ jira: { apiToken: missingValue('JIRA_API_TOKEN') }, routes: [{ name: missingValue('R1') }, { name: missingValue('R2') }] });
  });

  it.each([['${JIRA_TOKEN'], ['${1BAD}'], ['${A:-${B}}'], ['${A:default}']])('reports a malformed reference %s instead of keeping it as a value', (text) => {
    expect(interpolateEnv({ jira: { apiToken: text } }, { A: 'a', B: 'b', JIRA_TOKEN: 't' }).problems).toEqual([
      { path: 'jira.apiToken', message: 'has a "${" that is not ${NAME} or ${NAME:-default} (write $${ for a literal "${")' },
    ]);
  });

  it('reads the env argument only, never process.env', () => {
    process.env['C1TB_ONLY_IN_PROCESS_ENV'] = 'leak';
    try {
      expect(interpolateEnv('${C1TB_ONLY_IN_PROCESS_ENV}', {}).problems).toHaveLength(1);
    } finally {
      delete process.env['C1TB_ONLY_IN_PROCESS_ENV'];
    }
  });
});

describe('interpolation in the config file', () => {
  it('runs after YAML parsing, so a value with YAML syntax in it stays one string', () => {
    const config = parseConfig(`${MINIMAL}admin: { username: ops, password: "\${ADMIN_PASSWORD}" }\n`, { ADMIN_PASSWORD: 'a: b # [c], {d}\n- e' });
    expect(config.admin.password).toBe('a: b # [c], {d}\n- e');
  });

  it('reports a missing variable once, not again as the bad value it leaves behind', () => {
    expect(
      problems(`
server: { publicUrl: "\${BRIDGE_PUBLIC_URL}", port: "\${PORT}" }
conductorone: { tenant: acme.conductor.one, callbackOrigins: ["\${ORIGIN}"] }
admin: { username: "\${ADMIN_USER}", password: secret }
`),
    ).toEqual([
      'server.publicUrl: environment variable BRIDGE_PUBLIC_URL is not set',
      'server.port: environment variable PORT is not set',
      'conductorone.callbackOrigins.0: environment variable ORIGIN is not set',
      'admin.username: environment variable ADMIN_USER is not set',
    ]);
  });
});
