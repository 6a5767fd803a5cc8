/**
 * The sandbox's Jira, per flavour (`BRIDGE_SANDBOX_FLAVOUR`): which fake Jira runs, the `jira:` section that points the
 * bridge at it, and the `jira:` target the sample grant's route sends to.
 */
import { startFakeJiraDc } from '../desks/jira/datacenter/fake-jira-dc.ts';
import { startFakeJira } from '../desks/jira/fake-jira.ts';
import { mountFakeJsm } from '../desks/jira/service-desk/fake-jsm.ts';
import type { SandboxJira } from './sandbox-peers.ts';

export interface SandboxJiraFlavour {
  /** How the page and the start-up line name it. */
  label: string;
  start(): Promise<SandboxJira>;
  section(jira: SandboxJira, webhookSecret: string): Record<string, unknown>;
  /** The grant route's target. */
  grantTarget: Record<string, unknown>;
}

const CLOUD_CREDENTIALS = { email: 'bridge@sandbox.example', apiToken: 'sandbox-jira-token' };
const DC_TOKEN = 'sandbox-jira-dc-personal-access-token';
const cloudSection = (jira: SandboxJira, webhookSecret: string) => ({ baseUrl: jira.url, ...CLOUD_CREDENTIALS, webhookSecret });

/** A Jira Cloud with a service desk ITHELP whose request type "Request access" takes a summary and a description. */
async function startJsm(): Promise<SandboxJira> {
  const jira = await startFakeJira(CLOUD_CREDENTIALS);
  const jsm = mountFakeJsm(jira);
  jsm.addRequestType(jsm.addServiceDesk('ITHELP', 'IT Help'), 'Request access', [
    { fieldId: 'summary', name: 'Summary', required: true },
    { fieldId: 'description', name: 'Description', required: false },
  ]);
  return jira;
}

export const SANDBOX_JIRA = {
  cloud: {
    label: 'Jira Cloud',
    start: () => startFakeJira(CLOUD_CREDENTIALS),
    section: cloudSection,
    grantTarget: { project: 'OPS', labels: ['access'] },
  },
  datacenter: {
    label: 'Jira Data Center',
    start: () => startFakeJiraDc({ token: DC_TOKEN }),
    section: (jira, webhookSecret) => ({ deployment: 'datacenter', baseUrl: jira.url, token: DC_TOKEN, webhookSecret }),
    grantTarget: { project: 'OPS', labels: ['access'] },
  },
  jsm: {
    label: 'Jira Service Management',
    start: startJsm,
    section: cloudSection,
    grantTarget: { serviceDesk: 'ITHELP', requestType: 'Request access' },
  },
} satisfies Record<string, SandboxJiraFlavour>;
