import type { RedisClient } from './redis-connection.ts';
import type { TicketRef } from '../domain/ticket.ts';
import type { RedisKeys } from './redis-keys.ts';
import { LuaScript } from './lua-script.ts';
import { decodeStep, encodeStep } from './step-id.ts';

/**
 * `records.retentionDays`'s default. C1 callback URLs expire after 8 days by default and 30 at most; a record is kept a
 * while longer so a late service-desk event can still be matched and reported as "already expired" rather than
 * "unknown".
 */
export const DEFAULT_RETENTION_DAYS = 45;

/** The record field holding the in-flight marker of a create call (when the last call to the desk began). */
export const CREATE_STARTED_FIELD = 'createStartedAt';

/**
 * received → ticket_created → outcome_decided → reported | callback_failed. A step that no route accepts goes from
 * received straight to outcome_decided (errored).
 */
export type RecordState = 'received' | 'ticket_created' | 'outcome_decided' | 'reported' | 'callback_failed';

export interface HistoryEntry {
  at: string;
  event: string;
  detail?: string;
}

export interface CorrelationRecord {
  taskId: string;
  stepId: string;
  kind: string;
  state: RecordState;
  callbackUrl: string;
  createdAt: string;
  updatedAt: string;
  fields: Readonly<Record<string, string>>;
  history: readonly HistoryEntry[];
}

export type DeliveryOutcome = 'created' | 'callback_replaced' | 'unchanged' | 'replayed';

export interface DeliveryInput {
  taskId: string;
  stepId: string;
  kind: string;
  /** An approval step's record says so (field `step`); a record without it is a provisioning step's. */
  step?: 'provision' | 'approval';
  callbackUrl: string;
  at: string;
  /** The delivering token: remembered with `answer` until it expires, so a resend of it is answered the same. */
  token?: { jti: string; ttlSeconds: number; answer: string };
}

// One round trip and atomic: two deliveries of the same step racing each other see one "created", and a token seen
// before (same jti) gets its first answer back instead of registering anything again.
const REGISTER_DELIVERY = new LuaScript(`
local record, history, steps, replay = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local taskId, stepId, kind, callbackUrl, at, ttl, answer, replayTtl, hasToken, step = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
if hasToken == '1' then
  local first = redis.call('GET', replay)
  if first then return {'replayed', redis.call('HGET', record, 'state') or 'received', first} end
end
local result
if redis.call('EXISTS', record) == 0 then
  redis.call('SADD', steps, stepId)
  redis.call('EXPIRE', steps, ttl)
  redis.call('HSET', record, 'taskId', taskId, 'stepId', stepId, 'kind', kind, 'callbackUrl', callbackUrl,
    'state', 'received', 'createdAt', at, 'updatedAt', at)
  if step == 'approval' then redis.call('HSET', record, 'step', step) end
  redis.call('RPUSH', history, cjson.encode({at = at, event = 'received'}))
  redis.call('EXPIRE', record, ttl)
  redis.call('EXPIRE', history, ttl)
  result = {'created', 'received', answer}
else
  local state = redis.call('HGET', record, 'state')
  if redis.call('HGET', record, 'callbackUrl') ~= callbackUrl then
    redis.call('HSET', record, 'callbackUrl', callbackUrl, 'updatedAt', at)
    redis.call('RPUSH', history, cjson.encode({at = at, event = 'callback_url_replaced'}))
    redis.call('EXPIRE', record, ttl)
    redis.call('EXPIRE', history, ttl)
    result = {'callback_replaced', state, answer}
  else
    result = {'unchanged', state, answer}
  end
end
-- Remembered last: a script that failed above (Redis does not roll back) leaves no answer for a resend to repeat.
if hasToken == '1' then redis.call('SET', replay, answer, 'EX', replayTtl) end
return result
`);

