/**
 * `npm run demo`: one grant, from ConductorOne's webhook to a Jira issue, its resolution, and the callback, on this
 * machine with only Redis. ConductorOne and Jira are the sandbox servers the tests use (real HTTP servers on
 * 127.0.0.1 speaking their wire formats); the bridge is the real one, listening on a free port.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app.ts';
import { configSchema } from '../src/config/schema.ts';
import { createDeps } from '../src/deps.ts';
import { createLogger } from '../src/log/logger.ts';
import { adfToText } from '../src/desks/jira/adf.ts';
import { startFakeConductorOne } from '../src/sandbox/conductorone.ts';
import { startFakeJira } from '../src/desks/jira/fake-jira.ts';

const say = (line = '') => console.log(line);
const indent = (text: string) => text.split('\n').map((line) => `    ${line}`).join('\n');

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

async function main(): Promise<number> {
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `c1tb-demo-${randomUUID().slice(0, 8)}`;
  const c1 = await startFakeConductorOne('acme.conductor.one');
  const jira = await startFakeJira({ email: 'bridge@acme.example', apiToken: 'demo-token' });
  const webhookSecret = 'demo-jira-secret';
  const publicUrl = 'https://bridge.acme.example';

  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0, publicUrl },
    redis: { url: redisUrl, prefix },
    conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
    jira: { baseUrl: jira.url, email: 'bridge@acme.example', apiToken: 'demo-token', webhookSecret },
    routes: [{ name: 'github-admin', match: { appName: 'GitHub' }, jira: { project: 'OPS', labels: ['access'] } }],
    reconcile: { intervalSeconds: 0 },
  });
  const deps = await createDeps(config, createLogger({ level: process.env['DEMO_LOG_LEVEL'] === undefined ? 'silent' : (process.env['DEMO_LOG_LEVEL'] as 'info') }));
  const app = await buildApp(deps.app);
  const cleanup = async () => {
    await app.close();
    await deps.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await c1.close();
    await jira.close();
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
    say(`bridge listening at ${address} (public URL ${publicUrl}); sandbox ConductorOne at ${c1.url}, sandbox Jira at ${jira.url}`);

    // 1. ConductorOne asks for a grant.
    const body = JSON.parse(readFileSync(new URL('../test/fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    body['callbackUrl'] = c1.callbackUrl(`demo-${randomUUID()}`);
    const bytes = Buffer.from(JSON.stringify(body));
    const token = await c1.sign(bytes, new URL(publicUrl).host, `${publicUrl}/webhooks/conductorone`, { alg: 'ES256' });
    say('\n1. ConductorOne sends a signed PayloadProvisionStep (grant GitHub / Org Admin to Jane Doe)');
    const ingest = await fetch(`${address}/webhooks/conductorone`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: bytes });
    say(`   bridge answered ${ingest.status.toString()} ${await ingest.text()}`);
    if (ingest.status !== 202) return 1;

    // 2. The worker opens the Jira issue.
    const issue = await until('the Jira issue', () => [...jira.issues.values()][0]);
    await until('the record', async () => ((await deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created' ? true : undefined));
    say(`\n2. The worker opened Jira issue ${issue.key} in project ${issue.fields.project.key}`);
    say(`   summary: ${issue.fields.summary}`);
    say(`   labels: ${issue.fields.labels.join(', ')}`);
    say(`   description:\n${indent(adfToText(issue.fields.description))}`);

    // 3. An agent resolves it; Jira calls the bridge.
    const event = JSON.stringify(jira.transition(issue.key, 'Done', 'done', 'Done'));
    const signature = jira.sign(event, webhookSecret);
    say(`\n3. An agent resolves ${issue.key} (status Done, resolution Done); Jira sends jira:issue_updated signed ${signature.slice(0, 19)}…`);
    const resolved = await fetch(`${address}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': signature }, body: event });
    say(`   bridge answered ${resolved.status.toString()} ${await resolved.text()}`);

    // 4. The bridge reports to ConductorOne.
    const callback = await until('the callback', () => c1.callbacks[0]);
    say(`\n4. The bridge POSTed to the task's callback URL (${callback.path.replace(/[^/]+$/, '…')}):`);
    say(indent(JSON.stringify(JSON.parse(callback.body), null, 2)));
    const record = await until('the report', async () => {
      const r = await deps.correlationStore.get('2pQdTask0001', '2pQdStepProv');
      return r?.history.some((h) => h.event === 'ticket_commented') === true ? r : undefined;
    });
    say(`\n5. ${issue.key} got the comment: "${adfToText(jira.issues.get(issue.key)?.comments[0]?.body)}"`);
    say('\nThe task record (npx c1-ticket-bridge status 2pQdTask0001):');
    for (const entry of record.history) say(`    ${entry.at}  ${entry.event}${entry.detail === undefined ? '' : `  ${entry.detail}`}`);
    say('\nThe loop closed: webhook → ticket → resolution → callback.');
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
