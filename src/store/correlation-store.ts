import type { Redis } from 'ioredis';
import type { RedisKeys } from './redis-keys.ts';

/**
 * C1 callback URLs expire after at most 30 days; a record is kept a while longer so a late service-desk event can
 * still be matched and reported as "already expired" rather than "unknown".
 */
export const RECORD_TTL_SECONDS = 45 * 24 * 60 * 60;

export type RecordState = 'received' | 'ticket_created' | 'reported' | 'callback_failed';

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

export type DeliveryOutcome = 'created' | 'callback_replaced' | 'unchanged';

export interface DeliveryInput {
  taskId: string;
  stepId: string;
  kind: string;
  callbackUrl: string;
  at: string;
}

// One round trip and atomic: two deliveries of the same step racing each other see one "created".
const REGISTER_DELIVERY = `
local record, history = KEYS[1], KEYS[2]
local taskId, stepId, kind, callbackUrl, at, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('EXISTS', record) == 0 then
  redis.call('HSET', record, 'taskId', taskId, 'stepId', stepId, 'kind', kind, 'callbackUrl', callbackUrl,
    'state', 'received', 'createdAt', at, 'updatedAt', at)
  redis.call('RPUSH', history, cjson.encode({at = at, event = 'received'}))
  redis.call('EXPIRE', record, ttl)
  redis.call('EXPIRE', history, ttl)
  return {'created', 'received'}
end
local state = redis.call('HGET', record, 'state')
if redis.call('HGET', record, 'callbackUrl') ~= callbackUrl then
  redis.call('HSET', record, 'callbackUrl', callbackUrl, 'updatedAt', at)
  redis.call('RPUSH', history, cjson.encode({at = at, event = 'callback_url_replaced'}))
  redis.call('EXPIRE', record, ttl)
  redis.call('EXPIRE', history, ttl)
  return {'callback_replaced', state}
end
return {'unchanged', state}
`;

/** Correlation records: what the bridge knows about each provisioning step, keyed by task id + step id. */
export class CorrelationStore {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;

  constructor(redis: Redis, keys: RedisKeys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Records a webhook delivery: creates the record, or replaces its callback URL when the new one differs. */
  async registerDelivery(input: DeliveryInput): Promise<{ outcome: DeliveryOutcome; state: RecordState }> {
    const reply = (await this.redis.eval(
      REGISTER_DELIVERY,
      2,
      this.keys.record(input.taskId, input.stepId),
      this.keys.history(input.taskId, input.stepId),
      input.taskId,
      input.stepId,
      input.kind,
      input.callbackUrl,
      input.at,
      String(RECORD_TTL_SECONDS),
    )) as [DeliveryOutcome, RecordState];
    return { outcome: reply[0], state: reply[1] };
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
