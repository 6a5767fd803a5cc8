import { describe, expect, it } from 'vitest';
import { JiraLoginPageError } from '../../../../src/desks/jira/datacenter/dc-client.ts';
import { JIRA_KIND_DESK } from '../../../../src/desks/jira/jira-config.ts';
import { requestedFor, type SubjectFinder } from '../../../../src/desks/jira/requested-for.ts';
import { TicketSystemError } from '../../../../src/desks/ticket-error.ts';
import { fixtureRequest } from '../../../helpers/fixture-request.ts';

const request = fixtureRequest('provision-grant');
const failing = (error: unknown): SubjectFinder => () => Promise.reject(error instanceof Error ? error : new Error(String(error)));

describe('requested for the task user: what a lookup failure does', () => {
  it('asks nothing when the route names no user field', async () => {
    const never: SubjectFinder = () => Promise.reject(new Error('asked'));
    expect(await requestedFor({}, request, never)).toEqual({ fields: {} });
  });

  it('a user search Jira refuses (403: no Browse users permission) is a reason on the ticket, not a failed task', async () => {
    const refused = new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_rejected', message: 'Jira find user by email: Jira refused with 403', status: 403 });
    const answer = await requestedFor({ reporter: 'subject' }, request, failing(refused));
    expect(answer.fields).toEqual({});
    expect(answer.note).toBe(
      "Requested for jane.doe@acme.com, who was not found in Jira (the user search was refused: Jira find user by email: Jira refused with 403); this ticket is reported by the bridge's account.",
    );
  });

  it('Jira down, rate limited or answering its login page: the error goes on, for the job to retry or fail', async () => {
    const down = new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_unavailable', message: 'Jira find user by email: Jira answered 503', status: 503 });
    await expect(requestedFor({ reporter: 'subject' }, request, failing(down))).rejects.toBe(down);
    const login = new JiraLoginPageError('find user by email', 200);
    await expect(requestedFor({ userFields: ['customfield_10070'] }, request, failing(login))).rejects.toBe(login);
  });

  it('a found user fills the reporter and every user field, once each', async () => {
    const found: SubjectFinder = () => Promise.resolve({ user: { name: 'jdoe' } });
    expect(await requestedFor({ reporter: 'subject', userFields: ['customfield_10070', 'reporter'] }, request, found)).toEqual({ fields: { reporter: { name: 'jdoe' }, customfield_10070: { name: 'jdoe' } } });
  });
});
