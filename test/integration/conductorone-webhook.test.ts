import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { AUDIENCE, C1_ENDPOINT, startTestBridge, toBytes, type TestBridge } from '../helpers/test-bridge.ts';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8')) as Json;
}

function withStep(body: Json, stepId: string, callbackUrl?: string): Json {
  const copy = structuredClone(body) as { callbackUrl: string; payload: { taskView: { task: { policy: { current: { id: string } } } } } };
  copy.payload.taskView.task.policy.current.id = stepId;
  if (callbackUrl !== undefined) copy.callbackUrl = callbackUrl;
  return copy as unknown as Json;
}

const now = () => Math.floor(Date.now() / 1000);

let c1: FakeConductorOne;
let bridge: TestBridge;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
});
afterAll(async () => {
  await c1.close();
});
beforeEach(async () => {
  bridge = await startTestBridge({ c1 });
});
afterEach(async () => {
  await bridge.close();
});

describe('POST /webhooks/conductorone: accepted deliveries', () => {
  it('answers a PayloadTest with 200 {"version":"v1"} and enqueues nothing', async () => {
    const response = await bridge.deliver(fixture('test'));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ version: 'v1' });
    expect(await bridge.jobCount()).toBe(0);
  });

  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts a grant signed with %s: 202 after the job is in Redis', async (alg) => {
    const response = await bridge.deliver(fixture('provision-grant'), { alg });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'accepted', taskId: '2pQdTask0001', stepId: '2pQdStepProv' });

    const jobs = await bridge.deps.queues.createTicket.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.id).toBe('2pQdTask0001|2pQdStepProv');
    expect(jobs[0]?.name).toBe('create-ticket');
    expect(jobs[0]?.data.request).toMatchObject({ kind: 'grant', taskId: '2pQdTask0001', stepId: '2pQdStepProv' });

    const record = await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
    expect(record?.state).toBe('received');
    expect(record?.callbackUrl).toBe('https://acme.conductor.one/api/v1/webhooks/callback/ChsyOpaqueEncryptedToken01');
  });

  it('accepts a revoke task', async () => {
    const response = await bridge.deliver(fixture('provision-revoke'));
    expect(response.statusCode).toBe(202);
    const job = await bridge.deps.queues.createTicket.getJob('2pQdTask0002|2pQdStepProv2');
    expect(job?.data.request.kind).toBe('revoke');
  });

  it('takes the scheme case-insensitively and ignores the query string of htu', async () => {
    const body = toBytes(fixture('provision-grant'));
    const token = await c1.sign(body, AUDIENCE, `${C1_ENDPOINT}?tenant=acme`);
    const response = await bridge.post(body, { authorization: `bEaReR ${token}`, 'content-type': 'application/json; charset=utf-8' });
    expect(response.statusCode).toBe(202);
  });

  it('fetches a rotated key when a token names an unknown kid', async () => {
    await bridge.close();
    bridge = await startTestBridge({ c1, overrides: { jwksCooldownMs: 0 } });
    expect((await bridge.deliver(fixture('test'))).statusCode).toBe(200);
    const fetchesBefore = c1.jwksRequests;
    await c1.rotateKey('EdDSA');
    const response = await bridge.deliver(fixture('test'), { alg: 'EdDSA' });
    expect(response.statusCode).toBe(200);
    expect(c1.jwksRequests).toBe(fetchesBefore + 1);
  });
});

