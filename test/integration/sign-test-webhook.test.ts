import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { devKey, serveJwks } from '../../src/cli/dev-signing.ts';
import { writeConfig } from '../helpers/bridge-process.ts';
import { startBridgeProcess } from '../helpers/bridge-process.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { Redis } from 'ioredis';
import { captureIo } from '../helpers/capture-io.ts';

describe('sign-test-webhook and serve-dev-jwks', () => {
  it('signs a fixture that a bridge trusting the development JWKS accepts, and prints curl by default', async () => {
    const keyDir = mkdtempSync(join(tmpdir(), 'c1tb-dev-'));
    const key = await devKey(keyDir);
    expect((await devKey(keyDir)).privateJwk.kid).toBe(key.privateJwk.kid);
    const jwks = await serveJwks(key, 0);
    const prefix = uniquePrefix('dev');
    const path = writeConfig(
      [
        'server: { host: 127.0.0.1, port: 0, publicUrl: "https://bridge.acme.example" }',
        `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
        `conductorone: { tenant: acme.conductor.one, jwksUrl: "${jwks.url}" }`,
      ].join('\n'),
    );
    const bridge = startBridgeProcess(path, { BRIDGE_ROLE: 'api' });
    const redis = new Redis(REDIS_URL);
    try {
      const address = await bridge.address();
      const printed = captureIo();
      const printedCode = await runCli(['sign-test-webhook', '--config', path, '--key-dir', keyDir, '--to', `${address}/webhooks/conductorone`], {}, printed.io);
      expect(printed.err).toEqual([]);
      expect(printedCode).toBe(0);
      expect(printed.out[1]).toMatch(new RegExp(`^curl -sS -X POST '${address}/webhooks/conductorone' .*Authorization: Bearer ey`));

      const sent = captureIo();
      expect(await runCli(['sign-test-webhook', '--config', path, '--key-dir', keyDir, '--to', `${address}/webhooks/conductorone`, '--send'], {}, sent.io)).toBe(0);
      expect(sent.out).toEqual(['202 {"status":"accepted","taskId":"2pQdTask0001","stepId":"2pQdStepProv"}']);

      const test = captureIo();
      expect(await runCli(['sign-test-webhook', '--fixture', 'test', '--config', path, '--key-dir', keyDir, '--to', `${address}/webhooks/conductorone`, '--send'], {}, test.io)).toBe(0);
      expect(test.out).toEqual(['200 {"version":"v1"}']);

      const missing = captureIo();
      expect(await runCli(['sign-test-webhook', '--fixture', 'nope', '--config', path, '--key-dir', keyDir], {}, missing.io)).toBe(2);
      expect(missing.err[0]).toContain('no fixture "nope"');
    } finally {
      bridge.child.kill('SIGTERM');
      await bridge.exited;
      jwks.server.close();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    }
  });
});
