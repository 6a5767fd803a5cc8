import type { z } from 'zod';
import { BridgeError } from '../errors.ts';
import { parseJsonBody } from '../http/parse-json.ts';
import { C1_EVENT, policyApprovalStepPayloadSchema, provisionStepPayloadSchema, webhookEnvelopeSchema, type ProvisionStepPayload, type WebhookEnvelope } from './schemas.ts';

export type C1Delivery =
  | { event: typeof C1_EVENT.provisionStep | typeof C1_EVENT.policyApprovalStep; envelope: WebhookEnvelope; payload: ProvisionStepPayload }
  | { event: string | undefined; envelope: WebhookEnvelope; payload?: undefined };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function schemaProblem(error: z.ZodError, prefix: string): BridgeError {
  const issues = error.issues.slice(0, 5).map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`);
  return new BridgeError('invalid_payload', `the webhook body does not match the ConductorOne schema: ${issues.join('; ')}`);
}

/** Turns verified raw bytes into a checked envelope (and payload, for provisioning and approval steps), or a 400 saying what is wrong. */
export function parseC1Delivery(contentType: string | undefined, rawBody: Buffer): C1Delivery {
  if (contentType === undefined || !JSON_TYPE.test(contentType)) {
    throw new BridgeError('unsupported_content_type', `expected Content-Type application/json, got ${JSON.stringify(contentType ?? null)}`);
  }
  const envelope = webhookEnvelopeSchema.safeParse(parseJsonBody(rawBody));
  if (!envelope.success) throw schemaProblem(envelope.error, '');
  const event = envelope.data.event ?? undefined;
  if (event !== C1_EVENT.provisionStep && event !== C1_EVENT.policyApprovalStep) return { event, envelope: envelope.data };

  const schema = event === C1_EVENT.provisionStep ? provisionStepPayloadSchema : policyApprovalStepPayloadSchema;
  const payload = schema.safeParse(envelope.data.payload ?? {});
  if (!payload.success) throw schemaProblem(payload.error, 'payload');
  return { event, envelope: envelope.data, payload: payload.data };
}
