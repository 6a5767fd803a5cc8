/**
 * `npm run bench`: the real ConductorOne route against three references on the same machine, each served in turn by
 * this process while a second process sends the load; then the whole path through the bridge's own processes
 * (pipeline.ts). See bench/README.md.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startFakeConductorOne, type FakeConductorOne } from '../src/sandbox/conductorone.ts';
import { parseBenchArgs, USAGE, type BenchOptions, type TargetName } from './args.ts';
import { bodyTemplate, writePool, type Signer } from './pool.ts';
import { deleteUnder } from './redis-cleanup.ts';
import { cpuMark, coresElsewhere } from './cpu-elsewhere.ts';
import { cpuRatioLines, cpuTable, describeMachine, disturbanceLines, machineLines, ratioLines, ratios, resultsMarkdown, settingsLine, table, type Machine, type Run } from './report.ts';
import { runPipeline, type PipelineResult } from './pipeline.ts';
import { pipelineLines, pipelineProblems } from './pipeline-report.ts';
import { runLoad, type LoadResult } from './run-load.ts';
import { runScale, type ScaleResult } from './scale.ts';
import { scaleLines, scaleMarkdown, scaleProblems } from './scale-report.ts';
import { startBare } from './targets/bare.ts';
import { startMinimal } from './targets/minimal.ts';
import { AUDIENCE, HTU, type Target } from './targets/target.ts';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const FIXTURE = fileURLToPath(new URL('../test/fixtures/conductorone/provision-grant.json', import.meta.url));
const REVOKE_FIXTURE = fileURLToPath(new URL('../test/fixtures/conductorone/provision-revoke.json', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results.md', import.meta.url));

/** Tokens live 120 s from signing; the oldest entry of a pool must still be valid when the run ends. */
const TOKEN_LIFETIME_SECONDS = 120;
const TOKEN_SLACK_SECONDS = 10;

/**
 * Before its run, each target is driven briefly with a small pool used over and over; its pace sizes the run's pool.
 * Resent tokens can only make the probe faster (they get a stored answer), so the bound errs on the safe side.
 */
const PROBE_WARMUP_SECONDS = 2;
const PROBE_SECONDS = 1;
const PROBE_POOL = 5_000;
/**
 * A probed second is only a rough bound (a shared machine's pace can swing several-fold within a minute), but a larger
 * margin costs signing time before every run; a run that outgrows its pool is repeated with a larger one.
 */
const POOL_MARGIN = 1.5;
/** A run whose pool ran out does not count; it is run again with a pool sized from what it asked for. */
const MAX_ATTEMPTS = 3;
/** About 500 MB of tokens: past this, signing outlasts a good part of the tokens' life. */
const MAX_POOL = 1_000_000;

interface Context {
  options: BenchOptions;
  redis: Redis;
  fake: FakeConductorOne;
  prefix: string;
  fixture: unknown;
  dir: string;
  sign: Signer;
}

async function startTarget(name: TargetName, context: Context): Promise<Target> {
  const { fake, prefix } = context;
  switch (name) {
    case 'bare':
      return startBare();
    case 'minimal':
      return startMinimal({ jwksUrl: fake.jwksUrl, issuer: fake.tenant, redisUrl: REDIS_URL, prefix });
    // The two below use the app's sources and are loaded only when asked for, so the references still run while those
    // are mid-edit.
    case 'parsed': {
      const { startParsed } = await import('./targets/parsed.ts');
      return startParsed({ jwksUrl: fake.jwksUrl, issuer: fake.tenant, redisUrl: REDIS_URL, prefix });
    }
    case 'bridge': {
      const { startBridge } = await import('./targets/bridge.ts');
      return startBridge({ tenant: fake.tenant, jwksUrl: fake.jwksUrl, redisUrl: REDIS_URL, prefix });
    }
  }
}

async function signPool(context: Context, label: string, count: number): Promise<{ file: string; seconds: number }> {
  const file = join(context.dir, `${label}.jsonl`);
  const started = performance.now();
  await writePool(file, bodyTemplate(context.fixture, `${context.prefix}-${label}`), count, context.sign);
  return { file, seconds: (performance.now() - started) / 1000 };
}

/** Requests per second the target takes at the bench's concurrency, from a short run that is not measured. */
async function probe(target: Target, label: string, context: Context): Promise<number> {
  const pool = await signPool(context, `${label}-probe`, PROBE_POOL);
  try {
    const load = await runLoad({
      url: target.url,
      poolFile: pool.file,
      duration: PROBE_SECONDS,
      warmup: PROBE_WARMUP_SECONDS,
      connections: context.options.connections,
      reuse: true,
    });
    if (load.non2xx > 0 || load.errors > 0) {
      throw new Error(`${label}: the probe got ${load.non2xx} non-2xx answers and ${load.errors} errors (status counts ${JSON.stringify(load.statusCodes)})`);
    }
    return load.requestsPerSecond;
  } finally {
    await rm(pool.file, { force: true });
  }
}

