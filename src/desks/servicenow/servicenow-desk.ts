import { serviceNowApprovalRule } from './approval-route-rule.ts';
import type { DeskModule } from '../desk-module.ts';
import { serviceNowOnlineChecks } from './check-servicenow-online.ts';
import { DEFAULT_SERVICENOW_STATES, servicenowInstance, servicenowTarget } from './servicenow-config.ts';
import { approvalRecordTarget, serviceNowPreview } from './servicenow-preview.ts';
import { createServiceNowTickets } from './servicenow-tickets.ts';
import { serviceNowWebhook } from './servicenow-webhook.ts';

/** ServiceNow: its section, adapter, event route and catalog checks. */
export const servicenowDesk = {
  kind: 'servicenow',
  label: 'ServiceNow',
  instanceSchema: servicenowInstance,
  targetSchema: servicenowTarget,
  // Tables the section does not list keep contract §6's states.
  normalise: (config) => ({ ...config, states: { ...DEFAULT_SERVICENOW_STATES, ...config.states } }),
  templates: (target) => [
    ['shortDescription', target.shortDescription],
    ['description', target.description],
    ...Object.entries(target.fields).map(([field, source]): [string, string] => [`fields.${field}`, source]),
    ...Object.entries(target.variables).map(([name, source]): [string, string] => [`variables.${name}`, source]),
  ],
  address: (config) => config.instanceUrl,
  webhookSecrets: (config) => config.webhookSecret ?? [],
  createTickets: (options) =>
    createServiceNowTickets({
      config: options.config,
      timeZone: options.timeZone,
      logger: options.logger,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    }),
  webhook: serviceNowWebhook,
  preview: (target, request, { timeZone, step }) => serviceNowPreview(step === 'approval' ? approvalRecordTarget(target) : target, request, { timeZone }),
  onlineChecks: serviceNowOnlineChecks,
  approvalProblems: serviceNowApprovalRule,
} satisfies DeskModule<'servicenow', typeof servicenowInstance, typeof servicenowTarget>;
