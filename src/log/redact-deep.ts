/**
 * Blanks out the values of secret keys at any depth of a log object, in arrays too. pino's own `redact` takes paths,
 * each of a fixed depth, so a callback URL one level deeper than the list foresaw (`job.data.request.callbackUrl`)
 * would print in clear; this walks the whole object instead. Objects are copied only where something is blanked, so
 * the caller's data is never changed and a line without secrets costs one walk. A cycle prints as `[Circular]`.
 *
 * @example
 *   redactDeep({ job: { data: { request: { callbackUrl: 'https://…/TOKEN' } } } }, new Set(['callbackurl']), '[redacted]')
 *   // → { job: { data: { request: { callbackUrl: '[redacted]' } } } }
 */
export function redactDeep<T>(value: T, keys: ReadonlySet<string>, censor: string): T {
  return walk(value, keys, censor, new Map()) as T;
}

const IN_PROGRESS = Symbol('in progress');

/** Plain objects and arrays are walked; anything else (Errors, Buffers, Dates, class instances) is left as it is. */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, keys: ReadonlySet<string>, censor: string, done: Map<object, unknown>): unknown {
  if (!Array.isArray(value) && !isPlain(value)) return value;
  const known = done.get(value);
  if (known === IN_PROGRESS) return '[Circular]';
  if (known !== undefined) return known;
  done.set(value, IN_PROGRESS);
  let result: unknown;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const next = walk(item, keys, censor, done);
      if (next !== item) (copy ??= [...(value as unknown[])])[index] = next;
    });
    result = copy ?? value;
  } else {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const next = keys.has(key.toLowerCase()) && item !== undefined ? censor : walk(item, keys, censor, done);
      if (next !== item) (copy ??= { ...value })[key] = next;
    }
    result = copy ?? value;
  }
  done.set(value, result);
  return result;
}
