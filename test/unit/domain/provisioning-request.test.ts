import { describe, expect, it } from 'vitest';
import { provisionStepPayloadSchema, webhookEnvelopeSchema } from '../../../src/c1/schemas.ts';
import {
  correlationKey,
  taskUrl,
  toProvisioningRequest,
  type ProvisioningRequest,
  type ProvisioningResult,
} from '../../../src/domain/provisioning-request.ts';
import { loadFixture, type Fixtures } from '../../fixtures/load-fixture.ts';

const OPTIONS = { tenant: 'acme.conductor.one' };

function build(body: unknown): ProvisioningResult {
  return toProvisioningRequest(webhookEnvelopeSchema.parse(body), OPTIONS);
}

function request(body: unknown): ProvisioningRequest {
  const result = build(body);
  if (!result.ok) throw new Error(`expected a request, got problems: ${result.problems.join('; ')}`);
  return result.request;
}

/** A fresh copy of the fixture with `edit` applied. */
function edited<N extends 'provision-grant' | 'provision-revoke'>(name: N, edit: (body: Fixtures[N]) => void): Fixtures[N] {
  const body = loadFixture(name);
  edit(body);
  return body;
}

/** For edits the fixture's own type forbids: removing a field, or giving it a value of another shape. */
function drop(target: Record<string, unknown>, key: string): void {
  Reflect.deleteProperty(target, key);
}
function set(target: Record<string, unknown>, key: string, value: unknown): void {
  target[key] = value;
}

function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new Error(`the fixture has no item ${index.toString()}`);
  return item;
}

function without<T extends object, K extends keyof T & string>(value: T, ...keys: K[]): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !(keys as string[]).includes(key))) as Omit<T, K>;
}

const GRANT: ProvisioningRequest = {
  kind: 'grant',
  taskId: '2pQdTask0001',
  stepId: '2pQdStepProv',
  numericId: '1042',
  displayName: 'Grant GitHub Org Admin to Jane Doe',
  justification: 'Need admin for repo migration',
  grantDuration: '604800s',
  grantDurationSeconds: 604_800,
  origin: 'TASK_ORIGIN_WEBAPP',
  createdAt: '2026-08-20T16:55:03Z',
  updatedAt: '2026-08-20T17:02:12Z',
  policyName: 'Manager approval',
  emergencyAccess: false,
  app: { id: '2pQdAppGH', name: 'GitHub', description: 'Acme GitHub org' },
  entitlement: { id: '2pQdEntAdmin', name: 'Org Admin', slug: 'admin', description: 'Owner of acme org' },
  subject: { id: '2pQdUserJane', name: 'Jane Doe', email: 'jane.doe@acme.com', username: 'jdoe', department: 'Engineering', jobTitle: 'SRE', status: 'ENABLED', type: 'USER_TYPE_HUMAN' },
  appUser: { id: '2pQdAppUserJane', name: 'Jane Doe', email: 'jane.doe@acme.com', username: 'janedoe-acme' },
  requester: { id: '2pQdUserBob', name: 'Bob Smith', email: 'bob.smith@acme.com' },
  taskUrl: 'https://acme.conductor.one/task/1042',
  callbackUrl: 'https://acme.conductor.one/api/v1/webhooks/callback/ChsyOpaqueEncryptedToken01',
  webhookId: '2pQeX1webhookDelivery01',
};

/** What the grant fixture gives when no expanded object can be used: the ids on the task, nothing else. */
const GRANT_FROM_IDS: ProvisioningRequest = {
  ...GRANT,
  app: { id: '2pQdAppGH' },
  entitlement: { id: '2pQdEntAdmin' },
  subject: { id: '2pQdUserJane' },
  appUser: { id: '2pQdAppUserJane' },
  requester: { id: '2pQdUserBob' },
};

