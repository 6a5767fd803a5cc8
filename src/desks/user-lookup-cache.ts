/**
 * A desk's user lookup by email, kept per process: a person found is looked up again after an hour, an absence after
 * five minutes (so a user created meanwhile is found soon). Keyed by the email trimmed and in lower case; no email at
 * all is answered at once, without asking the desk. `lookup` is given the email as ConductorOne sent it.
 */
const FOUND_TTL_MS = 60 * 60 * 1000;
const ABSENT_TTL_MS = 5 * 60 * 1000;

export const NO_EMAIL_REASON = 'ConductorOne sent no email for the user';

export function cachedByEmail<Answer>(
  lookup: (email: string) => Promise<Answer>,
  found: (answer: Answer) => boolean,
  noEmail: Answer,
  now: () => number,
): (email: string | undefined) => Promise<Answer> {
  const cache = new Map<string, { answer: Answer; until: number }>();
  return async (email) => {
    if (email === undefined || email.trim() === '') return noEmail;
    const key = email.trim().toLowerCase();
    const hit = cache.get(key);
    if (hit !== undefined && hit.until > now()) return hit.answer;
    const answer = await lookup(email);
    cache.set(key, { answer, until: now() + (found(answer) ? FOUND_TTL_MS : ABSENT_TTL_MS) });
    return answer;
  };
}
