import type { ChosenRoute } from '../domain/routing.ts';
import type { TicketRef } from '../domain/ticket.ts';
import type { DeskId } from './desk-module.ts';
import { TicketSystemError } from './ticket-error.ts';
import type { TicketSystem } from './ticket-system.ts';

/**
 * An adapter as one configured desk: its refs name the desk (so its ticket index keys and those of another desk of
 * the same kind cannot collide) and the route that opened the ticket (whose status map reads it); its errors name
 * the desk, so a 429 pauses only that desk.
 */
export function namedDesk(desk: DeskId, tickets: TicketSystem): TicketSystem {
  const relabel = (error: unknown): never => {
    throw error instanceof TicketSystemError ? error.forDesk(desk) : error;
  };
  const { approvals } = tickets;
  const named = (ref: TicketRef, route: ChosenRoute): TicketRef => ({ ...ref, system: desk.name, route: route.name });
  return {
    name: desk.name,
    kind: desk.kind,
    ticketNoun: tickets.ticketNoun,
    searchLagMs: tickets.searchLagMs,
    batchSize: tickets.batchSize,
    create: (input) => tickets.create(input).then((ref) => named(ref, input.route), relabel),
    findByTask: (taskId, stepId, route) => tickets.findByTask(taskId, stepId, route).then((ref) => (ref === undefined ? undefined : named(ref, route)), relabel),
    getStatus: (ref) => tickets.getStatus(ref).catch(relabel),
    getStatuses: (refs) => tickets.getStatuses(refs).catch(relabel),
    comment: (ref, text) => tickets.comment(ref, text).catch(relabel),
    probe: () => tickets.probe().catch(relabel),
    ...(approvals === undefined
      ? {}
      : { approvals: { create: (input) => approvals.create(input).then((ref) => named(ref, input.route), relabel), read: (ref) => approvals.read(ref).catch(relabel) } }),
  };
}