const REVOKE: ProvisioningRequest = {
  kind: 'revoke',
  taskId: '2pQdTask0002',
  stepId: '2pQdStepProv2',
  numericId: '1043',
  displayName: 'Revoke Salesforce System Administrator from Jane Doe',
  justification: 'Access review: no longer needed',
  origin: 'TASK_ORIGIN_API',
  createdAt: '2026-08-20T16:55:03Z',
  updatedAt: '2026-08-20T17:02:12Z',
  policyName: 'Revoke policy',
  emergencyAccess: false,
  app: { id: '2pQdAppSF', name: 'Salesforce', description: 'Acme production org' },
  entitlement: { id: '2pQdEntSysAdmin', name: 'System Administrator', slug: 'sysadmin', description: 'Profile: System Administrator' },
  subject: { id: '2pQdUserJane', name: 'Jane Doe', email: 'jane.doe@acme.com', username: 'jdoe', department: 'Engineering', jobTitle: 'SRE', status: 'ENABLED', type: 'USER_TYPE_HUMAN' },
  appUser: { id: '2pQdAppUserJaneSF', name: 'Jane Doe', email: 'jane.doe@acme.com', username: 'jane.doe@acme.com' },
  // The revoke fixture has no createdByUserPath: only the id on the task is known.
  requester: { id: '2pQdUserBob' },
  taskUrl: 'https://acme.conductor.one/task/1043',
  callbackUrl: 'https://acme.conductor.one/api/v1/webhooks/callback/ChsyOpaqueEncryptedToken02',
  webhookId: '2pQeX1webhookDelivery02',
  revokeSource: 'review',
};

describe('toProvisioningRequest on the fixtures', () => {
  it('carries what a ticket reader needs: profile, expanded managers, form answers, entitlement alias, purpose and risk', () => {
    const built = request(loadFixture('provision-emergency-contractor'));
    expect(built.subject).toStrictEqual({
      id: '2pQdUserChris',
      name: 'Chris Lee',
      email: 'chris.lee@contractor.example',
      username: 'clee',
      department: 'Payments',
      jobTitle: 'Payments engineer',
      status: 'ENABLED',
      type: 'USER_TYPE_HUMAN',
      employmentType: 'Contractor',
      employmentStatus: 'Active',
      profile: { costCenter: 'CC-4410', location: 'Lisbon', vendor: 'Northwind Staffing' },
      // The second manager is not in `expanded`: only its id is known.
      managerIds: ['2pQdUserMaria', '2pQdUserGone'],
      managers: [{ id: '2pQdUserMaria', name: 'Maria Garcia', email: 'maria.garcia@acme.com' }],
    });
    expect(built.form).toStrictEqual([
      { name: 'ticket_ref', label: 'Incident number', value: 'INC-5521' },
      { name: 'regions', label: 'Regions', value: ['eu-west-1', 'us-east-1'] },
      { name: 'read_only', label: 'Read-only is enough', value: false },
    ]);
    expect(built.entitlement).toMatchObject({ alias: 'aws-prod-power', purpose: 'APP_ENTITLEMENT_PURPOSE_VALUE_PERMISSION', riskLevelValueId: 'high', appResourceId: '2pQdResAcct', appResourceTypeId: '2pQdResTypeAccount' });
    expect(built).toMatchObject({ origin: 'TASK_ORIGIN_SLACK', emergencyAccess: true, createdAt: '2026-08-21T22:15:40Z', app: { instructions: 'Say which regions you need.' } });
  });

  it('builds the grant fixture into exactly the expected request', () => {
    expect(build(loadFixture('provision-grant'))).toStrictEqual({ ok: true, request: GRANT });
  });

  it('builds the revoke fixture into exactly the expected request, with no grant duration', () => {
    expect(build(loadFixture('provision-revoke'))).toStrictEqual({ ok: true, request: REVOKE });
  });

  it('gives plain data that survives the trip through a job unchanged', () => {
    for (const built of [request(loadFixture('provision-grant')), request(loadFixture('provision-revoke'))]) {
      expect(JSON.parse(JSON.stringify(built))).toStrictEqual(built);
    }
  });

  it('gives the same request when the caller passes the payload it has already parsed', () => {
    const body = loadFixture('provision-grant');
    const envelope = webhookEnvelopeSchema.parse(body);
    const payload = provisionStepPayloadSchema.parse(body.payload);
    expect(toProvisioningRequest(envelope, payload, OPTIONS)).toStrictEqual({ ok: true, request: GRANT });
  });

  it('refuses a policy approval step: its answer is approve or deny, not a ticket outcome', () => {
    expect(build(loadFixture('policy-approval'))).toStrictEqual({
      ok: false,
      problems: ['event c1.webhooks.v1.PayloadPolicyApprovalStep is not a provisioning step (c1.webhooks.v1.PayloadProvisionStep)'],
    });
  });

  it('refuses the test webhook, saying each thing it lacks', () => {
    expect(build(loadFixture('test'))).toStrictEqual({
      ok: false,
      problems: [
        'event c1.webhooks.v1.PayloadTest is not a provisioning step (c1.webhooks.v1.PayloadProvisionStep)',
        'payload.taskView.task.id is missing',
        'payload.taskView.task.type is neither grant nor revoke (it has: nothing)',
      ],
    });
  });
});

