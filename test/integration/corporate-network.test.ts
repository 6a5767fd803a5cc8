import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlags } from '../../bench/bridge-processes.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../src/desks/servicenow/fake-servicenow.ts';
import { loadFixture } from '../fixtures/load-fixture.ts';
import { writeConfig } from '../helpers/bridge-process.ts';
import { startConnectProxy, type ConnectProxy } from '../helpers/connect-proxy.ts';
import { deleteUnder, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { spawnMain } from '../helpers/sandbox-process.ts';
import { makeTestCa, type TestCa } from '../helpers/test-ca.ts';
import { waitFor } from '../helpers/wait-for.ts';

const PUBLIC_URL = 'https://bridge.acme.example';
const JIRA_SECRET = 'proxy-jira-secret';
const portOf = (url: string) => new URL(url).port;

/**
 * A network like a company's: the bridge reaches ConductorOne and Jira only through a CONNECT proxy (their names
 * resolve nowhere else), their certificates come from a private CA, and ServiceNow sits inside (NO_PROXY) behind the
 * same CA. The bridge runs as `npm start` runs it.
 */
describe('corporate network: HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS', () => {
  let ca: TestCa;
  let proxy: ConnectProxy;
  let c1: FakeConductorOne;
  /** The same tenant over plain HTTP on loopback, where the bridge allows http: for a run without the CA bundle. */
  let plainC1: FakeConductorOne;
  let jira: FakeJira;
  let servicenow: FakeServiceNow;
  const redis = new Redis(REDIS_URL);

  beforeAll(async () => {
    ca = makeTestCa(['jira.corp.test', 'c1.corp.test', '127.0.0.1']);
    // ConductorOne's JWKS and callbacks must be https off loopback: the tenant sits behind the proxy, on TLS.
    c1 = await startFakeConductorOne(undefined, { tls: ca });
    plainC1 = await startFakeConductorOne();
    jira = await startFakeJira({ tls: ca });
    servicenow = await startFakeServiceNow({ tls: ca });
    proxy = await startConnectProxy({ 'jira.corp.test': '127.0.0.1', 'c1.corp.test': '127.0.0.1' });
  });

  afterAll(async () => {
    await Promise.all([c1.close(), plainC1.close(), jira.close(), servicenow.close(), proxy.close()]);
    redis.disconnect();
  });

  const startBridge = (env: Record<string, string>, tenant: 'behind the proxy' | 'plain on loopback' = 'behind the proxy') => {
    const prefix = uniquePrefix('proxy');
    const signer = tenant === 'behind the proxy' ? c1 : plainC1;
    const c1Url = tenant === 'behind the proxy' ? `https://c1.corp.test:${portOf(c1.url)}` : plainC1.url;
    const path = writeConfig(
      [
        `server: { host: 127.0.0.1, port: 0, publicUrl: "${PUBLIC_URL}" }`,
        `redis: { url: "${REDIS_URL}", prefix: ${prefix} }`,
        `conductorone: { tenant: ${c1.tenant}, jwksUrl: "${c1Url}/auth/v1/jwks", callbackOrigins: ["${c1Url}"] }`,
        `jira: { baseUrl: "https://jira.corp.test:${portOf(jira.url)}", email: bridge@acme.example, apiToken: jira-api-token, webhookSecret: ${JIRA_SECRET} }`,
        `servicenow: { instanceUrl: "${servicenow.url}", username: bridge, password: sn-password }`,
        'routes:',
        '  - { name: github, match: { appName: GitHub }, jira: { project: OPS } }',
        '  - { name: salesforce, match: { appName: Salesforce }, servicenow: { table: sc_task } }',
        'reconcile: { intervalSeconds: 0 }',
        'jobs: { attempts: 1, backoffMs: 50 }',
      ].join('\n'),
    );
    const run = spawnMain({ BRIDGE_CONFIG: path, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1,localhost', ...env }, startFlags());
    return {
      ...run,
      c1Url,
      async address() {
        await waitFor('the bridge to listen', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1], 15_000);
        return /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(run.output())?.[1] ?? '';
      },
      async deliver(address: string, fixture: 'provision-grant' | 'provision-revoke', callbackToken: string) {
        const body = loadFixture(fixture);
        body.callbackUrl = `${c1Url}/api/v1/webhooks/callback/${callbackToken}`;
        const bytes = Buffer.from(JSON.stringify(body));
        const token = await signer.sign(bytes, new URL(PUBLIC_URL).host, `${PUBLIC_URL}/webhooks/conductorone`);
        return fetch(`${address}/webhooks/conductorone`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bytes });
      },
      async stop() {
        run.child.kill('SIGTERM');
        await run.exited;
        await deleteUnder(redis, prefix);
      },
    };
  };

  it('fetches the JWKS, opens the Jira issue and sends the callback through the proxy, trusting the CA; ServiceNow (NO_PROXY) goes direct', async () => {
    const bridge = startBridge({ NODE_EXTRA_CA_CERTS: ca.caFile });
    try {
      const address = await bridge.address();
      expect(bridge.output()).toContain('outbound network settings');
      expect(bridge.output()).not.toContain('EnvHttpProxyAgent is experimental');
      const grant = await bridge.deliver(address, 'provision-grant', `proxy-${randomUUID()}`);
      expect(grant.status).toBe(202);
      expect(proxy.tunnels).toContain(`c1.corp.test:${portOf(c1.url)}`); // the JWKS

      const issue = await waitFor('the Jira issue', () => [...jira.issues.values()][0]);
      expect(proxy.tunnels).toContain(`jira.corp.test:${portOf(jira.url)}`);

      const event = JSON.stringify(jira.transition(issue.key, 'Done', 'done', 'Done'));
      const resolved = await fetch(`${address}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': jira.sign(event, JIRA_SECRET) }, body: event });
      expect(resolved.status).toBe(200);
      const callback = await waitFor('the callback', () => c1.callbacks[0]);
      expect(JSON.parse(callback.body)).toHaveProperty('complete');
      const c1Tunnels = proxy.tunnels.filter((t) => t.startsWith('c1.corp.test:'));
      expect(c1Tunnels.length).toBeGreaterThanOrEqual(1);

      const revoke = await bridge.deliver(address, 'provision-revoke', `proxy-${randomUUID()}`);
      expect(revoke.status).toBe(202);
      await waitFor('the ServiceNow record', () => servicenow.find('sc_task', () => true));
      expect(proxy.tunnels.filter((t) => t.startsWith('127.0.0.1'))).toEqual([]);
    } finally {
      await bridge.stop();
      jira.reset();
      servicenow.reset();
      c1.callbacks.length = 0;
    }
  });

  it('without the CA bundle the same Jira is refused for its certificate, and no issue is opened', async () => {
    const bridge = startBridge({}, 'plain on loopback');
    try {
      const address = await bridge.address();
      expect((await bridge.deliver(address, 'provision-grant', `proxy-${randomUUID()}`)).status).toBe(202);
      await waitFor('the certificate error', () => /certificate|self-signed|UNABLE_TO_VERIFY|issuer/i.test(bridge.output()), 15_000);
      expect(jira.issues.size).toBe(0);
    } finally {
      await bridge.stop();
      jira.reset();
    }
  });
});