const DECIDE_OUTCOME = new LuaScript(`
local record, history, open = KEYS[1], KEYS[2], KEYS[3]
local outcome, comment, at, member, step, reassignTo = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('EXISTS', record) == 0 then return {0, ''} end
-- An approval step takes only approval outcomes, a provisioning step only provisioning ones.
if (redis.call('HGET', record, 'step') or 'provision') ~= step then return {-1, redis.call('HGET', record, 'state')} end
if redis.call('HSETNX', record, 'outcome', outcome) == 0 then return {0, redis.call('HGET', record, 'state')} end
redis.call('HSET', record, 'state', 'outcome_decided', 'outcomeComment', comment, 'updatedAt', at)
if reassignTo ~= '' then redis.call('HSET', record, 'reassignUserIds', reassignTo) end
redis.call('RPUSH', history, cjson.encode({at = at, event = 'outcome_decided', detail = outcome}))
redis.call('SREM', open, member)
return {1, 'outcome_decided'}
`);

// A callback attempt starts: if the one before it never got an answer on record (no answer, the bridge's own
// timeout, a worker killed or Redis away before the answer was written), C1 may have taken it, and that stays known.
const BEGIN_CALLBACK_ATTEMPT = new LuaScript(`
local record = KEYS[1]
if redis.call('HGET', record, 'callbackPending') == '1' then redis.call('HSET', record, 'callbackUnknown', '1') end
redis.call('HSET', record, 'callbackPending', '1')
return redis.call('HGET', record, 'callbackUnknown') == '1' and 1 or 0
`);

const REOPEN_CALLBACK = new LuaScript(`
local record, history, at = KEYS[1], KEYS[2], ARGV[1]
if redis.call('HGET', record, 'state') ~= 'callback_failed' or redis.call('HGET', record, 'callbackRetryable') ~= '1' then return 0 end
redis.call('HSET', record, 'state', 'outcome_decided', 'callbackRetryable', '0', 'updatedAt', at)
redis.call('RPUSH', history, cjson.encode({at = at, event = 'callback_replayed'}))
return 1
`);

/** Correlation records: what the bridge knows about each provisioning step, keyed by task id + step id. */
export class CorrelationStore {
  private readonly redis: RedisClient;
  private readonly keys: RedisKeys;
  /** How long a record, its history and its ticket index live (records.retentionDays), in seconds. */
  private readonly ttl: number;

  constructor(redis: RedisClient, keys: RedisKeys, options: { retentionDays?: number } = {}) {
    this.redis = redis;
    this.keys = keys;
    this.ttl = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 24 * 60 * 60;
  }

  /**
   * Records a webhook delivery: creates the record, or replaces its callback URL when the new one differs. With a
   * token, a token already seen registers nothing and gets `replayed` with the answer stored the first time.
   */
  async registerDelivery(input: DeliveryInput): Promise<{ outcome: DeliveryOutcome; state: RecordState; answer: string }> {
    const reply = (await REGISTER_DELIVERY.run(
      this.redis,
      [
        this.keys.record(input.taskId, input.stepId),
        this.keys.history(input.taskId, input.stepId),
        this.keys.taskSteps(input.taskId),
        // Always a key under the prefix (one Cluster slot), even when there is no token to remember.
        this.keys.replay(input.token?.jti ?? ''),
      ],
      [input.taskId, input.stepId, input.kind, input.callbackUrl, input.at, this.ttl, input.token?.answer ?? '', input.token?.ttlSeconds ?? 1, input.token === undefined ? '0' : '1', input.step ?? 'provision'],
    )) as [DeliveryOutcome, RecordState, string];
    return { outcome: reply[0], state: reply[1], answer: reply[2] };
  }

  /**
   * The in-flight marker: set just before the desk is asked to create the step's ticket, so a later attempt knows a
   * ticket may exist that the record does not name (the worker died, or the answer was lost, after the call).
   */
  async markCreateStarted(taskId: string, stepId: string, at: string): Promise<void> {
    await this.redis.hset(this.keys.record(taskId, stepId), CREATE_STARTED_FIELD, at);
  }

