import type { DeskModule } from '../desk-module.ts';
import { jiraInstance, jiraTarget } from './jira-config.ts';
import { createJiraTickets, loadJiraClient } from './jira-tickets.ts';
import { jiraWebhook } from './jira-webhook.ts';
import { approvalStatusesOf } from './jira-approvals.ts';

/** Jira Cloud: its section, adapter and event route. */
export const jiraDesk = {
  kind: 'jira',
  label: 'Jira',
  instanceSchema: jiraInstance,
  targetSchema: jiraTarget,
  templates: (target) => [
    ['summary', target.summary],
    ['description', target.description],
    ...Object.entries(target.fields).flatMap(([field, source]): Array<[string, string]> => (typeof source === 'string' ? [[`fields.${field}`, source]] : [])),
  ],
  address: (config) => config.baseUrl,
  webhookSecrets: (config) => config.webhookSecret ?? [],
  createTickets: (options) =>
    createJiraTickets({
      config: options.config,
      timeZone: options.timeZone,
      outcomeMap: (route) => options.routeTarget(route)?.outcome ?? options.config.outcome,
      approvalStatuses: (route) => approvalStatusesOf(options.routeTarget(route)),
      onSchemaMismatch: options.strictSchemas === true ? 'throw' : (report) => options.logger.warn({ report }, 'a Jira answer does not match the expected schema'),
    }),
  webhook: jiraWebhook,
  prepare: loadJiraClient,
} satisfies DeskModule<'jira', typeof jiraInstance, typeof jiraTarget>;
