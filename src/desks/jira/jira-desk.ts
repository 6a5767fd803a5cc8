import type { DeskModule } from '../desk-module.ts';
import { jiraApprovalRule } from './approval-route-rule.ts';
import { jiraInstance, jiraTarget } from './jira-config.ts';
import { createJiraDeskTickets } from './choose-jira-adapter.ts';
import { jiraOnlineChecks } from './jira-deployment.ts';
import { approvalPreviewTarget, jiraPreview, previewDeployment } from './jira-preview.ts';
import { loadJiraClient } from './jira-tickets.ts';
import { jiraWebhook } from './jira-webhook.ts';

/** Jira Cloud and Data Center: its section, adapter (plain issues and JSM requests) and event route. */
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
  createTickets: createJiraDeskTickets,
  webhook: jiraWebhook,
  preview: (target, request, { timeZone, config, step }) => jiraPreview(step === 'approval' ? approvalPreviewTarget(target) : target, request, { timeZone }, previewDeployment(config)),
  prepare: loadJiraClient,
  onlineChecks: jiraOnlineChecks,
  approvalProblems: jiraApprovalRule,
} satisfies DeskModule<'jira', typeof jiraInstance, typeof jiraTarget>;
