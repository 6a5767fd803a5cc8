import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BridgeError } from '../errors.ts';
import type { ReportDeps } from '../ingest/report-outcome.ts';
import { reportTicketEvent } from '../ingest/report-ticket-event.ts';
import { parseCorrelationId } from '../tickets/servicenow/servicenow-tickets.ts';
import { serviceNowOutcome, type TableStates } from '../tickets/servicenow/servicenow-outcome.ts';
import { checkSharedSecret } from '../verify/shared-secret.ts';
import { firstHeader, parseJsonBody } from './parse-json.ts';
import { rawBodyParser } from './raw-body.ts';
import { redisDown } from './redis-down.ts';

export const SERVICENOW_WEBHOOK_PATH = '/webhooks/servicenow';

/** What the shipped business rule posts (contract §6). `state` is a string in GlideRecord, a number if hand-made. */
const serviceNowEventSchema = z.looseObject({
  table: z.string().min(1),
  sys_id: z.string().optional(),
  number: z.string().optional(),
  state: z.union([z.string(), z.number()]),
  correlation_id: z.string().optional(),
  close_notes: z.string().optional(),
  /** Sent for sc_req_item: a complete state whose stage says cancelled is errored. */
  stage: z.string().optional(),
});

export interface ServiceNowWebhookDeps extends ReportDeps {
  secrets: readonly string[];
  states: Readonly<Record<string, TableStates | undefined>>;
  cancelledStages?: readonly string[] | undefined;
  bodyLimitBytes: number;
}

/** Verify, parse, enqueue: a ServiceNow record event becomes a send-callback job once the record is final. */
export function serviceNowWebhook(deps: ServiceNowWebhookDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(SERVICENOW_WEBHOOK_PATH, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
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
        if (event.number !== undefined) {
          const byTicket = await deps.store.findByTicket('servicenow', event.number);
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
      const stage = event.table === 'sc_req_item' ? { value: event.stage, cancelled: deps.cancelledStages } : undefined;
      const decided = serviceNowOutcome(event.state, deps.states[event.table], `state ${String(event.state)}`, stage);
      // A requested item is only complete if its stage agrees: without the stage the event cannot say so, and
      // reconciliation reads the record instead.
      const status = stage !== undefined && event.stage === undefined && decided.outcome === 'complete' ? { final: false, status: `${decided.status} without a stage` } : decided;
      const answer = await reportTicketEvent(deps, step, status).catch((error: unknown) => {
        throw redisDown(error);
      });
      log.info({ ...step, answer, via: check.via }, 'servicenow event handled');
      return reply.code(200).send(answer);
    });
  };
}
