import { describe, expect, it } from 'vitest';
import { interpolateEnv } from '../../../src/config/interpolate.ts';
import { ConfigError, loadConfig, parseConfig } from '../../../src/config/load.ts';

const MINIMAL = `
server: { publicUrl: "https://bridge.acme.example" }
conductorone: { tenant: acme.conductor.one }
`;

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.format().split('\n');
    throw error;
  }
  return [];
}

describe('config: defaults', () => {
  it('applies the contract defaults, including those derived from other keys, and freezes the result', () => {
    const config = parseConfig(MINIMAL, {});
    expect(config.server).toEqual({ host: '0.0.0.0', port: 8080, publicUrl: 'https://bridge.acme.example', bodyLimitBytes: 1_048_576 });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'c1tb' });
    expect(config.conductorone).toEqual({
      tenant: 'acme.conductor.one',
      jwksUrl: 'https://acme.conductor.one/auth/v1/jwks',
      audience: 'bridge.acme.example',
      clockToleranceSeconds: 30,
      callbackOrigins: ['https://acme.conductor.one'],
    });
    expect(config.jobs).toEqual({ attempts: 12, backoffMs: 2000 });
    expect(config.reconcile).toEqual({ intervalSeconds: 300 });
    expect(config.routes).toEqual([]);
    expect(Object.isFrozen(config.conductorone)).toBe(true);
  });

  it('normalises one webhook secret or several (rotation) to a list, and fills ServiceNow state defaults', () => {
    const config = parseConfig(
      `${MINIMAL}
jira: { baseUrl: "https://acme.atlassian.net", email: a@acme.example, apiToken: t, webhookSecret: one }
servicenow: { instanceUrl: "https://acme.service-now.com", username: u, password: p, webhookSecret: [new, old], states: { incident: { complete: [6], errored: [7, 8] } } }
`,
      {},
    );
    expect(config.jira?.webhookSecret).toEqual(['one']);
    expect(config.jira?.erroredResolutions).toEqual(["Won't Do", 'Declined', 'Rejected', 'Duplicate']);
    expect(config.servicenow?.webhookSecret).toEqual(['new', 'old']);
    expect(config.servicenow?.states).toEqual({
      incident: { complete: [6], errored: [7, 8] },
      sc_task: { complete: [3], errored: [4, 7] },
      sc_req_item: { complete: [3], errored: [4, 7] },
    });
  });
});

describe('config: environment interpolation', () => {
  it('replaces ${NAME}, falls back with ${NAME:-default}, keeps $${ literal, and counts an empty variable as set', () => {
    const { value, problems: found } = interpolateEnv({ a: '${A}', b: '${B:-fallback}', c: 'x$${literal}', d: ['${EMPTY}'], n: 3 }, { A: 'alpha', EMPTY: '' });
    expect(found).toEqual([]);
    expect(value).toEqual({ a: 'alpha', b: 'fallback', c: 'x${literal}', d: [''], n: 3 });
  });

  it('reports a missing variable with the key path it belongs to', () => {
    expect(problems(`${MINIMAL}\njira: { baseUrl: "https://acme.atlassian.net", email: a@b.c, apiToken: "\${JIRA_API_TOKEN}" }`)).toEqual([
      'jira.apiToken: environment variable JIRA_API_TOKEN is not set',
    ]);
  });
});

