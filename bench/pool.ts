/**
 * The request pool shared by the parent (which holds the signing keys) and the load process (which sends). One file
 * of JSON lines: a header with the body template, then one token per line. The body of entry n is the template with
 * n in its ids, so only the tokens travel and the file stays small; both sides build the bytes with `bodyFor`, which
 * keeps them identical to the bytes the token's `htb_s256` was computed over.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';

const PLACEHOLDER = '@@N@@';

export interface PoolHeader {
  /** The body split where the request number goes. */
  parts: string[];
}

export interface Pool {
  header: PoolHeader;
  tokens: string[];
}

interface ProvisionFixture {
  payload: { taskView: { task: { id: string; policy: { current: { id: string } } } } };
}

function isProvisionFixture(value: unknown): value is ProvisionFixture {
  const task = (value as ProvisionFixture | undefined)?.payload?.taskView?.task;
  return typeof task?.id === 'string' && typeof task.policy?.current?.id === 'string';
}

/**
 * A provisioning delivery whose task and step ids are unique per request (and per run, through `runTag`), so each
 * request creates a new correlation record and a new job instead of hitting one already there.
 */
export function bodyTemplate(fixture: unknown, runTag: string): PoolHeader {
  if (!isProvisionFixture(fixture)) {
    throw new Error('the provisioning fixture has no payload.taskView.task.id or task.policy.current.id; the bench edits both');
  }
  const copy = structuredClone(fixture);
  copy.payload.taskView.task.id = `${runTag}-task-${PLACEHOLDER}`;
  copy.payload.taskView.task.policy.current.id = `${runTag}-step-${PLACEHOLDER}`;
  return { parts: JSON.stringify(copy).split(PLACEHOLDER) };
}

export function bodyFor(header: PoolHeader, n: number): string {
  return header.parts.join(String(n));
}

export type Signer = (body: string) => Promise<string>;

// Signing runs in libuv's thread pool: a few at once keeps every core busy without queueing thousands of promises.
const SIGNING_CONCURRENCY = 8;
const BATCH = 1024;

/** Signs `count` entries and writes them in order; resolves with the entries written per second. */
export async function writePool(file: string, header: PoolHeader, count: number, sign: Signer): Promise<number> {
  const started = performance.now();
  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${JSON.stringify(header)}\n`);
  for (let from = 0; from < count; from += BATCH) {
    const size = Math.min(BATCH, count - from);
    const tokens = new Array<string>(size);
    let next = 0;
    await Promise.all(
      Array.from({ length: SIGNING_CONCURRENCY }, async () => {
        for (let i = next++; i < size; i = next++) tokens[i] = await sign(bodyFor(header, from + i));
      }),
    );
    await write(`${tokens.join('\n')}\n`);
  }
  out.end();
  await once(out, 'finish');
  return count / ((performance.now() - started) / 1000);
}

export async function readPool(file: string): Promise<Pool> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const first = lines[0];
  if (first === undefined || first === '') throw new Error(`the pool file ${file} is empty`);
  const header = JSON.parse(first) as PoolHeader;
  const tokens = lines.slice(1).filter((line) => line !== '');
  return { header, tokens };
}
