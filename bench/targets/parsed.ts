import { parseC1Delivery } from '../../src/c1/parse-delivery.ts';
import { toProvisioningRequest } from '../../src/domain/provisioning-request.ts';
import { startReceiver, type MinimalOptions } from './minimal.ts';
import type { Target } from './target.ts';

/**
 * The minimal pipeline plus what the bridge does to the body before its enqueue: JSON parsing, the zod schemas of
 * `src/c1` and the domain mapping, with the mapped request as the job's data (as in the bridge's `create-ticket` job).
 * Between it and the bridge lie the delivery record with the token's answer, request logging and metrics; between it
 * and minimal, the payload's parsing, checking and mapping alone.
 */
export function startParsed(options: MinimalOptions): Promise<Target> {
  return startReceiver(options, 'bench-parsed', (body) => {
    const delivery = parseC1Delivery('application/json', body);
    if (delivery.payload === undefined) return undefined;
    const result = toProvisioningRequest(delivery.envelope, delivery.payload, { tenant: options.issuer });
    if (!result.ok) return undefined;
    const { taskId, stepId } = result.request;
    return { taskId, stepId, request: result.request };
  });
}
