import { TicketSystemError } from '../desks/ticket-error.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';
import type { Metrics } from './metrics.ts';

/** The same TicketSystem, with each call timed and each failure counted. */
export function instrumentTickets(system: TicketSystem, metrics: Metrics): TicketSystem {
  const timed =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const stop = metrics.ticketCalls.startTimer({ system: system.name, operation });
      try {
        const result = await call(...args);
        stop({ outcome: 'ok' });
        return result;
      } catch (error) {
        const outcome = error instanceof TicketSystemError ? error.code : 'error';
        stop({ outcome });
        metrics.ticketErrors.inc({ system: system.name, operation, status: error instanceof TicketSystemError && error.status !== undefined ? String(error.status) : 'none' });
        throw error;
      }
    };
  return {
    name: system.name,
    kind: system.kind,
    ticketNoun: system.ticketNoun,
    searchLagMs: system.searchLagMs,
    create: timed('create', system.create.bind(system)),
    findByTask: timed('find_by_task', system.findByTask.bind(system)),
    getStatus: timed('get_status', system.getStatus.bind(system)),
    batchSize: system.batchSize,
    getStatuses: timed('get_statuses', system.getStatuses.bind(system)),
    comment: timed('comment', system.comment.bind(system)),
    probe: timed('probe', system.probe.bind(system)),
    ...(system.approvals === undefined
      ? {}
      : { approvals: { create: timed('create_approval', system.approvals.create.bind(system.approvals)), read: timed('read_approval', system.approvals.read.bind(system.approvals)) } }),
  };
}
