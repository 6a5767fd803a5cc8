import { createHmac } from 'node:crypto';
import { startFakeServiceNow, type FakeServiceNow } from '../../src/desks/servicenow/fake-servicenow.ts';
import { useDeskPeers, type DeskPeers } from './desk-peers.ts';
import type { TestBridge } from './test-bridge.ts';
import { waitFor } from './wait-for.ts';

export const SN_WEBHOOK_SECRET = 'sn-webhook-secret';

/** `X-Bridge-Signature` as the shipped business rule computes it (HMAC-SHA256 of the body, base64; hex accepted). */
export function signServiceNowEvent(body: string, encoding: 'base64' | 'hex' = 'base64', secret = SN_WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest(encoding)}`;
}

/** Posts a business-rule event to the bridge, signed unless `headers` are given. */
export async function postServiceNowEvent(b: TestBridge, event: Record<string, unknown>, headers?: Record<string, string>) {
  const body = JSON.stringify(event);
  return b.app.inject({ method: 'POST', url: '/webhooks/servicenow', payload: body, headers: { 'content-type': 'application/json', ...(headers ?? { 'x-bridge-signature': signServiceNowEvent(body) }) } });
}

/** Waits until the step's record holds its ticket. */
export async function ticketOnRecord(b: TestBridge, taskId: string, stepId: string): Promise<void> {
  await waitFor('the record to hold the ticket', async () => (await b.deps.correlationStore.get(taskId, stepId))?.state === 'ticket_created');
}

/** The next record write of a created ticket throws, as a worker dying between the desk's answer and Redis would. */
export function crashOnceAfterCreate(b: TestBridge): void {
  const store = b.deps.jobs.store;
  const real = store.markTicketCreated.bind(store);
  let crashes = 1;
  store.markTicketCreated = async (...args) => {
    if (crashes-- > 0) throw new Error('simulated crash after the ticket was created');
    return real(...args);
  };
}

/** A fake ConductorOne and a fake ServiceNow for the file (see useDeskPeers). */
export function useServiceNowPeers(): DeskPeers<FakeServiceNow> {
  return useDeskPeers(() => startFakeServiceNow());
}

/** The reason the step's create failed for good, once its history records it (the grant fixture's step). */
export async function createFailure(b: TestBridge, taskId = '2pQdTask0001', stepId = '2pQdStepProv'): Promise<string> {
  return waitFor('the create to fail', async () => (await b.deps.correlationStore.get(taskId, stepId))?.history.find((entry) => entry.event === 'create_failed')?.detail);
}
