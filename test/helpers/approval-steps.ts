import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { toApprovalRequest, type ApprovalRequest } from '../../src/domain/approval-request.ts';
import type { FakeJira } from '../../src/desks/jira/fake-jira.ts';
import type { FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import type { RecordedRequest } from '../../src/sandbox/listen.ts';
import type { CorrelationRecord } from '../../src/store/correlation-store.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import type { TestBridge } from './test-bridge.ts';
import { waitFor } from './wait-for.ts';

/** The policy step instance of the approval fixture: the step id of its record. */
export const APPROVAL_STEP = '2pQdStepAppr3';

/** Delivers the approval fixture as a new task (202), its callback URL an approval's on the fake C1. */
export async function deliverApproval(bridge: TestBridge, c1: FakeConductorOne): Promise<{ taskId: string; token: string }> {
  const body = loadFixture('policy-approval');
  const taskId = `ap-${randomUUID().slice(0, 8)}`;
  const token = `tok-${taskId}`;
  body.payload.taskView.task.id = taskId;
  body.callbackUrl = c1.approvalCallbackUrl(token);
  expect((await bridge.deliver(body)).statusCode).toBe(202);
  return { taskId, token };
}

/** Waits until the step's approval ticket is on record; returns the record. */
export async function approvalTicketCreated(bridge: TestBridge, taskId: string): Promise<CorrelationRecord> {
  return waitFor('the approval ticket on record', async () => {
    const record = await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP);
    return record?.fields['ticketKey'] === undefined ? undefined : record;
  });
}

/** Every callback posted to this token's URL (answered or refused). */
export const callbacksTo = (c1: FakeConductorOne, token: string): RecordedRequest[] => c1.callbacks.filter((r) => r.path.endsWith(`/${token}`));

/** Waits for the first callback to this token; returns its body. */
export async function callbackBody(c1: FakeConductorOne, token: string): Promise<unknown> {
  const request = await waitFor('the approval callback', () => callbacksTo(c1, token)[0]);
  return JSON.parse(request.body) as unknown;
}

/** Waits until the step's record reaches `state`. */
export async function recordIn(bridge: TestBridge, taskId: string, state: CorrelationRecord['state']): Promise<CorrelationRecord> {
  return waitFor(`the step to be ${state}`, async () => {
    const record = await bridge.deps.correlationStore.get(taskId, APPROVAL_STEP);
    return record?.state === state ? record : undefined;
  });
}

/** The approval fixture as the bridge's request (what a desk adapter is given). */
export function approvalRequest(): ApprovalRequest {
  const envelope = loadFixture('policy-approval');
  const result = toApprovalRequest(envelope as never, envelope.payload as never, { tenant: 'acme.conductor.one' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

/** Posts a Jira webhook event signed with `secret` to the bridge's /webhooks/jira, as Jira Cloud sends it; expects 2xx. */
export async function postJiraEvent(bridge: TestBridge, jira: FakeJira, secret: string, event: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(event);
  const response = await bridge.app.inject({
    method: 'POST',
    url: '/webhooks/jira',
    payload: body,
    headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(body, secret), 'x-atlassian-webhook-identifier': String(Math.random()) },
  });
  expect(response.statusCode).toBeLessThan(300);
}
