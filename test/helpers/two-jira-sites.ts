import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startFakeJira, type FakeJira } from '../../src/desks/jira/fake-jira.ts';
import type { TestBridge } from './test-bridge.ts';

export interface TwoJiraSites {
  c1: FakeConductorOne;
  /** The `jira:` section's site. */
  cloud: FakeJira;
  /** A second site, configured as a named desk. */
  other: FakeJira;
  bridge: TestBridge | undefined;
}

/**
 * A fake ConductorOne and two fake Jira sites for the whole file (both number their issues the same way, so the same
 * issue id and key exist on each), reset and the test's bridge closed after each test.
 */
export function useTwoJiraSites(): TwoJiraSites {
  const peers = { bridge: undefined } as TwoJiraSites;
  beforeAll(async () => {
    [peers.c1, peers.cloud, peers.other] = await Promise.all([startFakeConductorOne(), startFakeJira(), startFakeJira()]);
  });
  afterAll(async () => {
    await Promise.all([peers.c1.close(), peers.cloud.close(), peers.other.close()]);
  });
  afterEach(async () => {
    await peers.bridge?.close();
    peers.bridge = undefined;
    peers.cloud.reset();
    peers.other.reset();
    peers.c1.callbacks.length = 0;
  });
  return peers;
}
