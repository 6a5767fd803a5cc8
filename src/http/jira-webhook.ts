import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { outcomeComment } from '../domain/outcome-comment.ts';
import { BridgeError } from '../errors.ts';
import { reportOutcome, type ReportDeps } from '../ingest/report-outcome.ts';
import { ticketOf } from '../store/correlation-store.ts';
import { jiraOutcome } from '../tickets/jira/jira-outcome.ts';
import { checkSharedSecret } from '../verify/shared-secret.ts';
import { rawBodyParser } from './raw-body.ts';
import { redisDown } from './redis-down.ts';

export const JIRA_WEBHOOK_PATH = '/webhooks/jira';

/**
 * The part of a Jira issue event the bridge reads (https://developer.atlassian.com/cloud/jira/platform/webhooks/):
 * the admin webhook's `jira:issue_updated` body, or a Jira Automation "Send web request" whose body is `{{issue}}`
 * wrapped as `{"issue": …}`.
 */
const jiraEventSchema = z.looseObject({
  webhookEvent: z.string().optional(),
  issue: z.looseObject({
    key: z.string().min(1),
    fields: z.looseObject({
      status: z.looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }) }).optional(),
      resolution: z.looseObject({ name: z.string() }).nullish(),
    }),
  }),
});

export interface JiraWebhookDeps extends ReportDeps {
  secrets: readonly string[];
  erroredResolutions: readonly string[];
  bodyLimitBytes: number;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Verify, parse, enqueue: Jira's resolution events become send-callback jobs (contract §6). */
export function jiraWebhook(deps: JiraWebhookDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(JIRA_WEBHOOK_PATH, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.body as Buffer;
      const check = checkSharedSecret({
        secrets: deps.secrets,
        rawBody,
        signature: header(request.headers['x-hub-signature']),
        token: header(request.headers['x-bridge-token']),
      });
      if (!check.ok) throw new BridgeError('unauthorized', 'missing or invalid Jira webhook signature', { reason: check.reason });

      const delivery = header(request.headers['x-atlassian-webhook-identifier']);
      const log = request.log.child({ delivery });
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch (error) {
        throw new BridgeError('invalid_json', 'the request body is not valid JSON', { cause: error });
      }
      const event = jiraEventSchema.safeParse(json);
      if (!event.success) {
        log.info({ issues: event.error.issues.slice(0, 3).map((i) => i.path.join('.')) }, 'jira event without an issue status: ignored');
        return reply.code(200).send({ status: 'ignored', reason: 'not an issue event with a status' });
      }
      const { key, fields } = event.data.issue;
      const step = await deps.store.findByTicket('jira', key).catch((error: unknown) => {
        throw redisDown(error);
      });
      if (step === undefined) {
        log.info({ ticket: key }, 'jira event for an issue the bridge did not open: ignored');
        return reply.code(200).send({ status: 'ignored', reason: 'not a bridge ticket' });
      }
      if (fields.status === undefined) return reply.code(200).send({ status: 'ignored', reason: 'no status in the event' });
      const status = jiraOutcome(
        { status: fields.status.name, statusCategory: fields.status.statusCategory.key, resolution: fields.resolution?.name },
        deps.erroredResolutions,
      );
      if (!status.final || status.outcome === undefined) {
        return reply.code(200).send({ status: 'ignored', reason: `status ${status.status} is not final` });
      }
      const record = await deps.store.get(step.taskId, step.stepId).catch((error: unknown) => {
        throw redisDown(error);
      });
      const ticket = record === undefined ? undefined : ticketOf(record);
      if (ticket === undefined) return reply.code(200).send({ status: 'ignored', reason: 'no ticket on record' });
      const decided = await reportOutcome(deps, step, status.outcome, outcomeComment(ticket, status, status.outcome)).catch((error: unknown) => {
        throw redisDown(error);
      });
      log.info({ ...step, ticket: key, outcome: status.outcome, decided, via: check.via }, 'jira resolution received');
      return reply.code(200).send({ status: decided ? 'accepted' : 'already_reported', outcome: status.outcome });
    });
  };
}
