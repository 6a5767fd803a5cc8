import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startTestBridge, type TestBridge } from '../helpers/test-bridge.ts';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

let c1: FakeConductorOne | undefined;
let bridge: TestBridge | undefined;

afterEach(async () => {
  await bridge?.close();
  await c1?.close();
  bridge = undefined;
  c1 = undefined;
});

describe('POST /webhooks/conductorone when a dependency is down', () => {
  it('answers 503 jwks_unavailable when the JWKS cannot be fetched and no key is cached, and enqueues nothing', async () => {
    c1 = await startFakeConductorOne();
    bridge = await startTestBridge({ c1 });
    c1.failJwks(5, 503);
    const response = await bridge.deliver(fixture('provision-grant'));
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'jwks_unavailable' });
    expect(await bridge.redisKeys()).toEqual([]);
  });

  it('answers 503 when the JWKS host does not answer at all', async () => {
    c1 = await startFakeConductorOne();
    bridge = await startTestBridge({ c1 });
    const token = await c1.sign(Buffer.from('{}'), 'bridge.acme.example', 'https://bridge.acme.example/webhooks/conductorone');
    await c1.close();
    const response = await bridge.post(Buffer.from('{}'), { authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'jwks_unavailable' });
  });

  it('keeps verifying with the cached keys while the JWKS is down', async () => {
    c1 = await startFakeConductorOne();
    bridge = await startTestBridge({ c1 });
    expect((await bridge.deliver(fixture('test'))).statusCode).toBe(200);
    c1.failJwks(100, 500);
    expect((await bridge.deliver(fixture('provision-grant'))).statusCode).toBe(202);
    // An unknown kid while the JWKS is down is still a refusal, not a pass.
    expect((await bridge.deliver(fixture('provision-grant'), { unknownKey: true })).statusCode).toBe(401);
  });

  it('refetches the JWKS at most once per cooldown, however many unknown kids arrive', async () => {
    c1 = await startFakeConductorOne();
    bridge = await startTestBridge({ c1 });
    expect((await bridge.deliver(fixture('test'))).statusCode).toBe(200);
    const before = c1.jwksRequests;
    for (let i = 0; i < 10; i += 1) {
      expect((await bridge.deliver(fixture('test'), { unknownKey: true })).statusCode).toBe(401);
    }
    expect(c1.jwksRequests - before).toBeLessThanOrEqual(1);
  });

  it('answers 503 redis_unavailable when Redis is unreachable, with a JSON body that leaks nothing', async () => {
    c1 = await startFakeConductorOne();
    // Port 1 on loopback: nothing listens there.
    bridge = await startTestBridge({ c1, redisUrl: 'redis://127.0.0.1:1' });
    const response = await bridge.deliver(fixture('provision-grant'));
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'redis_unavailable', message: 'the queue is unavailable; retry later' });
  });
});
