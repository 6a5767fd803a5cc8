import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BridgeProcess {
  child: ChildProcess;
  output: () => string;
  /** The listening address, once the API role logged it. */
  address: () => Promise<string>;
  waitForLog: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
}

export function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'c1tb-proc-'));
  const path = join(dir, 'bridge.yaml');
  writeFileSync(path, text);
  return path;
}

/** `node src/main.ts` as an operator would run it, with its own config and role. */
export function startBridgeProcess(configPath: string, env: Record<string, string> = {}): BridgeProcess {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '', BRIDGE_CONFIG: configPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLog = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const tick = setInterval(() => {
        if (pattern.test(output)) {
          clearInterval(tick);
          resolve();
        } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
          clearInterval(tick);
          reject(new Error(`no ${String(pattern)} in:\n${output}`));
        }
      }, 20);
    });
  return {
    child,
    output: () => output,
    exited,
    waitForLog,
    async address() {
      await waitForLog(/Server listening at http:\/\/127\.0\.0\.1:\d+/);
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] === undefined) throw new Error('no address');
      return match[1];
    },
  };
}
