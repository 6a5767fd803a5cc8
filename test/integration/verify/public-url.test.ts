import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { AUDIENCE, startTestBridge } from '../../helpers/test-bridge.ts';

let c1: FakeConductorOne;
beforeAll(async () => {
  c1 = await startFakeConductorOne();
});
afterAll(async () => {
  await c1.close();
});

describe('server.publicUrl written with capitals and the default port', () => {
  it('still matches the htu ConductorOne signs (lower case, no port), and nothing else', async () => {
    const bridge = await startTestBridge({ c1, config: { server: { publicUrl: 'https://Bridge.ACME.example:443/', bodyLimitBytes: 65_536 } } });
    try {
      expect(bridge.config.server.publicUrl).toBe('https://bridge.acme.example');
      expect(bridge.config.conductorone.audience).toBe(AUDIENCE);
      const accepted = await bridge.deliver(loadFixture('provision-grant'), {});
      expect(accepted.statusCode).toBe(202);
      const otherPort = await bridge.deliver(loadFixture('provision-grant'), { claims: { htu: 'https://bridge.acme.example:8443/webhooks/conductorone' } });
      expect(otherPort.statusCode).toBe(401);
      expect(await bridge.jobCount()).toBe(1);
    } finally {
      await bridge.close();
    }
  });
});
