import type { FastifyInstance, FastifyReply } from 'fastify';
import { BridgeError } from '../../errors.ts';
import { formBodyParser, formField } from '../form-body.ts';
import { crossSite } from '../same-origin.ts';
import { failedJobs, findTasks, replayFailedJob, taskView, type ConsoleSources } from './console-data.ts';
import { csrfToken, csrfTokenValid } from './csrf.ts';
import { renderHome, renderHomeLive, renderTaskLive, renderTaskPage, type Notice } from './console-pages.ts';

export interface ConsoleDeps extends ConsoleSources {
  username: string;
  password: string;
  now?: () => number;
}

type Query = { q?: string; replayed?: string };

const HTML = 'text/html; charset=utf-8';

function noticeOf(query: Query): Notice | undefined {
  return query.replayed === undefined ? undefined : { ok: true, text: `Replayed job ${query.replayed}: it is waiting to run again.` };
}

/** A form may send the operator back only to a console page, never elsewhere. */
function backTo(value: string | undefined): string {
  return value !== undefined && /^\/admin\/[^\s\\]*$/.test(value) && !value.startsWith('//') ? value : '/admin/';
}

/** The task's page, for `GET /admin/tasks/:taskId` when a browser asks for HTML. */
export async function sendTaskPage(deps: ConsoleDeps, taskId: string, query: Query, reply: FastifyReply): Promise<FastifyReply> {
  const view = await taskPageView(deps, taskId);
  return reply.type(HTML).send(renderTaskPage(view, noticeOf(query)));
}

async function taskPageView(deps: ConsoleDeps, taskId: string) {
  const task = await taskView(deps, taskId);
  if (task === undefined) throw new BridgeError('not_found', `no record of task ${taskId}`);
  const failed = (await failedJobs(deps)).filter((job) => job.taskId === taskId);
  return { task, failed, csrf: csrfToken(deps, (deps.now ?? Date.now)()) };
}

/**
 * The operator console, inside the admin plugin (so behind its basic auth): `/admin/` lists and searches tasks and
 * failed jobs, a task's page shows its steps, a form replays a failed job. Server-rendered; the only script keeps the
 * live region current.
 */
export function consoleRoutes(deps: ConsoleDeps) {
  const now = deps.now ?? Date.now;
  return async function plugin(app: FastifyInstance): Promise<void> {
    formBodyParser(app);
    const homeView = async (query: Query) => {
      const q = (query.q ?? '').slice(0, 200);
      return { query: q, tasks: await findTasks(deps, q), failed: await failedJobs(deps), csrf: csrfToken(deps, now()) };
    };

    app.get<{ Querystring: Query }>('/admin/', async (request, reply) => reply.type(HTML).send(renderHome(await homeView(request.query), noticeOf(request.query))));
    app.get<{ Querystring: Query }>('/admin/live', async (request, reply) => reply.type(HTML).send(renderHomeLive(await homeView(request.query)).markup));
    app.get<{ Params: { taskId: string } }>('/admin/tasks/:taskId/live', async (request, reply) =>
      reply.type(HTML).send(renderTaskLive(await taskPageView(deps, request.params.taskId)).markup),
    );

    app.post('/admin/failed/replay', async (request, reply) => {
      if (crossSite(request)) throw new BridgeError('csrf_rejected', 'a replay must come from the console itself');
      if (!csrfTokenValid(deps, formField(request.body, 'csrf'), now())) throw new BridgeError('csrf_rejected', 'the form is missing its token or the token expired: reload the console and try again');
      const queue = formField(request.body, 'queue');
      const jobId = formField(request.body, 'jobId');
      if (queue === undefined || jobId === undefined || jobId === '') throw new BridgeError('invalid_form', 'give queue and jobId');
      const result = await replayFailedJob(deps, queue, jobId);
      if (!result.replayed) throw new BridgeError('not_found', result.reason);
      request.log.info({ queue, jobId }, 'failed job replayed from the console');
      const back = backTo(formField(request.body, 'back'));
      return reply.code(303).header('location', `${back}${back.includes('?') ? '&' : '?'}replayed=${encodeURIComponent(jobId)}`).send();
    });
  };
}
