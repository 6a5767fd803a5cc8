/**
 * Hostile input, property-based: whatever an attacker (or a broken proxy) does to a signed delivery, the bridge
 * refuses it or renders it inert, with no job, no record and no crash.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileTemplate, DEFAULT_DESCRIPTION, DEFAULT_SUMMARY } from '../../src/domain/templates.ts';
import { toProvisioningRequest } from '../../src/domain/provisioning-request.ts';
import { provisionStepPayloadSchema, webhookEnvelopeSchema } from '../../src/c1/schemas.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { AUDIENCE, C1_ENDPOINT, startTestBridge, type TestBridge } from '../helpers/test-bridge.ts';

let c1: FakeConductorOne;
let bridge: TestBridge;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  bridge = await startTestBridge({ c1 });
});
afterAll(async () => {
  await bridge.close();
  await c1.close();
});

const grantBytes = () => Buffer.from(JSON.stringify(loadFixture('provision-grant')));
const headers = (token: string, contentType = 'application/json') => ({ authorization: `Bearer ${token}`, 'content-type': contentType });

/** No record, no job, nothing queued. A verified token's answer is remembered (`:jti:`): that is the replay memory. */
async function expectNoSideEffect(): Promise<void> {
  expect((await bridge.redisKeys()).filter((key) => !key.includes(':jti:'))).toEqual([]);
}

