/**
 * JSM approval tickets: a customer request of a request type that carries native approvals. The decision is the
 * approvals' `finalDecision` read from the service-desk API (request-approvals.ts), never a status name: one declined
 * denies, all approved approves, anything else (pending, none yet, a value JSM may add) stays open. The request's
 * summary and description default to the approval text where the request type has those fields.
 */
import { APPROVAL_DESCRIPTION, APPROVAL_SUMMARY } from '../../../domain/approval-ticket-text.ts';
import type { ChosenRoute } from '../../../domain/routing.ts';
import type { ScopeOptions } from '../../../domain/template-scope.ts';
import type { TicketRef } from '../../../domain/ticket.ts';
import type { ApprovalReading, ApprovalTickets } from '../../approval-tickets.ts';
import { createJsmRequest, type JsmRequestDeps } from './create-request.ts';
import type { JsmTarget } from './jsm-target.ts';
import { approvalDecision, readApprovals, type RequestApproval } from './request-approvals.ts';

export interface JsmApprovalsDeps extends JsmRequestDeps {
  /** The request's last comment as plain text (the approver's words), when the desk can read it. */
  lastComment?: (ref: TicketRef) => Promise<string | undefined>;
}

const who = (approval: RequestApproval, decision: string) =>
  approval.approvers
    .filter((approver) => approver.decision === decision)
    .map((approver) => approver.displayName ?? approver.name ?? approver.accountId ?? 'an approver')
    .join(', ');

/** An approval's state as people read it: `"Manager approval" approved by Mia Manager`. */
function describe(approval: RequestApproval, decision: 'approved' | 'declined'): string {
  const by = who(approval, decision);
  return `"${approval.name}" ${decision}${by === '' ? '' : ` by ${by}`}`;
}

/** What a request's approvals decide, in the words an approval ticket reading carries. */
export function jsmApprovalReading(approvals: readonly RequestApproval[]): Pick<ApprovalReading, 'decision' | 'status'> {
  const decided = approvalDecision(approvals);
  if (decided.decision === 'deny') return { decision: 'deny', status: describe(decided.declined, 'declined') };
  if (decided.decision === 'approve') return { decision: 'approve', status: decided.approvals.map((approval) => describe(approval, 'approved')).join('; ') };
  return { decision: 'open', status: decided.reason };
}

export function createJsmApprovals(deps: JsmApprovalsDeps, targetOf: (route: ChosenRoute) => JsmTarget | undefined, scope: ScopeOptions): ApprovalTickets {
  return {
    async create({ request, route }) {
      const target = targetOf(route);
      if (target === undefined) throw new Error(`route ${route.name} has no JSM target`);
      const desk = await deps.resolveServiceDesk(target.serviceDesk);
      const type = await deps.resolveRequestType(desk.id, target.requestType);
      const typeFields = new Set((await deps.fieldsOf(desk.id, type.id)).fields.map((field) => field.fieldId));
      // JSM takes only the request type's own fields: the approval text goes where the type has the field.
      const defaults = Object.entries({ summary: APPROVAL_SUMMARY, description: APPROVAL_DESCRIPTION }).filter(([field]) => typeFields.has(field));
      return createJsmRequest(deps, { target: { ...target, requestFields: { ...Object.fromEntries(defaults), ...target.requestFields } }, request, scope });
    },

    async read(ref) {
      const reading = jsmApprovalReading(await readApprovals(deps.api, ref.id));
      const words = reading.decision === 'open' ? undefined : await deps.lastComment?.(ref);
      return { ...reading, ...(words === undefined || words === '' ? {} : { words }) };
    },
  };
}
