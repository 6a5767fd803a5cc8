/**
 * The answers to a ConductorOne policy approval step, and the callback body each one is (C1's OpenAPI
 * `c1.webhooks.v1.ResponsePolicyApprovalStep`: `version: "v1"` and exactly one of `approve`, `deny`, `reassign`,
 * `replacePolicy`; the webhooks guide, https://www.conductorone.com/docs/product/admin/webhooks, limits comments to
 * 1,024 characters and a reassign to 32 users). The bridge never sends `replacePolicy`. Pure.
 */
import { BridgeError } from '../errors.ts';
import { characterCount, cutCharacters } from './text-limits.ts';
import type { Outcome } from './ticket.ts';

/** What an approval step can be answered with; a provisioning step's outcomes are `Outcome` (complete | errored). */
export type ApprovalOutcome = 'approve' | 'deny' | 'reassign';

export const APPROVAL_OUTCOMES: readonly ApprovalOutcome[] = ['approve', 'deny', 'reassign'];
export const PROVISION_OUTCOMES: readonly Outcome[] = ['complete', 'errored'];

/** C1's longest approval comment, in characters. */
export const APPROVAL_COMMENT_MAX = 1024;
/** C1's most users a reassign may name. */
export const REASSIGN_USERS_MAX = 32;

export type ApprovalDecision =
  | { readonly outcome: 'approve' | 'deny'; readonly comment: string }
  | { readonly outcome: 'reassign'; readonly comment: string; readonly newStepUserIds: readonly string[] };

export type ApprovalCallbackBody =
  | { version: 'v1'; approve: { comment: string } }
  | { version: 'v1'; deny: { comment: string } }
  | { version: 'v1'; reassign: { comment: string; newStepUserIds: string[] } };

export function isApprovalOutcome(value: unknown): value is ApprovalOutcome {
  return typeof value === 'string' && (APPROVAL_OUTCOMES as readonly string[]).includes(value);
}

export function isProvisionOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (PROVISION_OUTCOMES as readonly string[]).includes(value);
}

/** The comment cut cleanly (whole graphemes, never half a surrogate pair) to what C1 takes. */
export function approvalComment(comment: string): string {
  return characterCount(comment) <= APPROVAL_COMMENT_MAX ? comment : cutCharacters(comment, APPROVAL_COMMENT_MAX);
}

/**
 * The reassign's users, or an `invalid_approval_answer` error: a reassign to no one, to an empty id or to more than
 * C1 takes is refused whole, never cut (dropping users would hand the approval to fewer people than decided).
 */
export function reassignUserIds(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new BridgeError('invalid_approval_answer', 'a reassign needs at least one ConductorOne user id');
  if (ids.length > REASSIGN_USERS_MAX) {
    throw new BridgeError('invalid_approval_answer', `a reassign names at most ${REASSIGN_USERS_MAX.toString()} users; this one names ${ids.length.toString()}`);
  }
  if (ids.some((id) => id.trim() === '')) throw new BridgeError('invalid_approval_answer', 'a reassign user id is empty');
  return [...new Set(ids)];
}

/**
 * The decision as C1's callback body.
 *
 * @example
 *   approvalCallbackBody({ outcome: 'approve', comment: 'CAB-12 approved by Ann' });
 *   // { version: 'v1', approve: { comment: 'CAB-12 approved by Ann' } }
 */
export function approvalCallbackBody(decision: ApprovalDecision): ApprovalCallbackBody {
  const comment = approvalComment(decision.comment);
  switch (decision.outcome) {
    case 'approve':
      return { version: 'v1', approve: { comment } };
    case 'deny':
      return { version: 'v1', deny: { comment } };
    case 'reassign':
      return { version: 'v1', reassign: { comment, newStepUserIds: reassignUserIds(decision.newStepUserIds) } };
  }
}
