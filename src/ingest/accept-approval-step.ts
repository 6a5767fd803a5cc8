import type { BridgeConfig } from '../config/schema.ts';
import type { ApprovalRequest } from '../domain/approval-request.ts';
import { decideRoute } from '../domain/routing.ts';
import { BridgeError } from '../errors.ts';
import { acceptProvisionStep, type Acceptance, type AcceptDeps } from './accept-provision-step.ts';

export interface AcceptApprovalDeps extends AcceptDeps {
  routing: Pick<BridgeConfig, 'routes' | 'defaultRoute'>;
}

/**
 * Makes an approval step durable exactly as a provisioning step (record, token answer, one create-ticket job per task
 * + step), once a `for: approval` route takes it. Routing is decided here, before anything is written, because an
 * approval no route takes must be refused to C1 (422 `no_approval_route`) rather than answered: a provisioning step
 * without a route is reported errored, but an approval answered without a person deciding would be a guess, and a
 * deny by default would refuse access nobody refused.
 * @throws BridgeError `no_approval_route`, with what the routes said, before any write.
 */
export async function acceptApprovalStep(deps: AcceptApprovalDeps, request: ApprovalRequest, token?: { jti: string; ttlSeconds: number }): Promise<Acceptance & { route: string }> {
  const { chosen, verdicts } = decideRoute(deps.routing, request);
  if (chosen === undefined) {
    const reasons = verdicts.filter((v) => !v.matched).map((v) => `${v.route}: ${'reason' in v ? v.reason : ''}`);
    throw new BridgeError('no_approval_route', `no route with for: approval takes this approval step (app ${request.app.name ?? request.app.id}, entitlement ${request.entitlement.name ?? request.entitlement.id})`, {
      reason: reasons.join('; ') || 'no routes',
    });
  }
  const accepted = await acceptProvisionStep(deps, request, token);
  return { ...accepted, route: chosen.name };
}
