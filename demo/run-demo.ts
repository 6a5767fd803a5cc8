/**
 * `npm run demo [-- --flavour <name>]`: one ConductorOne task, from its webhook to a desk's ticket, a person's
 * answer, and the callback, on this machine with only Redis. ConductorOne and the desks are the sandbox servers the
 * tests use (real HTTP servers on 127.0.0.1 speaking their wire formats); the bridge is the real one, on a free port.
 * Flavours: demo/flavours/*.ts, listed in FLAVOURS.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.ts';
import { fixtureBody } from '../src/c1/sample-payloads.ts';
import { configSchema } from '../src/config/schema.ts';
import { createDeps } from '../src/deps.ts';
import { createLogger } from '../src/log/logger.ts';
import { startFakeConductorOne } from '../src/sandbox/conductorone.ts';
import { deleteUnder } from '../src/store/keys-under.ts';
import { indent, postJson, until, type DemoFlavour } from './flavours/flavour.ts';
import { jiraApprovalFlavour } from './flavours/jira-approval.ts';
import { jiraCloudFlavour } from './flavours/jira-cloud.ts';
import { jiraDataCenterFlavour } from './flavours/jira-datacenter.ts';
import { jsmFlavour } from './flavours/jira-service-management.ts';
import { serviceNowFlavour } from './flavours/servicenow.ts';

const FLAVOURS: readonly DemoFlavour[] = [jiraCloudFlavour, jiraDataCenterFlavour, jsmFlavour, serviceNowFlavour, jiraApprovalFlavour];

const say = (line = '') => console.log(line);

function usage(): string {
  return ['usage: npm run demo [-- --flavour <name>]', 'flavours:', ...FLAVOURS.map((f) => `  ${f.name.padEnd(12)}${f.summary}`)].join('\n');
}

/** The flavour the command line names, or why it names none. */
export function chooseFlavour(args: readonly string[]): DemoFlavour | { problem: string } | { help: string } {
  let values: { flavour?: string | undefined; help?: boolean | undefined };
  try {
    values = parseArgs({ args: [...args], options: { flavour: { type: 'string' }, help: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    return { problem: `${error instanceof Error ? error.message : String(error)}\n${usage()}` };
  }
  if (values.help === true) return { help: usage() };
  const name = values.flavour ?? 'cloud';
  return FLAVOURS.find((f) => f.name === name) ?? { problem: `unknown flavour ${JSON.stringify(name)}\n${usage()}` };
}

async function run(flavour: DemoFlavour): Promise<number> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `c1tb-demo-${randomUUID().slice(0, 8)}`;
  const publicUrl = 'https://bridge.acme.example';
  const c1 = await startFakeConductorOne('acme.conductor.one');
  const desk = await flavour.startDesk();
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0, publicUrl },
    redis: { url: redisUrl, prefix },
    conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
    reconcile: { intervalSeconds: 0 },
    ...desk.config,
  });
  const deps = await createDeps(config, createLogger({ level: process.env['DEMO_LOG_LEVEL'] === undefined ? 'silent' : (process.env['DEMO_LOG_LEVEL'] as 'info') }));
  const app = await buildApp(deps.app);
  const cleanup = async () => {
    await app.close();
    await deps.close();
    const redis = new Redis(redisUrl);
    await deleteUnder(redis, prefix);
    redis.disconnect();
    await c1.close();
    await desk.close();
  };

  try {
    try {
      await deps.redis.ping();
    } catch {
      say(`Redis does not answer at ${redisUrl}: start it (redis-server) or set REDIS_URL.`);
      return 1;
    }
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    await deps.startWorkers();
    say(`demo flavour ${flavour.name}: ${flavour.summary}`);
    say(`bridge listening at ${address} (public URL ${publicUrl}); sandbox ConductorOne at ${c1.url}, ${desk.label} at ${desk.url}`);

    // 1. ConductorOne asks.
    const body = JSON.parse(fixtureBody(flavour.fixture).toString('utf8')) as Record<string, unknown>;
    const callbackToken = `demo-${randomUUID()}`;
    body['callbackUrl'] = flavour.approval === true ? c1.approvalCallbackUrl(callbackToken) : c1.callbackUrl(callbackToken);
    const bytes = JSON.stringify(body);
    const token = await c1.sign(Buffer.from(bytes), new URL(publicUrl).host, `${publicUrl}/webhooks/conductorone`, { alg: 'ES256' });
    say(`\n1. ConductorOne sends ${flavour.asks}`);
    const ingest = await postJson(`${address}/webhooks/conductorone`, bytes, { authorization: `Bearer ${token}` });
    say(`   bridge answered ${ingest.status.toString()} ${ingest.body}`);
    if (ingest.status !== 202) return 1;

    // 2. The worker opens the ticket.
    // The record says ticket_created once the create and its correlation (a JSM request's label) are done.
    await until('the record', async () => ((await deps.correlationStore.get(flavour.taskId, flavour.stepId))?.state === 'ticket_created' ? true : undefined));
    const ticket = await desk.ticket();
    const [first, ...rest] = ticket.lines;
    say(`\n2. The worker opened ${first ?? ticket.key}`);
    for (const line of rest) say(line);

    // 3. A person answers on the desk; the desk calls the bridge.
    const answer = await desk.answer(ticket.key, address);
    say(`\n3. ${answer.did}`);
    say(`   bridge answered ${answer.status.toString()} ${answer.body}`);

    // 4. The bridge reports to ConductorOne.
    const callback = await until('the callback', () => c1.callbacks[0]);
    say(`\n4. The bridge POSTed to the task's callback URL (${callback.path.replace(/[^/]+$/, '…')}):`);
    say(indent(JSON.stringify(JSON.parse(callback.body), null, 2)));
    const record = await until('the report', async () => {
      const r = await deps.correlationStore.get(flavour.taskId, flavour.stepId);
      return r?.history.some((h) => h.event === 'ticket_commented') === true ? r : undefined;
    });
    say(`\n5. ${ticket.key} got the note: "${desk.note(ticket.key) ?? ''}"`);
    say(`\nThe task record (npx c1-ticket-bridge status ${flavour.taskId}):`);
    for (const entry of record.history) say(`    ${entry.at}  ${entry.event}${entry.detail === undefined ? '' : `  ${entry.detail}`}`);
    say('\nThe loop closed: webhook → ticket → resolution → callback.');
    return 0;
  } finally {
    await cleanup();
  }
}

const chosen = chooseFlavour(process.argv.slice(2));
if ('help' in chosen) {
  say(chosen.help);
} else if ('problem' in chosen) {
  console.error(chosen.problem);
  process.exitCode = 2;
} else {
  run(chosen).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
