import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BridgeError } from '../../errors.ts';
import { acceptTicketEvent } from '../../ingest/report-ticket-event.ts';
import type { DeskWebhookDeps } from '../desk-module.ts';
import { parseCorrelationId } from './servicenow-tickets.ts';
import { checkSharedSecret } from '../../verify/shared-secret.ts';
import { firstHeader, parseJsonBody } from '../../http/parse-json.ts';
import { rawBodyParser } from '../../http/raw-body.ts';
import { redisDown } from '../../http/redis-down.ts';

/**
 * What the shipped business rule posts (contract §6). `state` is a string in GlideRecord, a number if hand-made. Only
 * which record it is about is used; its state, and the table it names, are read from ServiceNow by the check job.
 */
const serviceNowEventSchema = z.looseObject({
  table: z.string().min(1),
  sys_id: z.string().optional(),
  number: z.string().optional(),
  state: z.union([z.string(), z.number()]),
  correlation_id: z.string().optional(),
  close_notes: z.string().optional(),
  /** Sent for sc_req_item; like the state it is read back from ServiceNow, which decides from both. */
  stage: z.string().optional(),
});

/** Verify, parse, enqueue: an event about one of the bridge's records becomes a check-ticket job. */
export function serviceNowWebhook(deps: DeskWebhookDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(deps.path, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.body as Buffer;
      const check = checkSharedSecret({
        secrets: deps.secrets,
        rawBody,
        signature: firstHeader(request.headers['x-bridge-signature']),
        token: firstHeader(request.headers['x-bridge-token']),
        acceptBase64: true,
      });
      if (!check.ok) throw new BridgeError('unauthorized', 'missing or invalid ServiceNow signature', { reason: check.reason });

      const parsed = serviceNowEventSchema.safeParse(parseJsonBody(rawBody));
      if (!parsed.success) {
        const fields = parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw new BridgeError('invalid_payload', `the ServiceNow event is not what the business rule sends: ${fields.join('; ')}`);
      }
      const event = parsed.data;
      const log = request.log.child({ table: event.table, ticket: event.number });
      const lookup = async () => {
        if (event.sys_id !== undefined && event.sys_id !== '') {
          const bySysId = await deps.store.findByTicketId(deps.desk.name, event.sys_id);
          if (bySysId !== undefined) return bySysId;
        }
        if (event.number !== undefined) {
          const byTicket = await deps.store.findByTicket(deps.desk.name, event.number);
          if (byTicket !== undefined) return byTicket;
        }
        if (event.correlation_id === undefined || event.correlation_id === '') return undefined;
        const step = parseCorrelationId(event.correlation_id);
        return (await deps.store.get(step.taskId, step.stepId)) === undefined ? undefined : step;
      };
      const step = await lookup().catch((error: unknown) => {
        throw redisDown(error);
      });
      if (step === undefined) {
        log.info({ correlationId: event.correlation_id }, 'servicenow event for a record the bridge did not open: ignored');
        return reply.code(200).send({ status: 'ignored', reason: 'not a bridge ticket' });
      }
      const answer = await acceptTicketEvent(deps, step, rawBody).catch((error: unknown) => {
        throw redisDown(error);
      });
      log.info({ ...step, answer, via: check.via }, 'servicenow event handled');
      return reply.code(200).send(answer);
    });
  };
}
