import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { waitFor } from './wait-for.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface OwnRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Stops it the way an operator's restart does (SIGTERM: the AOF is flushed) and starts it again on the same port. */
  restart?(): Promise<void>;
}

/** A Redis of the test's own on a free port, so the test can stop it without touching the shared one. */
export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  const launch = () => spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: 'ignore' });
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
    async restart() {
      await new Promise<void>((resolve) => {
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
export async function startOwnSentinel(master: OwnRedis, name = 'bridge-master'): Promise<OwnRedis> {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'c1tb-sentinel-'));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [`port ${port.toString()}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${name} 127.0.0.1 ${master.port.toString()} 1`, ''].join('\n'));
  const child: ChildProcess = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port.toString()}`;
  await waitFor('the test Sentinel to know its master', async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused while it starts: that is what the loop waits out
    try {
      await probe.connect();
      const reply = (await probe.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null;
      return reply?.[1] === String(master.port);
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  });
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
