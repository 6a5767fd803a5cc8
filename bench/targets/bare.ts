import Fastify from 'fastify';
import { listenLocal, rawBodies, WEBHOOK_PATH, type Target } from './target.ts';

/** The floor: what Fastify and the loopback cost with no work at all. */
export async function startBare(): Promise<Target> {
  const app = Fastify();
  rawBodies(app);
  app.post(WEBHOOK_PATH, async (_request, reply) => reply.code(202).send({ status: 'accepted' }));
  const url = await listenLocal(app);
  return {
    url,
    jobCount: async () => undefined,
    close: () => app.close(),
  };
}
