/**
 * Which Jira this is, for when `deployment` is not configured: `GET /rest/api/2/serverInfo` (answered anonymously
 * too) carries `deploymentType`, `"Cloud"` on Jira Cloud and `"Server"` on Server / Data Center
 * (developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-server-info/; the Server value as public clients
 * name it, e.g. rcarz jira-client's ServerInfo.SERVER). Anything but Cloud is taken for Data Center: both speak REST v2.
 */
import { JIRA_KIND_DESK } from '../jira-config.ts';
import { TicketSystemError } from '../../ticket-error.ts';
import type { DcClient } from './dc-client.ts';

export type Deployment = 'cloud' | 'datacenter';

export interface ServerInfo {
  deployment: Deployment;
  /** `version`, e.g. `9.12.3`, when Jira says it. */
  version?: string;
  deploymentType?: string;
}

export async function detectDeployment(client: DcClient): Promise<ServerInfo> {
  const info = (await client.call('server info', 'GET', '/serverInfo')) as { deploymentType?: unknown; version?: unknown } | undefined;
  if (info === undefined || info === null || typeof info !== 'object') {
    throw new TicketSystemError({ system: JIRA_KIND_DESK, code: 'ticket_system_invalid_answer', message: 'Jira server info: the answer is not an object' });
  }
  const deploymentType = typeof info.deploymentType === 'string' ? info.deploymentType : undefined;
  return {
    deployment: deploymentType?.toLowerCase() === 'cloud' ? 'cloud' : 'datacenter',
    ...(typeof info.version === 'string' ? { version: info.version } : {}),
    ...(deploymentType === undefined ? {} : { deploymentType }),
  };
}

/**
 * Who the bridge acts as: `GET /rest/api/2/myself` (DC users carry `name`, `key`, `displayName`, `emailAddress`).
 * Proves the credentials work; a refused token throws (a login page as JiraLoginPageError).
 */
export async function whoAmI(client: DcClient): Promise<string> {
  const me = (await client.call('who am I', 'GET', '/myself')) as { name?: string; displayName?: string; emailAddress?: string } | undefined;
  const name = me?.displayName ?? me?.name ?? me?.emailAddress;
  const login = me?.name !== undefined && me.name !== name ? ` (${me.name})` : '';
  return `signed in as ${name ?? 'an unnamed account'}${login}`;
}

/** The configured deployment, or the one serverInfo names when `deployment` is unset (asked once, at startup). */
export async function resolveDeployment(configured: Deployment | undefined, client: DcClient): Promise<Deployment> {
  return configured ?? (await detectDeployment(client)).deployment;
}
