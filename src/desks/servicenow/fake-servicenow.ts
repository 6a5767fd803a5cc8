/**
 * A fake ServiceNow instance: the Table API calls the bridge's adapter makes, basic auth, and the failure modes that
 * matter. Wire format from ServiceNow's public reference ("Table API", REST API reference):
 * - POST /api/now/table/{tableName} → 201 `{"result": {…record}}`; `sysparm_fields` limits the fields returned.
 * - GET /api/now/table/{tableName}?sysparm_query=…&sysparm_limit=…&sysparm_offset=… → 200 `{"result": [ … ]}`; the query
 *   `correlation_id=<v>` or `sys_idIN<id>,<id>,…` (encoded query operator IN, "Operators available for filters and queries").
 * - GET /api/now/table/{tableName}/{sys_id} → `{"result": {…}}`; 404 when absent.
 * - PATCH /api/now/table/{tableName}/{sys_id} → `{"result": {…}}` (journal fields such as work_notes append).
 * - Errors: `{"error": {"message", "detail"}, "status": "failure"}`; 401 without valid credentials; 429 with
 *   Retry-After when the inbound REST rate limit is hit.
 * - A hibernating developer instance answers 200 with an HTML page instead of JSON.
 * Approvals (desks.md §3.7): `sysapproval_approver` rows (`sysapproval`, `state`, `comments`), read by an encoded
 * query like any table; the record's `approval` field holds the rolled-up value.
 * Field values come back as strings, as the Table API returns them (`"state": "1"`).
 * The Service Catalog API, encoded queries, sys_choice, sys_user and rate-limit headers live in
 * `servicenow-catalog.ts` (sources there).
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createFakeCatalog, encodedQueryFilter, type FakeCatalog } from './fake-catalog.ts';
import { listen, sendJson, type RecordedRequest, type TlsOptions } from '../../sandbox/listen.ts';
import { tokenBuckets } from '../../sandbox/token-bucket.ts';

export type SnRecord = Record<string, string> & { sys_id: string; number: string; state: string; correlation_id: string };
export type SnMode =
  | { kind: 'ok' }
  | { kind: 'hibernating' }
  | { kind: 'status'; status: 429 | 500 | 503; retryAfterSeconds?: number; rateLimit?: { limit: number; resetAt: number; rule: string } };

export interface FakeServiceNow {
  url: string;
  requests: RecordedRequest[];
  tables: Map<string, Map<string, SnRecord>>;
  workNotes: Map<string, string[]>;
  tokensIssued: number;
  /** Revokes every OAuth token issued so far (as an admin revoking the client's tokens would). */
  revokeTokens(): void;
  /** Service Catalog, sys_choice and sys_user (see servicenow-catalog.ts). */
  catalog: FakeCatalog;
  /** Instances set up for two-step checkout answer order_now with a cart id only. */
  twoStepCheckout: boolean;
  /** The next requests get these answers, in order. */
  inject(modes: SnMode[]): void;
  /**
   * From now on, allows `perSecond` Table API calls a second (a bucket holding one second's worth) and answers the
   * rest 429 with Retry-After, as an inbound REST rate limit rule does; `undefined` lifts it.
   */
  rateLimit(perSecond: number | undefined): void;
  /** Calls answered 429 by that limit since the last reset. */
  rateLimited: number;
  /** Sets a record's state (as an agent closing it would) and returns the business rule's event body. */
  setState(table: string, sysId: string, state: number, closeNotes?: string, stage?: string): Record<string, unknown>;
  /**
   * An approver's answer (desks.md §3.7): a `sysapproval_approver` row for the record (`sysapproval` = its sys_id,
   * `state`, `comments`) and the record's `approval` field rolled up to the same value. Returns the business rule's
   * event body.
   */
  decideApproval(table: string, sysId: string, approval: string, comments?: string): Record<string, unknown>;
  /** Sets the record's `assigned_to` (a sys_user sys_id) and returns the business rule's event body. */
  assign(table: string, sysId: string, userSysId: string): Record<string, unknown>;
  find(table: string, predicate: (record: SnRecord) => boolean): SnRecord | undefined;
  /** Adds a record as a person copying one would (a new sys_id and number, every other field as given). */
  copy(table: string, sysId: string): SnRecord;
  /** Deletes a record: reading it then answers 404 "No Record found". */
  remove(table: string, sysId: string): void;
  reset(): void;
  close(): Promise<void>;
}

const PREFIX: Record<string, string> = { incident: 'INC', sc_task: 'SCTASK', sc_req_item: 'RITM', sc_request: 'REQ' };