  /** Clears the marker once the desk said for certain that it created nothing (a 4xx answer, 429 included). */
  async clearCreateStarted(taskId: string, stepId: string): Promise<void> {
    await this.redis.hdel(this.keys.record(taskId, stepId), CREATE_STARTED_FIELD);
  }

  /**
   * Records the ticket, indexes it by its id (Jira's issue id survives a move to another project; ServiceNow's
   * sys_id) and, for ServiceNow, by its number, and marks the step open for reconciliation. Jira keys change on a
   * move, so a Jira ticket is no longer indexed by key; entries written by earlier versions still are, and are read.
   */
  async markTicketCreated(taskId: string, stepId: string, ticket: TicketRef, at: string): Promise<void> {
    const record = this.keys.record(taskId, stepId);
    const history = this.keys.history(taskId, stepId);
    const step = encodeStep(taskId, stepId);
    // Events are matched by the ticket's id, which survives a move; the key index lets an operator find the task by
    // the key the ticket was opened with (console search, `status`), and a key never passes to another ticket.
    await this.redis
      .multi()
      .set(this.keys.ticket(ticket.system, ticket.key), step, 'EX', this.ttl)
      .hset(record, {
        state: 'ticket_created',
        updatedAt: at,
        ticketSystem: ticket.system,
        ticketKey: ticket.key,
        ticketId: ticket.id,
        ticketUrl: ticket.url,
        ticketContainer: ticket.container,
        ...(ticket.request === undefined ? {} : { ticketRequest: ticket.request }),
        ...(ticket.route === undefined ? {} : { ticketRoute: ticket.route }),
      })
      .rpush(history, JSON.stringify({ at, event: 'ticket_created', detail: `${ticket.system} ${ticket.key}${ticket.request === undefined ? '' : ` of request ${ticket.request}`}` }))
      .set(this.keys.ticketById(ticket.system, ticket.id), step, 'EX', this.ttl)
      .sadd(this.keys.open(), step)
      .exec();
  }

  /**
   * Indexes an existing ticket by its id, for records written before tickets were indexed by id (migration on read:
   * reconciliation calls it for every open ticket). Keeps an index entry's own expiry when it has one.
   */
  async indexTicketId(taskId: string, stepId: string, ticket: TicketRef): Promise<void> {
    await this.indexTicketIds([{ taskId, stepId, ticket }]);
  }

  /** `indexTicketId` for many steps in one pipeline (a reconciliation batch). */
  async indexTicketIds(steps: ReadonlyArray<{ taskId: string; stepId: string; ticket: TicketRef }>): Promise<void> {
    if (steps.length === 0) return;
    const write = this.redis.pipeline();
    for (const { taskId, stepId, ticket } of steps) write.set(this.keys.ticketById(ticket.system, ticket.id), encodeStep(taskId, stepId), 'EX', this.ttl, 'NX');
    await write.exec();
  }

  /**
   * Fixes the step's outcome once: the first caller (service-desk event, reconciliation, or the no-route rule) wins
   * and gets true; later callers get false and must not report again.
   */
  async decideOutcome(
    taskId: string,
    stepId: string,
    outcome: string,
    comment: string,
    at: string,
    options: { step?: 'provision' | 'approval'; newStepUserIds?: readonly string[] } = {},
  ): Promise<{ decided: boolean; state: RecordState | undefined; stepMismatch?: true }> {
    const reassignTo = options.newStepUserIds === undefined ? '' : JSON.stringify(options.newStepUserIds);
    const [decided, state] = (await DECIDE_OUTCOME.run(
      this.redis,
      [this.keys.record(taskId, stepId), this.keys.history(taskId, stepId), this.keys.open()],
      [outcome, comment, at, encodeStep(taskId, stepId), options.step ?? 'provision', reassignTo],
    )) as [number, string | null];
    const known = state === '' || state === null ? undefined : (state as RecordState);
    if (decided === -1) return { decided: false, state: known, stepMismatch: true };
    return { decided: decided === 1, state: known };
  }

  async markReported(taskId: string, stepId: string, detail: string, at: string): Promise<void> {
    await this.finish(taskId, stepId, 'reported', detail, at);
  }

