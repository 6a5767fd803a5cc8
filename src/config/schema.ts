import { z } from 'zod';
import { parseClientSecret } from '../c1/api-client.ts';

/**
 * Config key names whose values are secrets, wherever they occur, for a logger's redaction list; the CLI never
 * prints them. Not listed because it is not only a secret: `redis.url` may carry a password (`redis://:pw@host`),
 * so log it without its credentials.
 */
export const SECRET_KEYS = ['apiToken', 'token', 'password', 'webhookSecret', 'clientSecret'] as const;

const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

const httpUrl = z.string().refine(isHttpUrl, 'must be an absolute http(s) URL');

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

const nonEmpty = z.string().min(1, 'must not be empty');

/**
 * A whole number from YAML, or digits from a `${VAR}` (a string). Unlike `z.coerce.number()`, an empty value or a
 * key left without one is an error instead of a silent 0 (which would mean "random port" or "reconcile off").
 */
function integer(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
    z.number().int('must be a whole number').min(min, `must be at least ${min.toString()}`).max(max, `must be at most ${max.toString()}`),
  );
}

/** One secret or several (rotation: the new one is added, then the old one removed). */
const secretList = z
  .union([nonEmpty, z.array(nonEmpty).min(1, 'must list at least one secret')], {
    error: (issue) => (issue.code === 'invalid_union' ? 'must be a secret or a list of secrets' : undefined),
  })
  .transform((value) => (typeof value === 'string' ? [value] : value));

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

const jira = z
  .strictObject({
    baseUrl: httpUrl,
    email: nonEmpty.optional(),
    apiToken: nonEmpty.optional(),
    token: nonEmpty.optional(),
    webhookSecret: secretList.optional(),
    erroredResolutions: z.array(nonEmpty).default(["Won't Do", 'Declined', 'Rejected', 'Duplicate']),
    /**
     * How long Jira's JQL search may take to see a new issue (it is eventually consistent: "from a few seconds to
     * minutes", Atlassian's "Search and reconcile"). A create retried after a create call waits this long after that
     * call before it searches for the issue, so a crash between the create and the record write opens no duplicate.
     */
    indexLagSeconds: integer(0, 3600).default(60),
  })
  .superRefine((value, ctx) => {
    const cloud = value.email !== undefined || value.apiToken !== undefined;
    const dataCenter = value.token !== undefined;
    if (cloud && dataCenter) {
      ctx.addIssue({ code: 'custom', message: 'give either email + apiToken (Cloud) or token (Data Center PAT), not both' });
    } else if (!cloud && !dataCenter) {
      ctx.addIssue({ code: 'custom', message: 'credentials missing: email + apiToken (Cloud) or token (Data Center PAT)' });
    } else if (cloud && (value.email === undefined || value.apiToken === undefined)) {
      ctx.addIssue({ code: 'custom', path: [value.email === undefined ? 'email' : 'apiToken'], message: 'Cloud needs both email and apiToken' });
    }
  });

const servicenowOauth = z.strictObject({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  tokenUrl: httpUrl.optional(),
});

const stateCodes = z.array(integer(0)).default([]);
const tableStates = z.strictObject({ complete: stateCodes, errored: stateCodes });

/** Contract §6 defaults: incident 6/7 ⇒ complete, 8 ⇒ errored; sc_task and sc_req_item 3 ⇒ complete, 4/7 ⇒ errored. */
export const DEFAULT_SERVICENOW_STATES = {
  incident: { complete: [6, 7], errored: [8] },
  sc_task: { complete: [3], errored: [4, 7] },
  sc_req_item: { complete: [3], errored: [4, 7] },
};

const servicenow = z
  .strictObject({
    instanceUrl: httpUrl,
    username: nonEmpty.optional(),
    password: nonEmpty.optional(),
    oauth: servicenowOauth.optional(),
    webhookSecret: secretList.optional(),
    /** Per table, which `state` values are final and how they are reported; tables not listed keep the defaults. */
    states: z.partialRecord(z.enum(['incident', 'sc_task', 'sc_req_item']), tableStates).default({}),
    /** Requested-item stages that mean the request was cancelled (a complete state with one is errored); unset: any stage naming a cancellation. */
    cancelledStages: z.array(nonEmpty).optional(),
  })
  .superRefine((value, ctx) => {
    const basic = value.username !== undefined || value.password !== undefined;
    if (basic && value.oauth !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either username + password or oauth, not both' });
    } else if (!basic && value.oauth === undefined) {
      ctx.addIssue({ code: 'custom', message: 'credentials missing: username + password, or oauth' });
    } else if (basic && (value.username === undefined || value.password === undefined)) {
      ctx.addIssue({ code: 'custom', path: [value.username === undefined ? 'username' : 'password'], message: 'basic auth needs both username and password' });
    }
  });

/** Jira refuses a label with white space in it, or longer than 255 characters. */
const jiraLabel = nonEmpty
  .refine((value) => !/\s/.test(value), 'Jira labels may not contain spaces (use - or _)')
  .refine((value) => [...value].length <= 255, 'Jira labels may be at most 255 characters long');

const jiraTarget = z.strictObject({
  project: nonEmpty,
  issueType: nonEmpty.default('Task'),
  labels: z.array(jiraLabel).default([]),
  summary: z.string().optional(),
  description: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).default({}),
});

/** ServiceNow takes every field value as text; `urgency: 2` need not be quoted. */
const fieldText = z.union([z.string(), z.number(), z.boolean()], { error: 'must be text, a number or true/false' }).transform(String);

