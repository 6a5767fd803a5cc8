import { ConfigError, loadConfig } from '../config/load.ts';
import type { Env } from '../config/interpolate.ts';
import type { CliIo } from './io.ts';

/**
 * `check-config`: validates the config file as start-up would and prints a summary without any secret.
 * @returns the exit code: 0 valid, 1 invalid.
 */
export function checkConfig(options: { path: string; env: Env; io: CliIo }): number {
  const { path, io } = options;
  try {
    const config = loadConfig({ path, env: options.env });
    const systems = [config.jira === undefined ? undefined : 'jira', config.servicenow === undefined ? undefined : 'servicenow'].filter(Boolean);
    io.out(`config OK: ${path}`);
    io.out(`  publicUrl: ${config.server.publicUrl} (ConductorOne webhook: ${config.server.publicUrl}/webhooks/conductorone)`);
    io.out(`  tenant: ${config.conductorone.tenant} (JWKS ${config.conductorone.jwksUrl}, audience ${config.conductorone.audience})`);
    io.out(`  service desks: ${systems.length === 0 ? 'none' : systems.join(', ')}`);
    io.out(`  routes: ${config.routes.length.toString()}${config.defaultRoute === undefined ? ', no defaultRoute' : ' + defaultRoute'}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`config invalid: ${path}`);
    for (const problem of error.problems) io.err(`${problem.path}: ${problem.message}`);
    return 1;
  }
}
