import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BridgeError } from '../errors.ts';
import type { ReportDeps } from '../ingest/report-outcome.ts';
import { reportTicketEvent } from '../ingest/report-ticket-event.ts';
import { jiraOutcome } from '../tickets/jira/jira-outcome.ts';
import { checkSharedSecret } from '../verify/shared-secret.ts';
import { firstHeader, parseJsonBody } from './parse-json.ts';
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

/** Verify, parse, enqueue: Jira's resolution events become send-callback jobs (contract §6). */
export function jiraWebhook(deps: JiraWebhookDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(JIRA_WEBHOOK_PATH, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.body as Buffer;
      const check = checkSharedSecret({
        secrets: deps.secrets,
        rawBody,
        signature: firstHeader(request.headers['x-hub-signature']),
        token: firstHeader(request.headers['x-bridge-token']),
      });
      if (!check.ok) throw new BridgeError('unauthorized', 'missing or invalid Jira webhook signature', { reason: check.reason });

      const delivery = firstHeader(request.headers['x-atlassian-webhook-identifier']);
      const log = request.log.child({ delivery });
      const event = jiraEventSchema.safeParse(parseJsonBody(rawBody));
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
      const answer = await reportTicketEvent(deps, step, status).catch((error: unknown) => {
        throw redisDown(error);
      });
      log.info({ ...step, ticket: key, answer, via: check.via }, 'jira event handled');
      return reply.code(200).send(answer);
    });
  };
}