export async function startFakeServiceNow(options: { username?: string; password?: string; clientId?: string; clientSecret?: string; tls?: TlsOptions } = {}): Promise<FakeServiceNow> {
  const expected = `Basic ${Buffer.from(`${options.username ?? 'bridge'}:${options.password ?? 'sn-password'}`).toString('base64')}`;
  const tokens = new Set<string>();
  const modes: SnMode[] = [];
  const buckets = tokenBuckets();
  const tables = new Map<string, Map<string, SnRecord>>();
  const workNotes = new Map<string, string[]>();
  let counter = 0;

  const failure = (response: ServerResponse, status: number, message: string, detail = '') => sendJson(response, status, { error: { message, detail }, status: 'failure' });
  const pick = (record: SnRecord, fields: string | null) =>
    fields === null ? record : Object.fromEntries(fields.split(',').filter((f) => f in record).map((f) => [f, record[f]]));
  const table = (name: string) => {
    let found = tables.get(name);
    if (found === undefined) {
      found = new Map();
      tables.set(name, found);
    }
    return found;
  };

  const catalog = createFakeCatalog({
    table,
    nextNumber: (prefix) => {
      counter += 1;
      return `${prefix}${String(10000 + counter).padStart(7, '0')}`;
    },
    get twoStepCheckout() {
      return fake.twoStepCheckout;
    },
  });

  const server = await listen((request, response) => {
    fake.requests.push(request);
    const mode = modes.shift();
    if (mode?.kind === 'hibernating') {
      response.statusCode = 200;
      response.setHeader('content-type', 'text/html;charset=UTF-8');
      response.end('<html><body><h1>Your instance is hibernating</h1><p>Wake it up from the developer site.</p></body></html>');
      return;
    }
    if (mode?.kind === 'status') {
      if (mode.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(mode.retryAfterSeconds));
      if (mode.rateLimit !== undefined) {
        response.setHeader('X-RateLimit-Limit', String(mode.rateLimit.limit));
        response.setHeader('X-RateLimit-Reset', String(mode.rateLimit.resetAt));
        response.setHeader('X-RateLimit-Rule', mode.rateLimit.rule);
      }
      failure(response, mode.status, mode.status === 429 ? 'Too Many Requests' : 'Internal server error');
      return;
    }
    const retryAfter = request.path.startsWith('/api/now/') ? buckets.take('table api', request.receivedAt) : 0;
    if (retryAfter > 0) {
      fake.rateLimited += 1;
      response.setHeader('Retry-After', String(retryAfter));
      response.setHeader('X-RateLimit-Limit', String(buckets.limit));
      failure(response, 429, 'Too Many Requests', 'Rate limit exceeded');
      return;
    }
    // OAuth client credentials (ServiceNow "OAuth inbound": POST /oauth_token.do, form-encoded, answers
    // {access_token, token_type: "Bearer", expires_in}; docs.servicenow.com "Client Credentials": off until the
    // instance sets glide.oauth.inbound.client.credential.grant_type.enabled and names an OAuth Application User).
    if (request.method === 'POST' && request.path === '/oauth_token.do') {
      const form = new URLSearchParams(request.body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== (options.clientId ?? 'sn-client') || form.get('client_secret') !== (options.clientSecret ?? 'sn-client-secret')) {
        sendJson(response, 401, { error_description: 'access_denied', error: 'server_error' });
        return;
      }
      const token = randomBytes(24).toString('base64url');
      tokens.add(token);
      fake.tokensIssued += 1;
      sendJson(response, 200, { access_token: token, scope: 'useraccount', token_type: 'Bearer', expires_in: 1799 });
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (request.headers.authorization !== expected && (bearer === undefined || !tokens.has(bearer))) {
      failure(response, 401, 'User Not Authenticated', 'Required to provide Auth information');
      return;
    }
    if (catalog.handle(request, response)) return;
    const url = new URL(request.path, 'http://fake');
    const match = /^\/api\/now\/table\/([a-z_]+)(?:\/([0-9a-f]{32}))?$/.exec(url.pathname);
    if (match?.[1] === undefined) {
      failure(response, 400, 'Invalid table or path', url.pathname);
      return;
    }
    const rows = table(match[1]);
    const fields = url.searchParams.get('sysparm_fields');
    const sysId = match[2];

    if (request.method === 'POST' && sysId === undefined) {
      counter += 1;
      const body = JSON.parse(request.body) as Record<string, unknown>;
      const record = {
        ...Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])),
        sys_id: randomBytes(16).toString('hex'),
        number: `${PREFIX[match[1]] ?? 'REC'}${String(10000 + counter).padStart(7, '0')}`,
        state: '1',
        correlation_id: String(body['correlation_id'] ?? ''),
      } satisfies SnRecord;
      rows.set(record.sys_id, record);
      sendJson(response, 201, { result: pick(record, fields) });
      return;
    }
    if (request.method === 'GET' && sysId === undefined) {
      const query = url.searchParams.get('sysparm_query') ?? '';
      // `sys_idIN<id>,<id>,…` (encoded query operator IN), paged by sysparm_offset and sysparm_limit.
      const ids = /^sys_idIN([0-9a-f,]+)$/.exec(query)?.[1];
      const limit = Number(url.searchParams.get('sysparm_limit') ?? '10000');
      const offset = Number(url.searchParams.get('sysparm_offset') ?? '0');
      const candidates = ids === undefined ? [...rows.values()].filter(encodedQueryFilter(query)) : [...new Set(ids.split(','))].map((id) => rows.get(id)).filter((r) => r !== undefined);
      const found = candidates.slice(offset, offset + limit);
      sendJson(response, 200, { result: found.map((r) => pick(r, fields)) });
      return;
    }
    const record = sysId === undefined ? undefined : rows.get(sysId);
    if (record === undefined) {
      failure(response, 404, 'No Record found', 'Record doesn\'t exist or ACL restricts the record retrieval');
      return;
    }
    if (request.method === 'GET') {
      sendJson(response, 200, { result: pick(record, fields) });
      return;
    }
    if (request.method === 'PATCH') {
      const body = JSON.parse(request.body) as Record<string, unknown>;
      if (typeof body['work_notes'] === 'string') workNotes.set(record.sys_id, [...(workNotes.get(record.sys_id) ?? []), body['work_notes']]);
      for (const [field, value] of Object.entries(body)) if (field !== 'work_notes') record[field] = String(value);
      sendJson(response, 200, { result: pick(record, fields) });
      return;
    }
    failure(response, 405, 'Method not supported');
  }, options.tls);

  const fake: FakeServiceNow = {
    url: server.url,
    requests: [],
    tables,
    workNotes,
    tokensIssued: 0,
    catalog,
    twoStepCheckout: false,
    revokeTokens: () => tokens.clear(),
    inject(list) {
      modes.push(...list);
    },
    rateLimit(perSecond) {
      buckets.set(perSecond);
    },
    rateLimited: 0,
    setState(tableName, sysId, state, closeNotes = '', stage?: string) {
      const record = table(tableName).get(sysId);
      if (record === undefined) throw new Error(`no ${tableName} ${sysId}`);
      record.state = String(state);
      record['close_notes'] = closeNotes;
      if (stage !== undefined) record['stage'] = stage;
      const event = { table: tableName, sys_id: sysId, number: record.number, state: record.state, correlation_id: record.correlation_id, close_notes: closeNotes };
      return tableName === 'sc_req_item' ? { ...event, stage: record['stage'] ?? '' } : event;
    },
    decideApproval(tableName, sysId, approval, comments = '') {
      const record = table(tableName).get(sysId);
      if (record === undefined) throw new Error(`no ${tableName} ${sysId}`);
      record['approval'] = approval;
      const row = randomBytes(16).toString('hex');
      table('sysapproval_approver').set(row, { sys_id: row, number: '', state: approval, correlation_id: '', sysapproval: sysId, source_table: tableName, document_id: sysId, comments });
      return { table: tableName, sys_id: sysId, number: record.number, state: record.state, correlation_id: record.correlation_id };
    },
    assign(tableName, sysId, userSysId) {
      const record = table(tableName).get(sysId);
      if (record === undefined) throw new Error(`no ${tableName} ${sysId}`);
      record['assigned_to'] = userSysId;
      return { table: tableName, sys_id: sysId, number: record.number, state: record.state, correlation_id: record.correlation_id };
    },
    find(tableName, predicate) {
      return [...table(tableName).values()].find(predicate);
    },
    copy(tableName, sysId) {
      const original = table(tableName).get(sysId);
      if (original === undefined) throw new Error(`no ${tableName} ${sysId}`);
      counter += 1;
      const copy = { ...original, sys_id: randomBytes(16).toString('hex'), number: `${PREFIX[tableName] ?? 'REC'}${String(10000 + counter).padStart(7, '0')}` };
      table(tableName).set(copy.sys_id, copy);
      return copy;
    },
    remove(tableName, sysId) {
      table(tableName).delete(sysId);
    },
    reset() {
      tables.clear();
      workNotes.clear();
      modes.length = 0;
      buckets.set(undefined);
      fake.rateLimited = 0;
      fake.requests.length = 0;
      counter = 0;
      fake.twoStepCheckout = false;
      catalog.reset();
    },
    close: () => server.close(),
  };
  return fake;
}
