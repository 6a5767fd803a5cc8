import { createHmac, randomBytes } from 'node:crypto';
import { APPROVAL_FIXTURE, fixtureBody } from '../c1/sample-payloads.ts';
import type { SandboxPeers } from './sandbox-peers.ts';

export const SAMPLES = {
  grant: { fixture: 'provision-grant', label: 'a grant: GitHub Org Admin for Jane Doe (routed to Jira)' },
  revoke: { fixture: 'provision-revoke', label: 'a revoke: Salesforce System Administrator from Jane Doe (routed to ServiceNow)' },
  approval: { fixture: APPROVAL_FIXTURE, label: 'an approval: may Jane Doe have GitHub Org Admin? (a policy approval step, routed to Jira project CAB)' },
} as const;
export type SampleName = keyof typeof SAMPLES;

export const JIRA_RESOLUTIONS = ['Done', "Won't Do"] as const;
/** An approval issue's decisions: the statuses the sandbox's `for: approval` route lists as approve and deny. */
export const JIRA_DECISIONS = ['Approved', 'Declined'] as const;
/** The sandbox Jira's project for approval tickets (the `for: approval` route's). */
export const APPROVAL_PROJECT = 'CAB';

/** What the page offers on an open issue: approve or deny on an approval ticket, a resolution on any other. */
export type SandboxResolution = (typeof JIRA_RESOLUTIONS)[number] | (typeof JIRA_DECISIONS)[number];

export function jiraChoices(project: string): readonly SandboxResolution[] {
  return project === APPROVAL_PROJECT ? JIRA_DECISIONS : JIRA_RESOLUTIONS;
}
export const SERVICENOW_CLOSINGS = { 'Closed Complete': 3, 'Closed Incomplete': 4 } as const;
export type ServiceNowClosing = keyof typeof SERVICENOW_CLOSINGS;

/** A token is sent again for 90 s; it lives 120 s (plus the bridge's leeway), so a resend never meets an expired one. */
const TOKEN_REUSE_MS = 90_000;

export interface Answer {
  at: string;
  status: number;
  body: string;
}

/** One delivery as ConductorOne sent it: the exact bytes and token, so it can be sent again unchanged. */
export interface SentDelivery {
  id: string;
  sample: SampleName;
  taskId: string;
  /** The callback URL's last segment: C1's token for this task (only the sandbox ever shows where it goes). */
  callbackToken: string;
  bytes: Buffer;
  token: string;
  /** When `token` was signed (ms): ConductorOne's tokens live 120 s. */
  signedAt: number;
  answers: Answer[];
}

export interface ActivityEntry {
  at: string;
  text: string;
}

export interface SandboxActions {
  deliveries: SentDelivery[];
  activity: ActivityEntry[];
  send(sample: SampleName): Promise<SentDelivery>;
  resend(id: string): Promise<SentDelivery | undefined>;
  resolveJira(key: string, resolution: SandboxResolution): Promise<Answer>;
  closeServiceNow(sysId: string, closing: ServiceNowClosing): Promise<Answer>;
}

/**
 * What the sandbox's people and systems do: ConductorOne sends a signed task, an agent resolves the ticket and the desk
 * tells the bridge, as each would in production: real HTTP to the bridge's own listener, signed as each signs.
 */
export function createSandboxActions(peers: SandboxPeers, publicUrl: string, bridgeUrl: () => string, clock: () => number = Date.now): SandboxActions {
  const now = () => new Date(clock()).toISOString();
  const post = async (path: string, body: Buffer | string, headers: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${bridgeUrl()}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { at: now(), status: response.status, body: await response.text() };
  };
  const sign = (bytes: Buffer) => peers.c1.sign(bytes, new URL(publicUrl).host, `${publicUrl}/webhooks/conductorone`, { alg: 'ES256' });
  const note = (text: string) => {
    actions.activity.unshift({ at: now(), text });
    actions.activity.length = Math.min(actions.activity.length, 50);
  };

  const actions: SandboxActions = {
    deliveries: [],
    activity: [],
    async send(sample) {
      const body = JSON.parse(fixtureBody(SAMPLES[sample].fixture).toString('utf8')) as {
        callbackUrl: string;
        webhookId: string;
        payload: { taskView: { task: { id: string } } };
      };
      const suffix = randomBytes(4).toString('hex');
      const taskId = `sbxTask${suffix}`;
      const callbackToken = `sbx${randomBytes(12).toString('base64url')}`;
      body.payload.taskView.task.id = taskId;
      body.webhookId = `sbxDelivery${suffix}`;
      // An approval step's callback takes only approve / deny / reassign bodies: the fake checks them against C1's OpenAPI.
      body.callbackUrl = sample === 'approval' ? peers.c1.approvalCallbackUrl(callbackToken) : peers.c1.callbackUrl(callbackToken);
      const bytes = Buffer.from(JSON.stringify(body));
      const token = await sign(bytes);
      const delivery: SentDelivery = { id: suffix, sample, taskId, callbackToken, bytes, token, signedAt: clock(), answers: [] };
      actions.deliveries.unshift(delivery);
      delivery.answers.push(await post('/webhooks/conductorone', bytes, { authorization: `Bearer ${token}` }));
      note(`ConductorOne sent ${sample} task ${taskId}: the bridge answered ${delivery.answers[0]?.status.toString() ?? '?'}`);
      return delivery;
    },
    async resend(id) {
      const delivery = actions.deliveries.find((d) => d.id === id);
      if (delivery === undefined) return undefined;
      // Within the token's life the very same request is sent again; later, the same body under a fresh token.
      const fresh = clock() - delivery.signedAt > TOKEN_REUSE_MS;
      if (fresh) Object.assign(delivery, { token: await sign(delivery.bytes), signedAt: clock() });
      const answer = await post('/webhooks/conductorone', delivery.bytes, { authorization: `Bearer ${delivery.token}` });
      delivery.answers.push(answer);
      note(`ConductorOne sent task ${delivery.taskId} again (same body, ${fresh ? 'a fresh token: the first had expired' : 'same token'}): the bridge answered ${answer.status.toString()}`);
      return delivery;
    },
    async resolveJira(key, resolution) {
      const event = JSON.stringify(peers.jira.transition(key, resolution, 'done', resolution));
      const answer = await post('/webhooks/jira', event, { 'x-hub-signature': peers.jira.sign(event, peers.secrets.jira) });
      const decision = (JIRA_DECISIONS as readonly string[]).includes(resolution);
      note(`${decision ? 'An approver moved' : 'An agent resolved'} ${key} ${decision ? 'to' : 'as'} ${resolution}; Jira's webhook got ${answer.status.toString()}`);
      return answer;
    },
    async closeServiceNow(sysId, closing) {
      const event = JSON.stringify(peers.servicenow.setState('sc_task', sysId, SERVICENOW_CLOSINGS[closing], `${closing} in the sandbox`));
      const signature = `sha256=${createHmac('sha256', peers.secrets.servicenow).update(event).digest('base64')}`;
      const answer = await post('/webhooks/servicenow', event, { 'x-bridge-signature': signature });
      note(`An agent set ${peers.servicenow.find('sc_task', (r) => r.sys_id === sysId)?.number ?? sysId} to ${closing}; the business rule's call got ${answer.status.toString()}`);
      return answer;
    },
  };
  return actions;
}
