import { z } from 'zod';

/** Key names whose values are secrets: redacted in logs, never printed by the CLI. */
export const SECRET_KEYS = ['apiToken', 'token', 'password', 'webhookSecret', 'clientSecret'] as const;

const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), 'must be an absolute http(s) URL');

const origin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/$/, '');
}, 'must be an origin: scheme://host[:port], without a path');

const host = z
  .string()
  .min(1)
  .refine((value) => !value.includes('/') && URL.canParse(`https://${value}`), 'must be a host name, e.g. acme.conductor.one');

const nonEmpty = z.string().min(1, 'must not be empty');

/** One secret or several (rotation: the new one is added, then the old one removed). */
const secretList = z
  .union([nonEmpty, z.array(nonEmpty).min(1, 'must list at least one secret')])
  .transform((value) => (typeof value === 'string' ? [value] : value));

const server = z.strictObject({
  host: z.string().default('0.0.0.0'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  publicUrl: httpUrl,
  bodyLimitBytes: z.coerce.number().int().min(1024).default(1_048_576),
});

const redis = z.strictObject({
  url: z.string().default('redis://127.0.0.1:6379').refine((value) => /^rediss?:\/\//.test(value) && URL.canParse(value), 'must be a redis:// or rediss:// URL'),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_{}.-]+$/, 'may hold letters, digits and _ . - { } only')
    .default('c1tb'),
});

const conductorone = z.strictObject({
  tenant: host,
  jwksUrl: httpUrl.optional(),
  audience: nonEmpty.optional(),
  clockToleranceSeconds: z.coerce.number().int().min(0).max(300).default(30),
  callbackOrigins: z.array(origin).min(1).optional(),
});

const jira = z
  .strictObject({
    baseUrl: httpUrl,
    email: nonEmpty.optional(),
    apiToken: nonEmpty.optional(),
    token: nonEmpty.optional(),
    webhookSecret: secretList.optional(),
    erroredResolutions: z.array(nonEmpty).default(["Won't Do", 'Declined', 'Rejected', 'Duplicate']),
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

const stateCodes = z.array(z.coerce.number().int()).default([]);
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

const jiraTarget = z.strictObject({
  project: nonEmpty,
  issueType: nonEmpty.default('Task'),
  labels: z.array(nonEmpty).default([]),
  summary: z.string().optional(),
  description: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).default({}),
});

const servicenowTarget = z.strictObject({
  table: z.enum(['incident', 'sc_task', 'sc_req_item']),
  shortDescription: z.string().optional(),
  description: z.string().optional(),
  fields: z.record(z.string(), z.string()).default({}),
});

const match = z.strictObject({
  appId: nonEmpty.optional(),
  entitlementId: nonEmpty.optional(),
  appName: nonEmpty.optional(),
  entitlementName: nonEmpty.optional(),
  taskType: z.enum(['grant', 'revoke']).optional(),
});

const target = { jira: jiraTarget.optional(), servicenow: servicenowTarget.optional() };

function oneTarget(value: { jira?: unknown; servicenow?: unknown }, ctx: z.RefinementCtx): void {
  const count = (value.jira === undefined ? 0 : 1) + (value.servicenow === undefined ? 0 : 1);
  if (count !== 1) ctx.addIssue({ code: 'custom', message: 'needs exactly one target: jira or servicenow' });
}

const route = z.strictObject({ name: nonEmpty, match: match.default({}), ...target }).superRefine(oneTarget);
const defaultRoute = z.strictObject(target).superRefine(oneTarget);

const jobs = z.strictObject({
  attempts: z.coerce.number().int().min(1).max(1000).default(12),
  backoffMs: z.coerce.number().int().min(1).default(2000),
});

const reconcile = z.strictObject({
  intervalSeconds: z.coerce.number().int().min(0).default(300),
});

/** An empty value (`${ADMIN_USER:-}`) counts as unset. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const admin = z
  .strictObject({ username: optionalText, password: optionalText })
  .refine((value) => (value.username === undefined) === (value.password === undefined), 'give both username and password, or neither');

const logging = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const rawConfig = z
  .strictObject({
    server,
    redis: redis.default({ url: 'redis://127.0.0.1:6379', prefix: 'c1tb' }),
    conductorone,
    jira: jira.optional(),
    servicenow: servicenow.optional(),
    routes: z.array(route).default([]),
    defaultRoute: defaultRoute.optional(),
    jobs: jobs.default({ attempts: 12, backoffMs: 2000 }),
    reconcile: reconcile.default({ intervalSeconds: 300 }),
    admin: admin.default({ username: undefined, password: undefined }),
    logging: logging.default({ level: 'info' }),
  })
  .superRefine((config, ctx) => {
    const targets: Array<{ path: Array<string | number>; name: string; system: 'jira' | 'servicenow' }> = [];
    config.routes.forEach((r, index) => {
      if (r.jira !== undefined) targets.push({ path: ['routes', index, 'jira'], name: `route "${r.name}"`, system: 'jira' });
      if (r.servicenow !== undefined) targets.push({ path: ['routes', index, 'servicenow'], name: `route "${r.name}"`, system: 'servicenow' });
    });
    if (config.defaultRoute?.jira !== undefined) targets.push({ path: ['defaultRoute', 'jira'], name: 'defaultRoute', system: 'jira' });
    if (config.defaultRoute?.servicenow !== undefined) targets.push({ path: ['defaultRoute', 'servicenow'], name: 'defaultRoute', system: 'servicenow' });
    for (const t of targets) {
      if (config[t.system] === undefined) {
        ctx.addIssue({ code: 'custom', path: t.path, message: `${t.name} targets ${t.system} but the ${t.system} section is missing` });
      }
    }
    const names = new Set<string>();
    config.routes.forEach((r, index) => {
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['routes', index, 'name'], message: `route name "${r.name}" is used twice` });
      names.add(r.name);
    });
  });

/** The config file's schema: parsing applies the documented defaults, including those derived from other keys. */
export const configSchema = rawConfig.transform((config) => ({
  ...config,
  server: { ...config.server, publicUrl: config.server.publicUrl.replace(/\/+$/, '') },
  ...(config.servicenow === undefined
    ? {}
    : { servicenow: { ...config.servicenow, states: { ...DEFAULT_SERVICENOW_STATES, ...config.servicenow.states } } }),
  conductorone: {
    ...config.conductorone,
    jwksUrl: config.conductorone.jwksUrl ?? `https://${config.conductorone.tenant}/auth/v1/jwks`,
    audience: config.conductorone.audience ?? new URL(config.server.publicUrl).host,
    callbackOrigins: (config.conductorone.callbackOrigins ?? [`https://${config.conductorone.tenant}`]).map((o) => o.replace(/\/$/, '')),
  },
}));

export type BridgeConfig = z.output<typeof configSchema>;
export type RouteConfig = BridgeConfig['routes'][number];