/**
 * A Table API record (`table`), or a Service Catalog order (`catalogItem`, name or sys_id, with `variables`), tracked
 * as its requested item (sc_req_item). `requestedFor: subject` names the task's user, found in sys_user by email.
 */
const servicenowTarget = z
  .strictObject({
    table: z.enum(['incident', 'sc_task', 'sc_req_item']).optional(),
    catalogItem: nonEmpty.optional(),
    variables: z.record(z.string(), fieldText).default({}),
    requestedFor: z.literal('subject', { error: 'must be subject (the task\'s user)' }).optional(),
    /** The record field that takes the user on a Table API route (default: caller_id, requested_for or opened_for by table). */
    requestedForField: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a ServiceNow field name such as caller_id').optional(),
    shortDescription: z.string().optional(),
    description: z.string().optional(),
    fields: z.record(z.string(), fieldText).default({}),
  })
  .superRefine((value, ctx) => {
    if (value.catalogItem === undefined) {
      if (value.table === undefined) ctx.addIssue({ code: 'custom', message: 'needs a table (incident, sc_task, sc_req_item) or a catalogItem' });
      if (Object.keys(value.variables).length > 0) ctx.addIssue({ code: 'custom', path: ['variables'], message: 'variables belong to a catalogItem order' });
      return;
    }
    if (value.table !== undefined && value.table !== 'sc_req_item') ctx.addIssue({ code: 'custom', path: ['table'], message: 'a catalogItem order is tracked as sc_req_item; leave table out' });
    if (value.requestedForField !== undefined) ctx.addIssue({ code: 'custom', path: ['requestedForField'], message: 'a catalogItem order sets requested_for itself; leave requestedForField out' });
  })
  .transform(({ table, ...rest }) => ({ ...rest, table: table ?? 'sc_req_item' }));

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

const target = { jira: jiraTarget.optional(), servicenow: servicenowTarget.optional() };

function oneTarget(value: { jira?: unknown; servicenow?: unknown }, ctx: z.RefinementCtx): void {
  const count = (value.jira === undefined ? 0 : 1) + (value.servicenow === undefined ? 0 : 1);
  if (count !== 1) ctx.addIssue({ code: 'custom', message: 'needs exactly one target: jira or servicenow' });
}

/** `when:` is a CEL expression over the template variables; compiled (and checked) with the rest at start-up. */
/** `for:` says which kind of C1 step the route takes (contract §8): provisioning steps, or policy approval steps. */
export const STEP_KINDS = ['provision', 'approval'] as const;
const route = z
  .strictObject({ name: nonEmpty, for: z.enum(STEP_KINDS).default('provision'), match: match.default({}), when: nonEmpty.optional(), ...target })
  .superRefine(oneTarget);
const defaultRoute = z.strictObject(target).superRefine(oneTarget);

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

/** The part of a config that cross-route checks read: the routes, and which ticket systems have a section. */
export interface RoutingView {
  /** By position in the file; `undefined` where a route is itself invalid (its own problems are reported apart). */
  routes: ReadonlyArray<Route | undefined>;
  defaultRoute: DefaultRoute | undefined;
  systems: { jira: boolean; servicenow: boolean };
}

/** Routes that target a system without a section, and route names used twice. */
export function routingProblems(view: RoutingView): Array<{ path: Array<string | number>; message: string }> {
  const problems: Array<{ path: Array<string | number>; message: string }> = [];
  const check = (path: Array<string | number>, who: string, target: { jira?: unknown; servicenow?: unknown }) => {
    for (const system of ['jira', 'servicenow'] as const) {
      if (target[system] !== undefined && !view.systems[system]) {
        problems.push({ path: [...path, system], message: `${who} targets ${system} but the ${system} section is missing` });
      }
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
    systems: { jira: raw['jira'] !== undefined, servicenow: raw['servicenow'] !== undefined },
  };
}

const rawConfig = z
  .strictObject({
    server,
    redis: redis.default({ url: 'redis://127.0.0.1:6379', prefix: 'c1tb', waitForReplicas: 0, waitForReplicasTimeoutMs: 1_000, memoryWarningPercent: 80 }),
    conductorone,
    jira: jira.optional(),
    servicenow: servicenow.optional(),
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
    const view = { routes: config.routes, defaultRoute: config.defaultRoute, systems: { jira: config.jira !== undefined, servicenow: config.servicenow !== undefined } };
    for (const problem of routingProblems(view)) ctx.addIssue({ code: 'custom', ...problem });
  });

/** The config file's schema: parsing applies the documented defaults, including those derived from other keys. */
export const configSchema = rawConfig.transform((config) => ({
  ...config,
  ...(config.servicenow === undefined
    ? {}
    : { servicenow: { ...config.servicenow, states: { ...DEFAULT_SERVICENOW_STATES, ...config.servicenow.states } } }),
  conductorone: {
    ...config.conductorone,
    jwksUrl: config.conductorone.jwksUrl ?? `https://${config.conductorone.tenant}/auth/v1/jwks`,
    audience: config.conductorone.audience ?? new URL(config.server.publicUrl).host,
    callbackOrigins: config.conductorone.callbackOrigins ?? [`https://${config.conductorone.tenant}`],
  },
}));

type DeepReadonly<T> = T extends ReadonlyArray<infer U>
  ? ReadonlyArray<DeepReadonly<U>>
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The parsed config. Read-only because the loader freezes it: one config per process, changed only by a restart. */
export type BridgeConfig = DeepReadonly<z.output<typeof configSchema>>;
export type RouteConfig = BridgeConfig['routes'][number];
