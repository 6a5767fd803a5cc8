import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema } from '../../../src/c1/schemas.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { compileCondition, ConditionError } from '../../../src/domain/conditions.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { decideRoute } from '../../../src/domain/routing.ts';
import { loadFixture, type FixtureName } from '../../fixtures/load-fixture.ts';
import { propertySeed } from '../../helpers/property-seed.ts';

function request(name: FixtureName): ProvisioningRequest {
  const result = toProvisioningRequest(webhookEnvelopeSchema.parse(loadFixture(name)), { tenant: 'acme.conductor.one' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

const grant = request('provision-grant');
const revoke = request('provision-revoke');
const contractor = request('provision-emergency-contractor');

function config(routes: unknown[], defaultRoute?: unknown) {
  return configSchema.parse({
    server: { publicUrl: 'https://bridge.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: 'https://acme.atlassian.net', token: 'pat' },
    routes,
    ...(defaultRoute === undefined ? {} : { defaultRoute }),
  });
}

const evaluate = (source: string, on: ProvisioningRequest) => compileCondition(source).evaluate(on);

describe('match keys with lists', () => {
  it('a list matches any of its values; a single value still works', () => {
    const routes = [
      { name: 'code', match: { appName: ['GitLab', 'github'], taskType: ['grant'] }, jira: { project: 'CODE' } },
      { name: 'crm', match: { appId: ['2pQdAppSF', '2pQdAppHubspot'], entitlementName: 'System Administrator' }, jira: { project: 'CRM' } },
    ];
    expect(decideRoute(config(routes), grant).chosen?.name).toBe('code');
    expect(decideRoute(config(routes), revoke).chosen?.name).toBe('crm');
    expect(decideRoute(config(routes), contractor)).toEqual({
      chosen: undefined,
      verdicts: [
        { route: 'code', matched: false, reason: 'match.appName: wants one of "GitLab", "github", the task has "AWS Production"' },
        { route: 'crm', matched: false, reason: 'match.appId: wants one of "2pQdAppSF", "2pQdAppHubspot", the task has "2pQdAppAWS"' },
      ],
    });
  });
});

describe('when: CEL conditions', () => {
  it.each([
    ['subject.department == "Engineering"', grant, true],
    ['subject.department == "Engineering"', contractor, false],
    ['subject.email.endsWith("@acme.com") && !task.emergencyAccess', grant, true],
    ['task.grantDuration > duration("24h")', grant, true],
    ['task.grantDuration > duration("24h")', contractor, false],
    ['task.grantDurationSeconds >= 28800', contractor, true],
    ['task.createdAt < timestamp("2026-08-21T00:00:00Z")', grant, true],
    ['task.emergencyAccess && subject.employmentType == "Contractor"', contractor, true],
    ['subject.profile.costCenter == "CC-4410" && subject.managers.exists(m, m.email.endsWith("@acme.com"))', contractor, true],
    ['"eu-west-1" in form.answers.regions && form.answers.read_only == false', contractor, true],
    ['entitlement.riskLevel == "high" && resource.typeId == "2pQdResTypeAccount"', contractor, true],
    ['has(task.grantDuration)', revoke, false],
    ['task.isRevoke && task.revokeSource == "review"', revoke, true],
    ['subject.name.lowerAscii().startsWith("jane")', grant, true],
  ])('%s on a task → %s', (source, on, expected) => {
    expect(evaluate(source, on)).toEqual({ ok: true, value: expected });
  });

  it.each([
    // A value C1 did not send is absent: comparing it is an evaluation error, not a silent false.
    ['task.grantDuration > duration("24h")', revoke, 'field not found: grantDuration'],
    ['subject.profile.level > 3', grant, 'level'],
    ['subject.department', grant, 'not true or false'],
    ['1 / (task.grantDurationSeconds - 604800) > 0', grant, 'divide by zero'],
  ])('%s on a task → evaluation error (%s)', (source, on, message) => {
    const result = evaluate(source, on);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(message);
  });

  it('a route whose when is false or fails is passed over, each with its reason, and the next one takes the task', () => {
    const routes = [
      { name: 'contractors', when: 'subject.employmentType == "Contractor"', jira: { project: 'SEC' } },
      { name: 'leveled', when: 'subject.profile.level > 3', jira: { project: 'LVL' } },
      { name: 'engineering', when: 'subject.department == "Engineering"', jira: { project: 'ENG' } },
    ];
    const decision = decideRoute(config(routes), grant);
    expect(decision.chosen?.name).toBe('engineering');
    expect(decision.verdicts).toEqual([
      { route: 'contractors', matched: false, reason: 'when: is false' },
      { route: 'leveled', matched: false, reason: expect.stringContaining('when: could not be evaluated (') as unknown, evaluationError: expect.stringContaining('level') as unknown },
      { route: 'engineering', matched: true },
    ]);
  });

  it('a condition that does not compile (a config not built by the loader) skips its route instead of failing the job', () => {
    const routes = [
      { name: 'broken', when: 'subject.department ==', jira: { project: 'BRK' } },
      { name: 'all', jira: { project: 'ALL' } },
    ];
    const decision = decideRoute(config(routes), grant);
    expect(decision.chosen?.name).toBe('all');
    expect(decision.verdicts[0]).toMatchObject({ route: 'broken', matched: false, evaluationError: expect.stringContaining('does not compile: CEL syntax error') as unknown });
  });

  it.each([
    ['subject.department == ', 'CEL syntax error', 1, 20],
    ['subject.departmnet == "Engineering"', 'unknown field subject.departmnet', 1, 1],
    ['task.id == "x" &&\n  usr.email == "x"', 'unknown variable usr', 2, 3],
    ['subject.email.endsWith("@acme.com") && nope(task.id)', 'unknown function nope', 1, 40],
    ['subject.managers.exists(m, m.email == "a") && subject.managers.all(m, task.nope)', 'unknown field task.nope', 1, 71],
  ])('refuses %j at compile time: %s at line %i, column %i', (source, message, line, column) => {
    const error = (() => {
      try {
        compileCondition(source);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConditionError);
    expect((error as ConditionError).message).toContain(message);
    expect((error as ConditionError).position).toMatchObject({ line, column });
  });
});

// A JavaScript reading of each expression, to check the router's choice against without CEL.
const CONDITIONS: Array<[string, (r: ProvisioningRequest) => boolean]> = [
  ['subject.department == "Engineering"', (r) => r.subject.department === 'Engineering'],
  ['task.emergencyAccess', (r) => r.emergencyAccess],
  ['task.grantDuration > duration("24h")', (r) => (r.grantDurationSeconds ?? 0) > 86_400],
  ['subject.email.endsWith("@acme.com")', (r) => r.subject.email?.endsWith('@acme.com') === true],
  // An evaluation error on every task but none: never matches.
  ['subject.profile.level > 3', () => false],
];
const APP_NAMES = ['GitHub', 'Salesforce', 'AWS Production', 'Okta'];
const TASKS = [grant, revoke, contractor];

const routeArbitrary = fc.record(
  {
    appName: fc.option(fc.oneof(fc.constantFrom(...APP_NAMES), fc.uniqueArray(fc.constantFrom(...APP_NAMES), { minLength: 1, maxLength: 3 })), { nil: undefined }),
    taskType: fc.option(fc.constantFrom<'grant' | 'revoke'>('grant', 'revoke'), { nil: undefined }),
    when: fc.option(fc.nat({ max: CONDITIONS.length - 1 }), { nil: undefined }),
  },
  { requiredKeys: [] },
);

describe('routing (property)', () => {
  it('is deterministic and the first route whose match keys and when hold wins', () => {
    fc.assert(
      fc.property(fc.array(routeArbitrary, { maxLength: 6 }), fc.constantFrom(...TASKS), fc.boolean(), (drawn, task, withDefault) => {
        const routes = drawn.map((route, index) => ({
          name: `r${index.toString()}`,
          match: { ...(route.appName === undefined ? {} : { appName: route.appName }), ...(route.taskType === undefined ? {} : { taskType: route.taskType }) },
          ...(route.when === undefined ? {} : { when: CONDITIONS[route.when]?.[0] }),
          jira: { project: `P${index.toString()}` },
        }));
        const parsed = config(routes, withDefault ? { jira: { project: 'DEF' } } : undefined);
        const first = decideRoute(parsed, task);
        // Deterministic: the same decision again, and for a copy of the task.
        expect(decideRoute(parsed, structuredClone(task))).toEqual(first);
        expect(decideRoute(parsed, task)).toEqual(first);
        // First match wins, by an independent reading of each route.
        const holds = drawn.map((route) => {
          const names = route.appName === undefined ? undefined : [route.appName].flat();
          return (
            (names === undefined || names.some((name) => name.toLowerCase() === task.app.name?.toLowerCase())) &&
            (route.taskType === undefined || route.taskType === task.kind) &&
            (route.when === undefined || (CONDITIONS[route.when]?.[1](task) ?? false))
          );
        });
        const winner = holds.indexOf(true);
        expect(first.chosen?.name).toBe(winner === -1 ? (withDefault ? 'defaultRoute' : undefined) : `r${winner.toString()}`);
        // Every route before the winner was tried and refused; none after it was tried.
        expect(first.verdicts.map((v) => v.matched)).toEqual(winner === -1 ? holds : [...holds.slice(0, winner), true]);
      }),
      { seed: propertySeed('routing'), numRuns: 300 },
    );
  });
});
