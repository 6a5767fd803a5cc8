import type { FastifyInstance } from 'fastify';
import { BridgeError, isBridgeError } from '../errors.ts';
import { parseC1Delivery } from '../c1/parse-delivery.ts';
import { C1_EVENT } from '../c1/schemas.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../domain/provisioning-request.ts';
import { toApprovalRequest, type ApprovalRequest } from '../domain/approval-request.ts';
import { acceptApprovalStep, type AcceptApprovalDeps } from '../ingest/accept-approval-step.ts';
import { acceptProvisionStep } from '../ingest/accept-provision-step.ts';
import type { C1TokenVerifier } from '../verify/c1-token.ts';
import { rawBodyParser } from './raw-body.ts';
import { redisDown } from './redis-down.ts';

export const C1_WEBHOOK_PATH = '/webhooks/conductorone';

export interface C1WebhookDeps extends AcceptApprovalDeps {
  verifyC1Token: C1TokenVerifier;
  tenant: string;
  bodyLimitBytes: number;
}

/**
 * Verify, parse, enqueue: the one endpoint ConductorOne calls (contract §3–§4).
 *
 * A resent token (same `jti`) gets the first answer and nothing is done twice: `htb_s256` binds the token to the exact
 * body, so every answer but the enqueue is a pure function of that body and is simply computed again; the enqueue's
 * answer is stored with the token in the same atomic step that records the delivery. A policy approval step travels
 * the same way once a `for: approval` route takes it; one no such route takes is refused 422 before any write (a
 * refusal is a pure function of the body and the config, so a resent token gets the same refusal).
 */
export function conductorOneWebhook(deps: C1WebhookDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(C1_WEBHOOK_PATH, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.body as Buffer;
      const token = await deps.verifyC1Token(request.headers.authorization, rawBody);
      const jti = token.jti;

      const delivery = parseC1Delivery(request.headers['content-type'], rawBody);
      if (delivery.event === C1_EVENT.test) {
        request.log.info({ jti, event: delivery.event }, 'test webhook received');
        return reply.code(200).send({ version: 'v1' });
      }
      if (delivery.payload === undefined) {
        throw new BridgeError('unsupported_event', `event ${JSON.stringify(delivery.event ?? null)} is not handled by this endpoint`);
      }
      const ttlSeconds = Math.max(1, Math.ceil(token.acceptableUntil - Date.now() / 1000));
      const approval = delivery.event === C1_EVENT.policyApprovalStep;
      const options = { tenant: deps.tenant };
      const result = approval ? toApprovalRequest(delivery.envelope, delivery.payload, options) : toProvisioningRequest(delivery.envelope, delivery.payload, options);
      if (!result.ok) throw new BridgeError('invalid_payload', `the ${approval ? 'approval' : 'provisioning'} payload is incomplete: ${result.problems.join('; ')}`);
      const { taskId, stepId } = result.request;
      const accepting = isApproval(result.request) ? acceptApprovalStep(deps, result.request, { jti, ttlSeconds }) : acceptProvisionStep(deps, result.request, { jti, ttlSeconds });

      const accepted = await accepting.catch((error: unknown) => {
        if (isBridgeError(error) && error.code === 'no_approval_route') {
          request.log.warn({ jti, taskId, stepId, reason: error.reason }, 'approval step refused: no route with for: approval takes it (nothing stored, nothing answered to C1)');
          throw error;
        }
        throw redisDown(error);
      });
      request.log.info(
        { jti, taskId, stepId, step: approval ? 'approval' : 'provision', jobId: accepted.jobId, outcome: accepted.outcome, queued: accepted.queued, requeued: accepted.requeued },
        accepted.outcome === 'replayed'
          ? 'resent token: answered as the first time'
          : accepted.requeued
            ? 'redelivery of a held step: its create-ticket job is waiting again'
            : approval
              ? 'approval step accepted'
              : 'provisioning step accepted',
      );
      return reply.code(accepted.answer.status).send(accepted.answer.body);
    });
  };
}

function isApproval(request: ProvisioningRequest | ApprovalRequest): request is ApprovalRequest {
  return request.step === 'approval' && 'approval' in request;
}
