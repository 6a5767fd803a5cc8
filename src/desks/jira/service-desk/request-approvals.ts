/**
 * A request's native approvals (`GET /rest/servicedeskapi/request/{issueIdOrKey}/approval`, paged `Approval`
 * `{id, name, finalDecision: approved|declined|pending, approvers[{approver, approverDecision}], completedDate}`:
 * desks.md §2, jira.js `src/serviceDesk/models/approval.ts`) and what they decide for a ConductorOne approval step.
 * An approval route decides from `finalDecision`, never from status names (issue #17).
 */
import { allPages, type Approval, type JsmApi } from './jsm-api.ts';

export interface RequestApproval {
  id: string;
  name: string;
  /** As JSM sent it; values other than approved / declined / pending are kept and read as still open. */
  finalDecision: string;
  approvers: Array<{ accountId?: string; name?: string; displayName?: string; decision: string }>;
  completedAt?: string;
}

export type ApprovalDecision = { decision: 'approve'; approvals: RequestApproval[] } | { decision: 'deny'; declined: RequestApproval } | { decision: 'open'; reason: string };

function toApproval(approval: Approval): RequestApproval {
  return {
    id: approval.id ?? '',
    name: approval.name ?? '',
    finalDecision: approval.finalDecision ?? '',
    approvers: (approval.approvers ?? []).map((entry) => ({
      ...(entry.approver?.accountId === undefined ? {} : { accountId: entry.approver.accountId }),
      ...(entry.approver?.name === undefined ? {} : { name: entry.approver.name }),
      ...(entry.approver?.displayName === undefined ? {} : { displayName: entry.approver.displayName }),
      decision: entry.approverDecision ?? '',
    })),
    ...(approval.completedDate?.iso8601 === undefined ? {} : { completedAt: approval.completedDate.iso8601 }),
  };
}

export async function readApprovals(api: JsmApi, issueIdOrKey: string): Promise<RequestApproval[]> {
  return (await allPages((start, limit) => api.approvals(issueIdOrKey, start, limit))).map(toApproval);
}

/**
 * Any approval finally declined ⇒ deny; every one finally approved ⇒ approve; otherwise (pending, none yet, or a value
 * JSM may add later) the step stays open: an unknown state is never turned into a deny.
 */
export function approvalDecision(approvals: readonly RequestApproval[]): ApprovalDecision {
  const declined = approvals.find((approval) => approval.finalDecision === 'declined');
  if (declined !== undefined) return { decision: 'deny', declined };
  if (approvals.length === 0) return { decision: 'open', reason: 'the request has no approval yet' };
  const undecided = approvals.filter((approval) => approval.finalDecision !== 'approved');
  if (undecided.length === 0) return { decision: 'approve', approvals: [...approvals] };
  return { decision: 'open', reason: `waiting for ${undecided.map((approval) => `"${approval.name}" (${approval.finalDecision === '' ? 'no decision' : approval.finalDecision})`).join(', ')}` };
}