  /**
   * `retryable`: the callback failed for a transient cause (no answer, 5xx) after every attempt, so
   * `replay-failed --queue send-callback` may send it again (`reopenCallback`); otherwise C1 or the bridge refused it
   * for good (a 4xx answer, a foreign origin) and sending it again cannot help.
   */
  async markCallbackFailed(taskId: string, stepId: string, detail: string, at: string, options: { retryable?: boolean } = {}): Promise<void> {
    await this.finish(taskId, stepId, 'callback_failed', detail, at, { callbackRetryable: options.retryable === true ? '1' : '0' });
  }

  /**
   * Makes a callback that failed for a transient cause due again (state back to `outcome_decided`), for a replay.
   * @returns false when the step's callback is not of that kind (reported, refused for good, or not failed at all).
   */
  async reopenCallback(taskId: string, stepId: string, at: string): Promise<boolean> {
    const reopened = await REOPEN_CALLBACK.run(this.redis, [this.keys.record(taskId, stepId), this.keys.history(taskId, stepId)], [at]);
    return reopened === 1;
  }

  /**
   * Notes that a callback attempt is about to be sent, and answers whether an earlier attempt's result is unknown
   * (it may have landed at C1). The note stays until `markCallbackAnswered`, so an attempt that ends without an
   * answer on record, however it ends, counts as unknown to the next one.
   */
  async beginCallbackAttempt(taskId: string, stepId: string): Promise<{ earlierUnknown: boolean }> {
    const unknown = await BEGIN_CALLBACK_ATTEMPT.run(this.redis, [this.keys.record(taskId, stepId)], []);
    return { earlierUnknown: unknown === 1 };
  }

  /** The attempt got an answer that says it did not land (e.g. 503): it leaves nothing unknown behind. */
  async markCallbackAnswered(taskId: string, stepId: string): Promise<void> {
    await this.redis.hdel(this.keys.record(taskId, stepId), 'callbackPending');
  }

  async addHistory(taskId: string, stepId: string, event: string, detail: string, at: string): Promise<void> {
    await this.redis.rpush(this.keys.history(taskId, stepId), JSON.stringify({ at, event, detail }));
  }