describe('POST /webhooks/conductorone: refused tokens cause no side effect', () => {
  const body = () => toBytes(fixture('provision-grant'));
  const sign = (options: Parameters<FakeConductorOne['sign']>[3] = {}) => c1.sign(body(), AUDIENCE, C1_ENDPOINT, options);

  const cases: Array<[string, () => Promise<Record<string, string>>, string]> = [
    ['no Authorization header', async () => ({}), 'no Authorization header'],
    ['a Basic scheme', async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 'not a Bearer token'],
    ['a token that is not a JWT', async () => ({ authorization: 'Bearer not.a.jwt' }), 'ERR_JWS_INVALID'],
    ['a key the JWKS does not publish', async () => ({ authorization: `Bearer ${await sign({ unknownKey: true })}` }), 'ERR_JWKS_NO_MATCHING_KEY'],
    ['a wrong iss', async () => ({ authorization: `Bearer ${await sign({ claims: { iss: 'evil.conductor.one' } })}` }), '"iss" claim'],
    ['a wrong aud', async () => ({ authorization: `Bearer ${await sign({ claims: { aud: 'other.example' } })}` }), '"aud" claim'],
    ['a wrong htu', async () => ({ authorization: `Bearer ${await sign({ claims: { htu: 'https://bridge.acme.example/webhooks/jira' } })}` }), 'htu is'],
    ['a wrong htm', async () => ({ authorization: `Bearer ${await sign({ claims: { htm: 'GET' } })}` }), 'htm is'],
    ['a wrong c1typ', async () => ({ authorization: `Bearer ${await sign({ claims: { c1typ: 'api' } })}` }), 'c1typ is'],
    ['no c1typ', async () => ({ authorization: `Bearer ${await sign({ claims: { c1typ: undefined } })}` }), 'c1typ'],
    ['no jti', async () => ({ authorization: `Bearer ${await sign({ claims: { jti: undefined } })}` }), 'jti'],
    ['an expired token', async () => ({ authorization: `Bearer ${await sign({ iat: now() - 200 })}` }), 'ERR_JWT_EXPIRED'],
    ['a token not valid yet', async () => ({ authorization: `Bearer ${await sign({ claims: { nbf: now() + 120 } })}` }), '"nbf" claim'],
    ['an iat in the future', async () => ({ authorization: `Bearer ${await sign({ claims: { iat: now() + 120 } })}` }), '"iat" claim'],
    ['alg none', async () => ({ authorization: `Bearer ${c1.unsecuredToken(body(), AUDIENCE, C1_ENDPOINT)}` }), 'ERR_JOSE_ALG_NOT_ALLOWED'],
    ['HS256 signed with the public key', async () => ({ authorization: `Bearer ${await c1.signHs256WithPublicKey(body(), AUDIENCE, C1_ENDPOINT)}` }), 'ERR_JOSE_ALG_NOT_ALLOWED'],
  ];

  it.each(cases)('refuses %s with 401', async (_name, headers, reason) => {
    const response = await bridge.post(body(), { 'content-type': 'application/json', ...(await headers()) });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'unauthorized', message: 'missing or invalid ConductorOne token' });
    expect(await bridge.redisKeys()).toEqual([]);
    const refusal = bridge.logs.find((line) => line['msg'] === 'request refused');
    expect(String(refusal?.['reason'])).toContain(reason);
  });

  it('refuses a body changed by one byte after signing', async () => {
    const original = body();
    const token = await c1.sign(original, AUDIENCE, C1_ENDPOINT);
    const tampered = Buffer.from(original);
    tampered[tampered.indexOf('Jane')] = 'K'.charCodeAt(0);
    const response = await bridge.post(tampered, { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(401);
    expect(await bridge.redisKeys()).toEqual([]);
    expect(String(bridge.logs.find((line) => line['msg'] === 'request refused')?.['reason'])).toContain('htb_s256');
  });

  it('never writes the token to the log', async () => {
    const token = await sign({ claims: { aud: 'other.example' } });
    await bridge.post(body(), { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    expect(bridge.logs.text()).not.toContain(token);
  });
});

describe('POST /webhooks/conductorone: resent tokens and redeliveries', () => {
  it('answers a resent token (same jti) with the first answer and creates nothing new', async () => {
    const body = toBytes(fixture('provision-grant'));
    const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = await bridge.post(body, headers);
    const second = await bridge.post(body, headers);
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    expect(await bridge.jobCount()).toBe(1);
    const record = await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
    expect(record?.history.map((entry) => entry.event)).toEqual(['received']);
    expect(bridge.logs.find((line) => line['msg'] === 'resent token: answered as the first time')).toBeDefined();
  });

  it('answers a resent token whose first answer was a refusal with the same refusal', async () => {
    const body = toBytes(fixture('policy-approval'));
    const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const first = await bridge.post(body, headers);
    const second = await bridge.post(body, headers);
    expect(first.statusCode).toBe(422);
    expect(second.statusCode).toBe(422);
    expect(second.json()).toEqual(first.json());
  });

  it('handles the same token sent twice at once exactly once', async () => {
    const body = toBytes(fixture('provision-grant'));
    const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const answers = await Promise.all([bridge.post(body, headers), bridge.post(body, headers), bridge.post(body, headers)]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202]);
    expect(await bridge.jobCount()).toBe(1);
  });

  it('a redelivery of the same task and step (new token) creates no second job', async () => {
    expect((await bridge.deliver(fixture('provision-grant'))).statusCode).toBe(202);
    expect((await bridge.deliver(fixture('provision-grant'))).statusCode).toBe(202);
    expect(await bridge.jobCount()).toBe(1);
    const record = await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
    expect(record?.history.map((entry) => entry.event)).toEqual(['received']);
  });

  it('a redelivery with another callback URL replaces the stored one and still creates no job', async () => {
    const newUrl = 'https://acme.conductor.one/api/v1/webhooks/callback/ChsyOpaqueEncryptedToken01b';
    await bridge.deliver(fixture('provision-grant'));
    const response = await bridge.deliver(withStep(fixture('provision-grant'), '2pQdStepProv', newUrl));
    expect(response.statusCode).toBe(202);
    expect(await bridge.jobCount()).toBe(1);
    const record = await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
    expect(record?.callbackUrl).toBe(newUrl);
    expect(record?.history.map((entry) => entry.event)).toEqual(['received', 'callback_url_replaced']);
  });

  it('a redelivery after the ticket exists enqueues nothing', async () => {
    await bridge.deliver(fixture('provision-grant'));
    await bridge.deps.queues.createTicket.obliterate({ force: true });
    await bridge.redis.hset(`${bridge.prefix}:task:2pQdTask0001:2pQdStepProv`, 'state', 'ticket_created');
    expect((await bridge.deliver(fixture('provision-grant'))).statusCode).toBe(202);
    expect(await bridge.jobCount()).toBe(0);
  });

  it('a redelivery whose first job was lost (crash after the record) enqueues the job again', async () => {
    await bridge.deliver(fixture('provision-grant'));
    await bridge.deps.queues.createTicket.obliterate({ force: true });
    expect((await bridge.deliver(fixture('provision-grant'))).statusCode).toBe(202);
    expect(await bridge.jobCount()).toBe(1);
  });

  it('a new step of the same task creates a new job', async () => {
    await bridge.deliver(fixture('provision-grant'));
    const response = await bridge.deliver(withStep(fixture('provision-grant'), '2pQdStepProvB'));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ stepId: '2pQdStepProvB' });
    expect(await bridge.jobCount()).toBe(2);
  });
});

