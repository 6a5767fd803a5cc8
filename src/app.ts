import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AdminDeps } from './http/admin.ts';
import { conductorOneWebhook, type C1WebhookDeps } from './http/conductorone-webhook.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { healthRoutes, type HealthDeps } from './http/health.ts';
import type { DeskModule, DeskWebhookDeps } from './desks/desk-module.ts';
import type { SandboxRoutesDeps } from './sandbox/sandbox-routes.ts';

export interface AppDeps {
  logger: Logger;
  bodyLimitBytes: number;
  health: HealthDeps;
  c1: C1WebhookDeps;
  /** Each configured desk's event route, built by its kind's module. */
  desks: ReadonlyArray<{ module: Pick<DeskModule, 'webhook'>; deps: DeskWebhookDeps; config: unknown }>;
  /** Present when admin credentials are configured; /admin does not exist otherwise. */
  admin?: AdminDeps;
  /** Sandbox mode only: the sandbox page at `/` and its peers. */
  sandbox?: SandboxRoutesDeps;
}

/**
 * What one listener serves: everything (`all`); the webhooks, /healthz and the sandbox page (`public`); or /admin,
 * /metrics, /readyz and /healthz (`private`, on `server.adminPort`).
 */
export type AppSurface = 'all' | 'public' | 'private';

/** Builds the HTTP app; it never listens, so tests drive it with `inject` and entry points decide where it serves. */
export async function buildApp(deps: AppDeps, surface: AppSurface = 'all'): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    // C1 waits 30 s per attempt; answer (even 503) well before that.
    requestTimeout: 25_000,
    return503OnClosing: true,
  });
  installErrorHandler(app);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route?.startsWith('/webhooks/') === true) deps.health.metrics.webhooks.inc({ endpoint: route, status: String(reply.statusCode) });
  });
  await app.register(healthRoutes(deps.health, { operations: surface !== 'public' }));
  if (surface !== 'private') {
    await app.register(conductorOneWebhook(deps.c1));
    for (const desk of deps.desks) await app.register(desk.module.webhook(desk.deps, desk.config));
  }
  if (deps.admin !== undefined && surface !== 'public') {
    // The dashboard's packages are loaded only where /admin exists.
    const { adminRoutes } = await import('./http/admin.ts');
    await app.register(adminRoutes(deps.admin));
  }
  if (deps.sandbox !== undefined && surface !== 'private') {
    const { sandboxRoutes } = await import('./sandbox/sandbox-routes.ts');
    await app.register(sandboxRoutes(deps.sandbox));
  }
  return app;
}
