import type { RedisClient } from './redis-connection.ts';
import type { TicketRef } from '../tickets/ticket-system.ts';
import type { RedisKeys } from './redis-keys.ts';
import { LuaScript } from './lua-script.ts';
import { decodeStep, encodeStep } from './step-id.ts';

/**
 * C1 callback URLs expire after at most 30 days; a record is kept a while longer so a late service-desk event can
 * still be matched and reported as "already expired" rather than "unknown".
 */
export const RECORD_TTL_SECONDS = 45 * 24 * 60 * 60;

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
  callbackUrl: string;
  at: string;
  /** The delivering token: remembered with `answer` until it expires, so a resend of it is answered the same. */
  token?: { jti: string; ttlSeconds: number; answer: string };
}

// One round trip and atomic: two deliveries of the same step racing each other see one "created", and a token seen
// before (same jti) gets its first answer back instead of registering anything again.
const REGISTER_DELIVERY = new LuaScript(`
local record, history, steps, replay = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local taskId, stepId, kind, callbackUrl, at, ttl, answer, replayTtl, hasToken = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
if hasToken == '1' then
  local first = redis.call('GET', replay)
  if first then return {'replayed', redis.call('HGET', record, 'state') or 'received', first} end
  redis.call('SET', replay, answer, 'EX', replayTtl)
end
if redis.call('EXISTS', record) == 0 then
  redis.call('SADD', steps, stepId)
  redis.call('EXPIRE', steps, ttl)
  redis.call('HSET', record, 'taskId', taskId, 'stepId', stepId, 'kind', kind, 'callbackUrl', callbackUrl,
    'state', 'received', 'createdAt', at, 'updatedAt', at)
  redis.call('RPUSH', history, cjson.encode({at = at, event = 'received'}))
  redis.call('EXPIRE', record, ttl)
  redis.call('EXPIRE', history, ttl)
  return {'created', 'received', answer}
end
local state = redis.call('HGET', record, 'state')
if redis.call('HGET', record, 'callbackUrl') ~= callbackUrl then
  redis.call('HSET', record, 'callbackUrl', callbackUrl, 'updatedAt', at)
  redis.call('RPUSH', history, cjson.encode({at = at, event = 'callback_url_replaced'}))
  redis.call('EXPIRE', record, ttl)
  redis.call('EXPIRE', history, ttl)
  return {'callback_replaced', state, answer}
end
return {'unchanged', state, answer}
`);

const DECIDE_OUTCOME = new LuaScript(`
local record, history, open = KEYS[1], KEYS[2], KEYS[3]
local outcome, comment, at, member = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('EXISTS', record) == 0 then return {0, ''} end
if redis.call('HSETNX', record, 'outcome', outcome) == 0 then return {0, redis.call('HGET', record, 'state')} end
redis.call('HSET', record, 'state', 'outcome_decided', 'outcomeComment', comment, 'updatedAt', at)
redis.call('RPUSH', history, cjson.encode({at = at, event = 'outcome_decided', detail = outcome}))
redis.call('SREM', open, member)
return {1, 'outcome_decided'}
`);

/** Correlation records: what the bridge knows about each provisioning step, keyed by task id + step id. */
export class CorrelationStore {
  private readonly redis: RedisClient;
  private readonly keys: RedisKeys;

  constructor(redis: RedisClient, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
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
      [input.taskId, input.stepId, input.kind, input.callbackUrl, input.at, RECORD_TTL_SECONDS, input.token?.answer ?? '', input.token?.ttlSeconds ?? 1, input.token === undefined ? '0' : '1'],
    )) as [DeliveryOutcome, RecordState, string];
    return { outcome: reply[0], state: reply[1], answer: reply[2] };
  }

  /** Records the ticket, indexes it by its key and marks the step open for reconciliation. */
  async markTicketCreated(taskId: string, stepId: string, ticket: TicketRef, at: string): Promise<void> {
    const record = this.keys.record(taskId, stepId);
    const history = this.keys.history(taskId, stepId);
    await this.redis
      .multi()
      .hset(record, {
        state: 'ticket_created',
        updatedAt: at,
        ticketSystem: ticket.system,
        ticketKey: ticket.key,
        ticketId: ticket.id,
        ticketUrl: ticket.url,
        ticketContainer: ticket.container,
        ...(ticket.request === undefined ? {} : { ticketRequest: ticket.request }),
      })
      .rpush(history, JSON.stringify({ at, event: 'ticket_created', detail: `${ticket.system} ${ticket.key}${ticket.request === undefined ? '' : ` of request ${ticket.request}`}` }))
      .set(this.keys.ticket(ticket.system, ticket.key), encodeStep(taskId, stepId), 'EX', RECORD_TTL_SECONDS)
      .sadd(this.keys.open(), encodeStep(taskId, stepId))
      .exec();
  }

  /**
   * Fixes the step's outcome once: the first caller (service-desk event, reconciliation, or the no-route rule) wins
   * and gets true; later callers get false and must not report again.
   */
  async decideOutcome(taskId: string, stepId: string, outcome: string, comment: string, at: string): Promise<{ decided: boolean; state: RecordState | undefined }> {
    const [decided, state] = (await DECIDE_OUTCOME.run(
      this.redis,
      [this.keys.record(taskId, stepId), this.keys.history(taskId, stepId), this.keys.open()],
      [outcome, comment, at, encodeStep(taskId, stepId)],
    )) as [number, string];
    return { decided: decided === 1, state: state === '' ? undefined : (state as RecordState) };
  }

  async markReported(taskId: string, stepId: string, detail: string, at: string): Promise<void> {
    await this.finish(taskId, stepId, 'reported', detail, at);
  }

  async markCallbackFailed(taskId: string, stepId: string, detail: string, at: string): Promise<void> {
    await this.finish(taskId, stepId, 'callback_failed', detail, at);
  }

  async addHistory(taskId: string, stepId: string, event: string, detail: string, at: string): Promise<void> {
    await this.redis.rpush(this.keys.history(taskId, stepId), JSON.stringify({ at, event, detail }));
  }

  private async finish(taskId: string, stepId: string, state: RecordState, detail: string, at: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.record(taskId, stepId), { state, updatedAt: at, callbackResult: detail })
      .rpush(this.keys.history(taskId, stepId), JSON.stringify({ at, event: state, detail }))
      .srem(this.keys.open(), encodeStep(taskId, stepId))
      .exec();
  }

  async findByTicket(system: string, key: string): Promise<{ taskId: string; stepId: string } | undefined> {
    const value = await this.redis.get(this.keys.ticket(system, key));
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

/** The ticket a record points at, if one was created. */
export function ticketOf(record: CorrelationRecord): TicketRef | undefined {
  const { ticketSystem, ticketKey, ticketId, ticketUrl, ticketContainer, ticketRequest } = record.fields;
  if ((ticketSystem !== 'jira' && ticketSystem !== 'servicenow') || ticketKey === undefined) return undefined;
  return { system: ticketSystem, key: ticketKey, id: ticketId ?? ticketKey, url: ticketUrl ?? '', container: ticketContainer ?? '', ...(ticketRequest === undefined ? {} : { request: ticketRequest }) };
}
