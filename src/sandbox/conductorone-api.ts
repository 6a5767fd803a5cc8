/**
 * The part of the fake ConductorOne that is its API: the client-credentials token endpoint and user search.
 *
 * Wire format, from C1's public material (summarised in the project's desks spec §5):
 * - `POST /auth/v1/token`, form body `client_id`, `grant_type=client_credentials`,
 *   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, `client_assertion` = an EdDSA JWT
 *   with `iss` = `sub` = client id, `aud` = [tenant host], `nbf`/`exp` around now, a `nonce` in its protected header,
 *   signed with the client's Ed25519 key (C1's OpenAPI `securitySchemes`, oauth2 clientCredentials at `/auth/v1/token`;
 *   the SDK's `src/token.ts`); the answer `{access_token, token_type, expires_in}`; a refused client 401.
 * - `POST /api/v1/search/users` with `Authorization: Bearer`, `{"email": …}` an exact match (OpenAPI
 *   `c1.api.user.v1.SearchUsersRequest`), answering `{"list":[{"user":{…}}],"nextPageToken":""}` (`SearchUsersResponse`,
 *   `UserView`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, jwtVerify, type CryptoKey } from 'jose';
import { sendJson, type RecordedRequest } from './listen.ts';

export interface FakeC1User {
  id: string;
  email: string;
  displayName?: string;
}

export interface FakeC1Api {
  tokenRequests: RecordedRequest[];
  searchRequests: RecordedRequest[];
  /** Registers an API client; its secret is in C1's format, `secret-token:conductorone.com:v1:<base64 JWK>`. */
  addApiClient(): Promise<{ clientId: string; clientSecret: string }>;
  addUser(user: FakeC1User): void;
  /** The `expires_in` of the tokens it issues (default 3600 s). */
  tokenLifetimeSeconds: number;
  /** Answers the next N token requests with this status. */
  failToken(times: number, status: number): void;
  /** Handles the request when it is an API call; false otherwise. */
  handle(request: RecordedRequest, response: ServerResponse): Promise<boolean>;
}

export function createFakeC1Api(tenant: string): FakeC1Api {
  const clients = new Map<string, CryptoKey>();
  const tokens = new Set<string>();
  const users: FakeC1User[] = [];
  let tokenFailures = { times: 0, status: 200 };

  const refuse = (response: ServerResponse, description: string) => sendJson(response, 401, { error: 'invalid_client', error_description: description });

  async function token(request: RecordedRequest, response: ServerResponse): Promise<void> {
    if (tokenFailures.times > 0) {
      tokenFailures.times -= 1;
      sendJson(response, tokenFailures.status, { error: 'unavailable' });
      return;
    }
    if (!/^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')) {
      sendJson(response, 400, { error: 'invalid_request', error_description: 'expected a form body' });
      return;
    }
    const form = new URLSearchParams(request.body);
    const clientId = form.get('client_id') ?? '';
    const key = clients.get(clientId);
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      sendJson(response, 400, { error: 'unsupported_grant_type' });
      return;
    }
    if (key === undefined) {
      refuse(response, 'unknown client');
      return;
    }
    try {
      const { protectedHeader } = await jwtVerify(form.get('client_assertion') ?? '', key, {
        algorithms: ['EdDSA'],
        issuer: clientId,
        subject: clientId,
        audience: tenant,
        requiredClaims: ['iat', 'nbf', 'exp'],
      });
      if (typeof protectedHeader['nonce'] !== 'string' || !/^[0-9a-f]+$/.test(protectedHeader['nonce'])) throw new Error('no hex nonce in the header');
    } catch (error) {
      refuse(response, `client assertion refused: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const issued = randomBytes(24).toString('base64url');
    tokens.add(issued);
    sendJson(response, 200, { access_token: issued, token_type: 'Bearer', expires_in: api.tokenLifetimeSeconds });
  }

  function search(request: RecordedRequest, response: ServerResponse): void {
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !tokens.has(bearer)) {
      sendJson(response, 401, { code: 16, message: 'unauthenticated' });
      return;
    }
    let query: { email?: unknown };
    try {
      query = JSON.parse(request.body) as { email?: unknown };
    } catch {
      sendJson(response, 400, { code: 3, message: 'invalid JSON' });
      return;
    }
    const list = users
      .filter((user) => typeof query.email !== 'string' || user.email.toLowerCase() === query.email.toLowerCase())
      .map((user) => ({ user: { id: user.id, email: user.email, emails: [user.email], displayName: user.displayName ?? user.email, status: 'ENABLED' } }));
    sendJson(response, 200, { list, nextPageToken: '' });
  }

  const api: FakeC1Api = {
    tokenRequests: [],
    searchRequests: [],
    tokenLifetimeSeconds: 3600,
    async addApiClient() {
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const clientId = `fake-client-${randomUUID().slice(0, 8)}@${tenant}/pcc`;
      clients.set(clientId, publicKey);
      const jwk = await exportJWK(privateKey);
      return { clientId, clientSecret: `secret-token:conductorone.com:v1:${Buffer.from(JSON.stringify(jwk)).toString('base64')}` };
    },
    addUser(user) {
      users.push(user);
    },
    failToken(times, status) {
      tokenFailures = { times, status };
    },
    async handle(request, response) {
      if (request.method === 'POST' && request.path === '/auth/v1/token') {
        api.tokenRequests.push(request);
        await token(request, response);
        return true;
      }
      if (request.method === 'POST' && request.path === '/api/v1/search/users') {
        api.searchRequests.push(request);
        search(request, response);
        return true;
      }
      return false;
    },
  };
  return api;
}
