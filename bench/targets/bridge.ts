import { buildApp } from '../../src/app.ts';
import { configSchema } from '../../src/config/schema.ts';
import { createDeps } from '../../src/deps.ts';
import { createLogger } from '../../src/log/logger.ts';
import { listenLocal, PUBLIC_URL, type Target } from './target.ts';

export interface BridgeOptions {
  tenant: string;
  jwksUrl: string;
  redisUrl: string;
  prefix: string;
}

/** The real route, built the way `main.ts` builds it, with no workers: only ingest is measured. */
export async function startBridge(options: BridgeOptions): Promise<Target> {
  const config = configSchema.parse({
    server: { publicUrl: PUBLIC_URL, bodyLimitBytes: 64 * 1024 },
    redis: { url: options.redisUrl, prefix: options.prefix },
    conductorone: { tenant: options.tenant, jwksUrl: options.jwksUrl },
  });
  // Warnings still show (a Redis hiccup explains a bad run), but per-request info lines are not what is measured.
  const logger = createLogger({ level: 'warn' });
  const deps = await createDeps(config, logger);
  const app = await buildApp(deps.app);
  const url = await listenLocal(app);

  return {
    url,
    jobCount: () => deps.queues.createTicket.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
    async close() {
      await app.close();
      await Promise.all(deps.queues.all.map((queue) => queue.obliterate({ force: true })));
      await deps.close();
    },
  };
}
