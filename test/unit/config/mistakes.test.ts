import { describe, expect, it } from 'vitest';
import { JIRA, MINIMAL, problems, SERVICENOW } from './helpers.ts';

const withTenant = (tenantLine: string) => `server: { publicUrl: "https://bridge.acme.example" }\nconductorone: { ${tenantLine} }\n`;

describe('config mistakes: each kind has its own clear message with its key path', () => {
  it.each([
    ['a missing variable', `${MINIMAL}jira: { baseUrl: "https://acme.atlassian.net", email: a@b.example, apiToken: "\${JIRA_API_TOKEN}" }`, 'jira.apiToken: environment variable JIRA_API_TOKEN is not set'],
    ['an unknown top-level key', `${MINIMAL}colour: blue`, '(root): unknown key "colour"'],
    ['an unknown nested key', `server: { publicUrl: "https://b.example", prot: 1 }\nconductorone: { tenant: acme.conductor.one }`, 'server: unknown key "prot"'],
    ['an unknown key deep in a route', `${MINIMAL}${JIRA}\nroutes: [{ name: r, match: { app: x }, jira: { project: A } }]`, 'routes.0.match: unknown key "app"'],
    ['a missing section', 'server: { publicUrl: "https://b.example" }', 'conductorone: is required'],
    ['a bad URL', `server: { publicUrl: "bridge.example" }\nconductorone: { tenant: acme.conductor.one }`, 'server.publicUrl: must be an absolute http(s) URL'],
    ['a public URL with a query', `server: { publicUrl: "https://b.example/?x=1" }\nconductorone: { tenant: acme.conductor.one }`, 'server.publicUrl: must not have a query string or fragment'],
    ['a bad Jira URL', `${MINIMAL}jira: { baseUrl: "acme.atlassian.net", token: pat }`, 'jira.baseUrl: must be an absolute http(s) URL'],
    ['a non-http JWKS URL', withTenant('tenant: acme.conductor.one, jwksUrl: "ftp://acme.conductor.one/jwks"'), 'conductorone.jwksUrl: must be an absolute http(s) URL'],
    ['a callback origin with a path', withTenant('tenant: acme.conductor.one, callbackOrigins: ["https://acme.conductor.one/api"]'), 'conductorone.callbackOrigins.0: must be an origin: scheme://host[:port], without a path'],
    ['a callback origin that is no URL', withTenant('tenant: acme.conductor.one, callbackOrigins: ["acme.conductor.one"]'), 'conductorone.callbackOrigins.0: must be an origin: scheme://host[:port], without a path'],
    ['an empty list of callback origins', withTenant('tenant: acme.conductor.one, callbackOrigins: []'), 'conductorone.callbackOrigins: must list at least one origin'],
    ['a tenant given as a URL', withTenant('tenant: "https://acme.conductor.one"'), 'conductorone.tenant: must be a host name, e.g. acme.conductor.one'],
    ['a redis URL of another scheme', `${MINIMAL}redis: { url: "http://127.0.0.1:6379" }`, 'redis.url: must be a redis:// or rediss:// URL'],
    ['a route to an unconfigured system', `${MINIMAL}routes: [{ name: sf, servicenow: { table: sc_task } }]`, 'routes.0.servicenow: route "sf" targets servicenow but the servicenow section is missing'],
    ['a second route to an unconfigured system', `${MINIMAL}${JIRA}\nroutes: [{ name: gh, jira: { project: A } }, { name: salesforce, servicenow: { table: sc_task } }]`, 'routes.1.servicenow: route "salesforce" targets servicenow but the servicenow section is missing'],
    ['a defaultRoute to an unconfigured system', `${MINIMAL}defaultRoute: { jira: { project: ACCESS } }`, 'defaultRoute.jira: defaultRoute targets jira but the jira section is missing'],
    ['a route with two targets', `${MINIMAL}${JIRA}\n${SERVICENOW}\nroutes: [{ name: both, jira: { project: OPS }, servicenow: { table: incident } }]`, 'routes.0: needs exactly one target: jira or servicenow'],
    ['a route with no target', `${MINIMAL}${JIRA}\nroutes: [{ name: none, match: { appName: X } }]`, 'routes.0: needs exactly one target: jira or servicenow'],
    ['a defaultRoute with two targets', `${MINIMAL}${JIRA}\n${SERVICENOW}\ndefaultRoute: { jira: { project: OPS }, servicenow: { table: incident } }`, 'defaultRoute: needs exactly one target: jira or servicenow'],
    ['a route without a name', `${MINIMAL}${JIRA}\nroutes: [{ jira: { project: OPS } }]`, 'routes.0.name: is required'],
    ['a duplicate route name', `${MINIMAL}${JIRA}\nroutes: [{ name: r, jira: { project: A } }, { name: r, jira: { project: B } }]`, 'routes.1.name: route name "r" is used twice'],
    ['a bad task type', `${MINIMAL}${JIRA}\nroutes: [{ name: r, match: { taskType: certify }, jira: { project: OPS } }]`, 'routes.0.match.taskType: must be one of grant, revoke, not "certify"'],
    ['a bad table', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { table: change_request } }]`, 'routes.0.servicenow.table: must be one of incident, sc_task, sc_req_item, not "change_request"'],
    ['a missing table', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: {} }]`, 'routes.0.servicenow: needs a table (incident, sc_task, sc_req_item) or a catalogItem'],
    ['a catalog route with another table', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { catalogItem: Laptop, table: incident } }]`, 'routes.0.servicenow.table: a catalogItem order is tracked as sc_req_item; leave table out'],
    ['variables without a catalog item', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { table: incident, variables: { a: b } } }]`, 'routes.0.servicenow.variables: variables belong to a catalogItem order'],
    ['a requested-for field on a catalog route', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { catalogItem: Laptop, requestedForField: caller_id } }]`, 'routes.0.servicenow.requestedForField: a catalogItem order sets requested_for itself; leave requestedForField out'],
    ['requested for someone other than the subject', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { table: incident, requestedFor: requester } }]`, 'routes.0.servicenow.requestedFor: must be subject (the task\'s user)'],
    ['a requested-for field that is no field name', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { table: incident, requestedFor: subject, requestedForField: "Caller ID" } }]`, 'routes.0.servicenow.requestedForField: must be a ServiceNow field name such as caller_id'],
    ['an empty catalog item', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { catalogItem: "" } }]`, 'routes.0.servicenow.catalogItem: must not be empty'],
    ['a catalog variable template with an unknown variable', `${MINIMAL}${SERVICENOW}\nroutes: [{ name: r, servicenow: { catalogItem: Laptop, variables: { who: "{{ nobody.name }}" } } }]`, 'routes.0.servicenow.variables.who: template error: undefined variable: nobody.name, line:1, col:4'],
    ['an empty cancelled stage', `${MINIMAL}servicenow: { instanceUrl: "https://a.service-now.com", username: u, password: p, cancelledStages: [""] }`, 'servicenow.cancelledStages.0: must not be empty'],
    ['a bad log level', `${MINIMAL}logging: { level: verbose }`, 'logging.level: must be one of fatal, error, warn, info, debug, trace, silent, not "verbose"'],
    ['a word for a number', `${MINIMAL}jobs: { attempts: lots }`, 'jobs.attempts: must be a number, not "lots"'],
    ['a fraction for a whole number', `${MINIMAL}jobs: { backoffMs: 2.5 }`, 'jobs.backoffMs: must be a whole number'],
    ['a number out of range', `server: { publicUrl: "https://b.example", port: 70000 }\nconductorone: { tenant: acme.conductor.one }`, 'server.port: must be at most 65535'],
    ['a number below its minimum', `${MINIMAL}jobs: { attempts: 0 }`, 'jobs.attempts: must be at least 1'],
    ['a key left without a value (not a silent 0)', `${MINIMAL}reconcile: { intervalSeconds: }`, 'reconcile.intervalSeconds: must be a number, not empty'],
    ['a list where a mapping belongs', `${MINIMAL}jobs: [1, 2]`, 'jobs: must be a mapping (key: value), not a list'],
    ['a list where a list of origins belongs, given as text', withTenant('tenant: acme.conductor.one, callbackOrigins: "https://acme.conductor.one"'), 'conductorone.callbackOrigins: must be a list, not text'],
    ['a secret of the wrong type', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", token: pat, webhookSecret: { a: 1 } }`, 'jira.webhookSecret: must be a secret or a list of secrets'],
    ['an empty secret list', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", token: pat, webhookSecret: [] }`, 'jira.webhookSecret: must list at least one secret'],
    ['an empty secret', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", token: pat, webhookSecret: "" }`, 'jira.webhookSecret: must not be empty'],
    ['Jira without credentials', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net" }`, 'jira: credentials missing: email + apiToken (Cloud), or token (a PAT) or username + password (Data Center)'],
    ['Jira with both credential forms', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", email: a@b.example, apiToken: t, token: pat }`, 'jira: give one kind of credentials: email + apiToken (Cloud), token, or username + password (Data Center)'],
    ['Jira Cloud without its API token', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", email: a@b.example }`, 'jira.apiToken: Cloud needs both email and apiToken'],
    ['Jira Cloud credentials on a Data Center desk', `${MINIMAL}jira: { baseUrl: "https://jira.acme.internal", deployment: datacenter, email: a@b.example, apiToken: t }`, 'jira.email: Data Center takes token (a personal access token) or username + password, not email + apiToken'],
    ['a password on a Cloud desk', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", deployment: cloud, username: u, password: p }`, 'jira.username: Jira Cloud takes email + apiToken, not username + password'],
    ['Data Center basic auth without its password', `${MINIMAL}jira: { baseUrl: "https://jira.acme.internal", username: c1bridge }`, 'jira.password: basic auth needs both username and password (the username, not the email)'],
    ['an unknown deployment', `${MINIMAL}jira: { baseUrl: "https://jira.acme.internal", deployment: server, token: pat }`, 'jira.deployment: must be one of cloud, datacenter, not "server"'],
    ['a reporter other than the subject', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", token: pat }\nroutes: [{ name: r, jira: { project: OPS, reporter: manager } }]`, "routes.0.jira.reporter: must be subject (the task's user)"],
    ['a user field given by its name', `${MINIMAL}jira: { baseUrl: "https://a.atlassian.net", token: pat }\nroutes: [{ name: r, jira: { project: OPS, userFields: ["Requested for"] } }]`, "routes.0.jira.userFields.0: must be a Jira field id such as customfield_10070, not the field's name"],
    ['ServiceNow without credentials', `${MINIMAL}servicenow: { instanceUrl: "https://a.service-now.com" }`, 'servicenow: credentials missing: username + password, or oauth'],
    ['ServiceNow with both credential forms', `${MINIMAL}servicenow: { instanceUrl: "https://a.service-now.com", username: u, password: p, oauth: { clientId: i, clientSecret: s } }`, 'servicenow: give either username + password or oauth, not both'],
    ['ServiceNow OAuth without its secret', `${MINIMAL}servicenow: { instanceUrl: "https://a.service-now.com", oauth: { clientId: i } }`, 'servicenow.oauth.clientSecret: is required'],
    ['half of the admin credentials', `${MINIMAL}admin: { username: ops }`, 'admin: give both username and password, or neither'],
    ['a whole file that is no mapping', '- server', '(root): must be a mapping (key: value), not a list'],
  ])('%s', (_name, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  it('reports every problem at once, of every kind, in one go', () => {
    expect(
      problems(`
server: { publicUrl: nope, colour: red }
conductorone: { tenant: "\${C1_TENANT}" }
jira: { baseUrl: "https://a.atlassian.net", email: "\${JIRA_EMAIL}", apiToken: "\${JIRA_API_TOKEN}" }
routes:
  - { name: sf, servicenow: { table: sc_task } }
  - { name: gh, match: { taskType: certify }, jira: { project: OPS, summary: "{{ task.nope }}" } }
jobs: { attempts: 0 }
`),
    ).toEqual([
      'conductorone.tenant: environment variable C1_TENANT is not set',
      'jira.email: environment variable JIRA_EMAIL is not set',
      'jira.apiToken: environment variable JIRA_API_TOKEN is not set',
      'server.publicUrl: must be an absolute http(s) URL',
      'server: unknown key "colour"',
      'routes.1.match.taskType: must be one of grant, revoke, not "certify"',
      'jobs.attempts: must be at least 1',
      'routes.0.servicenow: route "sf" targets servicenow but the servicenow section is missing',
    ]);
  });

  it('reports a variable that is set but empty as the bad value it gives', () => {
    expect(problems(`${MINIMAL}jobs: { attempts: "\${N}" }\njira: { baseUrl: "https://a.atlassian.net", token: "\${JIRA_PAT}" }`, { N: '', JIRA_PAT: '' })).toEqual([
      'jira.token: must not be empty',
      'jobs.attempts: must be a number, not ""',
    ]);
  });

  it('never echoes a wrong-typed value that may be a secret', () => {
    expect(problems(`${MINIMAL}admin: { username: ops, password: 123456 }`)).toEqual(['admin.password: must be text, not a number']);
  });
});
