import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { provisionStepPayloadSchema, webhookEnvelopeSchema } from '../../../src/c1/schemas.ts';
import { durationToSeconds, humanDuration } from '../../../src/domain/duration.ts';
import { resolveExpanded } from '../../../src/domain/expanded-path.ts';
import { correlationKey, toProvisioningRequest, type ProvisioningResult } from '../../../src/domain/provisioning-request.ts';

type Json = Record<string, unknown>;
function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8')) as Json;
}

function build(body: Json): ProvisioningResult {
  const envelope = webhookEnvelopeSchema.parse(body);
  return toProvisioningRequest(envelope, provisionStepPayloadSchema.parse(envelope.payload ?? {}), { tenant: 'acme.conductor.one' });
}

function request(body: Json) {
  const result = build(body);
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

/** The fixture with `edit` applied to a deep copy of its payload. */
function edited(name: string, edit: (payload: { taskView: { task: Json & { type: Record<string, Json>; policy?: Json } } & Json; expanded: Json[] }) => void, top?: (body: Json) => void): Json {
  const body = structuredClone(fixture(name));
  edit(body['payload'] as never);
  top?.(body);
  return body;
}

describe('toProvisioningRequest', () => {
  it('builds the grant fixture into the full request', () => {
    expect(request(fixture('provision-grant'))).toEqual({
      kind: 'grant',
      taskId: '2pQdTask0001',
      stepId: '2pQdStepProv',
      numericId: '1042',
      displayName: 'Grant GitHub Org Admin to Jane Doe',
      justification: 'Need admin for repo migration',
      grantDuration: '604800s',
      grantDurationSeconds: 604800,
      webhookId: '2pQeX1webhookDelivery01',
      emergencyAccess: false,
      app: { id: '2pQdAppGH', name: 'GitHub', description: 'Acme GitHub org' },
      entitlement: { id: '2pQdEntAdmin', name: 'Org Admin', slug: 'admin', description: 'Owner of acme org' },
      subject: { id: '2pQdUserJane', name: 'Jane Doe', email: 'jane.doe@acme.com', username: 'jdoe', department: 'Engineering', jobTitle: 'SRE' },
      appUser: { id: '2pQdAppUserJane', name: 'Jane Doe', email: 'jane.doe@acme.com', username: 'janedoe-acme' },
      requester: { id: '2pQdUserBob', name: 'Bob Smith', email: 'bob.smith@acme.com' },
      taskUrl: 'https://acme.conductor.one/task/1042',
      callbackUrl: 'https://acme.conductor.one/api/v1/webhooks/callback/ChsyOpaqueEncryptedToken01',
    });
  });

  it('builds the revoke fixture, with its source and no requester object', () => {
    const built = request(fixture('provision-revoke'));
    expect(built).toMatchObject({ kind: 'revoke', taskId: '2pQdTask0002', stepId: '2pQdStepProv2', revokeSource: 'review' });
    expect(built.requester).toEqual({ id: '2pQdUserBob' });
    expect(built.grantDuration).toBeUndefined();
    expect(correlationKey(built)).toEqual({ taskId: '2pQdTask0002', stepId: '2pQdStepProv2' });
  });

  it('falls back to the ids of the task type when nothing is expanded', () => {
    const built = request(edited('provision-grant', (p) => { p.expanded = []; }));
    expect(built.app).toEqual({ id: '2pQdAppGH' });
    expect(built.entitlement).toEqual({ id: '2pQdEntAdmin' });
    expect(built.subject).toEqual({ id: '2pQdUserJane' });
    expect(built.appUser).toEqual({ id: '2pQdAppUserJane' });
  });

  it('ignores paths out of range and items of another @type', () => {
    const built = request(edited('provision-grant', (p) => {
      p.taskView['appPath'] = '$.expanded[9]';
      p.taskView['entitlementsPath'] = '$.expanded[0]';
    }));
    expect(built.app).toEqual({ id: '2pQdAppGH' });
    expect(built.entitlement).toEqual({ id: '2pQdEntAdmin' });
  });

  it('uses the task id as step id when there is no policy, and the task id in the link when there is no numericId', () => {
    const built = request(edited('provision-grant', (p) => {
      delete p.taskView.task.policy;
      delete p.taskView.task['numericId'];
    }));
    expect(built.stepId).toBe('2pQdTask0001');
    expect(built.taskUrl).toBe('https://acme.conductor.one/task/2pQdTask0001');
    expect(built.numericId).toBeUndefined();
  });

  it.each([
    ['no task id', (p: { taskView: { task: Json } }) => { delete p.taskView.task['id']; }, undefined, 'payload.taskView.task.id is missing'],
    ['no callback URL', () => undefined, (b: Json) => { delete b['callbackUrl']; }, 'callbackUrl is missing'],
    ['neither grant nor revoke', (p: { taskView: { task: Json } }) => { p.taskView.task['type'] = { certify: {} }; }, undefined, 'payload.taskView.task.type is neither grant nor revoke'],
    ['no app id anywhere', (p: { taskView: { task: { type: Record<string, Json> } }; expanded: Json[] }) => { p.expanded = []; delete p.taskView.task.type['grant']?.['appId']; }, undefined, 'no app id (payload.taskView.appPath or task.type.grant.appId)'],
  ] as const)('is not ok with %s, saying so', (_name, edit, top, problem) => {
    const result = build(edited('provision-grant', edit as never, top));
    expect(result).toEqual({ ok: false, problems: [problem] });
  });
});

describe('resolveExpanded', () => {
  const expanded = [{ '@type': 'type.googleapis.com/c1.api.app.v1.App', id: 'a' }];
  it('resolves $.expanded[n] of the expected type only', () => {
    expect(resolveExpanded(expanded, '$.expanded[0]', 'c1.api.app.v1.App')).toEqual(expanded[0]);
    expect(resolveExpanded(expanded, '$.expanded[0]', 'c1.api.user.v1.User')).toBeUndefined();
  });
  it.each(['$.expanded[-1]', '$.expanded[1].x', '$..*', '$.expanded[01a]', '$.expanded[1]', '', '$.other[0]'])('refuses %s', (path) => {
    expect(resolveExpanded(expanded, path, 'c1.api.app.v1.App')).toBeUndefined();
  });
});

describe('durations', () => {
  it.each([
    ['3600s', 3600],
    ['1.5s', 1.5],
    ['0s', 0],
    ['abc', undefined],
    ['-5s', undefined],
    [undefined, undefined],
  ] as const)('%s → %s seconds', (value, seconds) => {
    expect(durationToSeconds(value)).toBe(seconds);
  });
  it('prints durations for people', () => {
    expect(humanDuration(604800)).toBe('7 days');
    expect(humanDuration(5400)).toBe('1 hour 30 minutes');
    expect(humanDuration(0)).toBe('0 seconds');
  });
});
