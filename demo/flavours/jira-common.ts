/** What the Jira flavours share: the sample grant, and an agent resolving an issue Done through the signed webhook. */
import { postJson } from './flavour.ts';

export const CLOUD_CREDENTIALS = { email: 'bridge@acme.example', apiToken: 'demo-token' };
export const JIRA_WEBHOOK_SECRET = 'demo-jira-secret';

/** The shipped grant: GitHub / Org Admin for Jane Doe, task 2pQdTask0001, step 2pQdStepProv. */
export const SAMPLE_GRANT = {
  fixture: 'provision-grant',
  asks: 'a signed PayloadProvisionStep (grant GitHub / Org Admin to Jane Doe)',
  taskId: '2pQdTask0001',
  stepId: '2pQdStepProv',
} as const;

export const GITHUB_ROUTE = { name: 'github-admin', match: { appName: 'GitHub' } } as const;

interface SignedJira {
  transition(key: string, status: string, category: 'new' | 'indeterminate' | 'done', resolution?: string | null): Record<string, unknown>;
  sign(body: string, secret: string): string;
}

/** Moves the issue to a done status and sends the bridge Jira's `jira:issue_updated`, signed with X-Hub-Signature. */
export async function sendJiraTransition(jira: SignedJira, key: string, bridge: string, status = 'Done', resolution = 'Done') {
  const event = JSON.stringify(jira.transition(key, status, 'done', resolution));
  const signature = jira.sign(event, JIRA_WEBHOOK_SECRET);
  return { signature, ...(await postJson(`${bridge}/webhooks/jira`, event, { 'x-hub-signature': signature })) };
}

/** How a demo prints a plain issue the worker opened: where, summary, labels, then the description as sent. */
export function issueTicket(issue: { key: string; fields: { summary: string; labels: readonly string[] } }, heading: string, description: string) {
  return {
    key: issue.key,
    lines: [heading, `   summary: ${issue.fields.summary}`, `   labels: ${issue.fields.labels.join(', ')}`, `   description${description}`],
  };
}
