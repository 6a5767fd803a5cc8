import { basicCredentials } from '../verify/basic-credentials.ts';
import type { PreviewConfig } from '../preview/preview-task.ts';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { Queues } from '../queue/queues.ts';
import type { CorrelationStore } from '../store/correlation-store.ts';
import { constantTimeEqual } from '../verify/constant-time.ts';
import { withoutCallbackTokens } from './console/console-data.ts';
import { consoleRoutes, sendTaskPage } from './console/console-routes.ts';

export interface AdminDeps {
  username: string;
  password: string;
  queues: Queues;
  store: CorrelationStore;
  /** The configured desks' names (console search by ticket key). */
  desks?: readonly string[];
  /** Routes and templates for the console's dry run (`/admin/preview`). */
  preview?: PreviewConfig;
}

/** True when `authorization` is HTTP Basic with exactly these credentials (compared in constant time). */
export function basicAuthMatches(authorization: string | undefined, username: string, password: string): boolean {
  const given = basicCredentials(authorization ?? '');
  if ('reason' in given) return false;
  // Both halves are always compared, so the time taken does not say which one was wrong.
  const userOk = constantTimeEqual(given.username, username);
  const passwordOk = constantTimeEqual(given.password, password);
  return userOk && passwordOk;
}

/** `/admin/queues` (the queue dashboard) and `/admin/tasks/:taskId`, behind basic auth. */
export function adminRoutes(deps: AdminDeps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', async (request, reply) => {
      if (basicAuthMatches(request.headers.authorization, deps.username, deps.password)) return;
      request.log.info({ url: request.url.split('?')[0] }, 'admin request refused: missing or wrong credentials');
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="c1-ticket-bridge admin", charset="UTF-8"')
        .send({ error: 'unauthorized', message: 'admin credentials required' });
    });

    // The operator console: /admin/ and the task pages a browser gets at /admin/tasks/<taskId>.
    const consoleDeps = { username: deps.username, password: deps.password, queues: deps.queues, store: deps.store, ...(deps.desks === undefined ? {} : { desks: deps.desks }), ...(deps.preview === undefined ? {} : { preview: deps.preview }) };
    await app.register(consoleRoutes(consoleDeps));

    app.get<{ Params: { taskId: string }; Querystring: { replayed?: string } }>('/admin/tasks/:taskId', async (request, reply) => {
      if (request.headers.accept?.includes('text/html') === true) return sendTaskPage(consoleDeps, request.params.taskId, request.query, reply);
      const records = await deps.store.findTask(request.params.taskId);
      if (records.length === 0) return reply.code(404).send({ error: 'not_found', message: `no record of task ${request.params.taskId}` });
      // The callback URL carries C1's token: an operator sees where it points, not the token.
      const steps = records.map(({ callbackUrl, ...record }) => ({ ...record, callbackOrigin: URL.canParse(callbackUrl) ? new URL(callbackUrl).origin : '' }));
      return { taskId: request.params.taskId, steps };
    });

    const board = new FastifyAdapter();
    createBullBoard({
      queues: deps.queues.all.map((queue) => {
        const adapter = new BullMQAdapter(queue);
        // Jobs carry the task's callback URL, whose path is ConductorOne's token: the dashboard shows its origin only.
        adapter.setFormatter('data', withoutCallbackTokens);
        return adapter;
      }),
      serverAdapter: board,
    });
    board.setBasePath('/admin/queues');
    await app.register(board.registerPlugin(), { prefix: '/admin/queues' });
  };
}
