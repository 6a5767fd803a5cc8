/**
 * The sandbox's Jira, per flavour (`BRIDGE_SANDBOX_FLAVOUR`): which fake Jira runs, the `jira:` section that points the
 * bridge at it, and the `jira:` target the sample grant's route sends to.
 */
import { startFakeJira } from '../desks/jira/fake-jira.ts';
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

export const SANDBOX_JIRA = {
  cloud: {
    label: 'Jira Cloud',
    start: () => startFakeJira(CLOUD_CREDENTIALS),
    section: (jira, webhookSecret) => ({ baseUrl: jira.url, ...CLOUD_CREDENTIALS, webhookSecret }),
    grantTarget: { project: 'OPS', labels: ['access'] },
  },
} satisfies Record<string, SandboxJiraFlavour>;