function problemsOf(name: string, load: LoadResult, jobs: number | undefined): string[] {
  const problems: string[] = [];
  if (load.non2xx > 0) problems.push(`${name}: ${load.non2xx} non-2xx answers (status counts ${JSON.stringify(load.statusCodes)})`);
  if (load.errors > 0 || load.timeouts > 0) problems.push(`${name}: ${load.errors} connection errors, ${load.timeouts} of them timeouts`);
  if (load.exhausted) {
    problems.push(`${name}: the pool of ${load.poolSize} entries ran out ${MAX_ATTEMPTS} times, so tokens were resent; shorten --duration`);
  }
  if (jobs !== undefined && jobs < load.accepted) {
    problems.push(`${name}: ${load.accepted} requests accepted but only ${jobs} jobs enqueued: some answers were not new work`);
  }
  return problems;
}

interface Attempt {
  load: LoadResult;
  jobs: number | undefined;
  coresElsewhere: number;
  cpu: Run['cpu'];
}

async function runOnce(target: Target, label: string, run: string, context: Context, bound: number): Promise<Attempt> {
  const { options } = context;
  const seconds = options.warmup + options.duration;
  const count = Math.ceil(bound * seconds) + 2 * options.connections;
  if (count > MAX_POOL) {
    throw new Error(`${label}: a run this long at up to ${Math.round(bound)} requests/s needs ${count} tokens, more than ${MAX_POOL}; shorten --duration`);
  }
  process.stdout.write(`${label}: signing ${count.toLocaleString('en-US')} tokens… `);
  const pool = await signPool(context, run, count);
  console.log(`${pool.seconds.toFixed(1)} s`);
  try {
    if (pool.seconds + seconds + TOKEN_SLACK_SECONDS > TOKEN_LIFETIME_SECONDS) {
      throw new Error(`${label}: signing took ${pool.seconds.toFixed(0)} s, so the first tokens would expire before the run ends; shorten --duration or --warmup`);
    }
    const before = await target.jobCount();
    console.log(`${label}: ${options.warmup} s warm-up, then ${options.duration} s measured at ${options.connections} connections`);
    const started = await cpuMark(context.redis);
    const load = await runLoad({
      url: target.url,
      poolFile: pool.file,
      duration: options.duration,
      warmup: options.warmup,
      connections: options.connections,
      reuse: false,
    });
    const ended = await cpuMark(context.redis);
    const elsewhere = coresElsewhere(started, ended, load.cpuSeconds);
    const answered = Math.max(1, load.accepted + load.non2xx);
    const cpu = {
      server: ((ended.self - started.self) * 1e6) / answered,
      redis: ((ended.redis - started.redis) * 1e6) / answered,
      load: (load.cpuSeconds * 1e6) / answered,
    };
    const after = await target.jobCount();
    const jobs = before === undefined || after === undefined ? undefined : after - before;
    const used = Math.min(load.requested, load.poolSize).toLocaleString('en-US');
    const enqueued = jobs === undefined ? '' : `, ${jobs} jobs enqueued`;
    console.log(`${label}: ${used} of ${load.poolSize.toLocaleString('en-US')} pool entries used; ${load.accepted} accepted${enqueued}; ${elsewhere.toFixed(2)} cores busy elsewhere`);
    return { load, jobs, coresElsewhere: elsewhere, cpu };
  } finally {
    await rm(pool.file, { force: true });
  }
}

async function measure(name: TargetName, round: number, context: Context): Promise<{ run: Run; problems: string[] }> {
  const { options } = context;
  const label = options.rounds > 1 ? `[round ${round}] ${name}` : name;
  const target = await startTarget(name, context);
  try {
    const probed = await probe(target, `${name}-${round}`, context);
    console.log(`${label}: probe ${Math.round(probed).toLocaleString('en-US')} requests/s`);
    let bound = probed * POOL_MARGIN;
    for (let attempt = 1; ; attempt += 1) {
      const { load, jobs, coresElsewhere: elsewhere, cpu } = await runOnce(target, label, `${name}-${round}-${attempt}`, context, bound);
      if (!load.exhausted || attempt === MAX_ATTEMPTS) {
        return { run: { target: name, round, load, jobs, coresElsewhere: elsewhere, cpu }, problems: problemsOf(label, load, jobs) };
      }
      bound = Math.max(bound * 2, (load.requested / (options.warmup + options.duration)) * POOL_MARGIN);
      console.log(`${label}: the pool ran out, so that run does not count; again with a larger pool`);
    }
  } finally {
    await target.close();
    // Swept after each target, so one target's records never sit in Redis while the next is measured.
    await deleteUnder(context.redis, context.prefix);
  }
}

