import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BridgeConfig } from '../config/schema.ts';
import { devKey, serveJwks, signWebhook } from './dev-signing.ts';
import { fixtureBody, fixtureNames } from '../c1/sample-payloads.ts';
import type { CliIo } from './io.ts';


/** `sign-test-webhook`: a C1 webhook signed with the development key, printed as curl or sent. */
export async function signTestWebhook(options: { config: BridgeConfig; keyDir: string; fixture: string; send: boolean; to: string | undefined; io: CliIo }): Promise<number> {
  const { config, io } = options;
  let body: Buffer;
  try {
    body = fixtureBody(options.fixture);
  } catch {
    io.err(`no fixture ${JSON.stringify(options.fixture)}: give ${fixtureNames().join(', ')} or a JSON file`);
    return 2;
  }
  const key = await devKey(options.keyDir);
  const endpoint = `${config.server.publicUrl}/webhooks/conductorone`;
  const signed = await signWebhook(key, body, { iss: config.conductorone.tenant, aud: config.conductorone.audience, htu: endpoint });
  const target = options.to ?? `http://127.0.0.1:${config.server.port.toString()}/webhooks/conductorone`;
  if (!options.send) {
    const bodyPath = join(options.keyDir, 'body.json');
    writeFileSync(bodyPath, body);
    io.out(`# valid for 2 minutes; the bridge must trust the key: conductorone.jwksUrl = the URL serve-dev-jwks prints`);
    io.out(`curl -sS -X POST '${target}' -H 'Content-Type: application/json' -H 'Authorization: Bearer ${signed.token}' --data-binary @${bodyPath}`);
    return 0;
  }
  const response = await fetch(target, { method: 'POST', headers: { authorization: `Bearer ${signed.token}`, 'content-type': 'application/json' }, body });
  io.out(`${response.status.toString()} ${await response.text()}`);
  return response.status >= 200 && response.status < 300 ? 0 : 1;
}

/** `serve-dev-jwks`: serves the development key's JWKS until interrupted. */
export async function serveDevJwks(keyDir: string, port: number, io: CliIo): Promise<number> {
  const key = await devKey(keyDir);
  const { server, url } = await serveJwks(key, port);
  io.out(`serving the development JWKS at ${url}`);
  io.out(`set conductorone.jwksUrl: ${url} (development only), then: npx c1-ticket-bridge sign-test-webhook --send`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  server.close();
  return 0;
}