  private async finish(taskId: string, stepId: string, state: RecordState, detail: string, at: string, extra: Record<string, string> = {}): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.record(taskId, stepId), { state, updatedAt: at, callbackResult: detail, ...extra })
      .rpush(this.keys.history(taskId, stepId), JSON.stringify({ at, event: state, detail }))
      .srem(this.keys.open(), encodeStep(taskId, stepId))
      .exec();
  }

  /** The step of a ticket named by its key or number (ServiceNow; Jira entries of earlier versions). */
  async findByTicket(system: string, key: string): Promise<{ taskId: string; stepId: string } | undefined> {
    const value = await this.redis.get(this.keys.ticket(system, key));
    return value === null ? undefined : decodeStep(value);
  }

  /** The step of a ticket named by its id (Jira issue id, ServiceNow sys_id). */
  async findByTicketId(system: string, id: string): Promise<{ taskId: string; stepId: string } | undefined> {
    const value = await this.redis.get(this.keys.ticketById(system, id));
    return value === null ? undefined : decodeStep(value);
  }

  /** Every step recorded for a task, oldest first. */
  async findTask(taskId: string): Promise<CorrelationRecord[]> {
    const steps = await this.redis.smembers(this.keys.taskSteps(taskId));
    const records = await Promise.all(steps.map((stepId) => this.get(taskId, stepId)));
    return records.filter((record) => record !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Task steps with an open ticket. */
  async openSteps(): Promise<Array<{ taskId: string; stepId: string }>> {
    const members = await this.redis.smembers(this.keys.open());
    return members.map(decodeStep).filter((step) => step !== undefined);
  }

  /** The open set's members, read by SSCAN (a set of any size, without one long command), each once. */
  async openMembers(): Promise<string[]> {
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.sscan(this.keys.open(), cursor, 'COUNT', 1000);
      cursor = next;
      for (const member of batch) seen.add(member);
    } while (cursor !== '0');
    return [...seen];
  }

  /**
   * What reconciliation needs of open members, in one pipeline: the ticket, or `gone` when the record expired
   * (records.retentionDays), or `decided` when the outcome is already fixed.
   */
  async openTickets(members: readonly string[]): Promise<OpenTicket[]> {
    const read = this.redis.pipeline();
    const steps = members.map(decodeStep);
    for (const step of steps) if (step !== undefined) read.hmget(this.keys.record(step.taskId, step.stepId), 'taskId', 'outcome', 'ticketSystem', 'ticketKey', 'ticketId', 'ticketUrl', 'ticketContainer', 'ticketRoute');
    const replies = ((await read.exec()) ?? []).map(([, value]) => value as Array<string | null>);
    let next = 0;
    return members.map((member, index): OpenTicket => {
      const step = steps[index];
      if (step === undefined) return { member, state: 'gone' };
      const [taskId, outcome, ticketSystem, ticketKey, ticketId, ticketUrl, ticketContainer, ticketRoute] = replies[next++] ?? [];
      if (taskId == null) return { member, ...step, state: 'gone' };
      if (outcome != null) return { member, ...step, state: 'decided' };
      if (ticketSystem == null || ticketSystem === '' || ticketKey == null) return { member, ...step, state: 'gone' };
      const ticket = { system: ticketSystem, key: ticketKey, id: ticketId ?? ticketKey, url: ticketUrl ?? '', container: ticketContainer ?? '', ...(ticketRoute == null ? {} : { route: ticketRoute }) };
      return { member, ...step, state: 'open', ticket };
    });
  }

  /** Takes members out of the open set (their record expired: nothing is left to report to). */
  async forgetOpen(members: readonly string[]): Promise<void> {
    if (members.length > 0) await this.redis.srem(this.keys.open(), ...members);
  }

  async get(taskId: string, stepId: string): Promise<CorrelationRecord | undefined> {
    const [hash, history] = await Promise.all([
      this.redis.hgetall(this.keys.record(taskId, stepId)),
      this.redis.lrange(this.keys.history(taskId, stepId), 0, -1),
    ]);
    if (hash['taskId'] === undefined) return undefined;
    const { taskId: _t, stepId: _s, kind, state, callbackUrl, createdAt, updatedAt, ...fields } = hash;
    return {
      taskId,
      stepId,
      kind: kind ?? '',
      state: (state ?? 'received') as RecordState,
      callbackUrl: callbackUrl ?? '',
      createdAt: createdAt ?? '',
      updatedAt: updatedAt ?? '',
      fields,
      history: history.map((line) => JSON.parse(line) as HistoryEntry),
    };
  }
}

export type OpenTicket =
  | { member: string; state: 'gone'; taskId?: string; stepId?: string }
  | { member: string; state: 'decided'; taskId: string; stepId: string }
  | { member: string; state: 'open'; taskId: string; stepId: string; ticket: TicketRef };

/** The ticket a record points at, if one was created. */
export function ticketOf(record: CorrelationRecord): TicketRef | undefined {
  // `ticketSystem` is the desk's name; records written before desks had names hold the kind, which is the name of the
  // kind's own section, so they still read as that desk. Without `ticketRoute` (older records) the desk's own status
  // map applies.
  const { ticketSystem, ticketKey, ticketId, ticketUrl, ticketContainer, ticketRequest, ticketRoute } = record.fields;
  if (ticketSystem === undefined || ticketSystem === '' || ticketKey === undefined) return undefined;
  return {
    system: ticketSystem,
    key: ticketKey,
    id: ticketId ?? ticketKey,
    url: ticketUrl ?? '',
    container: ticketContainer ?? '',
    ...(ticketRequest === undefined ? {} : { request: ticketRequest }),
    ...(ticketRoute === undefined ? {} : { route: ticketRoute }),
  };
}
