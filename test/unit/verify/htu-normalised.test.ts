import { beforeAll, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src/errors.ts';
import { comparableUrl, createC1TokenVerifier } from '../../../src/verify/c1-token.ts';
import { AUDIENCE, BODY, NOW, TENANT, tokenSigner, type TokenSigner } from './token-fixture.ts';

let signer: TokenSigner;
beforeAll(async () => {
  signer = await tokenSigner();
});

async function verifyHtu(endpointUrl: string, htu: string): Promise<string> {
  const verify = createC1TokenVerifier({ tenant: TENANT, audience: AUDIENCE, endpointUrl, clockToleranceSeconds: 30, getKey: signer.getKey, now: () => new Date(NOW * 1000) });
  const token = await signer.token({ htu });
  return verify(`Bearer ${token}`, BODY).then(
    () => 'accepted',
    (error: unknown) => (error instanceof BridgeError ? (error.reason ?? error.code) : String(error)),
  );
}

describe('htu is compared with the public URL as URL normalises both', () => {
  it.each([
    ['a public URL with the host in capitals', 'https://Bridge.ACME.example/webhooks/conductorone', 'https://bridge.acme.example/webhooks/conductorone'],
    ['a public URL with the default port', 'https://bridge.acme.example:443/webhooks/conductorone', 'https://bridge.acme.example/webhooks/conductorone'],
    ['an htu with the host in capitals and the default port', 'https://bridge.acme.example/webhooks/conductorone', 'HTTPS://BRIDGE.acme.example:443/webhooks/conductorone'],
    ['an htu with a query and a fragment', 'https://bridge.acme.example/webhooks/conductorone', 'https://bridge.acme.example/webhooks/conductorone?tenant=acme#x'],
  ])('accepts %s', async (_name, endpointUrl, htu) => {
    expect(await verifyHtu(endpointUrl, htu)).toBe('accepted');
  });

  it.each([
    ['another port', 'https://bridge.acme.example:8443/webhooks/conductorone'],
    ['another scheme', 'http://bridge.acme.example/webhooks/conductorone'],
    ['another host', 'https://bridge.acme.example.evil.com/webhooks/conductorone'],
    ['a path in other case (paths are case-sensitive)', 'https://bridge.acme.example/Webhooks/conductorone'],
    ['a longer path', 'https://bridge.acme.example/webhooks/conductorone/x'],
    ['no URL at all', 'bridge.acme.example/webhooks/conductorone'],
  ])('refuses an htu with %s', async (_name, htu) => {
    expect(await verifyHtu('https://Bridge.acme.example:443/webhooks/conductorone', htu)).toMatch(/^htu is /);
  });

  it('normalises scheme and host case and the default port, and keeps the path as given', () => {
    expect(comparableUrl('HTTPS://Bridge.Acme.Example:443/Webhooks/C1?x=1#y')).toBe('https://bridge.acme.example/Webhooks/C1');
    expect(comparableUrl('http://127.0.0.1:80/a')).toBe('http://127.0.0.1/a');
    expect(comparableUrl('https://bridge.acme.example:8443/a')).toBe('https://bridge.acme.example:8443/a');
    expect(comparableUrl('not a url')).toBeUndefined();
  });

  it('refuses to build a verifier for an endpoint that is no URL', () => {
    expect(() => createC1TokenVerifier({ tenant: TENANT, audience: AUDIENCE, endpointUrl: '/webhooks/conductorone', clockToleranceSeconds: 30, getKey: signer.getKey })).toThrow(TypeError);
  });
});
