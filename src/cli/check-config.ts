import { ConfigError, loadConfig, type Env } from '../config/load.ts';
import type { BridgeConfig } from '../config/schema.ts';

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
  const config = loadConfigOrReport(options.path, options.env, options.err);
  if (config === undefined) return 1;
  printSummary(config, options.path, options.out);
  return 0;
}

/** The config, or undefined after printing `config invalid: <path>` and one line per problem to `err`. */
export function loadConfigOrReport(path: string, env: Env, err: (line: string) => void): BridgeConfig | undefined {
  try {
    return loadConfig({ path, env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`config invalid: ${path}`);
    for (const line of error.format().split('\n')) err(line);
    return undefined;
  }
}

/** What `check-config` says about a valid config; never a secret. */
export function printSummary(config: BridgeConfig, path: string, out: (line: string) => void): void {
  const systems = config.deskInstances.map((desk) => (desk.name === desk.kind ? desk.name : `${desk.name} (${desk.kind})`));
  const { publicUrl } = config.server;
  const { tenant, jwksUrl, audience } = config.conductorone;
  out(`config OK: ${path}`);
  out(`  publicUrl: ${publicUrl} (ConductorOne webhook: ${publicUrl}/webhooks/conductorone)`);
  out(`  tenant: ${tenant} (JWKS ${jwksUrl}, audience ${audience})`);
  out(`  service desks: ${systems.length === 0 ? 'none' : systems.join(', ')}`);
  out(`  routes: ${config.routes.length.toString()}${config.defaultRoute === undefined ? ', no defaultRoute' : ' + defaultRoute'}`);
}
