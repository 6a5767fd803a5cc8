import { setTimeout as sleep } from 'node:timers/promises';
import { BridgeError, isBridgeError } from '../errors.ts';
import type { ReplayStore, StoredAnswer } from '../store/replay-store.ts';
import { redisDown } from './redis-down.ts';

export interface AnswerOnceOptions {
  store: ReplayStore;
  jti: string;
  ttlSeconds: number;
  /** How long a resend waits for the first delivery of its token to finish before asking C1 to retry. */
  waitForFirstMs?: number;
}

export interface Answer extends StoredAnswer {
  replayed: boolean;
}


/**
 * Runs `act` once per token. A resent token (same `jti`) gets the stored answer of the first delivery, so nothing is
 * done twice. Final answers (2xx and 4xx) are remembered; a transient failure (5xx) releases the token, so the
 * sender's retry is handled afresh.
 */
export async function answerOnce(options: AnswerOnceOptions, act: () => Promise<StoredAnswer>): Promise<Answer> {
  const { store, jti, ttlSeconds } = options;
  const deadline = Date.now() + (options.waitForFirstMs ?? 2_000);
  for (;;) {
    const claim = await store.claim(jti, ttlSeconds).catch((error: unknown) => {
      throw redisDown(error);
    });
    if (claim.kind === 'answered') return { ...claim.answer, replayed: true };
    if (claim.kind === 'first') break;
    if (Date.now() >= deadline) {
      throw new BridgeError('replay_in_progress', 'this token is being handled by another request; retry later');
    }
    await sleep(50);
  }

  let answer: StoredAnswer;
  try {
    answer = await act();
  } catch (error) {
    if (isBridgeError(error) && error.status < 500) {
      answer = { status: error.status, body: { error: error.code, message: error.message } };
      await store.remember(jti, answer).catch(() => undefined);
    } else {
      await store.release(jti).catch(() => undefined);
    }
    throw error;
  }
  await store.remember(jti, answer).catch(() => undefined);
  return { ...answer, replayed: false };
}
