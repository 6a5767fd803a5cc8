/**
 * The adapter of a jira desk: Cloud (jira.js, REST v3, ADF) or Data Center (our REST v2 client, wiki markup), as
 * jira-deployment.ts knows it; a desk that only serverInfo can tell is asked at its first call, and what it said is
 * logged once.
 */
import type { DeskTicketsOptions } from '../desk-module.ts';
import type { TicketSystem } from '../ticket-system.ts';
import { createJiraDataCenterTickets, dcAuth, JIRA_DC_BATCH_SIZE } from './datacenter/dc-tickets.ts';
import { jiraCoreClient } from './cloud-client.ts';
import { withDcApprovals } from './datacenter/dc-approvals.ts';
import { approvalStatusesOf } from './jira-approvals.ts';
import { cloudJsmRequests, dataCenterJsmRequests, withJsmRequests } from './service-desk/jsm-tickets.ts';
import { detectDeployment } from './datacenter/detect-deployment.ts';
import type { JiraConfig, JiraTarget } from './jira-config.ts';
import { jiraV2Client, knownDeployment, type Deployment } from './jira-deployment.ts';
import { createJiraTickets } from './jira-tickets.ts';

function approvalsOf(tickets: TicketSystem): NonNullable<TicketSystem['approvals']> {
  if (tickets.approvals === undefined) throw new Error('this Jira adapter opens no approval tickets');
  return tickets.approvals;
}

export function createJiraDeskTickets(options: DeskTicketsOptions<JiraConfig, JiraTarget>): TicketSystem {
  const { config, logger } = options;
  const outcomeMap = (route: string | undefined) => options.routeTarget(route)?.outcome ?? config.outcome;
  const approvalStatuses = (route: string | undefined) => approvalStatusesOf(options.routeTarget(route));
  const onSchemaMismatch = options.strictSchemas === true ? 'throw' : (report: unknown) => logger.warn({ report }, 'a Jira answer does not match the expected schema');
  const fetchOption = options.fetch === undefined ? {} : { fetch: options.fetch };
  // Either adapter opens plain issues itself and JSM requests (routes with serviceDesk) through the request API; an
  // approval ticket is read by the route that opened it (status lists for an issue, finalDecision for a request).
  const build = (deployment: Deployment): TicketSystem =>
    deployment === 'cloud'
      ? withJsmRequests(
          createJiraTickets({ config, timeZone: options.timeZone, outcomeMap, approvalStatuses, log: logger, onSchemaMismatch }),
          cloudJsmRequests(jiraCoreClient(config, onSchemaMismatch), { baseUrl: config.baseUrl, timeZone: options.timeZone, logger }),
          options.routeTarget,
        )
      : withJsmRequests(
          withDcApprovals(
            createJiraDataCenterTickets({ config, timeZone: options.timeZone, outcomeMap, log: logger, ...fetchOption }),
            jiraV2Client(config, options.fetch),
            approvalStatuses,
          ),
          dataCenterJsmRequests({ baseUrl: config.baseUrl, auth: dcAuth(config), timeZone: options.timeZone, logger, ...fetchOption }),
          options.routeTarget,
        );

  const known = knownDeployment(config);
  if (known !== undefined) return build(known.deployment);

  let chosen: Promise<TicketSystem> | undefined;
  const adapter = (): Promise<TicketSystem> =>
    (chosen ??= detectDeployment(jiraV2Client(config, options.fetch)).then(
      (info) => {
        logger.info({ deployment: info.deployment, deploymentType: info.deploymentType, version: info.version }, 'Jira deployment detected from serverInfo');
        return build(info.deployment);
      },
      (error: unknown) => {
        // Not answered yet (Jira down, a refused token): asked again at the next call.
        chosen = undefined;
        throw error;
      },
    ));
  return {
    name: 'jira',
    kind: 'jira',
    ticketNoun: 'Jira issue',
    // Both adapters search with the same lag and batch (100 issues a page on Cloud and Data Center).
    searchLagMs: config.indexLagSeconds * 1000,
    batchSize: JIRA_DC_BATCH_SIZE,
    create: async (input) => (await adapter()).create(input),
    findByTask: async (taskId, stepId, route) => (await adapter()).findByTask(taskId, stepId, route),
    getStatus: async (ref) => (await adapter()).getStatus(ref),
    getStatuses: async (refs) => (await adapter()).getStatuses(refs),
    comment: async (ref, text) => (await adapter()).comment(ref, text),
    probe: async () => (await adapter()).probe(),
    approvals: {
      create: async (input) => approvalsOf(await adapter()).create(input),
      read: async (ref) => approvalsOf(await adapter()).read(ref),
    },
  };
}
