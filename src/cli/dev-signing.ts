/**
 * Development signing: a local ES256 key that stands in for a tenant's, its JWKS served on localhost, and webhooks
 * signed with it exactly as ConductorOne signs them. For trying a bridge without a tenant; never for production.
 */
import { webhookClaims } from '../c1/webhook-claims.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

export interface DevKey {
  privateJwk: JWK;
  jwks: { keys: JWK[] };
}

/** Loads the key kept in `dir`, creating it (and the public jwks.json beside it) the first time. */
export async function devKey(dir: string): Promise<DevKey> {
  const keyPath = join(dir, 'signing-key.json');
  if (existsSync(keyPath)) {
    const privateJwk = JSON.parse(readFileSync(keyPath, 'utf8')) as JWK;
    const { d: _private, ...publicJwk } = privateJwk;
    return { privateJwk, jwks: { keys: [publicJwk] } };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `dev-${randomUUID().slice(0, 8)}`;
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  writeFileSync(keyPath, JSON.stringify(privateJwk), { mode: 0o600 });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [publicJwk] }, null, 2));
  return { privateJwk, jwks: { keys: [publicJwk] } };
}

export interface SignedDelivery {
  token: string;
  body: Buffer;
  claims: Record<string, unknown>;
}

/** Signs `body` as C1 does (https://conductorone.com/docs/product/admin/webhooks, "Webhook authentication"). */
export async function signWebhook(key: DevKey, body: Buffer, claims: { iss: string; aud: string; htu: string }, now = Date.now()): Promise<SignedDelivery> {
  const iat = Math.floor(now / 1000);
  const all = webhookClaims(claims, body, iat);
  const privateKey = await importJWK(key.privateJwk, 'ES256');
  const token = await new SignJWT(all).setProtectedHeader({ alg: 'ES256', kid: key.privateJwk.kid ?? 'dev', typ: 'JWT' }).sign(privateKey);
  return { token, body, claims: all };
}

/** Serves the key's JWKS at `/auth/v1/jwks`, the path a tenant uses. */
export async function serveJwks(key: DevKey, port: number, host = '127.0.0.1'): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/auth/v1/jwks') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(key.jwks));
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port.toString()}/auth/v1/jwks` };
}
