import type { BridgeConfig } from '../config/schema.ts';
import { redisLabel } from '../store/redis-connection.ts';
import { serviceNowOnlineChecks } from '../desks/servicenow/check-servicenow-online.ts';
import { TicketSystemError } from '../desks/ticket-error.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';
import type { SystemName } from '../domain/ticket.ts';
import { C1_ALGORITHMS } from '../verify/c1-token.ts';

export interface OnlineDeps {
  config: BridgeConfig;
  ticketSystems: Partial<Record<SystemName, TicketSystem>>;
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
  for (const [name, system] of Object.entries(deps.ticketSystems)) checks.push([name === 'jira' ? `Jira ${deps.config.jira?.baseUrl ?? ''}` : `ServiceNow ${deps.config.servicenow?.instanceUrl ?? ''}`, () => system.probe()]);
  if (deps.ticketSystems.servicenow !== undefined) checks.push(...serviceNowOnlineChecks(deps.config, deps.fetch));
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
