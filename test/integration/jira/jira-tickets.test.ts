import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProvisionStepPayload, WebhookEnvelope } from '../../../src/c1/schemas.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { chooseRoute, type ChosenRoute } from '../../../src/domain/routing.ts';
import { previewTask } from '../../../src/preview/preview-task.ts';
import { adfToText } from '../../../src/desks/jira/adf.ts';
import { createJiraTickets, JIRA_PROPERTY_KEY } from '../../../src/desks/jira/jira-tickets.ts';
import { TicketSystemError } from '../../../src/desks/ticket-error.ts';
import type { TicketSystem } from '../../../src/desks/ticket-system.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { isWellFormed } from '../../helpers/unicode.ts';

function request(name: string): ProvisioningRequest {
  const envelope = JSON.parse(readFileSync(new URL(`../../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8')) as WebhookEnvelope & { payload: ProvisionStepPayload };
  const result = toProvisioningRequest(envelope, envelope.payload, { tenant: 'acme.conductor.one' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

let fake: FakeJira;
let jira: TicketSystem;
let route: ChosenRoute;
let bridgeConfig: ReturnType<typeof configSchema.parse>;

beforeAll(async () => {
  fake = await startFakeJira();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  const config = configSchema.parse({
    server: { publicUrl: 'https://bridge.acme.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: fake.url, email: 'bridge@acme.example', apiToken: 'jira-api-token' },
    routes: [{ name: 'gh', match: { appId: '2pQdAppGH' }, jira: { project: 'OPS', labels: ['access'] } }],
  });
  if (config.jira === undefined) throw new Error('no jira');
  bridgeConfig = config;
  jira = createJiraTickets({ config: config.jira, onSchemaMismatch: 'throw' });
  const chosen = chooseRoute(config, request('provision-grant'));
  if (chosen === undefined) throw new Error('no route');
  route = chosen;
});

describe('Jira adapter (jira.js against the fake Jira)', () => {
  it('creates an issue in the routed project with summary, ADF description, labels and the task property', async () => {
    const ref = await jira.create({ request: request('provision-grant'), route });
    expect(ref).toEqual({ system: 'jira', key: 'OPS-1', id: '10001', url: `${fake.url}/browse/OPS-1`, container: 'OPS' });
    const issue = fake.issues.get('OPS-1');
    expect(issue?.fields.summary).toBe('Grant GitHub / Org Admin for Jane Doe');
    expect(issue?.fields['issuetype']).toEqual({ name: 'Task' });
    expect(issue?.fields.labels).toEqual(['access', 'c1-task-2pQdTask0001']);
    expect(issue?.properties[JIRA_PROPERTY_KEY]).toEqual({ taskId: '2pQdTask0001', stepId: '2pQdStepProv', kind: 'grant' });
    expect((issue?.fields.description as { type: string }).type).toBe('doc');
    expect(adfToText(issue?.fields.description)).toContain('Task in ConductorOne: https://acme.conductor.one/task/1042');
  });

  it('finds the issue of a task step by label and property, and not another step of the same task', async () => {
    const ref = await jira.create({ request: request('provision-grant'), route });
    expect(await jira.findByTask('2pQdTask0001', '2pQdStepProv', route)).toEqual(ref);
    expect(await jira.findByTask('2pQdTask0001', 'otherStep', route)).toBeUndefined();
    expect(await jira.findByTask('2pQdTaskNone', '2pQdStepProv', route)).toBeUndefined();
  });

  it('reads status category and resolution into an outcome', async () => {
    const ref = await jira.create({ request: request('provision-grant'), route });
    expect(await jira.getStatus(ref)).toEqual({ final: false, status: 'To Do' });
    fake.transition('OPS-1', 'Done', 'done', 'Done');
    expect(await jira.getStatus(ref)).toEqual({ final: true, outcome: 'complete', status: 'Done', resolution: 'Done' });
    fake.transition('OPS-1', 'Done', 'done', "Won't Do");
    expect(await jira.getStatus(ref)).toMatchObject({ final: true, outcome: 'errored', resolution: "Won't Do" });
  });

  it('adds a comment in ADF', async () => {
    const ref = await jira.create({ request: request('provision-grant'), route });
    await jira.comment(ref, 'Reported to ConductorOne: complete.');
    expect(adfToText(fake.issues.get('OPS-1')?.comments[0]?.body)).toBe('Reported to ConductorOne: complete.');
  });

  it('classifies 429 with its Retry-After, 5xx as retryable, other 4xx as permanent with Jira\'s message', async () => {
    fake.inject([{ status: 429, retryAfterSeconds: 7 }]);
    const limited = await jira.create({ request: request('provision-grant'), route }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(TicketSystemError);
    expect(limited).toMatchObject({ code: 'ticket_system_rate_limited', retryable: true, retryAfterMs: 7000 });

    fake.inject([{ status: 503 }]);
    expect(await jira.create({ request: request('provision-grant'), route }).catch((e: unknown) => e)).toMatchObject({ code: 'ticket_system_unavailable', retryable: true, status: 503 });

    fake.inject([{ status: 400, message: 'Field summary is required' }]);
    const refused = await jira.create({ request: request('provision-grant'), route }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ticket_system_rejected', retryable: false, status: 400 });
    expect((refused as Error).message).toContain('summary: Field summary is required');
    expect(fake.issues.size).toBe(0);
  });

  it('meets the burst limit like Jira: a second\'s worth of calls per endpoint, then 429 with Retry-After that jira.js reads', async () => {
    fake.rateLimit(3);
    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push(await jira.create({ request: request('provision-grant'), route }).catch((e: unknown) => e));
    expect(outcomes.slice(0, 3).map((o) => (o as { key?: string }).key)).toEqual(['OPS-1', 'OPS-2', 'OPS-3']);
    expect(outcomes[3]).toMatchObject({ code: 'ticket_system_rate_limited', retryable: true, retryAfterMs: 1000 });
    expect(fake.issues.size).toBe(3);
    expect(fake.rateLimited).toBe(1);
    const refused = fake.requests.at(-1);
    expect(refused?.method).toBe('POST');
    // Another endpoint has its own bucket.
    expect(await jira.findByTask('2pQdTask0001', '2pQdStepProv', route)).toMatchObject({ key: 'OPS-1' });
    fake.rateLimit(undefined);
    expect(await jira.create({ request: request('provision-grant'), route })).toMatchObject({ key: 'OPS-4' });
  });

  it('treats refused credentials as permanent', async () => {
    const config = configSchema.parse({
      server: { publicUrl: 'https://bridge.acme.example' },
      conductorone: { tenant: 'acme.conductor.one' },
      jira: { baseUrl: fake.url, email: 'bridge@acme.example', apiToken: 'wrong' },
    });
    if (config.jira === undefined) throw new Error('no jira');
    const wrong = createJiraTickets({ config: config.jira, onSchemaMismatch: 'throw' });
    expect(await wrong.create({ request: request('provision-grant'), route }).catch((e: unknown) => e)).toMatchObject({ code: 'ticket_system_rejected', status: 401 });
  });

  it('cuts a long summary at 255 characters without splitting an emoji, where Jira would refuse the whole create', async () => {
    const long = { ...request('provision-grant'), displayName: `${'x'.repeat(254)}😀 and more words` };
    const summaryRoute: ChosenRoute = { ...route, target: { jira: { ...(route.target.jira ?? { project: 'OPS', issueType: 'Task', labels: [], fields: {} }), summary: '{{ task.displayName }}' } } };
    await jira.create({ request: long, route: summaryRoute });
    const summary = fake.issues.get('OPS-1')?.fields.summary ?? '';
    expect(summary).toBe(`${'x'.repeat(254)}😀`);
    expect(isWellFormed(summary)).toBe(true);
  });

  it('caps a description over 32,767 characters with a visible "(truncated)" instead of a refused create', async () => {
    const long = { ...request('provision-grant'), justification: 'why '.repeat(10_000) };
    const ref = await jira.create({ request: long, route });
    const text = adfToText(fake.issues.get(ref.key)?.fields.description);
    expect(text.endsWith('(truncated)')).toBe(true);
    expect([...text].length).toBeLessThanOrEqual(32_767);
    expect(text).toContain('Action: grant the access');
  });

  it('sends exactly the body that preview shows', async () => {
    const envelope = JSON.parse(readFileSync(new URL('../../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as unknown;
    const preview = previewTask(bridgeConfig, envelope);
    if (preview.kind !== 'routed') throw new Error('expected a route');
    await jira.create({ request: request('provision-grant'), route });
    const sent = fake.requests.find((r) => r.method === 'POST' && r.path === '/rest/api/3/issue');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual(preview.ticket.body);
  });
});
