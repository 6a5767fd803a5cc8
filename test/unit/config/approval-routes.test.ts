import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { C1_SECRET_PREFIX } from '../../../src/c1/api-client.ts';
import { approvalRouteProblems } from '../../../src/config/approval-routes.ts';
import { jiraApprovalRule } from '../../../src/desks/jira/approval-route-rule.ts';

const jiraRoutes = (routes: ReadonlyArray<{ name: string; for: 'provision' | 'approval'; jira: Record<string, unknown> }>, hasC1Api: boolean) =>
  approvalRouteProblems(routes, hasC1Api, (route) => ({ kind: 'jira', target: route.jira }), () => jiraApprovalRule);
import { JIRA, MINIMAL, problems, SERVICENOW } from './helpers.ts';

// A key in the shape of C1's client secrets (an Ed25519 private JWK); it signs nothing here.
const SECRET = `${C1_SECRET_PREFIX}${Buffer.from(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'eA', d: 'ZA' })).toString('base64')}`;
const WITH_API = MINIMAL.replace('conductorone: { tenant: acme.conductor.one }', `conductorone: { tenant: acme.conductor.one, api: { clientId: cid, clientSecret: "${SECRET}" } }`);

const routes = (...lines: string[]) => `routes:\n${lines.map((line) => `  - ${line}\n`).join('')}`;

describe('approval routes', () => {
  it('a Jira approval route with both lists, and a ServiceNow one on a table, are read as given', () => {
    const config = parseConfig(
      `${WITH_API}\n${JIRA}\n${SERVICENOW}\n${routes(
        '{ name: cab, for: approval, jira: { project: CAB, approve: [Approved], deny: [Declined], reassign: assignee } }',
        '{ name: sn-cab, for: approval, servicenow: { table: sc_req_item, reassign: assignee } }',
      )}`,
      {},
    );
    expect(config.routes[0]?.jira).toMatchObject({ approve: ['Approved'], deny: ['Declined'], reassign: 'assignee' });
    expect(config.routes[1]?.servicenow).toMatchObject({ table: 'sc_req_item', reassign: 'assignee' });
  });

  it.each([
    ['no lists', '{ project: CAB }', 'missing: approve, deny'],
    ['no deny list', '{ project: CAB, approve: [Approved] }', 'missing: deny'],
    ['no approve list', '{ project: CAB, deny: [Declined] }', 'missing: approve'],
  ])('a Jira approval route with %s is an error naming the route; there is no default', (_label, target, missing) => {
    expect(problems(`${MINIMAL}\n${JIRA}\n${routes(`{ name: cab, for: approval, jira: ${target} }`)}`)).toEqual([
      expect.stringMatching(new RegExp(`routes\\.0\\.jira\\.(approve|deny): route "cab" takes approvals: jira\\.approve and jira\\.deny must list the statuses that approve and deny \\(${missing}\\); there is no default`)),
    ]);
  });

  it('a status in both lists is an error (names compare ignoring case)', () => {
    expect(problems(`${MINIMAL}\n${JIRA}\n${routes('{ name: cab, for: approval, jira: { project: CAB, approve: [Approved, Done], deny: [done] } }')}`)).toEqual([
      expect.stringMatching(/routes\.0\.jira\.deny: route "cab": "Done" cannot both approve and deny/),
    ]);
  });

  it('an empty list is an error too', () => {
    expect(problems(`${MINIMAL}\n${JIRA}\n${routes('{ name: cab, for: approval, jira: { project: CAB, approve: [], deny: [Declined] } }')}`).join('\n')).toMatch(/routes\.0\.jira\.approve: must list at least one status/);
  });

  it('reassign without conductorone.api is an error: the C1 user of an email comes from its API', () => {
    expect(problems(`${MINIMAL}\n${JIRA}\n${routes('{ name: cab, for: approval, jira: { project: CAB, approve: [A], deny: [D], reassign: assignee } }')}`)).toEqual([
      expect.stringMatching(/routes\.0\.jira\.reassign: route "cab": reassign needs conductorone\.api/),
    ]);
    expect(problems(`${MINIMAL}\n${SERVICENOW}\n${routes('{ name: sn, for: approval, servicenow: { table: incident, reassign: assignee } }')}`)).toEqual([
      expect.stringMatching(/routes\.0\.servicenow\.reassign: route "sn": reassign needs conductorone\.api/),
    ]);
  });

  it('approve, deny and reassign on a provisioning route are errors; a catalog order cannot take approvals', () => {
    expect(problems(`${WITH_API}\n${JIRA}\n${routes('{ name: ops, jira: { project: OPS, approve: [A], deny: [D] } }')}`)).toEqual([
      expect.stringMatching(/routes\.0\.jira\.approve: route "ops": approve belongs to a for: approval route/),
      expect.stringMatching(/routes\.0\.jira\.deny: route "ops": deny belongs to a for: approval route/),
    ]);
    expect(problems(`${WITH_API}\n${SERVICENOW}\n${routes('{ name: sn, for: approval, servicenow: { catalogItem: Access } }')}`)).toEqual([
      expect.stringMatching(/routes\.0\.servicenow\.catalogItem: route "sn" takes approvals: give a table/),
    ]);
  });

  it('reassign takes only assignee', () => {
    expect(problems(`${WITH_API}\n${JIRA}\n${routes('{ name: cab, for: approval, jira: { project: CAB, approve: [A], deny: [D], reassign: reporter } }')}`).join('\n')).toMatch(/routes\.0\.jira\.reassign: must be assignee/);
  });

  it('a JSM approval route (serviceDesk) needs no status lists, and refuses them: its approvals decide', () => {
    const jsm = { name: 'portal', for: 'approval' as const, jira: { serviceDesk: 'ITHELP', requestType: 'Access approval' } };
    expect(jiraRoutes([jsm], false)).toEqual([]);
    expect(jiraRoutes([{ ...jsm, jira: { ...jsm.jira, approve: ['Approved'] } }], false)).toEqual([
      { path: ['routes', 0, 'jira', 'approve'], message: 'route "portal" is a JSM approval route: its request\'s approvals decide, not status lists; leave approve out' },
    ]);
  });

  it('a JSM approval route refuses reassign, even with conductorone.api: its approvals have no assignee to follow', () => {
    const jsm = { name: 'portal', for: 'approval' as const, jira: { serviceDesk: 'ITHELP', requestType: 'Access approval', reassign: 'assignee' } };
    expect(jiraRoutes([jsm], true)).toEqual([
      { path: ['routes', 0, 'jira', 'reassign'], message: expect.stringMatching(/^route "portal" is a JSM approval route: reassign follows a plain issue's assignee/) },
    ]);
  });
});
