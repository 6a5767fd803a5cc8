import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import type { FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';

export const BURST_PUBLIC_URL = 'https://bridge.acme.example';
const AUDIENCE = 'bridge.acme.example';

/**
 * Delivers one grant like ConductorOne does: a fresh token per attempt, retried after any answer but 2xx (and after
 * no answer at all). Returns the number of attempts it took.
 */
export async function deliverUntilAccepted(c1: FakeConductorOne, address: string, taskId: string, maxAttempts = 600): Promise<number> {
  const fixture = loadFixture('provision-grant');
  fixture.payload.taskView.task.id = taskId;
  fixture.callbackUrl = c1.callbackUrl(`burst-${taskId}`);
  const body = Buffer.from(JSON.stringify(fixture));
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const token = await c1.sign(body, AUDIENCE, `${BURST_PUBLIC_URL}/webhooks/conductorone`);
    const status = await fetch(`${address}/webhooks/conductorone`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(30_000),
    })
      .then((r) => r.status)
      .catch(() => 0);
    if (status >= 200 && status < 300) return attempt;
    await sleep(100);
  }
  throw new Error(`task ${taskId} never accepted`);
}

/** Sends `tasks` through `addresses` (round robin), `concurrency` at a time; resolves with the delivery attempts. */
export async function sendBurst(c1: FakeConductorOne, addresses: readonly string[], tasks: readonly string[], concurrency: number): Promise<number> {
  const queue = [...tasks];
  let attempts = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
        const address = addresses[next % addresses.length] ?? '';
        next += 1;
        const taken = await deliverUntilAccepted(c1, address, task);
        attempts += taken;
      }
    }),
  );
  return attempts;
}

/** Resolves every issue not resolved yet in the fake Jira and sends Jira's signed webhook for it once. */
export async function resolveNewIssues(jira: FakeJira, address: string, secret: string, resolved: Set<string>): Promise<void> {
  for (const issue of jira.issues.values()) {
    if (resolved.has(issue.key)) continue;
    resolved.add(issue.key);
    const event = JSON.stringify(jira.transition(issue.key, 'Done', 'done', 'Done'));
    await fetch(`${address}/webhooks/jira`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(event, secret), 'x-atlassian-webhook-identifier': issue.key },
      body: event,
    }).catch(() => undefined); // a webhook lost while Redis fails over is reconciliation's to finish
  }
}

/** How many tickets the fake Jira holds per task label, and how many successful callbacks C1 took per URL. */
export function effectCounts(jira: FakeJira, c1: FakeConductorOne): { ticketsPerTask: Map<string, number>; callbacksPerUrl: Map<string, number> } {
  const ticketsPerTask = new Map<string, number>();
  for (const issue of jira.issues.values()) {
    const label = issue.fields.labels.find((l) => l.startsWith('c1-task-')) ?? '(none)';
    ticketsPerTask.set(label, (ticketsPerTask.get(label) ?? 0) + 1);
  }
  const callbacksPerUrl = new Map<string, number>();
  for (const callback of c1.callbacks) callbacksPerUrl.set(callback.path, (callbacksPerUrl.get(callback.path) ?? 0) + 1);
  return { ticketsPerTask, callbacksPerUrl };
}
