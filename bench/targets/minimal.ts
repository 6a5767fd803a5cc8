import { createHash } from 'node:crypto';
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { AUDIENCE, listenLocal, rawBodies, WEBHOOK_PATH, type Target } from './target.ts';

export interface MinimalOptions {
  jwksUrl: string;
  issuer: string;
  redisUrl: string;
  prefix: string;
}

/** What a receiver enqueues for a verified body, or undefined to refuse it with 400. */
export type JobOf = (body: Buffer) => object | undefined;

/**
 * The least a correct receiver must do: check the signature with a cached key, bind the body to it, and make the
 * delivery durable with one enqueue (the job's id is the token's `jti`). `jobOf` decides what the job carries.
 */
export async function startReceiver(options: MinimalOptions, queueName: string, jobOf: JobOf): Promise<Target> {
  const response = await fetch(options.jwksUrl);
  if (!response.ok) throw new Error(`fetching the JWKS from ${options.jwksUrl} answered ${response.status}`);
  const keys = createLocalJWKSet((await response.json()) as JSONWebKeySet);

  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  await redis.connect();
  const queue = new Queue(queueName, { connection: redis, prefix: options.prefix });

  const app = Fastify();
  rawBodies(app);
  app.post(WEBHOOK_PATH, async (request, reply) => {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return reply.code(401).send();
    const { payload } = await jwtVerify(token, keys, { algorithms: ['ES256'], issuer: options.issuer, audience: AUDIENCE });
    const body = request.body as Buffer;
    const jti = payload.jti;
    if (jti === undefined || payload['htb_s256'] !== createHash('sha256').update(body).digest('base64')) return reply.code(401).send();
    const data = jobOf(body);
    if (data === undefined) return reply.code(400).send();
    await queue.add('delivery', data, { jobId: jti });
    return reply.code(202).send({ status: 'accepted' });
  });
  const url = await listenLocal(app);

  return {
    url,
    jobCount: () => queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
    async close() {
      await app.close();
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    },
  };
}

/** The minimal pipeline: the job carries the raw body, since nothing else keeps it for a worker. */
export function startMinimal(options: MinimalOptions): Promise<Target> {
  return startReceiver(options, 'bench-minimal', (body) => ({ body: body.toString('utf8') }));
}
