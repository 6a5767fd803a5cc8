import { describe, expect, it } from 'vitest';
import { namedDesk } from '../../../src/desks/named-desk.ts';
import { TicketSystemError } from '../../../src/desks/ticket-error.ts';
import type { TicketSystem } from '../../../src/desks/ticket-system.ts';
import type { TicketRef } from '../../../src/domain/ticket.ts';

const KIND_DESK = { name: 'jira', kind: 'jira' } as const;
const REF: TicketRef = { system: 'jira', key: 'OPS-1', id: '10000', url: 'https://jira.acme.internal/browse/OPS-1', container: 'OPS' };
const ROUTE = { name: 'legacy', desk: 'jira-dc', target: {} };

/** An adapter as a kind's adapter is: its refs and errors name the kind. */
function adapter(failure?: TicketSystemError): TicketSystem {
  const answer = async <T>(value: T): Promise<T> => {
    if (failure !== undefined) throw failure;
    return value;
  };
  return {
    name: 'jira',
    kind: 'jira',
    ticketNoun: 'Jira issue',
    searchLagMs: 0,
    batchSize: 100,
    create: () => answer(REF),
    findByTask: () => answer(REF),
    getStatus: () => answer({ final: false, status: 'To Do' }),
    getStatuses: () => answer(new Map()),
    comment: () => answer(undefined),
    probe: () => answer('signed in'),
  };
}

describe('namedDesk', () => {
  it('names the desk and the route on the refs it returns', async () => {
    const desk = namedDesk({ name: 'jira-dc', kind: 'jira' }, adapter());
    expect(desk.name).toBe('jira-dc');
    expect(await desk.findByTask('t', 's', ROUTE)).toEqual({ ...REF, system: 'jira-dc', route: 'legacy' });
  });

  it('relabels the adapter\'s errors with the desk, so a 429 pauses only that desk', async () => {
    const limited = new TicketSystemError({ system: KIND_DESK, code: 'ticket_system_rate_limited', message: 'slow down', status: 429, retryAfterMs: 5000 });
    const desk = namedDesk({ name: 'jira-dc', kind: 'jira' }, adapter(limited));
    const error = await desk.getStatus(REF).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TicketSystemError);
    expect(error).toMatchObject({ system: { name: 'jira-dc', kind: 'jira' }, code: 'ticket_system_rate_limited', status: 429, retryAfterMs: 5000, retryable: true, message: 'slow down' });
  });
});
