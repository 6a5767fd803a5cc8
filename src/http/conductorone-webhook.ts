import type { FastifyInstance } from 'fastify';
import { BridgeError } from '../errors.ts';
import { parseC1Delivery } from '../c1/parse-delivery.ts';
import { C1_EVENT } from '../c1/schemas.ts';
import { toProvisioningRequest } from '../domain/provisioning-request.ts';
import type { AcceptDeps } from '../ingest/accept-provision-step.ts';
import { acceptProvisionStep } from '../ingest/accept-provision-step.ts';
import type { ReplayStore, StoredAnswer } from '../store/replay-store.ts';
import type { C1TokenVerifier } from '../verify/c1-token.ts';
import { answerOnce } from './answer-once.ts';
import { rawBodyParser } from './raw-body.ts';
import { redisDown } from './redis-down.ts';

export const C1_WEBHOOK_PATH = '/webhooks/conductorone';

export interface C1WebhookDeps extends AcceptDeps {
  verifyC1Token: C1TokenVerifier;
  replayStore: ReplayStore;
  tenant: string;
  bodyLimitBytes: number;
}


/** Verify, parse, enqueue: the one endpoint ConductorOne calls (contract §3–§4). */
export function conductorOneWebhook(deps: C1WebhookDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(C1_WEBHOOK_PATH, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.body as Buffer;
      const token = await deps.verifyC1Token(request.headers.authorization, rawBody);
      const ttlSeconds = Math.max(1, Math.ceil(token.acceptableUntil - Date.now() / 1000));
      const log = request.log.child({ jti: token.jti });

      const answer = await answerOnce({ store: deps.replayStore, jti: token.jti, ttlSeconds }, async (): Promise<StoredAnswer> => {
        const delivery = parseC1Delivery(request.headers['content-type'], rawBody);
        if (delivery.event === C1_EVENT.test) {
          log.info({ event: delivery.event }, 'test webhook received');
          return { status: 200, body: { version: 'v1' } };
        }
        if (delivery.payload === undefined) {
          throw new BridgeError('unsupported_event', `event ${JSON.stringify(delivery.event ?? null)} is not handled by this endpoint`);
        }
        const result = toProvisioningRequest(delivery.envelope, delivery.payload, { tenant: deps.tenant });
        if (!result.ok) throw new BridgeError('invalid_payload', `the provisioning payload is incomplete: ${result.problems.join('; ')}`);
        const { taskId, stepId } = result.request;
        const accepted = await acceptProvisionStep(deps, result.request).catch((error: unknown) => {
          throw redisDown(error);
        });
        log.info({ taskId, stepId, jobId: accepted.jobId, outcome: accepted.outcome, queued: accepted.queued }, 'provisioning step accepted');
        return { status: 202, body: { status: 'accepted', taskId, stepId } };
      });

      if (answer.replayed) log.info({ status: answer.status }, 'resent token: answered as the first time');
      return reply.code(answer.status).send(answer.body);
    });
  };
}
