import type { DeskModule } from '../desk-module.ts';
import { jiraCoreClient } from './cloud-client.ts';
import { jiraInstance, jiraTarget } from './jira-config.ts';
import { createJiraTickets, loadJiraClient } from './jira-tickets.ts';
import { jiraWebhook } from './jira-webhook.ts';
import { cloudJsmRequests, withJsmRequests } from './service-desk/jsm-tickets.ts';

/** Jira Cloud: its section, adapter (plain issues and JSM requests) and event route. */
export const jiraDesk = {
  kind: 'jira',
  label: 'Jira',
  instanceSchema: jiraInstance,
  targetSchema: jiraTarget,
  templates: (target) => [
    ['summary', target.summary],
    ['description', target.description],
    ...Object.entries(target.fields).flatMap(([field, source]): Array<[string, string]> => (typeof source === 'string' ? [[`fields.${field}`, source]] : [])),
    ...Object.entries(target.requestFields ?? {}).map(([field, source]): [string, string] => [`requestFields.${field}`, source]),
  ],
  address: (config) => config.baseUrl,
  webhookSecrets: (config) => config.webhookSecret ?? [],
  createTickets: (options) => {
    const onSchemaMismatch = options.strictSchemas === true ? 'throw' : (report: unknown) => options.logger.warn({ report }, 'a Jira answer does not match the expected schema');
    const tickets = createJiraTickets({
      config: options.config,
      timeZone: options.timeZone,
      outcomeMap: (route) => options.routeTarget(route)?.outcome ?? options.config.outcome,
      onSchemaMismatch,
    });
    const jsm = cloudJsmRequests(jiraCoreClient(options.config, onSchemaMismatch), { baseUrl: options.config.baseUrl, timeZone: options.timeZone, logger: options.logger });
    return withJsmRequests(tickets, jsm);
  },
  webhook: jiraWebhook,
  prepare: loadJiraClient,
  onlineChecks: (_desk, config, targets) => cloudJsmRequests(jiraCoreClient(config), { baseUrl: config.baseUrl, timeZone: 'UTC' }).onlineChecks(targets),
} satisfies DeskModule<'jira', typeof jiraInstance, typeof jiraTarget>;
