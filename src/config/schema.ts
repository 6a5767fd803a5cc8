import { z } from 'zod';
import { parseClientSecret } from '../c1/api-client.ts';
import { approvalRouteProblems } from './approval-routes.ts';
import { httpUrl, integer, isHttpUrl, nonEmpty, type DeepReadonly } from './schema-parts.ts';
import type { DeskModule } from '../desks/desk-module.ts';
import { DESK_KINDS, DESK_MODULES, deskModule, type AnyDeskModule, type DeskKind } from '../desks/registry.ts';

/**
 * Config key names whose values are secrets, wherever they occur, for a logger's redaction list; the CLI never
 * prints them. Not listed because it is not only a secret: `redis.url` may carry a password (`redis://:pw@host`),
 * so log it without its credentials.
 */
export const SECRET_KEYS = ['apiToken', 'token', 'password', 'webhookSecret', 'clientSecret'] as const;


/**
 * The bridge's own address: tokens' `htu` is this plus a path, compared without query or fragment. Kept as `URL`
 * normalises it (host in lower case, no default port), without a trailing slash.
 */
const publicUrl = z
  .string()
  .superRefine((value, ctx) => {
    if (!isHttpUrl(value)) ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
    else if (/[?#]/.test(value)) ctx.addIssue({ code: 'custom', message: 'must not have a query string or fragment' });
  })
  .transform((value) => {
    if (!URL.canParse(value)) return value;
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}`.replace(/\/+$/, '');
  });

/** Hosts that never leave the machine: plain http to them is allowed for development. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

const HTTPS_ONLY = 'must be https (http is allowed only for a loopback host: localhost, 127.0.0.0/8, [::1])';

/** Keys and callback URLs must not travel in clear: https, except to this machine itself. */
const httpsOrLoopback = (value: string): boolean => {
  if (!isHttpUrl(value)) return true; // reported by the URL check
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
};

/** Compared with a callback URL's origin, so it is normalised the way `URL#origin` is (lower case, no default port). */
const origin = z
  .string()
  .refine((value) => /^https?:\/\/[^/?#@]+\/?$/i.test(value) && URL.canParse(value), 'must be an origin: scheme://host[:port], without a path')
  .transform((value) => new URL(value).origin);

const host = z
  .string()
  .refine((value) => URL.canParse(`https://${value}`) && new URL(`https://${value}`).host === value.toLowerCase(), 'must be a host name, e.g. acme.conductor.one')
  .transform((value) => value.toLowerCase());


const server = z
  .strictObject({
    host: z.string().default('0.0.0.0'),
    port: integer(0, 65535).default(8080),
    /** Optional second listener for /admin, /metrics and /readyz, so the public ingress exposes only the webhooks. */
    adminPort: integer(0, 65535).optional(),
    publicUrl,
    bodyLimitBytes: integer(1024).default(1_048_576),
  })
  .refine((value) => value.adminPort === undefined || value.adminPort === 0 || value.adminPort !== value.port, { path: ['adminPort'], message: 'must differ from server.port' });

const redisNode = z.strictObject({ host: nonEmpty, port: integer(1, 65535).default(6379) });

/**
 * One Redis for everything. `url` alone is a single server; with `sentinels` (+ `sentinelName`) the URL only carries
 * credentials, TLS and db, and the master is found through Sentinel; with `cluster` the nodes seed a Redis Cluster,
 * where the prefix must be a hash tag (`{c1tb}`) so each queue's keys and the bridge's records share a slot.
 */
const redis = z
  .strictObject({
    url: z.string().default('redis://127.0.0.1:6379').refine((value) => /^rediss?:\/\//.test(value) && URL.canParse(value), 'must be a redis:// or rediss:// URL'),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_{}.-]+$/, 'may hold letters, digits and _ . - { } only')
      .default('c1tb'),
    sentinels: z.array(redisNode).min(1, 'must list at least one sentinel').optional(),
    sentinelName: nonEmpty.optional(),
    cluster: z.array(redisNode).min(1, 'must list at least one node').optional(),
    /** Replicas that must hold a webhook's writes before it is answered 202 (Redis WAIT); 0 = do not wait. */
    waitForReplicas: integer(0, 16).default(0),
    /** How long the API waits for them before answering 503 (ConductorOne then retries). */
    waitForReplicasTimeoutMs: integer(10, 30_000).default(1_000),
    /** /readyz warns once this share of maxmemory is in use (with noeviction a full Redis answers every webhook 503). */
    memoryWarningPercent: integer(1, 100).default(80),
  })
  .superRefine((value, ctx) => {
    if (value.sentinels !== undefined && value.cluster !== undefined) ctx.addIssue({ code: 'custom', message: 'give sentinels or cluster, not both' });
    if (value.sentinels !== undefined && value.sentinelName === undefined) ctx.addIssue({ code: 'custom', path: ['sentinelName'], message: 'is required with sentinels (the name of the monitored master)' });
    if (value.cluster !== undefined && !/^\{[^{}]+\}$/.test(value.prefix)) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'must be a hash tag such as "{c1tb}" with cluster, so related keys share a slot' });
    }
  });

const conductorone = z.strictObject({
  tenant: host,
  jwksUrl: httpUrl.refine(httpsOrLoopback, HTTPS_ONLY).optional(),
  audience: nonEmpty.optional(),
  clockToleranceSeconds: integer(0, 300).default(30),
  callbackOrigins: z.array(origin.refine(httpsOrLoopback, HTTPS_ONLY)).min(1, 'must list at least one origin').optional(),
  /** ConductorOne API credentials (contract §8), for approvals' reassign (the user id of an email); without them reassign is off. */
  api: z
    .strictObject({
      clientId: nonEmpty,
      /** Where the API answers; `https://<tenant>` unless given. */
      baseUrl: httpUrl.refine(httpsOrLoopback, HTTPS_ONLY).optional(),
      // Checked at boot, so a secret pasted wrong is reported with the rest, not at the first reassign.
      clientSecret: nonEmpty.superRefine((value, ctx) => {
        try {
          parseClientSecret(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    })
    .optional(),
});


/** One value or a list of them (any of which matches); always a list once parsed. */
function oneOrList<T extends z.ZodType>(value: T) {
  return z
    .union([value, z.array(value).min(1, 'must list at least one value')], {
      // A list is read as the list option, anything else as the single value: that option's own problem is shown.
      error: (issue) => (issue.code === 'invalid_union' ? (issue.errors[Array.isArray(issue.input) ? 1 : 0]?.[0]?.message ?? 'must be a value or a list of values') : undefined),
    })
    .transform((given) => (Array.isArray(given) ? given : [given]) as Array<z.output<T>>);
}

const match = z.strictObject({
  appId: oneOrList(nonEmpty).optional(),
  entitlementId: oneOrList(nonEmpty).optional(),
  appName: oneOrList(nonEmpty).optional(),
  entitlementName: oneOrList(nonEmpty).optional(),
  taskType: oneOrList(z.enum(['grant', 'revoke'])).optional(),
});

type TargetShape = { [M in AnyDeskModule as M['kind']]: z.ZodOptional<M['targetSchema']> };
type SectionShape = { [M in AnyDeskModule as M['kind']]: z.ZodOptional<M['instanceSchema']> };

/** A route's target: one key per desk kind (`jira:`, `servicenow:`), exactly one of them given. */
const target = Object.fromEntries(DESK_MODULES.map((desk) => [desk.kind, desk.targetSchema.optional()])) as unknown as TargetShape;
/** Each kind's own section (`jira:`, `servicenow:`): the desk named as its kind. */
const sections = Object.fromEntries(DESK_MODULES.map((desk) => [desk.kind, desk.instanceSchema.optional()])) as unknown as SectionShape;

/** The kind a route's target key names, when exactly one is given. */
export function targetKind(value: Readonly<Record<string, unknown>>): DeskKind | undefined {
  const given = DESK_KINDS.filter((kind) => value[kind] !== undefined);
  return given.length === 1 ? given[0] : undefined;
}

function oneTarget(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (targetKind(value) === undefined) ctx.addIssue({ code: 'custom', message: `needs exactly one target: ${DESK_KINDS.join(' or ')}` });
}

/** A named desk's name is a path segment (/webhooks/<name>) and a part of Redis keys. */
const deskName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and -, starting with a letter (it is the path /webhooks/<name>)');

/** `desk:` names the desk a route's tickets go to; unset: the kind's own section. */
const deskKey = { desk: deskName.optional() };

/** `when:` is a CEL expression over the template variables; compiled (and checked) with the rest at start-up. */
/** `for:` says which kind of C1 step the route takes (contract §8): provisioning steps, or policy approval steps. */
export const STEP_KINDS = ['provision', 'approval'] as const;
const route = z
  .strictObject({ name: nonEmpty, for: z.enum(STEP_KINDS).default('provision'), match: match.default({}), when: nonEmpty.optional(), ...deskKey, ...target })
  .superRefine(oneTarget);
const defaultRoute = z.strictObject({ ...deskKey, ...target }).superRefine(oneTarget);

const jobs = z.strictObject({
  attempts: integer(1, 1000).default(12),
  backoffMs: integer(1).default(2000),
  /** A worker that stops renewing its lock this long (killed, frozen) has its job taken over by another. */
  lockDurationMs: integer(1000).default(30_000),
  /**
   * A create that failed for good (the desk refused it, or every attempt failed): `report` tells C1 `errored` with
   * the desk's reason; `hold` keeps the task waiting for an operator (`list-failed`, `replay-failed`, a redelivery).
   */
  onCreateFailure: z.enum(['report', 'hold']).default('report'),
});

const reconcile = z.strictObject({
  intervalSeconds: integer(0).default(300),
  /** Batch reads in flight at once per desk during a run (each reads up to the desk's batch size of tickets). */
  concurrency: integer(1, 32).default(2),
});

const records = z.strictObject({
  /**
   * How long a step's record, history and ticket index are kept after their last write: past ConductorOne's callback
   * expiry (8 days by default, at most 30), so a late desk event is still matched. Bounds Redis' growth.
   */
  retentionDays: integer(1, 3650).default(45),
});

/** An empty value (`${ADMIN_USER:-}`) counts as unset. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const admin = z
  .strictObject({ username: optionalText, password: optionalText })
  .refine((value) => (value.username === undefined) === (value.password === undefined), 'give both username and password, or neither');

const isTimeZone = (value: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

const templates = z.strictObject({
  /** The zone the task's times are written in on tickets (and in `preview`). */
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Berlin').default('UTC'),
});

const logging = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Route = z.output<typeof route>;
type DefaultRoute = z.output<typeof defaultRoute>;

/** The part of a config that cross-route checks read: the routes, and the desks configured (name → kind). */
export interface RoutingView {
  /** By position in the file; `undefined` where a route is itself invalid (its own problems are reported apart). */
  routes: ReadonlyArray<Route | undefined>;
  defaultRoute: DefaultRoute | undefined;
  desks: ReadonlyMap<string, string>;
}

type Problem = { path: Array<string | number>; message: string };

/** Routes that send tickets to a desk that is not configured or is of another kind, and route names used twice. */
export function routingProblems(view: RoutingView): Problem[] {
  const problems: Problem[] = [];
  const check = (path: Array<string | number>, who: string, target: Route | DefaultRoute) => {
    const kind = targetKind(target);
    if (kind === undefined) return;
    if (target.desk === undefined) {
      if (view.desks.get(kind) !== kind) problems.push({ path: [...path, kind], message: `${who} targets ${kind} but the ${kind} section is missing` });
      return;
    }
    const deskKind = view.desks.get(target.desk);
    const known = [...view.desks.keys()].map((name) => JSON.stringify(name)).join(', ');
    if (deskKind === undefined) {
      problems.push({ path: [...path, 'desk'], message: `${who} names desk "${target.desk}", which is not configured (desks: ${known === '' ? 'none' : known})` });
    } else if (deskKind !== kind) {
      problems.push({ path: [...path, 'desk'], message: `${who} names desk "${target.desk}", a ${deskKind} desk, but its target is ${kind}:` });
    }
  };
  const names = new Set<string>();
  view.routes.forEach((r, index) => {
    if (r === undefined) return;
    check(['routes', index], `route "${r.name}"`, r);
    if (names.has(r.name)) problems.push({ path: ['routes', index, 'name'], message: `route name "${r.name}" is used twice` });
    names.add(r.name);
  });
  if (view.defaultRoute !== undefined) check(['defaultRoute'], 'defaultRoute', view.defaultRoute);
  return problems;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Names a `desks:` entry may not take: the kinds' own sections, and paths the bridge already serves. */
const RESERVED_DESK_NAMES = new Set<string>([...DESK_KINDS, 'conductorone']);

/** The desks a raw config names (kind sections, then `desks:` entries), as far as their kind can be read. */
function deskKinds(raw: Record<string, unknown>): Map<string, string> {
  const desks = new Map<string, string>();
  for (const kind of DESK_KINDS) if (raw[kind] !== undefined) desks.set(kind, kind);
  const entries = isRecord(raw['desks']) ? raw['desks'] : {};
  for (const [name, entry] of Object.entries(entries)) {
    const kind = isRecord(entry) ? entry['kind'] : undefined;
    if (typeof kind === 'string' && !RESERVED_DESK_NAMES.has(name)) desks.set(name, kind);
  }
  return desks;
}

/**
 * The routing of a config that failed validation, each route parsed on its own: zod skips a refinement over the
 * whole config once any key in it is invalid, yet the operator should see every route problem in the same run.
 */
export function salvageRouting(input: unknown): RoutingView {
  const raw = isRecord(input) ? input : {};
  const routes = Array.isArray(raw['routes']) ? raw['routes'] : [];
  const parsedDefault = raw['defaultRoute'] === undefined ? undefined : defaultRoute.safeParse(raw['defaultRoute']);
  return {
    routes: routes.map((candidate) => {
      const parsed = route.safeParse(candidate);
      return parsed.success ? parsed.data : undefined;
    }),
    defaultRoute: parsedDefault?.success === true ? parsedDefault.data : undefined,
    desks: deskKinds(raw),
  };
}

/** One configured desk: a kind's own section (named as its kind) or a `desks:` entry, with its parsed section. */
export type DeskInstance = { [M in AnyDeskModule as M['kind']]: { name: string; kind: M['kind']; config: z.output<M['instanceSchema']> } }[DeskKind];

/** `desks: { <name>: { kind, ...that kind's section keys } }`, each entry read by its kind's schema. */
const namedDesks = z.record(z.string(), z.unknown()).superRefine((entries, ctx) => {
  for (const [name, entry] of Object.entries(entries)) {
    const named = deskName.safeParse(name);
    if (!named.success) ctx.addIssue({ code: 'custom', path: [name], message: `desk name ${named.error.issues[0]?.message ?? 'is invalid'}` });
    else if (RESERVED_DESK_NAMES.has(name)) {
      ctx.addIssue({ code: 'custom', path: [name], message: `desk name "${name}" is taken: /webhooks/${name} already belongs to the bridge${DESK_KINDS.includes(name as DeskKind) ? ` (use the ${name}: section for that desk)` : ''}` });
    }
    const kind = isRecord(entry) ? entry['kind'] : undefined;
    const desk = typeof kind === 'string' ? deskModule(kind) : undefined;
    if (desk === undefined) {
      ctx.addIssue({ code: 'custom', path: [name, 'kind'], message: `must be one of ${DESK_KINDS.join(', ')}` });
      continue;
    }
    const { kind: _kind, ...section } = entry as Record<string, unknown>;
    const parsed = desk.instanceSchema.safeParse(section);
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: [name, ...issue.path.map(String)], message: issue.message });
  }
});

function configuredDesks(config: Record<string, unknown>, entries: Readonly<Record<string, unknown>>): DeskInstance[] {
  const desks: DeskInstance[] = [];
  const add = (name: string, desk: DeskModule, section: unknown) => {
    const parsed = desk.instanceSchema.parse(section);
    desks.push({ name, kind: desk.kind, config: desk.normalise === undefined ? parsed : desk.normalise(parsed) } as DeskInstance);
  };
  for (const desk of DESK_MODULES as readonly DeskModule[]) if (config[desk.kind] !== undefined) add(desk.kind, desk, config[desk.kind]);
  for (const [name, entry] of Object.entries(entries)) {
    const { kind, ...section } = entry as Record<string, unknown>;
    const desk = deskModule(String(kind));
    if (desk !== undefined) add(name, desk, section);
  }
  return desks;
}

const rawConfig = z
  .strictObject({
    server,
    redis: redis.default({ url: 'redis://127.0.0.1:6379', prefix: 'c1tb', waitForReplicas: 0, waitForReplicasTimeoutMs: 1_000, memoryWarningPercent: 80 }),
    conductorone,
    ...sections,
    desks: namedDesks.default({}),
    routes: z.array(route).default([]),
    defaultRoute: defaultRoute.optional(),
    jobs: jobs.default({ attempts: 12, backoffMs: 2000, lockDurationMs: 30_000, onCreateFailure: 'report' }),
    reconcile: reconcile.default({ intervalSeconds: 300, concurrency: 2 }),
    records: records.default({ retentionDays: 45 }),
    admin: admin.default({ username: undefined, password: undefined }),
    templates: templates.default({ timeZone: 'UTC' }),
    logging: logging.default({ level: 'info' }),
  })
  .superRefine((config, ctx) => {
    const view = { routes: config.routes, defaultRoute: config.defaultRoute, desks: deskKinds(config) };
    for (const problem of routingProblems(view)) ctx.addIssue({ code: 'custom', ...problem });
    for (const problem of approvalRouteProblems(config.routes, config.conductorone.api !== undefined, approvalTargetOf, (kind) => deskModule(kind)?.approvalProblems)) ctx.addIssue({ code: 'custom', ...problem });
  });

/** A route's kind and its `<kind>:` target, for the approval rules. */
function approvalTargetOf(route: Readonly<Record<string, unknown>>): { kind: string; target: Readonly<Record<string, unknown>> } | undefined {
  const kind = targetKind(route);
  const target = kind === undefined ? undefined : route[kind];
  return kind === undefined || target === null || typeof target !== 'object' ? undefined : { kind, target: target as Readonly<Record<string, unknown>> };
}

/** The desk a route sends tickets to: its `desk:`, else its target kind's own section. */
export const routeDesk = (r: Readonly<Record<string, unknown>> & { readonly desk?: string | undefined }): string => r.desk ?? targetKind(r) ?? '';

/** The config file's schema: parsing applies the documented defaults, including those derived from other keys. */
export const configSchema = rawConfig.transform((config) => {
  const deskInstances = configuredDesks(config, config.desks);
  const own = Object.fromEntries(deskInstances.filter((desk) => desk.name === desk.kind).map((desk) => [desk.kind, desk.config])) as Partial<typeof sections extends infer _ ? { [K in DeskKind]: Extract<DeskInstance, { kind: K }>['config'] } : never>;
  return {
    ...config,
    ...own,
    deskInstances,
    conductorone: {
      ...config.conductorone,
      jwksUrl: config.conductorone.jwksUrl ?? `https://${config.conductorone.tenant}/auth/v1/jwks`,
      audience: config.conductorone.audience ?? new URL(config.server.publicUrl).host,
      callbackOrigins: config.conductorone.callbackOrigins ?? [`https://${config.conductorone.tenant}`],
    },
  };
});

/** The parsed config. Read-only because the loader freezes it: one config per process, changed only by a restart. */
export type BridgeConfig = DeepReadonly<z.output<typeof configSchema>>;
export type RouteConfig = BridgeConfig['routes'][number];
