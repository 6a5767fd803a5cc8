import type { ProvisionStepPayload, WebhookEnvelope } from '../../src/c1/schemas.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../../src/domain/provisioning-request.ts';
import { loadFixture, type FixtureName } from '../fixtures/load-fixture.ts';

/** A provisioning fixture as the bridge reads it, for tenant acme.conductor.one. */
export function fixtureRequest(name: FixtureName): ProvisioningRequest {
  const envelope = loadFixture(name) as unknown as WebhookEnvelope & { payload: ProvisionStepPayload };
  const result = toProvisioningRequest(envelope, envelope.payload, { tenant: 'acme.conductor.one' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}
