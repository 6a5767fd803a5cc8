/**
 * Tells a Redis that cannot be reached (or did not answer in time) from every other failure. Only the first kind is
 * worth a 503 that asks the sender to retry; a Redis that answered with an error, or a bug, is a 500.
 *
 * ioredis raises plain `Error`s for these cases, so they are told apart by name, socket error code and message
 * (ioredis's `Command.js`, `Redis.js`, `cluster/index.js`, `errors/`). A reply from Redis (`ReplyError`, e.g.
 * WRONGTYPE or a failed script) is never "unavailable": Redis was there and answered.
 */
const UNAVAILABLE_NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** ioredis's own messages for a connection that is gone or a command that got no answer in time. */
const UNAVAILABLE_MESSAGES = new Set([
  'Command timed out',
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  "Cluster isn't ready and enableOfflineQueue options is false",
  'None of startup nodes is available',
  'Cluster is disconnected.',
  'Cluster is disconnecting.',
  'Node is disconnected',
  'connect ETIMEDOUT',
]);

/** How far down a chain of `cause`s to look (an error wrapped by BullMQ or by the bridge). */
const MAX_CAUSE_DEPTH = 5;

function isUnavailable(error: Error): boolean {
  if (UNAVAILABLE_NAMES.has(error.name)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.has(error.message) || error.message.startsWith('Socket timeout.');
}

/** True when `error` (or one of its causes) says Redis could not be reached or did not answer in time. */
export function isRedisUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (current.name === 'ReplyError') return false;
    if (isUnavailable(current)) return true;
    current = current.cause;
  }
  return false;
}
