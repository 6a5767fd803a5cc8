import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema, policyApprovalStepPayloadSchema } from '../../../src/c1/schemas.ts';
import { approvalCallbackBody, approvalComment, isApprovalOutcome, isProvisionOutcome, reassignUserIds } from '../../../src/domain/approval-outcome.ts';
import { isApprovalRequest, stepKindOf, toApprovalRequest } from '../../../src/domain/approval-request.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';

function build(body: unknown) {
  const envelope = webhookEnvelopeSchema.parse(body);
  return toApprovalRequest(envelope, policyApprovalStepPayloadSchema.parse(envelope.payload), { tenant: 'acme.conductor.one' });
}

describe('toApprovalRequest', () => {
  it('maps C1 policy-approval fixture to an approval keyed by the policy step instance', () => {
    const result = build(loadFixture('policy-approval'));
    if (!result.ok) throw new Error(result.problems.join('; '));
    expect(result.request).toMatchObject({
      step: 'approval',
      taskId: '2pQdTask0003',
      stepId: '2pQdStepAppr3',
      kind: 'grant',
      approval: { state: 'APPROVAL_INSTANCE_STATE_WAITING', webhookId: '2pQdWebhook2' },
      policyName: 'Manager approval',
      callbackUrl: 'https://acme.conductor.one/api/v1/webhooks/callback/ChsyOpaqueEncryptedToken03',
    });
    expect(isApprovalRequest(result.request)).toBe(true);
    expect(stepKindOf(result.request)).toBe('approval');
  });

  it('refuses a provisioning event and an incomplete payload, listing every problem', () => {
    const provisioning = { ...loadFixture('policy-approval'), event: 'c1.webhooks.v1.PayloadProvisionStep' };
    const wrong = build(provisioning);
    expect(wrong.ok).toBe(false);
    expect(wrong.ok ? [] : wrong.problems).toContain('event c1.webhooks.v1.PayloadProvisionStep is not an approval step (c1.webhooks.v1.PayloadPolicyApprovalStep)');
    const incomplete = loadFixture('policy-approval') as { callbackUrl?: string };
    delete incomplete.callbackUrl;
    const missing = build(incomplete);
    expect(missing.ok ? [] : missing.problems).toEqual(['callbackUrl is missing']);
  });

  it('a request without step is a provisioning one (jobs queued before approvals)', () => {
    expect(stepKindOf({})).toBe('provision');
  });
});

describe('approval outcomes', () => {
  it('tells the two vocabularies apart', () => {
    expect(['approve', 'deny', 'reassign', 'complete', 'errored', 'replacePolicy', undefined].map(isApprovalOutcome)).toEqual([true, true, true, false, false, false, false]);
    expect(['approve', 'complete', 'errored'].map(isProvisionOutcome)).toEqual([false, true, true]);
  });

  it('builds exactly one action with version v1', () => {
    expect(approvalCallbackBody({ outcome: 'approve', comment: 'ok' })).toEqual({ version: 'v1', approve: { comment: 'ok' } });
    expect(approvalCallbackBody({ outcome: 'deny', comment: '' })).toEqual({ version: 'v1', deny: { comment: '' } });
    expect(approvalCallbackBody({ outcome: 'reassign', comment: 'c', newStepUserIds: ['a', 'b', 'a'] })).toEqual({ version: 'v1', reassign: { comment: 'c', newStepUserIds: ['a', 'b'] } });
  });

  it('cuts comments at 1,024 characters, never inside a grapheme or a surrogate pair', () => {
    expect(approvalComment('x'.repeat(1024))).toHaveLength(1024);
    expect(approvalComment(`${'x'.repeat(1023)}😀😀`)).toBe(`${'x'.repeat(1023)}😀`);
    expect([...approvalComment('😀'.repeat(1500))]).toHaveLength(1024);
    expect(approvalComment(`${'x'.repeat(1022)}e\u0301\u0301`)).toBe('x'.repeat(1022));
  });

  it('refuses a reassign to no one, to an empty id or to more than 32 users', () => {
    expect(() => reassignUserIds([])).toThrow(expect.objectContaining({ code: 'invalid_approval_answer' }) as Error);
    expect(() => reassignUserIds(['a', ' '])).toThrow(expect.objectContaining({ code: 'invalid_approval_answer' }) as Error);
    const ids = Array.from({ length: 33 }, (_, i) => `u${i.toString()}`);
    expect(() => reassignUserIds(ids)).toThrow(/at most 32 users; this one names 33/);
    expect(reassignUserIds(ids.slice(0, 32))).toHaveLength(32);
  });
});
