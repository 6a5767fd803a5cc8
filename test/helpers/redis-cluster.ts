import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  child: ChildProcess;
}

export interface OwnCluster {
  /** Seed nodes, as `redis.cluster` takes them. */
  seeds: Array<{ host: string; port: number }>;
  nodes: ClusterNode[];
  /** The port of the master that serves the hash slot of `key` now. */
  masterOf(key: string): Promise<number>;
  /** SIGKILLs the node on `port` (no chance to hand over), as a crashed host would. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again with its cluster state file: it rejoins, as a replica once its slots moved on. */
  rejoin(port: number): Promise<void>;
  /** Resolves once every slot is served again and the node on `formerMaster` no longer serves `key`. */
  failedOver(key: string, formerMaster: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

async function answers(port: number, check: (probe: Redis) => Promise<boolean>): Promise<boolean> {
  const probe = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined); // refused while the node starts or after it was killed: the callers wait that out
  try {
    await probe.connect();
    return await check(probe);
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

async function clusterOk(port: number): Promise<boolean> {
  return answers(port, async (probe) => /cluster_state:ok/.test(String(await probe.call('CLUSTER', 'INFO'))));
}

async function synced(port: number): Promise<boolean> {
  return answers(port, async (probe) => {
    const info = await probe.info('replication');
    return /role:master/.test(info) || /master_link_status:up/.test(info);
  });
}

/**
 * A Redis Cluster of the test's own on loopback: three masters, each with one replica, created with
 * `redis-cli --cluster create` as an operator would. A node that loses its master for `nodeTimeoutMs` fails over.
 */
export async function startOwnCluster(options: { nodeTimeoutMs?: number } = {}): Promise<OwnCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'c1tb-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < 6; i += 1) ports.push(await freePort());
  const launch = (port: number) =>
    spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `dump-${port.toString()}.rdb`,
        '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes',
        '--cluster-config-file', join(dir, `nodes-${port.toString()}.conf`),
        '--cluster-node-timeout', String(options.nodeTimeoutMs ?? 1000),
        '--logfile', join(dir, `redis-${port.toString()}.log`),
      ],
      { stdio: 'ignore' },
    );
  const nodes: ClusterNode[] = ports.map((port) => ({ port, child: launch(port) }));
  const stop = async () => {
    await Promise.all(
      nodes.map(
        (node) =>
          new Promise<void>((resolve) => {
            if (node.child.exitCode !== null || node.child.signalCode !== null) return resolve();
            node.child.once('exit', () => resolve());
            node.child.kill('SIGKILL');
          }),
      ),
    );
  };
  try {
    for (const port of ports) await waitFor(`cluster node ${port.toString()} to answer`, () => answers(port, async (p) => (await p.ping()) === 'PONG'));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p.toString()}`), '--cluster-replicas', '1', '--cluster-yes']);
    for (const port of ports) await waitFor(`cluster node ${port.toString()} to see the cluster ok`, () => clusterOk(port), 20_000, 100);
    // A replica that never finished its first sync may not take over (cluster-replica-validity-factor): wait for it.
    for (const port of ports) await waitFor(`cluster node ${port.toString()} to be a master or a synced replica`, () => synced(port), 20_000, 100);
  } catch (error) {
    await stop();
    throw error;
  }

  const alive = () => nodes.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
  const masterOf = async (key: string): Promise<number> => {
    for (const node of alive()) {
      let owner: number | undefined;
      await answers(node.port, async (probe) => {
        const slot = Number(await probe.call('CLUSTER', 'KEYSLOT', key));
        const ranges = (await probe.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
        owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        return owner !== undefined;
      });
      if (owner !== undefined) return owner;
    }
    throw new Error(`no live node knows who serves ${key}`);
  };
  return {
    seeds: ports.map((port) => ({ host: '127.0.0.1', port })),
    nodes,
    masterOf,
    async kill(port) {
      const node = nodes.find((n) => n.port === port);
      if (node === undefined) throw new Error(`no node on ${port.toString()}`);
      await new Promise<void>((resolve) => {
        node.child.once('exit', () => resolve());
        node.child.kill('SIGKILL');
      });
    },
    async rejoin(port) {
      const node = nodes.find((n) => n.port === port);
      if (node === undefined) throw new Error(`no node on ${port.toString()}`);
      node.child = launch(port);
      await waitFor(`node ${port.toString()} to rejoin as a synced replica`, async () => (await clusterOk(port)) && (await synced(port)), 30_000, 100);
    },
    async failedOver(key, formerMaster, timeoutMs = 30_000) {
      return waitFor(
        `a replica to take over ${key} from ${formerMaster.toString()}`,
        async () => {
          const now = await masterOf(key).catch(() => formerMaster);
          if (now === formerMaster) return false;
          return (await clusterOk(now)) ? now : false;
        },
        timeoutMs,
        100,
      );
    },
    stop,
  };
}