describe('config: each kind of mistake has its own clear message', () => {
  it.each([
    ['an unknown top-level key', `${MINIMAL}\ncolour: blue`, '(root): unknown key "colour"'],
    ['an unknown nested key', `server: { publicUrl: "https://b.example", prot: 1 }\nconductorone: { tenant: acme.conductor.one }`, 'server: unknown key "prot"'],
    ['a bad URL', `server: { publicUrl: "bridge.example" }\nconductorone: { tenant: acme.conductor.one }`, 'server.publicUrl: must be an absolute http(s) URL'],
    ['a callback origin with a path', `${MINIMAL.replace('tenant: acme.conductor.one', 'tenant: acme.conductor.one, callbackOrigins: ["https://acme.conductor.one/api"]')}`, 'conductorone.callbackOrigins.0: must be an origin: scheme://host[:port], without a path'],
    ['a tenant given as a URL', `server: { publicUrl: "https://b.example" }\nconductorone: { tenant: "https://acme.conductor.one" }`, 'conductorone.tenant: must be a host name, e.g. acme.conductor.one'],
    ['a route to an unconfigured system', `${MINIMAL}\nroutes: [{ name: sf, servicenow: { table: sc_task } }]`, 'routes.0.servicenow: route "sf" targets servicenow but the servicenow section is missing'],
    ['a defaultRoute to an unconfigured system', `${MINIMAL}\ndefaultRoute: { jira: { project: ACCESS } }`, 'defaultRoute.jira: defaultRoute targets jira but the jira section is missing'],
    ['a route with two targets', `${MINIMAL}\njira: { baseUrl: "https://a.atlassian.net", token: pat }\nservicenow: { instanceUrl: "https://a.service-now.com", username: u, password: p }\nroutes: [{ name: both, jira: { project: OPS }, servicenow: { table: incident } }]`, 'routes.0: needs exactly one target: jira or servicenow'],
    ['a bad task type', `${MINIMAL}\njira: { baseUrl: "https://a.atlassian.net", token: pat }\nroutes: [{ name: r, match: { taskType: certify }, jira: { project: OPS } }]`, 'routes.0.match.taskType: Invalid option: expected one of "grant"|"revoke"'],
    ['a bad table', `${MINIMAL}\nservicenow: { instanceUrl: "https://a.service-now.com", username: u, password: p }\nroutes: [{ name: r, servicenow: { table: change_request } }]`, 'routes.0.servicenow.table: Invalid option: expected one of "incident"|"sc_task"|"sc_req_item"'],
    ['a bad number', `${MINIMAL}\njobs: { attempts: lots }`, 'jobs.attempts: Invalid input: expected number, received NaN'],
    ['Jira without credentials', `${MINIMAL}\njira: { baseUrl: "https://a.atlassian.net" }`, 'jira: credentials missing: email + apiToken (Cloud) or token (Data Center PAT)'],
    ['half of the admin credentials', `${MINIMAL}\nadmin: { username: ops }`, 'admin: give both username and password, or neither'],
    ['a duplicate route name', `${MINIMAL}\njira: { baseUrl: "https://a.atlassian.net", token: pat }\nroutes: [{ name: r, jira: { project: A } }, { name: r, jira: { project: B } }]`, 'routes.1.name: route name "r" is used twice'],
  ])('%s', (_name, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  it('reports every problem at once, of every kind', () => {
    const found = problems(`
server: { publicUrl: nope, colour: red }
conductorone: { tenant: "\${C1_TENANT}" }
routes: [{ name: sf, servicenow: { table: sc_task } }]
jobs: { attempts: 0 }
`);
    expect(found).toEqual([
      'conductorone.tenant: environment variable C1_TENANT is not set',
      'server.publicUrl: must be an absolute http(s) URL',
      'server: unknown key "colour"',
      'jobs.attempts: Too small: expected number to be >=1',
      'routes.0.servicenow: route "sf" targets servicenow but the servicenow section is missing',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    expect(problems('server:\n  publicUrl: [unclosed\n')[0]).toMatch(/^line \d+: YAML syntax: /);
  });

  it('reports a missing file with what to do about it', () => {
    expect(() => loadConfig({ path: '/nonexistent/bridge.yaml', env: {} })).toThrow(ConfigError);
    try {
      loadConfig({ path: '/nonexistent/bridge.yaml', env: {} });
    } catch (error) {
      expect((error as ConfigError).format()).toBe(
        '/nonexistent/bridge.yaml: file not found (set BRIDGE_CONFIG or create config/bridge.yaml from config/bridge.example.yaml)',
      );
    }
  });
});
