/**
 * Jira Data Center approval issues: the Data Center adapter's issue with the approval text, its status deciding by
 * the route's approve / deny lists (others open), the last comment (wiki markup) as the approver's words, the assignee's
 * email for reassign, a deleted issue deciding nothing. Fake Data Center: REST v2 as desks.md §1.2 cites it
 * (src/desks/jira/datacenter/fake-jira-dc.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChosenRoute } from '../../../src/domain/routing.ts';
import type { ApprovalTickets } from '../../../src/desks/approval-tickets.ts';
import { withDcApprovals } from '../../../src/desks/jira/datacenter/dc-approvals.ts';
import { createDcClient } from '../../../src/desks/jira/datacenter/dc-client.ts';
import { createJiraDataCenterTickets } from '../../../src/desks/jira/datacenter/dc-tickets.ts';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../../src/desks/jira/datacenter/wiki-markup.ts';
import { mountFakeJsm, type FakeJsm } from '../../../src/desks/jira/service-desk/fake-jsm.ts';
import { dataCenterJsmRequests, withJsmRequests } from '../../../src/desks/jira/service-desk/jsm-tickets.ts';
import { approvalRequest } from '../../helpers/approval-steps.ts';

let fake: FakeJiraDc;
let jsm: FakeJsm;
let approvals: ApprovalTickets;
const ROUTE: ChosenRoute = { name: 'cab', desk: 'jira', target: { jira: { project: 'CAB', issueType: 'Task', labels: [], fields: {}, approve: ['Approved'], deny: ['Declined'] } } as never };
const ANN = { name: 'ann', key: 'JIRAUSER10100', emailAddress: 'ann.lee@acme.com', displayName: 'Ann Lee', active: true };


beforeAll(async () => {
  fake = await startFakeJiraDc();
  jsm = mountFakeJsm(fake);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  const config = { baseUrl: fake.url, token: 'dc-personal-access-token', erroredResolutions: [] };
  const tickets = withDcApprovals(createJiraDataCenterTickets({ config }), createDcClient({ baseUrl: fake.url, auth: { token: config.token } }), (route) =>
    route === 'cab' ? { approve: ['Approved'], deny: ['Declined'] } : undefined,
  );
  if (tickets.approvals === undefined) throw new Error('no approvals');
  approvals = tickets.approvals;
});

describe('Jira Data Center approval issues', () => {
  it('opens the adapter\'s issue with the approval text, its label and property', async () => {
    const ref = await approvals.create({ request: approvalRequest(), route: ROUTE });
    const issue = fake.issues.get(ref.key);
    expect(issue?.fields.summary).toMatch(/^Approve: /);
    expect(wikiToText(issue?.fields.description ?? '')).toContain('approve or deny');
    expect(issue?.fields.labels.some((label) => label.startsWith('c1-task-'))).toBe(true);
  });

  it('decides only by the route\'s lists; the last comment is the approver\'s words; the assignee\'s email is read', async () => {
    const ref = { ...(await approvals.create({ request: approvalRequest(), route: ROUTE })), route: 'cab' };
    fake.transition(ref.key, 'Done', 'done');
    fake.assign(ref.key, ANN);
    expect(await approvals.read(ref)).toEqual({ decision: 'open', status: 'Done', assigneeEmail: 'ann.lee@acme.com' });
    fake.addComment(ref.key, 'Fine by the CAB', ANN);
    fake.transition(ref.key, 'declined', 'done');
    expect(await approvals.read(ref)).toMatchObject({ decision: 'deny', status: 'declined', words: 'Fine by the CAB' });
    fake.transition(ref.key, 'Approved', 'done');
    expect(await approvals.read(ref)).toMatchObject({ decision: 'approve' });
    // A route without lists (renamed or gone) decides nothing.
    expect(await approvals.read({ ...ref, route: 'gone' })).toMatchObject({ decision: 'open' });
  });

  it('a deleted issue decides nothing; a failing Data Center is an error, never a deny', async () => {
    const ref = { ...(await approvals.create({ request: approvalRequest(), route: ROUTE })), route: 'cab' };
    fake.inject([{ status: 503 }]);
    await expect(approvals.read(ref)).rejects.toMatchObject({ retryable: true });
    fake.remove(ref.key);
    expect(await approvals.read(ref)).toEqual({ decision: 'open', status: 'deleted', deleted: true });
  });
});

describe('Jira Data Center approval routes with JSM requests', () => {
  const JSM_ROUTE: ChosenRoute = { name: 'jsm-cab', desk: 'jira', target: { jira: { serviceDesk: 'ITHELP', requestType: 'Access approval', labels: [] } } as never };
  const targets: Record<string, unknown> = { cab: ROUTE.target.jira, 'jsm-cab': JSM_ROUTE.target.jira };
  let both: ApprovalTickets;

  beforeEach(() => {
    jsm.reset();
    const desk = jsm.addServiceDesk('ITHELP', 'IT Help');
    jsm.addRequestType(desk, 'Access approval', [
      { fieldId: 'summary', name: 'Summary', required: true },
      { fieldId: 'description', name: 'Description', required: false },
    ]);
    jsm.addUser({ accountId: 'mia', displayName: 'Mia Manager', emailAddress: 'mia@acme.com' });
    const auth = { token: 'dc-personal-access-token' };
    const base = withDcApprovals(createJiraDataCenterTickets({ config: { baseUrl: fake.url, ...auth, erroredResolutions: [] } }), createDcClient({ baseUrl: fake.url, auth }), (route) =>
      route === 'cab' ? { approve: ['Approved'], deny: ['Declined'] } : undefined,
    );
    const tickets = withJsmRequests(base, dataCenterJsmRequests({ baseUrl: fake.url, auth, timeZone: 'UTC' }), (route) => targets[route ?? ''] as never);
    if (tickets.approvals === undefined) throw new Error('no approvals');
    both = tickets.approvals;
  });

  it('a JSM route opens a request decided by its approvals, never its status; its last comment is the approver\'s words', async () => {
    const ref = { ...(await both.create({ request: approvalRequest(), route: JSM_ROUTE })), route: 'jsm-cab' };
    expect(ref.key).toBe('ITHELP-1');
    expect((jsm.creates[0]?.['requestFieldValues'] as Record<string, string>)['summary']).toMatch(/^Approve: /);
    const manager = jsm.addApproval(ref.key, 'Manager approval', ['mia']);
    fake.transition(ref.key, 'Approved', 'done');
    expect(await both.read(ref)).toMatchObject({ decision: 'open' });
    fake.addComment(ref.key, 'Fine by the manager', ANN);
    jsm.decide(ref.key, manager, 'mia', 'approved');
    expect(await both.read(ref)).toEqual({ decision: 'approve', status: '"Manager approval" approved by Mia Manager', words: 'Fine by the manager' });
  });

  it('a plain approval route on the same desk keeps its status lists', async () => {
    const ref = { ...(await both.create({ request: approvalRequest(), route: ROUTE })), route: 'cab' };
    expect(ref.key).toMatch(/^CAB-/);
    expect(jsm.creates).toHaveLength(0);
    fake.transition(ref.key, 'Approved', 'done');
    expect(await both.read(ref)).toMatchObject({ decision: 'approve', status: 'Approved' });
  });
});