describe('hostile input (property-based)', () => {
  it('any byte of the body changed after signing is refused 401', async () => {
    const body = grantBytes();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, delta) => {
        const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT);
        const tampered = Buffer.from(body);
        tampered[index] = ((tampered[index] ?? 0) + delta) % 256;
        const response = await bridge.post(tampered, headers(token));
        expect(response.statusCode).toBe(401);
        await expectNoSideEffect();
      }),
      { numRuns: 60 },
    );
  });

  it('any byte of any token segment changed is refused 401', async () => {
    const body = grantBytes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1, 2), fc.nat(), fc.integer({ min: 1, max: 255 }), async (segment, at, delta) => {
        const parts = (await c1.sign(body, AUDIENCE, C1_ENDPOINT)).split('.');
        const bytes = Buffer.from(parts[segment] ?? '', 'base64url');
        const index = at % bytes.length;
        bytes[index] = ((bytes[index] ?? 0) + delta) % 256;
        parts[segment] = bytes.toString('base64url');
        const response = await bridge.post(body, headers(parts.join('.')));
        expect(response.statusCode).toBe(401);
        await expectNoSideEffect();
      }),
      { numRuns: 60 },
    );
  });

  it('claims moved to the wrong names (shuffled) are refused 401', async () => {
    const body = grantBytes();
    const names = ['iss', 'aud', 'htu', 'htm', 'c1typ'] as const;
    const values = { iss: c1.tenant, aud: AUDIENCE, htu: C1_ENDPOINT, htm: 'POST', c1typ: 'wh' };
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...names], { minLength: 2, maxLength: 5 }), async (chosen) => {
        // Rotate the chosen claims' values by one: every chosen claim gets another's (valid-looking) value.
        const claims = Object.fromEntries(chosen.map((name, i) => [name, values[chosen[(i + 1) % chosen.length] ?? name]]));
        const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT, { claims });
        expect((await bridge.post(body, headers(token))).statusCode).toBe(401);
        await expectNoSideEffect();
      }),
      { numRuns: 30 },
    );
  });

  it('content types other than JSON are refused 400, signed or not', async () => {
    const body = grantBytes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonp', 'text/json'), async (type) => {
        const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT);
        const response = await bridge.post(body, headers(token, type));
        expect(response.statusCode).toBe(400);
        expect(response.json()).toMatchObject({ error: 'unsupported_content_type' });
        await expectNoSideEffect();
      }),
      { numRuns: 12 },
    );
  });

  it('a huge Authorization header, or a huge body, is refused without a crash', async () => {
    const body = grantBytes();
    const huge = await bridge.post(body, { authorization: `Bearer ${'a'.repeat(200_000)}`, 'content-type': 'application/json' });
    expect(huge.statusCode).toBe(401);
    const big = await bridge.post(Buffer.alloc(bridge.config.server.bodyLimitBytes + 10, 0x20), headers('x'));
    expect(big.statusCode).toBe(413);
    await expectNoSideEffect();
    expect((await bridge.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('deeply nested JSON from a verified sender is refused 400, not a stack overflow', async () => {
    const depth = 20_000;
    const body = Buffer.from(`{"version":"v1","event":"c1.webhooks.v1.PayloadProvisionStep","payload":{"taskView":${'{"task":'.repeat(depth)}{}${'}'.repeat(depth)}}}`);
    const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT);
    const response = await bridge.post(body, headers(token));
    expect([400, 413]).toContain(response.statusCode);
    await expectNoSideEffect();
  });

  it('unicode in every string field travels intact into the job', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), async (text) => {
        const fixture = loadFixture('provision-grant');
        const [app, entitlement, user] = fixture.payload.expanded;
        if (app === undefined || entitlement === undefined || user === undefined) throw new Error('fixture changed');
        app.displayName = text;
        entitlement.displayName = text;
        user.displayName = text;
        fixture.payload.taskView.task.description = text;
        fixture.payload.taskView.task.id = `t-${Buffer.from(text).toString('hex').slice(0, 20)}-${Math.random().toString(36).slice(2, 8)}`;
        const response = await bridge.deliver(fixture);
        expect(response.statusCode).toBe(202);
        const job = await bridge.deps.queues.createTicket.getJob(`${encodeURIComponent(fixture.payload.taskView.task.id)}|2pQdStepProv`);
        expect(job?.data.request.app.name).toBe(text.trim() === '' ? undefined : text);
        expect(job?.data.request.justification).toBe(text.trim() === '' ? undefined : text);
      }),
      { numRuns: 40 },
    );
  });

  it('template syntax in any C1-controlled field renders inert', () => {
    const envelope = webhookEnvelopeSchema.parse(loadFixture('provision-grant'));
    const base = toProvisioningRequest(envelope, provisionStepPayloadSchema.parse(envelope.payload), { tenant: 'acme.conductor.one' });
    if (!base.ok) throw new Error(base.problems.join('; '));
    const summary = compileTemplate(DEFAULT_SUMMARY);
    const description = compileTemplate(DEFAULT_DESCRIPTION);
    const payloads = fc.oneof(
      fc.constantFrom('{{ 7*7 }}', '{% raw %}', '{% for x in (1..9999999) %}x{% endfor %}', '{{ task | json }}', '{%- include "/etc/passwd" -%}', '{{"a" | append: secrets}}'),
      fc.string().map((s) => `{{${s}}}`),
      fc.string().map((s) => `{%${s}%}`),
    );
    fc.assert(
      fc.property(payloads, (hostile) => {
        const request = { ...base.request, justification: hostile, subject: { ...base.request.subject, name: hostile }, app: { ...base.request.app, name: hostile } };
        // The value is printed as sent (only the whole text is trimmed at its ends), never evaluated.
        expect(description.render(request)).toContain(hostile.trim());
        expect(summary.render(request)).toContain(hostile.trim());
      }),
      { numRuns: 200 },
    );
  });
});

describe('hostile input at volume', () => {
  it('keeps the heap flat across thousands of refused requests', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const body = grantBytes();
    const token = await c1.sign(body, AUDIENCE, C1_ENDPOINT, { unknownKey: true });
    const keysBefore = (await bridge.redisKeys()).length;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i += 1) {
        const tampered = Buffer.from(body);
        tampered[i % body.length] = 0x7e;
        const response = await bridge.post(i % 2 === 0 ? tampered : body, headers(i % 3 === 0 ? `${token}x` : token));
        expect(response.statusCode).toBe(401);
      }
    };
    await burst(500);
    gc();
    const before = process.memoryUsage().heapUsed;
    await burst(3000);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    expect((await bridge.redisKeys()).length).toBe(keysBefore);
  }, 60_000);
});
