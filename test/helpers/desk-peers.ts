import { afterAll, afterEach, beforeAll } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import type { TestBridge } from './test-bridge.ts';

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