describe('toProvisioningRequest with parts of the payload missing or wrong', () => {
  it('uses the ids on the task type when there is no expanded list at all', () => {
    const body = edited('provision-grant', (b) => drop(b.payload, 'expanded'));
    expect(request(body)).toStrictEqual(GRANT_FROM_IDS);
  });

  it('uses the ids on the task type when the expanded list is empty', () => {
    const body = edited('provision-grant', (b) => set(b.payload, 'expanded', []));
    expect(request(body)).toStrictEqual(GRANT_FROM_IDS);
  });

  it('uses the ids on the task type when the paths point past the end of the list', () => {
    const body = edited('provision-grant', (b) => {
      const view = b.payload.taskView;
      [view.appPath, view.entitlementsPath, view.userPath, view.identityUserPath, view.appUserPath, view.createdByUserPath] = [
        '$.expanded[5]',
        '$.expanded[6]',
        '$.expanded[7]',
        '$.expanded[8]',
        '$.expanded[9]',
        '$.expanded[99]',
      ];
    });
    expect(request(body)).toStrictEqual(GRANT_FROM_IDS);
  });

  it('uses the ids on the task type when the paths point at items of another @type', () => {
    const body = edited('provision-grant', (b) => {
      const view = b.payload.taskView;
      [view.appPath, view.entitlementsPath, view.userPath, view.identityUserPath, view.appUserPath, view.createdByUserPath] = [
        '$.expanded[1]',
        '$.expanded[0]',
        '$.expanded[3]',
        '$.expanded[3]',
        '$.expanded[2]',
        '$.expanded[0]',
      ];
    });
    expect(request(body)).toStrictEqual(GRANT_FROM_IDS);
  });

  it('ignores paths that are not of the form $.expanded[n]', () => {
    const body = edited('provision-grant', (b) => {
      const view = b.payload.taskView;
      [view.appPath, view.entitlementsPath, view.userPath, view.identityUserPath, view.appUserPath, view.createdByUserPath] = [
        '$..*',
        '$.expanded[-1]',
        '$.expanded[2].x',
        '$.expanded[02]',
        '$.expanded[3a]',
        '$.expanded[?(@.id=="2pQdUserBob")]',
      ];
    });
    expect(request(body)).toStrictEqual(GRANT_FROM_IDS);
  });

  it('finds the person by userPath when identityUserPath is missing or unusable', () => {
    for (const identityUserPath of [undefined, '$.expanded[3]']) {
      const body = edited('provision-grant', (b) => set(b.payload.taskView, 'identityUserPath', identityUserPath));
      expect(request(body).subject).toStrictEqual(GRANT.subject);
    }
  });

  it('falls back to task.userId for the person when the task type names no identity user', () => {
    const body = edited('provision-grant', (b) => {
      drop(b.payload, 'expanded');
      drop(b.payload.taskView.task.type.grant, 'identityUserId');
      b.payload.taskView.task.userId = '2pQdUserFromTask';
    });
    expect(request(body).subject).toStrictEqual({ id: '2pQdUserFromTask' });
  });

  it('keeps the names of an expanded object that lacks its id, taking the id from the task type', () => {
    const body = edited('provision-grant', (b) => drop(at(b.payload.expanded, 0), 'id'));
    expect(request(body)).toStrictEqual(GRANT);
  });

  it('prefers the expanded object to the task type when both name an id', () => {
    const body = edited('provision-grant', (b) => {
      b.payload.taskView.task.type.grant.appId = 'stale';
    });
    expect(request(body).app).toStrictEqual(GRANT.app);
  });

  it('uses the task id as the step id when there is no policy, or its current step has no id', () => {
    const noPolicy = edited('provision-grant', (b) => drop(b.payload.taskView.task, 'policy'));
    const noCurrent = edited('provision-grant', (b) => drop(b.payload.taskView.task.policy, 'current'));
    const emptyId = edited('provision-grant', (b) => {
      b.payload.taskView.task.policy.current.id = '';
    });
    for (const [body, policyName] of [[noPolicy, undefined], [noCurrent, GRANT.policyName], [emptyId, GRANT.policyName]] as const) {
      const built = request(body);
      expect(built).toStrictEqual({ ...without(GRANT, 'policyName'), ...(policyName === undefined ? {} : { policyName }), stepId: '2pQdTask0001' });
      expect(correlationKey(built)).toStrictEqual({ taskId: '2pQdTask0001', stepId: '2pQdTask0001' });
    }
  });

  it('links the task by its id when there is no numericId, and leaves numericId out', () => {
    const body = edited('provision-grant', (b) => drop(b.payload.taskView.task, 'numericId'));
    expect(request(body)).toStrictEqual({ ...without(GRANT, 'numericId'), taskUrl: 'https://acme.conductor.one/task/2pQdTask0001' });
  });

  it('leaves both duration fields out when there is no grantDuration', () => {
    const body = edited('provision-grant', (b) => drop(b.payload.taskView.task.type.grant, 'grantDuration'));
    expect(request(body)).toStrictEqual(without(GRANT, 'grantDuration', 'grantDurationSeconds'));
  });

  it('keeps a fractional duration to the nanosecond', () => {
    const body = edited('provision-grant', (b) => {
      b.payload.taskView.task.type.grant.grantDuration = '5400.25s';
    });
    expect(request(body)).toStrictEqual({ ...GRANT, grantDuration: '5400.25s', grantDurationSeconds: 5400.25 });
  });

  it('keeps a negative duration as sent, without seconds', () => {
    const body = edited('provision-grant', (b) => {
      b.payload.taskView.task.type.grant.grantDuration = '-5s';
    });
    expect(request(body)).toStrictEqual({ ...without(GRANT, 'grantDurationSeconds'), grantDuration: '-5s' });
  });

  it('treats empty strings as absent and null as absent', () => {
    const body = edited('provision-grant', (b) => {
      b.payload.taskView.task.description = '';
      set(b.payload.taskView.task, 'displayName', null);
      set(at(b.payload.expanded, 0), 'description', '');
    });
    expect(request(body)).toStrictEqual({ ...without(GRANT, 'justification', 'displayName'), app: { id: '2pQdAppGH', name: 'GitHub' } });
  });

  it('treats whitespace-only names and justification as absent, and keeps text with whitespace around it as sent', () => {
    const body = edited('provision-grant', (b) => {
      b.payload.taskView.task.description = ' \n\t ';
      set(at(b.payload.expanded, 0), 'displayName', '\u00a0');
      set(at(b.payload.expanded, 1), 'displayName', '  Org Admin\n');
    });
    const built = request(body);
    expect(built.justification).toBeUndefined();
    expect(built.app).toStrictEqual({ id: '2pQdAppGH', description: 'Acme GitHub org' });
    expect(built.entitlement.name).toBe('  Org Admin\n');
  });

  it('carries emergency access', () => {
    const body = edited('provision-grant', (b) => {
      b.payload.taskView.task.emergencyAccess = true;
    });
    expect(request(body)).toStrictEqual({ ...GRANT, emergencyAccess: true });
  });

  it('names the revoke source whatever C1 calls it, and none when there is no source', () => {
    const expired = edited('provision-revoke', (b) => set(b.payload.taskView.task.type.revoke, 'source', { expired: { expiredAt: '2026-08-20T00:00:00Z' } }));
    const none = edited('provision-revoke', (b) => drop(b.payload.taskView.task.type.revoke, 'source'));
    expect(request(expired)).toStrictEqual({ ...REVOKE, revokeSource: 'expired' });
    expect(request(none)).toStrictEqual(without(REVOKE, 'revokeSource'));
  });

  it('lets unknown fields pass without changing the request', () => {
    const body = edited('provision-grant', (b) => {
      set(b, 'deliveredBy', 'a newer C1');
      set(b.payload, 'futureField', { nested: true });
      set(b.payload.taskView, 'insightsPath', '$.expanded[5]');
      set(b.payload.taskView.task, 'analysisId', 'an-analysis');
      set(b.payload.taskView.task.type.grant, 'source', { externalUrl: 'https://tickets.example.com/1' });
      set(at(b.payload.expanded, 0), 'iconUrl', 'https://example.com/gh.png');
      const expanded: unknown[] = b.payload.expanded;
      expanded.push({ '@type': 'type.googleapis.com/c1.api.insight.v1.Insight', id: '2pQdAppGH', score: 3 });
    });
    expect(request(body)).toStrictEqual(GRANT);
  });
});

