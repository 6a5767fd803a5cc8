import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

export interface OwnRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops it the way an operator's restart does (SIGTERM: the AOF is flushed), or finds it stopped, and starts it again on the same port. */
  restart?(): Promise<void>;
  /** SIGSTOP / SIGCONT: the server neither answers nor replicates in between, as a stalled host. */
  freeze?(): void;
  thaw?(): void;
  /** Sentinel only: resolves once it names the server on `port` as the master. */
  masterMoved?(port: number, timeoutMs?: number): Promise<void>;
}

/** A Redis of the test's own on a free port, so the test can stop it without touching the shared one. */
export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  // Its own folder: a replica's full sync and a shutdown write an RDB file there, never into the work tree.
  const dir = mkdtempSync(join(tmpdir(), 'c1tb-redis-'));
  const launch = () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
  let child: ChildProcess = launch();
  const url = `redis://127.0.0.1:${port.toString()}`;
  const answering = () => waitFor('the test Redis to answer', async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused while it starts: that is what the loop waits out
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  });
  await answering();
  return {
    url,
    port,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    async restart() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      child = launch();
      await answering();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

/** A Redis Sentinel of the test's own that monitors `master` under the name `name`. */
export async function startOwnSentinel(
  master: OwnRedis,
  name = 'bridge-master',
  timing: { downAfterMs?: number; failoverTimeoutMs?: number } = {},
): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'c1tb-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [`port ${port.toString()}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${master.port.toString()} 1`,
    ...(timing.downAfterMs === undefined ? [] : [`sentinel down-after-milliseconds ${name} ${timing.downAfterMs.toString()}`]),
    ...(timing.failoverTimeoutMs === undefined ? [] : [`sentinel failover-timeout ${name} ${timing.failoverTimeoutMs.toString()}`]),
    '',
  ].join('\n'));
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port.toString()}`;
  const namesMaster = (expected: number) => async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused while it starts: that is what the loop waits out
    try {
      await probe.connect();
      const reply = (await probe.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
      return reply?.[1] === String(expected);
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  };
  await waitFor('the test Sentinel to know its master', namesMaster(master.port));
  return {
    url,
    port,
    async masterMoved(to, timeoutMs = 30_000) {
      await waitFor(`the test Sentinel to promote the server on ${to.toString()}`, namesMaster(to), timeoutMs, 100);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
