import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BridgeError } from '../../errors.ts';
import { acceptTicketEvent } from '../../ingest/report-ticket-event.ts';
import type { DeskWebhookDeps } from '../desk-module.ts';
import type { JiraConfig } from './jira-config.ts';
import { knownDeployment } from './jira-deployment.ts';
import { checkJiraEvent } from './jira-webhook-check.ts';
import { firstHeader, parseJsonBody } from '../../http/parse-json.ts';
import { rawBodyParser } from '../../http/raw-body.ts';
import { redisDown } from '../../http/redis-down.ts';

const issueRef = z.union([z.string().min(1), z.number().int().transform(String)]);

/**
 * The part of a Jira issue event the bridge reads (https://developer.atlassian.com/cloud/jira/platform/webhooks/):
 * which issue it is about, by id (stable when the issue moves to another project) or key, from the admin webhook's
 * `jira:issue_updated` / `jira:issue_deleted` body or a Jira Automation "Send web request" whose body is `{{issue}}`
 * wrapped as `{"issue": …}`. What the body says of the status is not read: the issue itself is, from Jira.
 */
const jiraEventSchema = z.looseObject({
  webhookEvent: z.string().optional(),
  issue: z
    .looseObject({ id: issueRef.optional(), key: issueRef.optional() })
    .refine((issue) => issue.id !== undefined || issue.key !== undefined, 'an issue id or key'),
});

/** Verify, parse, enqueue: an event about one of the bridge's issues becomes a check-ticket job (contract §6). */
export function jiraWebhook(deps: DeskWebhookDeps, config?: JiraConfig) {
  // Known from the config or its credentials; a desk only serverInfo can tell takes either deployment's proof.
  const deployment = config === undefined ? undefined : knownDeployment(config)?.deployment;
  return async function plugin(app: FastifyInstance): Promise<void> {
    rawBodyParser(app);

    app.post(deps.path, { bodyLimit: deps.bodyLimitBytes }, async (request, reply) => {
      const rawBody = request.body as Buffer;
      const check = checkJiraEvent(deployment, {
        secrets: deps.secrets,
        rawBody,
        signature: firstHeader(request.headers['x-hub-signature']),
        token: firstHeader(request.headers['x-bridge-token']),
        authorization: firstHeader(request.headers.authorization),
      });
      if (!check.ok) throw new BridgeError('unauthorized', 'missing or invalid Jira webhook signature', { reason: check.reason });

      const delivery = firstHeader(request.headers['x-atlassian-webhook-identifier']);
      const log = request.log.child({ delivery });
      const event = jiraEventSchema.safeParse(parseJsonBody(rawBody));
      if (!event.success) {
        log.info({ issues: event.error.issues.slice(0, 3).map((i) => i.path.join('.')) }, 'jira event without an issue: ignored');
        return reply.code(200).send({ status: 'ignored', reason: 'not an issue event' });
      }
      const { id, key } = event.data.issue;
      // By id first; by key for records indexed by earlier versions (their entries are keyed by issue key).
      const lookup = async () =>
        (id === undefined ? undefined : await deps.store.findByTicketId(deps.desk.name, id)) ?? (key === undefined ? undefined : await deps.store.findByTicket(deps.desk.name, key));
      const step = await lookup().catch((error: unknown) => {
        throw redisDown(error);
      });
      if (step === undefined) {
        log.info({ ticket: key, issueId: id }, 'jira event for an issue the bridge did not open: ignored');
        return reply.code(200).send({ status: 'ignored', reason: 'not a bridge ticket' });
      }
      const answer = await acceptTicketEvent(deps, step, rawBody).catch((error: unknown) => {
        throw redisDown(error);
      });
      log.info({ ...step, ticket: key, issueId: id, event: event.data.webhookEvent, answer, via: check.via }, 'jira event handled');
      return reply.code(200).send(answer);
    });
  };
}
