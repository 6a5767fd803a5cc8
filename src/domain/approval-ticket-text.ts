/**
 * What an approval ticket says by default (summary and description templates, overridable per route like a
 * provisioning ticket's), and the notes the bridge leaves on it. Pure.
 */
import type { ApprovalOutcome } from './approval-outcome.ts';

export const APPROVAL_SUMMARY = 'Approve: {{ task.action }} {{ app.name }} / {{ entitlement.name }} for {{ user.name }}';

export const APPROVAL_DESCRIPTION = `ConductorOne asks for an approval: approve or deny this access request.

Action: {% if task.isGrant %}grant the access{% else %}revoke the access{% endif %}
For: {{ user.name }}{% if user.email != "" %} <{{ user.email }}>{% endif %}
App: {{ app.name }}
Entitlement: {{ entitlement.name }}{% if entitlement.description != "" %} ({{ entitlement.description }}){% endif %}
{% if requester.name != "" %}Requested by: {{ requester.name }}{% if requester.email != "" %} <{{ requester.email }}>{% endif %}
{% endif %}{% if task.justification != "" %}Justification: {{ task.justification }}
{% endif %}{% if task.grantDuration != "" %}Duration: {{ task.grantDuration }}
{% endif %}
Task in ConductorOne: {{ task.url }}

Your comment on this ticket is sent to ConductorOne with the decision.`;

const DONE: Record<ApprovalOutcome, string> = { approve: 'approved', deny: 'denied', reassign: 'reassigned' };

/** The note after ConductorOne took the answer. */
export function approvalSentNote(outcome: ApprovalOutcome): string {
  return `The bridge sent the answer to ConductorOne: ${DONE[outcome]}.`;
}

/** The note after ConductorOne refused the answer with 400: the step was already closed, or its callback expired. */
export function approvalNotSentNote(outcome: ApprovalOutcome, answer: string): string {
  return `Nothing was sent to ConductorOne: it refused the answer (${DONE[outcome]}) because the approval step is closed or expired (400: ${answer}). Decide in ConductorOne if the request is still open there.`;
}

/** The C1 comment when the approver wrote none: which ticket decided, and how. */
export function defaultDecisionComment(outcome: 'approve' | 'deny', ticketNoun: string, key: string, status: string): string {
  return `${ticketNoun} ${key}: ${DONE[outcome]} (${status}).`;
}

/** The C1 comment of a reassign: who the ticket went to, and the approver's words if any. */
export function reassignComment(ticketNoun: string, key: string, email: string, words: string | undefined): string {
  const head = `${ticketNoun} ${key} was assigned to ${email}.`;
  return words === undefined || words === '' ? head : `${head} ${words}`;
}