type GrantEdit = (body: Fixtures['provision-grant']) => void;

describe('toProvisioningRequest problems', () => {
  it.each<[string, GrantEdit, string[]]>([
    ['no task id', (b) => drop(b.payload.taskView.task, 'id'), ['payload.taskView.task.id is missing']],
    ['an empty task id', (b) => {
        b.payload.taskView.task.id = '';
      }, ['payload.taskView.task.id is missing']],
    ['no callback URL', (b) => drop(b, 'callbackUrl'), ['callbackUrl is missing']],
    [
      'a certify task',
      (b) => set(b.payload.taskView.task, 'type', { certify: {} }),
      ['payload.taskView.task.type is neither grant nor revoke (it has: certify)'],
    ],
    [
      'no task type',
      (b) => drop(b.payload.taskView.task, 'type'),
      ['payload.taskView.task.type is neither grant nor revoke (it has: nothing)'],
    ],
    [
      'no app id anywhere',
      (b) => {
        drop(b.payload, 'expanded');
        drop(b.payload.taskView.task.type.grant, 'appId');
      },
      ['no app id: neither payload.taskView.appPath nor payload.taskView.task.type.grant.appId gives one'],
    ],
    [
      'no entitlement id anywhere',
      (b) => {
        b.payload.taskView.entitlementsPath = '$.expanded[9]';
        drop(b.payload.taskView.task.type.grant, 'appEntitlementId');
      },
      ['no entitlement id: neither payload.taskView.entitlementsPath nor payload.taskView.task.type.grant.appEntitlementId gives one'],
    ],
    [
      'a numericId that is no int64',
      (b) => {
        b.payload.taskView.task.numericId = 'forty-two';
      },
      ['payload.taskView.task.numericId: must be an int64 written as a decimal string'],
    ],
    [
      'an expanded App with a numeric id',
      (b) => set(at(b.payload.expanded, 0), 'id', 5),
      ['payload.expanded[0].id: Invalid input: expected string, received number'],
    ],
  ])('is not ok with %s, and says so', (_name, edit, problems) => {
    expect(build(edited('provision-grant', edit))).toStrictEqual({ ok: false, problems });
  });

  it('names the revoke task type in its fallback problem', () => {
    const body = edited('provision-revoke', (b) => {
      drop(b.payload, 'expanded');
      drop(b.payload.taskView.task.type.revoke, 'appEntitlementId');
    });
    expect(build(body)).toStrictEqual({
      ok: false,
      problems: ['no entitlement id: neither payload.taskView.entitlementsPath nor payload.taskView.task.type.revoke.appEntitlementId gives one'],
    });
  });

  it('lists every problem at once', () => {
    expect(build({ event: 'c1.webhooks.v1.PayloadProvisionStep', payload: {} })).toStrictEqual({
      ok: false,
      problems: ['payload.taskView.task.id is missing', 'callbackUrl is missing', 'payload.taskView.task.type is neither grant nor revoke (it has: nothing)'],
    });
  });

  it('checks the payload it reads from the envelope, and trusts one the caller already parsed', () => {
    const envelope = webhookEnvelopeSchema.parse(loadFixture('provision-grant'));
    const invalid = { ...envelope, payload: { taskView: { task: { id: 't', numericId: '1.5' } } } };
    expect(toProvisioningRequest(invalid, OPTIONS)).toStrictEqual({ ok: false, problems: ['payload.taskView.task.numericId: must be an int64 written as a decimal string'] });
    const parsed = provisionStepPayloadSchema.parse(envelope.payload);
    expect(toProvisioningRequest(envelope, parsed, OPTIONS)).toStrictEqual(toProvisioningRequest(envelope, OPTIONS));
  });
});

describe('correlationKey and taskUrl', () => {
  it('keys the grant and the revoke by task and current step', () => {
    expect(correlationKey(GRANT)).toStrictEqual({ taskId: '2pQdTask0001', stepId: '2pQdStepProv' });
    expect(correlationKey(REVOKE)).toStrictEqual({ taskId: '2pQdTask0002', stepId: '2pQdStepProv2' });
  });

  it('links by numeric id, else by the task id made safe for a URL path', () => {
    expect(taskUrl('acme.conductor.one', { id: '2pQdTask0001', numericId: '1042' })).toBe('https://acme.conductor.one/task/1042');
    expect(taskUrl('acme.conductor.one', { id: 'odd/id?x' })).toBe('https://acme.conductor.one/task/odd%2Fid%3Fx');
  });
});
