/**
 * How a jira desk's event route proves an event came from Jira, by deployment:
 * - Cloud: exactly as before Data Center was wired: `X-Hub-Signature` (the admin webhook's secret,
 *   developer.atlassian.com/cloud/jira/platform/webhooks/) or the secret in `X-Bridge-Token` (Jira Automation).
 * - Data Center: `X-Hub-Signature`, or HTTP basic credentials whose password is a secret (dc-webhook-auth.ts).
 * - Not known without serverInfo (a token alone): a signature or X-Bridge-Token as on Cloud, or basic credentials as
 *   on Data Center; each proof needs a configured secret, so accepting either is no weaker than one.
 */
import { checkSharedSecret } from '../../verify/shared-secret.ts';
import { verifyDcWebhook } from './datacenter/dc-webhook-auth.ts';
import type { Deployment } from './jira-deployment.ts';

export interface JiraEventProof {
  secrets: readonly string[];
  rawBody: Buffer;
  signature: string | undefined;
  token: string | undefined;
  authorization: string | undefined;
}

export type JiraEventCheck = { ok: true; via: 'signature' | 'token' | 'basic' } | { ok: false; reason: string };

export function checkJiraEvent(deployment: Deployment | undefined, proof: JiraEventProof): JiraEventCheck {
  const { secrets, rawBody, signature, token, authorization } = proof;
  const dataCenter = () => verifyDcWebhook({ secrets, rawBody, signature, authorization });
  if (deployment === 'datacenter') return dataCenter();
  if (deployment === undefined && signature === undefined && token === undefined && authorization !== undefined) return dataCenter();
  return checkSharedSecret({ secrets, rawBody, signature, token });
}
