import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import type { RecordedRequest } from '../../src/sandbox/listen.ts';
import { loadFixture, type Fixtures } from '../fixtures/load-fixture.ts';
import type { DepsOverrides } from '../../src/deps.ts';
import { startTestBridge, type TestBridge } from './test-bridge.ts';

export interface BridgeOptions {
  workers?: boolean;
  overrides?: DepsOverrides;
}

export interface FakePeers {
  c1: FakeConductorOne;
  jira: FakeJira;
  /** Starts a bridge wired to both fakes (Jira as the default route), with workers unless `workers: false`. */
  bridge(config?: Record<string, unknown>, options?: BridgeOptions): Promise<TestBridge>;
  /** The grant fixture with a callback URL of its own on the fake C1 (C1 uses a URL up once it accepted it). */
  grant(callbackToken?: string): { body: Fixtures['provision-grant']; token: string };
  /** The callbacks the fake C1 received on the URL of this token. */
  callbacksTo(token: string): RecordedRequest[];
}

/**
 * A fake ConductorOne and a fake Jira for the whole file, started before its first test and closed after its last;
 * every bridge a test starts is closed and Jira forgets its issues after each test.
 */
export function useFakePeers(): FakePeers {
  const started: TestBridge[] = [];
  const peers = {
    async bridge(config: Record<string, unknown> = {}, options: BridgeOptions = {}) {
      const bridge = await startTestBridge({
        c1: peers.c1,
        ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
        config: {
          conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
          // This fake Jira's search sees an issue at once: no index lag to wait out on a retry.
          jira: { baseUrl: peers.jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', indexLagSeconds: 0 },
          defaultRoute: { jira: { project: 'OPS' } },
          reconcile: { intervalSeconds: 0 },
          ...config,
        },
      });
      started.push(bridge);
      if (options.workers !== false) await bridge.deps.startWorkers();
      return bridge;
    },
    grant(token = `cb-${randomUUID()}`) {
      const body = loadFixture('provision-grant');
      body.callbackUrl = peers.c1.callbackUrl(token);
      return { body, token };
    },
    callbacksTo: (token: string) => peers.c1.callbacks.filter((request) => request.path.endsWith(`/${token}`)),
  } as FakePeers;
  beforeAll(async () => {
    peers.c1 = await startFakeConductorOne();
    peers.jira = await startFakeJira();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((bridge) => bridge.close()));
    peers.jira.reset();
  });
  afterAll(async () => {
    await peers.c1.close();
    await peers.jira.close();
  });
  return peers;
}
