import { routeDesk, type BridgeConfig } from '../config/schema.ts';
import { redisLabel } from '../store/redis-connection.ts';
import type { DeskModule } from '../desks/desk-module.ts';
import { deskModule } from '../desks/registry.ts';
import { TicketSystemError } from '../desks/ticket-error.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';
import { C1_ALGORITHMS } from '../verify/c1-token.ts';

export interface OnlineDeps {
  config: BridgeConfig;
  /** By desk name. */
  ticketSystems: Readonly<Record<string, TicketSystem>>;
  fetch: typeof fetch;
  pingRedis: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Reaches the tenant's JWKS: it must answer 200 with at least one key of an algorithm C1 signs with. */
async function checkJwks(deps: OnlineDeps): Promise<string> {
  const response = await deps.fetch(deps.config.conductorone.jwksUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`answered ${response.status.toString()}`);
  const body = (await response.json()) as { keys?: Array<{ kid?: string; alg?: string; kty?: string }> };
  const keys = body.keys ?? [];
  const usable = keys.filter((key) => key.alg === undefined || (C1_ALGORITHMS as readonly string[]).includes(key.alg));
  if (usable.length === 0) throw new Error(`no usable key among ${keys.length.toString()}`);
  return `${usable.length.toString()} key(s): ${usable.map((key) => `${key.kid ?? '?'} (${key.alg ?? key.kty ?? '?'})`).join(', ')}`;
}

/**
 * `check-config --online`: proves the bridge can reach what it depends on with the credentials it was given.
 * @returns 0 when every check passed, 1 otherwise.
 */
export async function checkOnline(deps: OnlineDeps): Promise<number> {
  const checks: Array<[string, () => Promise<string>]> = [
    [`Redis ${redisLabel(deps.config.redis)}`, async () => `answered ${await deps.pingRedis()}`],
    [`ConductorOne JWKS ${deps.config.conductorone.jwksUrl}`, () => checkJwks(deps)],
  ];
  const routes = [...deps.config.routes.map((route) => [`route "${route.name}"`, route] as const), ...(deps.config.defaultRoute === undefined ? [] : [['defaultRoute', deps.config.defaultRoute] as const])];
  for (const desk of deps.config.deskInstances) {
    const system = deps.ticketSystems[desk.name];
    const module = deskModule(desk.kind) as DeskModule | undefined;
    if (system === undefined || module === undefined) continue;
    const named = desk.name === desk.kind ? '' : ` (desk ${desk.name})`;
    checks.push([`${module.label} ${module.address(desk.config)}${named}`, () => system.probe()]);
    const targets = routes.filter(([, route]) => routeDesk(route) === desk.name).map(([who, route]): [string, unknown] => [who, (route as Readonly<Record<string, unknown>>)[desk.kind]]);
    checks.push(...(module.onlineChecks?.({ name: desk.name, kind: desk.kind }, desk.config, targets, deps.fetch) ?? []));
  }
  let failed = 0;
  for (const [name, run] of checks) {
    try {
      deps.out(`  online: ${name}: OK, ${await run()}`);
    } catch (error) {
      failed += 1;
      const message = error instanceof TicketSystemError || error instanceof Error ? error.message : String(error);
      deps.err(`  online: ${name}: FAILED, ${message}`);
    }
  }
  return failed === 0 ? 0 : 1;
}