async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis is not reachable at ${REDIS_URL} (${error instanceof Error ? error.message : String(error)}); start it or set REDIS_URL`, { cause: error });
  }
  return redis;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2), RESULTS);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options.warmup + options.duration + TOKEN_SLACK_SECONDS > TOKEN_LIFETIME_SECONDS / 2) {
    console.error(`--warmup + --duration must stay under ${TOKEN_LIFETIME_SECONDS / 2 - TOKEN_SLACK_SECONDS} s: tokens live ${TOKEN_LIFETIME_SECONDS} s and the pool is signed before the run`);
    return 2;
  }

  const fixture: unknown = JSON.parse(await readFile(FIXTURE, 'utf8'));
  const redis = await connectRedis();
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const settings = { duration: options.duration, warmup: options.warmup, connections: options.connections, rounds: options.rounds };
  const runs: Run[] = [];
  const problems: string[] = [];
  let machine: Machine;
  let pipeline: PipelineResult | undefined;
  let scale: ScaleResult | undefined;
  let fake: FakeConductorOne | undefined;
  let dir: string | undefined;
  try {
    machine = describeMachine(/redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown');
    for (const line of [...machineLines(machine), settingsLine(settings)]) console.log(line);
    const c1 = await startFakeConductorOne();
    fake = c1;
    dir = await mkdtemp(join(tmpdir(), 'c1-bench-'));
    const context: Context = { options, redis, fake: c1, prefix, fixture, dir, sign: (body) => c1.sign(body, AUDIENCE, HTU, { alg: 'ES256' }) };
    for (let round = 1; options.parts.includes('ingest') && round <= options.rounds; round += 1) {
      for (const name of options.targets) {
        const result = await measure(name, round, context);
        runs.push(result.run);
        problems.push(...result.problems);
      }
    }
    if (options.parts.includes('latency') || options.parts.includes('burst')) {
      pipeline = await runPipeline(
        { redis, redisUrl: REDIS_URL, c1, fixture, dir },
        { latencyTasks: options.latencyTasks, burstTasks: options.burstTasks, jiraRate: options.jiraRate },
        { latency: options.parts.includes('latency'), burst: options.parts.includes('burst') },
      );
      problems.push(...pipelineProblems(pipeline));
    }
    const scaleParts = { footprint: options.parts.includes('footprint'), reconcile: options.parts.includes('reconcile'), twoDesks: options.parts.includes('two-desks') };
    if (scaleParts.footprint || scaleParts.reconcile || scaleParts.twoDesks) {
      const revokeFixture: unknown = JSON.parse(await readFile(REVOKE_FIXTURE, 'utf8'));
      scale = await runScale(
        { redis, redisUrl: REDIS_URL, c1, fixture, revokeFixture, dir },
        {
          footprintSteps: options.footprintSteps,
          reconcileTickets: options.reconcileTickets,
          reconcileRate: 100,
          reconcileWebhooks: 200,
          twoDesksTasks: options.twoDesksTasks,
          twoDesksJiraRate: 50,
          twoDesksSnRate: 200,
        },
        scaleParts,
      );
      problems.push(...scaleProblems(scale));
    }
  } finally {
    await fake?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    await deleteUnder(redis, prefix);
    redis.disconnect();
  }

  if (runs.length > 0) {
    console.log('');
    console.log(table(runs));
    console.log('');
    for (const line of [...ratioLines(ratios(runs)), ...disturbanceLines(runs)]) console.log(line);
    console.log('\nCPU per answered request (less sensitive than throughput to other work on the machine):\n');
    console.log(cpuTable(runs));
    for (const line of cpuRatioLines(runs)) console.log(line);
  }
  if (pipeline !== undefined) {
    console.log('');
    for (const line of pipelineLines(pipeline)) console.log(line);
  }
  if (scale !== undefined) {
    console.log('');
    for (const line of scaleLines(scale)) console.log(line);
  }
  if (problems.length > 0) {
    console.error(`\nThe bench run failed; ${options.resultsFile === undefined ? 'nothing written' : 'results.md left unchanged'}:`);
    for (const problem of problems) console.error(`- ${problem}`);
    return 1;
  }
  if (options.resultsFile !== undefined && pipeline !== undefined) {
    const markdown = resultsMarkdown(machine, settings, runs, pipeline, { latencyTasks: options.latencyTasks }, new Date());
    await writeFile(options.resultsFile, [markdown, ...(scale === undefined ? [] : scaleMarkdown(scale))].join('\n'));
    console.log(`\nWritten to ${options.resultsFile}`);
  }
  return 0;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
});
