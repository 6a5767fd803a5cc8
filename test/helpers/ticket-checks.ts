import type { TestBridge } from './test-bridge.ts';
import { waitFor } from './wait-for.ts';

/**
 * Waits until every check-ticket job queued so far has run (a check that completes is removed; one that fails stays
 * failed), so a test can assert what a service-desk event did not cause.
 */
export async function checksSettled(bridge: TestBridge): Promise<void> {
  await waitFor('the ticket checks to run', async () => {
    const counts = await bridge.deps.queues.checkTicket.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  });
}
