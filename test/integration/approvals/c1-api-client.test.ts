/**
 * The ConductorOne API client against the fake C1 (a real listener speaking C1's token and user-search wire format,
 * see src/sandbox/conductorone-api.ts): client-credentials exchange with an EdDSA assertion the fake verifies with
 * the client's public key, the token reused while valid, user search by exact email; and its typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createC1ApiClient, parseClientSecret, type C1ApiClient } from '../../../src/c1/api-client.ts';
import { configSchema } from '../../../src/config/schema.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { startTestBridge } from '../../helpers/test-bridge.ts';

let c1: FakeConductorOne;
let credentials: { clientId: string; clientSecret: string };

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  credentials = await c1.api.addApiClient();
  c1.api.addUser({ id: '2pQdUserAnn', email: 'ann.lee@acme.com', displayName: 'Ann Lee' });
  c1.api.addUser({ id: '2pQdUserAnnie', email: 'ann.lee.jr@acme.com' });
});
afterAll(async () => {
  await c1.close();
});

function client(overrides: Partial<{ clientId: string; clientSecret: string; now: () => number }> = {}): C1ApiClient {
  return createC1ApiClient({ tenant: c1.tenant, baseUrl: c1.url, ...credentials, ...overrides });
}

describe('token exchange', () => {
  it('posts the form body with a signed client assertion the fake verifies, and reuses the token until near its expiry', async () => {
    const api = client();
    const before = c1.api.tokenRequests.length;
    const token = await api.accessToken();
    expect(token).toMatch(/^[\w-]{20,}$/);
    const form = new URLSearchParams(c1.api.tokenRequests.at(-1)?.body);
    expect(c1.api.tokenRequests.at(-1)?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(form.get('client_id')).toBe(credentials.clientId);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const [header, claims] = (form.get('client_assertion') ?? '').split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'EdDSA', nonce: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown });
    expect(claims).toMatchObject({ iss: credentials.clientId, sub: credentials.clientId, aud: [c1.tenant] });
    expect((claims?.['exp'] as number) - (claims?.['nbf'] as number)).toBe(240);

    expect(await api.accessToken()).toBe(token);
    expect(c1.api.tokenRequests.length).toBe(before + 1);
  });

  it('renews the token a minute before the expires_in C1 gave runs out, not later', async () => {
    // A 70 s token is renewed after 10 s; the fake still checks the new assertion's times against its own clock.
    c1.api.tokenLifetimeSeconds = 70;
    let clock = Date.now();
    const api = client({ now: () => clock });
    const before = c1.api.tokenRequests.length;
    const token = await api.accessToken();
    clock += 9_000;
    expect(await api.accessToken()).toBe(token);
    clock += 2_000;
    expect(await api.accessToken()).not.toBe(token);
    expect(c1.api.tokenRequests.length).toBe(before + 2);
    c1.api.tokenLifetimeSeconds = 3600;
  });

  it('a token endpoint answering 401 is c1_token_refused; a key C1 does not know is refused by the fake the same way', async () => {
    c1.api.failToken(1, 401);
    await expect(client().accessToken()).rejects.toMatchObject({ name: 'C1ApiError', code: 'c1_token_refused', status: 401, retryable: false });
    const other = await startFakeConductorOne();
    const stranger = await other.api.addApiClient();
    await other.close();
    await expect(client({ clientSecret: stranger.clientSecret }).accessToken()).rejects.toMatchObject({ code: 'c1_token_refused', status: 401 });
  });

  it('a 503 from the token endpoint is c1_unavailable and retryable', async () => {
    c1.api.failToken(1, 503);
    await expect(client().accessToken()).rejects.toMatchObject({ code: 'c1_unavailable', retryable: true });
  });

  it.each([
    ['no prefix', 'abc'],
    ['another prefix', 'secret-token:example.com:v1:e30='],
    ['not base64 JSON', 'secret-token:conductorone.com:v1:@@@'],
    ['not an Ed25519 private key', `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB' })).toString('base64')}`],
  ])('a secret with %s is refused c1_secret_format before any call, without echoing it', (_label, secret) => {
    const before = c1.api.tokenRequests.length;
    let thrown: unknown;
    try {
      client({ clientSecret: secret });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'c1_secret_format' });
    expect((thrown as Error).message).not.toContain(secret.slice(-4));
    expect(c1.api.tokenRequests.length).toBe(before);
  });

  it('the config refuses a wrong secret format at boot and takes a right one', () => {
    const base = { server: { publicUrl: 'https://bridge.acme.example' } };
    const wrong = configSchema.safeParse({ ...base, conductorone: { tenant: 'acme.conductor.one', api: { clientId: 'x', clientSecret: 'plain' } } });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues[0]?.path).toEqual(['conductorone', 'api', 'clientSecret']);
    const right = configSchema.parse({ ...base, conductorone: { tenant: 'acme.conductor.one', api: credentials } });
    expect(right.conductorone.api?.clientId).toBe(credentials.clientId);
    expect(parseClientSecret(credentials.clientSecret)).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });
});

describe('user search by email', () => {
  it('finds the user whose email is exactly the one asked (case aside), with the bearer token', async () => {
    const api = client();
    expect(await api.findUserIdByEmail('Ann.Lee@acme.com')).toBe('2pQdUserAnn');
    const search = c1.api.searchRequests.at(-1);
    expect(JSON.parse(search?.body ?? '{}')).toEqual({ email: 'Ann.Lee@acme.com', pageSize: 10 });
    expect(search?.headers.authorization).toMatch(/^Bearer /);
  });

  it('answers undefined for an email C1 has no user for', async () => {
    expect(await client().findUserIdByEmail('nobody@acme.com')).toBeUndefined();
    expect(await client().findUserIdByEmail('ann.lee')).toBeUndefined();
  });

  it('a refused token on search is c1_api_refused', async () => {
    const api = createC1ApiClient({
      tenant: c1.tenant,
      baseUrl: c1.url,
      ...credentials,
      // The token exchange goes through; the search carries a token the fake never issued.
      fetch: (input, init) =>
        String(input).endsWith('/search/users') ? fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: 'Bearer forged' } }) : fetch(input, init),
    });
    await expect(api.findUserIdByEmail('ann.lee@acme.com')).rejects.toMatchObject({ code: 'c1_api_refused', status: 401 });
  });
});

describe('answers that are not what the OpenAPI says', () => {
  /** The real fake for the token, and this answer for the call under test. */
  const answering = (path: string, body: string) => (input: string | URL | Request, init?: RequestInit) =>
    String(input).endsWith(path) ? Promise.resolve(new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })) : fetch(input, init);

  it.each([
    ['/auth/v1/token', '{"token_type":"Bearer"}', 'token exchange: the answer has no access_token'],
    ['/auth/v1/token', 'not json', 'token exchange: the answer has no access_token'],
    ['/search/users', '{"list":{"user":{}}}', 'user search: the answer is not a SearchUsersResponse'],
    ['/search/users', 'not json', 'user search: the answer is not a SearchUsersResponse'],
  ])('%s answering %s is c1_bad_answer', async (path, body, message) => {
    const api = createC1ApiClient({ tenant: c1.tenant, baseUrl: c1.url, ...credentials, fetch: answering(path, body) });
    await expect(api.findUserIdByEmail('ann.lee@acme.com')).rejects.toMatchObject({ code: 'c1_bad_answer', message });
  });

  it('no answer at all is c1_unavailable', async () => {
    const api = createC1ApiClient({ tenant: c1.tenant, baseUrl: 'http://127.0.0.1:9', ...credentials });
    await expect(api.accessToken()).rejects.toMatchObject({ code: 'c1_unavailable', retryable: true });
  });
});

describe('conductorone.api in the bridge', () => {
  it('gives the workers a client that finds users when configured, and none (reassign off) without it', async () => {
    const configured = await startTestBridge({ c1, config: { conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, api: { ...credentials, baseUrl: c1.url } } } });
    const plain = await startTestBridge({ c1 });
    try {
      expect(await configured.deps.jobs.c1Api?.findUserIdByEmail('ann.lee@acme.com')).toBe('2pQdUserAnn');
      expect(plain.deps.jobs.c1Api).toBeUndefined();
      // The secret never reaches the log.
      expect(configured.logs.text()).not.toContain(credentials.clientSecret.slice(-16));
    } finally {
      await configured.close();
      await plain.close();
    }
  });
});

