import { randomBytes } from 'node:crypto';
import { configSchema, type BridgeConfig } from '../config/schema.ts';
import { APPROVAL_PROJECT } from './sandbox-actions.ts';
import { startFakeConductorOne, type FakeConductorOne } from './conductorone.ts';
import type { FakeJira } from '../desks/jira/fake-jira.ts';
import { SANDBOX_JIRA } from './sandbox-jira.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../desks/servicenow/fake-servicenow.ts';

/** Which Jira the sandbox stands in for (`BRIDGE_SANDBOX_FLAVOUR`). */
export type SandboxFlavour = keyof typeof SANDBOX_JIRA;
export const SANDBOX_FLAVOURS = Object.keys(SANDBOX_JIRA) as SandboxFlavour[];

/** An issue as the sandbox page shows it: what every flavour's fake Jira keeps. */
export interface SandboxIssue {
  key: string;
  fields: { summary: string; labels: string[]; project: { key: string } };
  status: { name: string; category: 'new' | 'indeterminate' | 'done' };
  resolution: string | null;
}

/** What the sandbox page and its actions use of the sandbox Jira, whichever flavour runs. */
export type SandboxJira = Pick<FakeJira, 'url' | 'transition' | 'sign' | 'close'> & { issues: ReadonlyMap<string, SandboxIssue> };

/** The peers of a sandbox bridge, each a real HTTP server on 127.0.0.1 speaking its system's wire format. */
export interface SandboxPeers {
  flavour: SandboxFlavour;
  c1: FakeConductorOne;
  jira: SandboxJira;
  servicenow: FakeServiceNow;
  /** What the sandbox desks sign their events with (the bridge is configured with the same). */
  secrets: { jira: string; servicenow: string };
  /** The console's credentials in this sandbox: made up per run, shown on the sandbox page. */
  admin: { username: string; password: string };
  close(): Promise<void>;
}

const SERVICENOW_CREDENTIALS = { username: 'bridge', password: 'sandbox-sn-password' };

export async function startSandboxPeers(flavour: SandboxFlavour = 'cloud'): Promise<SandboxPeers> {
  const c1 = await startFakeConductorOne('sandbox.conductor.one');
  const jira = await SANDBOX_JIRA[flavour].start();
  const servicenow = await startFakeServiceNow(SERVICENOW_CREDENTIALS);
  const secret = () => randomBytes(18).toString('base64url');
  return {
    flavour,
    c1,
    jira,
    servicenow,
    secrets: { jira: secret(), servicenow: secret() },
    admin: { username: 'sandbox', password: secret() },
    async close() {
      await Promise.all([c1.close(), jira.close(), servicenow.close()]);
    },
  };
}

/**
 * The sample tasks' apps: a GitHub grant goes to Jira (as the flavour's Jira takes it), a Salesforce revoke to
 * ServiceNow; a GitHub approval step to Jira's approval project (routes take provisioning steps unless they say
 * `for: approval`).
 */
export function sandboxRouting(flavour: SandboxFlavour) {
  return [
    { name: 'github-to-jira', match: { appName: 'GitHub' }, jira: SANDBOX_JIRA[flavour].grantTarget },
    { name: 'github-approvals', for: 'approval', match: { appName: 'GitHub' }, jira: { project: APPROVAL_PROJECT, labels: ['approval'], approve: ['Approved'], deny: ['Declined'] } },
    { name: 'salesforce-to-servicenow', match: { appName: 'Salesforce' }, servicenow: { table: 'sc_task' } },
  ];
}

/**
 * A full bridge config pointing at the peers. It listens on 127.0.0.1 only, whatever the environment says, and
 * keeps its records under a prefix of its own, removed when the sandbox stops.
 */
export function sandboxConfig(peers: SandboxPeers, options: { port: number; redisUrl: string; prefix: string }): BridgeConfig {
  return configSchema.parse({
    server: { host: '127.0.0.1', port: options.port, publicUrl: `http://127.0.0.1:${options.port.toString()}` },
    redis: { url: options.redisUrl, prefix: options.prefix },
    conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
    jira: SANDBOX_JIRA[peers.flavour].section(peers.jira, peers.secrets.jira),
    servicenow: { instanceUrl: peers.servicenow.url, ...SERVICENOW_CREDENTIALS, webhookSecret: peers.secrets.servicenow },
    routes: sandboxRouting(peers.flavour),
    reconcile: { intervalSeconds: 60 },
    admin: peers.admin,
  });
}
