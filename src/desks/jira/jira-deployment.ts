import { jiraCoreClient } from './cloud-client.ts';
import { cloudJsmRequests, dataCenterJsmRequests } from './service-desk/jsm-tickets.ts';
/**
 * Which Jira a desk is (contract §8 `deployment: cloud | datacenter`). Configured, it is taken as is. Unset, the
 * credentials say it when they can only mean one: email + apiToken exist on Cloud alone, username + password (basic
 * auth with a password) on Data Center alone. A token alone (a Data Center PAT or a Cloud bearer token) is asked of
 * `GET /rest/api/2/serverInfo` (detect-deployment.ts) at first use.
 */
import type { DeepReadonly } from '../../config/schema-parts.ts';
import type { DeskId, OnlineCheck } from '../desk-module.ts';
import { createDcClient, type DcClient } from './datacenter/dc-client.ts';
import { dcAuth } from './datacenter/dc-tickets.ts';
import { detectDeployment, type Deployment } from './datacenter/detect-deployment.ts';
import type { JiraConfig, JiraTarget } from './jira-config.ts';

export type { Deployment };

export interface KnownDeployment {
  deployment: Deployment;
  /** How it is known, for people: `configured`, or the credentials that imply it. */
  source: 'configured' | 'email + apiToken' | 'username + password';
}

/** The deployment the config states or implies; undefined when only serverInfo can tell. */
export function knownDeployment(config: JiraConfig): KnownDeployment | undefined {
  if (config.deployment !== undefined) return { deployment: config.deployment, source: 'configured' };
  if (config.email !== undefined || config.apiToken !== undefined) return { deployment: 'cloud', source: 'email + apiToken' };
  if (config.username !== undefined || config.password !== undefined) return { deployment: 'datacenter', source: 'username + password' };
  return undefined;
}

/** A REST v2 client with the desk's credentials (the Data Center adapter's own, and serverInfo's for detection). */
export function jiraV2Client(config: JiraConfig, fetchImpl?: typeof fetch): DcClient {
  return createDcClient({ baseUrl: config.baseUrl, auth: dcAuth(config), ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }) });
}

const LABEL: Record<Deployment, string> = { cloud: 'Cloud', datacenter: 'Data Center' };

/**
 * check-config --online's line for the deployment: which one, and whether it was configured, implied by the
 * credentials or detected. A Data Center desk is asked for its version, and a configured deployment that serverInfo
 * contradicts fails the check.
 */
export function jiraDeploymentCheck(desk: DeskId, config: DeepReadonly<JiraConfig>, fetchImpl: typeof fetch): OnlineCheck {
  const named = desk.name === desk.kind ? '' : ` (desk ${desk.name})`;
  return [
    `Jira deployment ${config.baseUrl}${named}`,
    async () => {
      const known = knownDeployment(config);
      if (known?.deployment === 'cloud') return `${LABEL.cloud} (${known.source})`;
      const info = await detectDeployment(jiraV2Client(config, fetchImpl));
      const version = info.version === undefined ? '' : ` ${info.version}`;
      if (known === undefined) return `${LABEL[info.deployment]}${info.deployment === 'cloud' ? '' : version} (detected from serverInfo)`;
      if (info.deployment !== known.deployment) throw new Error(`${known.source === 'configured' ? 'configured' : `implied by ${known.source}`} as ${LABEL[known.deployment]}, but serverInfo says ${info.deploymentType ?? LABEL[info.deployment]}`);
      return `${LABEL.datacenter}${version} (${known.source})`;
    },
  ];
}

/**
 * The online checks of a jira desk: its deployment, then each JSM route's request type (its required fields). A desk
 * whose deployment only serverInfo can tell is checked with the Cloud request API, as Cloud and Data Center share it.
 */
export function jiraOnlineChecks(desk: DeskId, config: DeepReadonly<JiraConfig>, targets: ReadonlyArray<[string, JiraTarget]>, fetchImpl: typeof fetch): OnlineCheck[] {
  const options = { baseUrl: config.baseUrl, timeZone: 'UTC' };
  const jsm =
    knownDeployment(config)?.deployment === 'datacenter'
      ? dataCenterJsmRequests({ ...options, auth: dcAuth(config), fetch: fetchImpl })
      : cloudJsmRequests(jiraCoreClient(config), options);
  return [jiraDeploymentCheck(desk, config, fetchImpl), ...jsm.onlineChecks(targets)];
}
