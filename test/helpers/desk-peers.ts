import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../src/desks/servicenow/fake-servicenow.ts';
import { startTestBridge, type TestBridge } from './test-bridge.ts';

export interface DeskPeers<D> {
  c1: FakeConductorOne;
  desk: D;
  /** The test's bridge, if it started one: closed after each test. */
  bridge: TestBridge | undefined;
}

/**
 * A fake ConductorOne and a fake desk for the whole file, each test starting from a clean slate: after a test its
 * bridge is closed, the desk reset and the callbacks forgotten. Fields are set once the file's tests run.
 */
export function useDeskPeers<D extends { reset(): void; close(): Promise<void> }>(startDesk: () => Promise<D>): DeskPeers<D> {
  const peers = { bridge: undefined } as DeskPeers<D>;
  beforeAll(async () => {
    peers.c1 = await startFakeConductorOne();
    peers.desk = await startDesk();
  });
  afterAll(async () => {
    await peers.c1.close();
    await peers.desk.close();
  });
  afterEach(async () => {
    await peers.bridge?.close();
    peers.bridge = undefined;
    peers.desk.reset();
    peers.c1.callbacks.length = 0;
  });
  return peers;
}

export interface BothDesks {
  c1: FakeConductorOne;
  jira: FakeJira;
  sn: FakeServiceNow;
  bridge: TestBridge | undefined;
}

/** A fake ConductorOne, Jira and ServiceNow for the whole file, reset (and the test's bridge closed) after each test. */
export function useBothDesks(): BothDesks {
  const peers = { bridge: undefined } as BothDesks;
  beforeAll(async () => {
    [peers.c1, peers.jira, peers.sn] = await Promise.all([startFakeConductorOne(), startFakeJira(), startFakeServiceNow()]);
  });
  afterAll(async () => {
    await Promise.all([peers.c1.close(), peers.jira.close(), peers.sn.close()]);
  });
  afterEach(async () => {
    await peers.bridge?.close();
    peers.bridge = undefined;
    peers.jira.reset();
    peers.sn.reset();
    peers.c1.callbacks.length = 0;
  });
  return peers;
}

/** A bridge on the three fakes (Jira the default route), with `config` merged over that; closed after the test. */
export async function startOnBothDesks(peers: BothDesks, config: Record<string, unknown>): Promise<TestBridge> {
  const bridge = await startTestBridge({
    c1: peers.c1,
    config: {
      conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
      jira: { baseUrl: peers.jira.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', indexLagSeconds: 0 },
      servicenow: { instanceUrl: peers.sn.url, username: 'bridge', password: 'sn-password' },
      defaultRoute: { jira: { project: 'OPS' } },
      ...config,
    },
  });
  peers.bridge = bridge;
  return bridge;
}
