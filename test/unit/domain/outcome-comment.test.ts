import { describe, expect, it } from 'vitest';
import { noRouteComment, outcomeComment } from '../../../src/domain/outcome-comment.ts';
import type { TicketRef } from '../../../src/domain/ticket.ts';

const JIRA: TicketRef = { system: 'jira', key: 'OPS-7', id: '10007', url: 'https://acme.atlassian.net/browse/OPS-7', container: 'OPS' };
const SNOW: TicketRef = { system: 'servicenow', key: 'SCTASK0010001', id: 'abc', url: '', container: 'sc_task' };

describe('the comment C1 shows on the task', () => {
  it('names the Jira issue with its link, says it was resolved, and gives status and resolution', () => {
    expect(outcomeComment(JIRA, { status: 'Done', resolution: 'Done' }, 'complete', 'Jira issue')).toBe(
      'Jira issue OPS-7 (https://acme.atlassian.net/browse/OPS-7) was resolved: status "Done", resolution "Done".',
    );
  });

  it('names a ServiceNow record without a link when it has none, says it was closed without the change, and leaves out a missing resolution', () => {
    expect(outcomeComment(SNOW, { status: '4' }, 'errored', 'ServiceNow record')).toBe('ServiceNow record SCTASK0010001 was closed without the change: status "4".');
  });

  it('is cut to the 1,024 characters C1 accepts', () => {
    const comment = outcomeComment(JIRA, { status: 'S'.repeat(2_000) }, 'complete', 'Jira issue');
    expect(comment).toHaveLength(1024);
    expect(comment.startsWith('Jira issue OPS-7 (https://acme.atlassian.net/browse/OPS-7) was resolved: status "SSS')).toBe(true);
  });

  it('says why no ticket was opened when no route matches, cut to 1,024 characters', () => {
    expect(noRouteComment('Okta', 'Admin', 'grant')).toBe(
      "No ticket was opened: no route in the bridge's configuration matches this grant of Okta / Admin, and no defaultRoute is configured.",
    );
    expect(noRouteComment('A'.repeat(2_000), 'Admin', 'revoke')).toHaveLength(1024);
  });
});
