import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { isLoopbackHost } from '../../../src/config/schema.ts';
import { problems } from './helpers.ts';

const conductorone = (keys: string) => `server: { publicUrl: "https://bridge.acme.example" }\nconductorone: { tenant: acme.conductor.one, ${keys} }\n`;
const HTTPS_ONLY = 'must be https (http is allowed only for a loopback host: localhost, 127.0.0.0/8, [::1])';

describe('the JWKS and the callback origins are reached over https, except on this machine', () => {
  it.each([
    ['a JWKS URL over plain http', 'jwksUrl: "http://acme.conductor.one/auth/v1/jwks"', `conductorone.jwksUrl: ${HTTPS_ONLY}`],
    ['a JWKS URL on a private address', 'jwksUrl: "http://10.0.0.7:8099/auth/v1/jwks"', `conductorone.jwksUrl: ${HTTPS_ONLY}`],
    ['a JWKS URL on a host that only starts like a loopback name', 'jwksUrl: "http://localhost.evil.example/jwks"', `conductorone.jwksUrl: ${HTTPS_ONLY}`],
    ['a callback origin over plain http', 'callbackOrigins: ["http://acme.conductor.one"]', `conductorone.callbackOrigins.0: ${HTTPS_ONLY}`],
    ['the second callback origin over plain http', 'callbackOrigins: ["https://acme.conductor.one", "http://128.0.0.1:9000"]', `conductorone.callbackOrigins.1: ${HTTPS_ONLY}`],
  ])('%s is a config error with its key path', (_name, keys, expected) => {
    expect(problems(conductorone(keys))).toEqual([expected]);
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1:9000'],
    ['another 127/8 address', 'http://127.10.20.30:9000'],
    ['localhost', 'http://localhost:9000'],
    ['LOCALHOST in capitals', 'http://LOCALHOST:9000'],
    ['IPv6 loopback', 'http://[::1]:9000'],
  ])('plain http to %s is allowed (development)', (_name, origin) => {
    expect(problems(conductorone(`jwksUrl: "${origin}/auth/v1/jwks", callbackOrigins: ["${origin}"]`))).toEqual([]);
  });

  it('https anywhere is allowed, and the defaults derived from the tenant are https', () => {
    expect(problems(conductorone('jwksUrl: "https://keys.acme.example/jwks", callbackOrigins: ["https://acme.conductor.one"]'))).toEqual([]);
    const config = parseConfig(conductorone('clockToleranceSeconds: 30'), {});
    expect(config.conductorone.jwksUrl).toBe('https://acme.conductor.one/auth/v1/jwks');
    expect(config.conductorone.callbackOrigins).toEqual(['https://acme.conductor.one']);
  });

  it('counts as loopback only localhost, 127.0.0.0/8 and [::1]', () => {
    for (const host of ['localhost', 'Localhost', '127.0.0.1', '127.255.255.254', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['localhost.example', 'a.localhost', '127.0.0.1.nip.io', '128.0.0.1', '0.0.0.0', '[::2]', '10.0.0.1', 'x127.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('server.publicUrl is normalised before htu is compared', () => {
  it.each([
    ['the host in capitals', 'https://Bridge.ACME.example', 'https://bridge.acme.example'],
    ['the default https port', 'https://bridge.acme.example:443/', 'https://bridge.acme.example'],
    ['the default http port', 'http://127.0.0.1:80/c1/', 'http://127.0.0.1/c1'],
    ['a port that is not the default', 'https://BRIDGE.acme.example:8443/c1', 'https://bridge.acme.example:8443/c1'],
  ])('%s', (_name, given, expected) => {
    const config = parseConfig(`server: { publicUrl: "${given}" }\nconductorone: { tenant: acme.conductor.one }\n`, {});
    expect(config.server.publicUrl).toBe(expected);
  });
});
