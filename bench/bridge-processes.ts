/**
 * The bridge as an operator runs it: `npm start`'s command with a config file, one process per role (API and workers
 * scale apart on one Redis). Output goes to a log file, not into this process's memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 20_000;

/** The Node flags of `npm start` (the heap settings the image sets too), so the bench runs what operators run. */
export function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/).filter(Boolean);
  if (words[0] !== 'node' || words.at(-1) !== 'src/main.ts') throw new Error(`npm start is expected to be "node [flags] src/main.ts", not ${JSON.stringify(pkg.scripts?.start)}`);
  return words.slice(1, -1);
}

export interface BridgeProcess {
  role: 'api' | 'worker';
  child: ChildProcess;
  logFile: string;
  /** Resident set size at its highest since the process started, in MiB (Linux `VmHWM`), or undefined elsewhere. */
  peakRssMiB(): Promise<number | undefined>;
  /** CPU seconds (user + system) the process has used so far (Linux `/proc/<pid>/stat`), or undefined elsewhere. */
  cpuSeconds(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startBridgeProcess(role: BridgeProcess['role'], configPath: string, logFile: string): Promise<BridgeProcess> {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...startFlags(), 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', BRIDGE_CONFIG: configPath, BRIDGE_ROLE: role, LOG_FORMAT: 'json' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    role,
    child,
    logFile,
    async peakRssMiB() {
      const status = await readFile(`/proc/${String(child.pid)}/status`, 'utf8').catch(() => undefined);
      const kib = status === undefined ? undefined : /^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1];
      return kib === undefined ? undefined : Number(kib) / 1024;
    },
    async cpuSeconds() {
      const stat = await readFile(`/proc/${String(child.pid)}/stat`, 'utf8').catch(() => undefined);
      // After the command name in parentheses: state is the first field, utime the 12th, stime the 13th (clock ticks,
      // 100 a second on Linux).
      const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields === undefined || fields.length < 13) return undefined;
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits for a log line matching `pattern` and answers its first capture group. */
export async function waitForLog(process: BridgeProcess, pattern: RegExp): Promise<string> {
  const started = Date.now();
  for (;;) {
    const text = await readFile(process.logFile, 'utf8').catch(() => '');
    const match = pattern.exec(text);
    if (match !== null) return match[1] ?? match[0];
    if (process.child.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      throw new Error(`the ${process.role} process did not log ${String(pattern)}; its output (${process.logFile}):\n${text.slice(-2000)}`);
    }
    await sleep(50);
  }
}

export interface BridgePair {
  api: BridgeProcess;
  worker: BridgeProcess;
  /** The API's base URL. */
  address: string;
  stop(): Promise<void>;
}

/** An API and a worker process on a config file written into `dir` from `configLines` (YAML). */
export async function startBridgePair(dir: string, name: string, configLines: readonly string[]): Promise<BridgePair> {
  const configPath = join(dir, `${name}.yaml`);
  await writeFile(configPath, configLines.join('\n'));
  const api = await startBridgeProcess('api', configPath, join(dir, `${name}-api.log`));
  const worker = await startBridgeProcess('worker', configPath, join(dir, `${name}-worker.log`));
  const address = await waitForLog(api, /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/);
  await waitForLog(worker, /"msg":"workers started"/);
  return {
    api,
    worker,
    address,
    async stop() {
      await api.stop();
      await worker.stop();
    },
  };
}