describe('POST /webhooks/conductorone: bad input from a verified sender', () => {
  it('refuses a body that is not JSON with 400 invalid_json', async () => {
    const response = await bridge.deliver('{"version":"v1",');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_json' });
    expect(await bridge.jobCount()).toBe(0);
  });

  it('refuses a body that is not JSON by content type with 400', async () => {
    const response = await bridge.deliver(fixture('provision-grant'), { contentType: 'text/plain' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'unsupported_content_type' });
    expect(await bridge.jobCount()).toBe(0);
  });

  it('refuses a schema violation with 400 invalid_payload naming the field', async () => {
    const body = fixture('provision-grant');
    body['callbackUrl'] = 42;
    const response = await bridge.deliver(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_payload' });
    expect((response.json() as Json)['message']).toContain('callbackUrl');
    expect(await bridge.jobCount()).toBe(0);
  });

  it('refuses a provisioning payload without a callback URL with 400', async () => {
    const body = fixture('provision-grant');
    delete body['callbackUrl'];
    const response = await bridge.deliver(body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_payload' });
    expect(await bridge.jobCount()).toBe(0);
    expect(await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv')).toBeUndefined();
  });

  it('refuses other events with 422 unsupported_event', async () => {
    const workflow = { ...fixture('policy-approval'), event: 'c1.webhooks.v1.PayloadWorkflowStep' };
    const response = await bridge.deliver(workflow);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: 'unsupported_event' });
    expect(await bridge.jobCount()).toBe(0);
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const huge = Buffer.alloc(bridge.config.server.bodyLimitBytes + 1, 'a');
    const response = await bridge.post(huge, { authorization: 'Bearer x', 'content-type': 'application/json' });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large' });
    expect(await bridge.redisKeys()).toEqual([]);
  });
});
