import { describe, expect, it } from 'vitest';
import { approvalDecision, type RequestApproval } from '../../../../src/desks/jira/service-desk/request-approvals.ts';

const approval = (name: string, finalDecision: string): RequestApproval => ({ id: name, name, finalDecision, approvers: [] });

describe('what JSM approvals decide for an approval step', () => {
  it('no approval yet is open', () => {
    expect(approvalDecision([])).toEqual({ decision: 'open', reason: 'the request has no approval yet' });
  });
  it('every approval approved approves', () => {
    expect(approvalDecision([approval('Manager', 'approved'), approval('Owner', 'approved')]).decision).toBe('approve');
  });
  it('any declined denies, even beside approved and pending ones', () => {
    expect(approvalDecision([approval('Manager', 'approved'), approval('Owner', 'declined'), approval('CAB', 'pending')])).toMatchObject({ decision: 'deny', declined: { name: 'Owner' } });
  });
  it('pending beside approved is open, naming what it waits for', () => {
    expect(approvalDecision([approval('Manager', 'approved'), approval('Owner', 'pending')])).toEqual({ decision: 'open', reason: 'waiting for "Owner" (pending)' });
  });
  it('an unknown or missing decision is open, never a deny', () => {
    expect(approvalDecision([approval('Manager', 'cancelled')])).toEqual({ decision: 'open', reason: 'waiting for "Manager" (cancelled)' });
    expect(approvalDecision([approval('Manager', 'approved'), approval('Owner', '')])).toEqual({ decision: 'open', reason: 'waiting for "Owner" (no decision)' });
    expect(approvalDecision([approval('Manager', 'DECLINED')]).decision).toBe('open');
  });
});
