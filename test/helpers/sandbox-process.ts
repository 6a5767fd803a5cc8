import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { REDIS_URL } from './redis.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface SandboxProcess {
  url: string;
  /** The Redis prefix the sandbox keeps its records under (from its log line). */
  prefix: string;
  admin: { username: string; password: string };
  output: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `npm start` as a newcomer runs it: `node src/main.ts` in a directory without any config file, on a free port.
 * `env` is added to a bare environment (PATH and REDIS_URL only); `nodeFlags` go to node before the script.
 */
export function spawnMain(env: Record<string, string> = {}, nodeFlags: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeFlags, MAIN], {
    cwd: mkdtempSync(join(tmpdir(), 'c1tb-noconfig-')),
    env: { PATH: process.env['PATH'] ?? '', REDIS_URL, LOG_FORMAT: 'json', BRIDGE_SANDBOX_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

export async function startSandboxProcess(env: Record<string, string> = {}, nodeFlags: readonly string[] = []): Promise<SandboxProcess> {
  const run = spawnMain(env, nodeFlags);
  const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setInterval(() => {
      const found = run
        .output()
        .split('\n')
        .find((l) => l.includes('SANDBOX MODE'));
      if (found !== undefined) {
        clearInterval(timer);
        resolve(JSON.parse(found) as Record<string, unknown>);
      } else if (run.child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`the sandbox exited:\n${run.output()}`));
      }
    }, 20);
    setTimeout(() => {
      clearInterval(timer);
      reject(new Error(`no sandbox line in:\n${run.output()}`));
    }, 20_000);
  });
  const url = String(line['url']);
  const page = await (await fetch(url)).text();
  const login = /login in this sandbox: <code>([^<]+)<\/code> \/ <code>([^<]+)<\/code>/.exec(page);
  return {
    url,
    prefix: String(line['prefix']),
    admin: { username: login?.[1] ?? '', password: login?.[2] ?? '' },
    output: run.output,
    async stop() {
      run.child.kill('SIGTERM');
      return run.exited;
    },
  };
}
