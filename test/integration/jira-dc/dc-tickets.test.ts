import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import type { ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { chooseRoute, type ChosenRoute } from '../../../src/domain/routing.ts';
import { JiraLoginPageError, LOGIN_PAGE_MESSAGE, LOGIN_PAGE_REASON } from '../../../src/desks/jira/datacenter/dc-client.ts';
import { createJiraDataCenterTickets, type JiraDataCenterConfig, type JiraDataCenterTicketsOptions } from '../../../src/desks/jira/datacenter/dc-tickets.ts';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { JIRA_PROPERTY_KEY } from '../../../src/desks/jira/issue-body.ts';
import type { TicketSystem } from '../../../src/desks/ticket-system.ts';
import { fixtureRequest } from '../../helpers/fixture-request.ts';
import { liveMarkup } from '../../helpers/wiki-markup-check.ts';


let fake: FakeJiraDc;
let jira: TicketSystem;
let route: ChosenRoute;
let dcConfig: JiraDataCenterConfig;
const adapter = (config: Partial<JiraDataCenterConfig> = {}, options: Omit<JiraDataCenterTicketsOptions, 'config'> = {}) =>
  createJiraDataCenterTickets({ config: { ...dcConfig, ...config }, ...options });
const failure = (promise: Promise<unknown>) => promise.then(() => new Error('expected a failure'), (error: unknown) => error);

beforeAll(async () => {
  fake = await startFakeJiraDc();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  const config = configSchema.parse({
    server: { publicUrl: 'https://bridge.acme.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: fake.url, token: 'dc-personal-access-token' },
    routes: [{ name: 'gh', match: { appId: '2pQdAppGH' }, jira: { project: 'OPS', labels: ['access'] } }],
  });
  dcConfig = { baseUrl: fake.url, token: 'dc-personal-access-token', erroredResolutions: config.jira?.erroredResolutions ?? [], indexLagSeconds: 5 };
  jira = adapter();
  const chosen = chooseRoute(config, fixtureRequest('provision-grant'));
  if (chosen === undefined) throw new Error('no route');
  route = chosen;
});

describe('Jira Data Center adapter (REST v2 against the fake Data Center)', () => {
  it('creates an issue with a PAT: summary, wiki-markup description, labels and the task property in one call', async () => {
    const ref = await jira.create({ request: fixtureRequest('provision-grant'), route });
    expect(ref).toEqual({ system: 'jira', key: 'OPS-1', id: '10001', url: `${fake.url}/browse/OPS-1`, container: 'OPS' });
    const issue = fake.issues.get('OPS-1');
    expect(issue?.fields.summary).toBe('Grant GitHub / Org Admin for Jane Doe');
    expect(issue?.fields.labels).toEqual(['access', 'c1-task-2pQdTask0001']);
    expect(issue?.properties[JIRA_PROPERTY_KEY]).toEqual({ taskId: '2pQdTask0001', stepId: '2pQdStepProv', kind: 'grant' });
    expect(typeof issue?.fields.description).toBe('string');
    expect(wikiToText(issue?.fields.description ?? '')).toContain('Task in ConductorOne: https://acme.conductor.one/task/1042');
    expect(liveMarkup(issue?.fields.description ?? '')).toBeUndefined();
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/rest/api/2/issue');
    expect(create?.headers.authorization).toBe('Bearer dc-personal-access-token');
    expect(jira.batchSize).toBe(100);
    expect(jira.searchLagMs).toBe(5000);
  });

  it('signs in with username and password (basic) as well', async () => {
    const basic = adapter({ token: undefined, username: 'c1bridge', password: 'dc-password' });
    expect(await basic.probe()).toBe('signed in as Provisioning Bridge (c1bridge)');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('c1bridge:dc-password').toString('base64')}`);
  });

  it('finds the issue of a task step by label and property, and not another step or task', async () => {
    const ref = await jira.create({ request: fixtureRequest('provision-grant'), route });
    expect(await jira.findByTask('2pQdTask0001', '2pQdStepProv', route)).toEqual(ref);
    expect(await jira.findByTask('2pQdTask0001', 'otherStep', route)).toBeUndefined();
    expect(await jira.findByTask('2pQdTaskNone', '2pQdStepProv', route)).toBeUndefined();
    const search = fake.requests.find((r) => r.path.startsWith('/rest/api/2/search'));
    expect(new URL(search?.path ?? '', 'http://x').searchParams.get('jql')).toBe('labels = "c1-task-2pQdTask0001" ORDER BY created ASC');
  });

  it('passes over an issue with the task label but without the property (labelled by hand), and finds the bridge\'s', async () => {
    fake.issues.set('OPS-99', {
      id: '10099',
      key: 'OPS-99',
      fields: { project: { key: 'OPS' }, summary: 'by hand', description: '', labels: ['c1-task-2pQdTask0001'] },
      properties: {},
      status: { name: 'Open', category: 'new' },
      resolution: null,
      comments: [],
    });
    expect(await jira.findByTask('2pQdTask0001', '2pQdStepProv', route)).toBeUndefined();
    const ref = await jira.create({ request: fixtureRequest('provision-grant'), route });
    expect(await jira.findByTask('2pQdTask0001', '2pQdStepProv', route)).toEqual(ref);
  });

  it('reads status category and resolution into an outcome, and a deleted issue as deleted', async () => {
    const ref = await jira.create({ request: fixtureRequest('provision-grant'), route });
    expect(await jira.getStatus(ref)).toEqual({ final: false, status: 'Open' });
    fake.resolve('OPS-1');
    expect(await jira.getStatus(ref)).toEqual({ final: true, outcome: 'complete', status: 'Done', resolution: 'Done' });
    fake.transition('OPS-1', 'Done', 'done', "Won't Do");
    expect(await jira.getStatus(ref)).toMatchObject({ final: true, outcome: 'errored', resolution: "Won't Do" });
    fake.remove('OPS-1');
    expect(await jira.getStatus(ref)).toEqual({ final: true, outcome: 'errored', status: 'deleted', deleted: true });
  });

  it('reads statuses in one JQL id search, only status and resolution, paging by startAt until total', async () => {
    const refs = [];
    for (let i = 0; i < 5; i += 1) refs.push(await jira.create({ request: fixtureRequest('provision-grant'), route }));
    fake.resolve('OPS-2');
    fake.transition('OPS-4', 'In Progress', 'indeterminate');
    fake.searchPageLimit = 2;
    fake.requests.length = 0;
    const [first] = refs;
    if (first === undefined) throw new Error('no issue');
    const statuses = await jira.getStatuses([...refs, { ...first, id: 'OPS-1' }]);
    expect([...statuses.keys()].sort()).toEqual(refs.map((r) => r.id).sort());
    expect(statuses.get('10002')).toMatchObject({ final: true, outcome: 'complete' });
    expect(statuses.get('10004')).toEqual({ final: false, status: 'In Progress' });
    const pages = fake.requests.map((r) => JSON.parse(r.body) as { jql: string; startAt: number; fields: string[] });
    expect(pages.map((p) => p.startAt)).toEqual([0, 2, 4]);
    expect(pages[0]).toMatchObject({ jql: 'id in (10001, 10002, 10003, 10004, 10005)', fields: ['status', 'resolution'], maxResults: 5 });
    expect(fake.requests.every((r) => r.method === 'POST' && r.path === '/rest/api/2/search')).toBe(true);
  });

  it('comments in wiki markup, escaped', async () => {
    const ref = await jira.create({ request: fixtureRequest('provision-grant'), route });
    await jira.comment(ref, 'Reported to ConductorOne: complete. [see|http://evil.example] {code}x{code}');
    const body = fake.issues.get('OPS-1')?.comments[0] ?? '';
    expect(wikiToText(body)).toBe('Reported to ConductorOne: complete. [see|http://evil.example] {code}x{code}');
    expect(liveMarkup(body)).toBeUndefined();
  });

  it('a login page instead of JSON (a refused token behind SSO) is a permanent error with a stable reason, and creates nothing', async () => {
    const wrong = adapter({ token: 'not-the-token' });
    const refused = await failure(wrong.create({ request: fixtureRequest('provision-grant'), route }));
    expect(refused).toBeInstanceOf(JiraLoginPageError);
    expect(refused).toMatchObject({ code: 'ticket_system_rejected', reason: LOGIN_PAGE_REASON, retryable: false, status: 200 });
    expect((refused as Error).message).toBe(`Jira create issue: ${LOGIN_PAGE_MESSAGE}`);
    expect(fake.requests.map((r) => r.path)).toEqual(['/rest/api/2/issue', '/login.jsp?os_destination=%2Frest%2Fapi%2F2%2Fissue']);
    expect(fake.issues.size).toBe(0);

    fake.loginPageOnly = true;
    for (const call of [jira.probe(), jira.getStatus({ system: 'jira', key: 'OPS-1', id: '10001', url: '', container: 'OPS' }), jira.findByTask('t', 's', route)]) {
      expect(await failure(call)).toMatchObject({ reason: LOGIN_PAGE_REASON, retryable: false });
    }
  });

  it('429 is retryable with its Retry-After; 5xx retryable; other 4xx permanent with Jira\'s words; nothing created', async () => {
    fake.inject([{ status: 429, retryAfterSeconds: 7 }]);
    expect(await failure(jira.create({ request: fixtureRequest('provision-grant'), route }))).toMatchObject({ code: 'ticket_system_rate_limited', retryable: true, retryAfterMs: 7000, status: 429 });
    fake.inject([{ status: 503 }]);
    expect(await failure(jira.getStatuses([{ system: 'jira', key: 'OPS-1', id: '10001', url: '', container: 'OPS' }]))).toMatchObject({ code: 'ticket_system_unavailable', retryable: true, status: 503 });
    const target = route.target.jira;
    if (target === undefined) throw new Error('no jira target');
    const spaced: ChosenRoute = { ...route, target: { jira: { ...target, labels: ['has space'] } } };
    const refused = await failure(jira.create({ request: fixtureRequest('provision-grant'), route: spaced }));
    expect(refused).toMatchObject({ code: 'ticket_system_rejected', retryable: false, status: 400 });
    expect((refused as Error).message).toBe("Jira create issue: Jira refused with 400: labels: The label 'has space' contains spaces which is invalid.");
    expect(fake.issues.size).toBe(0);
  });

  it('hostile names from ConductorOne render inert in the description', async () => {
    const base = fixtureRequest('provision-grant');
    const hostile: ProvisioningRequest = {
      ...base,
      subject: { ...base.subject, name: '[Jane|http://evil.example/login] {color:red}admin{color}' },
      app: { ...base.app, name: '{code}GitHub{code} !http://evil.example/x.png!' },
      entitlement: { ...base.entitlement, name: '*Org* _Admin_ [~root] ??cite??' },
      justification: 'ok\nh1. Approved by security\n----\nline\\\\break | cell',
    };
    await jira.create({ request: hostile, route });
    const description = fake.issues.get('OPS-1')?.fields.description ?? '';
    expect(liveMarkup(description)).toBeUndefined();
    const text = wikiToText(description);
    expect(text).toContain('User: [Jane|http://evil.example/login] {color:red}admin{color}');
    expect(text).toContain('App: {code}GitHub{code} !http://evil.example/x.png!');
    expect(text).toContain('h1. Approved by security');
  });

  it('reports as the task user when the route asks and Jira knows them; else as the bridge, with a line and a log line', async () => {
    const warnings: Array<{ details: Record<string, unknown>; message: string }> = [];
    const log = { warn: (details: Record<string, unknown>, message: string) => warnings.push({ details, message }) };
    const asSubject = adapter({}, { reporterIsSubject: () => true, log });
    fake.users.push({ name: 'jdoe', key: 'JIRAUSER10200', emailAddress: 'Jane.Doe@acme.com', displayName: 'Jane Doe', active: true });
    await asSubject.create({ request: fixtureRequest('provision-grant'), route });
    expect(fake.issues.get('OPS-1')?.fields['reporter']).toEqual({ name: 'jdoe' });
    expect(warnings).toEqual([]);

    fake.users.length = 0;
    const fresh = adapter({}, { reporterIsSubject: () => true, log });
    await fresh.create({ request: fixtureRequest('provision-grant'), route });
    const issue = fake.issues.get('OPS-2');
    expect(issue?.fields['reporter']).toEqual({ name: 'c1bridge' });
    expect(wikiToText(issue?.fields.description ?? '')).toMatch(/^Requested for jane\.doe@acme\.com, who was not found in Jira \(no active Jira user has the email jane\.doe@acme\.com\); this ticket is reported by the bridge's account\./);
    expect(warnings).toEqual([{ details: { taskId: '2pQdTask0001', reason: 'no active Jira user has the email jane.doe@acme.com' }, message: 'reporter not found in Jira: the ticket is reported by the bridge account' }]);
  });
});
