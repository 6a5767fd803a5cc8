import { ConfigError, loadConfig, type Env } from '../config/load.ts';

export interface CheckConfigOptions {
  path: string;
  env: Env;
  /** Receives the summary, one line per call. */
  out: (line: string) => void;
  /** Receives the problems, one line per call. */
  err: (line: string) => void;
}

/**
 * `check-config`: validates the config file exactly as start-up does and prints a summary that holds no secret.
 *
 * @example
 * process.exitCode = checkConfig({ path: 'config/bridge.yaml', env: process.env, out: console.log, err: console.error });
 * @returns the exit code: 0 valid, 1 invalid.
 */
export function checkConfig(options: CheckConfigOptions): number {
  const { path, out, err } = options;
  let config;
  try {
    config = loadConfig({ path, env: options.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`config invalid: ${path}`);
    for (const problem of error.problems) err(`${problem.path}: ${problem.message}`);
    return 1;
  }
  const systems = [config.jira === undefined ? [] : ['jira'], config.servicenow === undefined ? [] : ['servicenow']].flat();
  const { publicUrl } = config.server;
  const { tenant, jwksUrl, audience } = config.conductorone;
  out(`config OK: ${path}`);
  out(`  publicUrl: ${publicUrl} (ConductorOne webhook: ${publicUrl}/webhooks/conductorone)`);
  out(`  tenant: ${tenant} (JWKS ${jwksUrl}, audience ${audience})`);
  out(`  service desks: ${systems.length === 0 ? 'none' : systems.join(', ')}`);
  out(`  routes: ${config.routes.length.toString()}${config.defaultRoute === undefined ? ', no defaultRoute' : ' + defaultRoute'}`);
  return 0;
}
