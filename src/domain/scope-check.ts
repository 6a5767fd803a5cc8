/**
 * Which names a template or a condition may read, decided without rendering: a path is checked against a scope built
 * from a sample task that has every field filled, so a name in a branch no sample would take is still checked.
 */
import type { ProvisioningRequest } from './provisioning-request.ts';
import { openMaps, templateScope, type TemplateScope } from './template-scope.ts';

/** A sample with every key filled, lists with one item, to check names against before any real task arrives. */
export const SAMPLE_REQUEST: ProvisioningRequest = {
  kind: 'grant',
  taskId: 'sample',
  stepId: 'sample',
  numericId: '1',
  displayName: 'sample',
  justification: 'sample',
  grantDuration: '3600s',
  grantDurationSeconds: 3600,
  emergencyAccess: false,
  app: { id: 'app', name: 'App', description: 'd', instructions: 'i' },
  entitlement: {
    id: 'ent',
    name: 'Ent',
    slug: 'ent',
    description: 'd',
    alias: 'a',
    purpose: 'p',
    riskLevelValueId: 'r',
    appResourceId: 'res',
    appResourceTypeId: 'rt',
  },
  subject: {
    id: 'u',
    name: 'U',
    email: 'u@example.com',
    username: 'u',
    department: 'd',
    jobTitle: 't',
    status: 's',
    type: 't',
    employmentType: 'e',
    employmentStatus: 'e',
    directoryStatus: 'd',
    profile: {},
    managerIds: ['m'],
    managers: [{ id: 'm', name: 'M', email: 'm@example.com' }],
  },
  appUser: { id: 'au', name: 'U', email: 'u@example.com', username: 'u' },
  requester: { id: 'r', name: 'R', email: 'r@example.com' },
  taskUrl: 'https://tenant.example/task/1',
  callbackUrl: 'https://tenant.example/callback',
  revokeSource: 'review',
  origin: 'TASK_ORIGIN_WEBAPP',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  policyName: 'p',
  form: [{ name: 'f', label: 'F', value: 'v' }],
};

export const SAMPLE_SCOPE: TemplateScope = templateScope(SAMPLE_REQUEST);
const OPEN: ReadonlySet<object> = new Set(openMaps(SAMPLE_SCOPE));

/** The top-level names a scope offers. */
export const SCOPE_ROOTS: readonly string[] = Object.keys(SAMPLE_SCOPE);

/**
 * The part of `segments` that names nothing (`task.nope` of `task.nope.x`), or undefined when the path exists.
 * A segment that is itself computed (undefined here) ends the check: its value is only known at run time.
 */
export function unknownPath(segments: ReadonlyArray<string | number | undefined>, scope: unknown = SAMPLE_SCOPE): string | undefined {
  let value: unknown = scope;
  const walked: string[] = [];
  for (const segment of segments) {
    if (segment === undefined) return undefined;
    walked.push(String(segment));
    if (value !== null && typeof value === 'object' && OPEN.has(value)) return undefined;
    // Lists offer their items, `first`, `last` and `size` (Liquid's); text offers `size`.
    if (Array.isArray(value)) {
      if (typeof segment === 'number' || segment === 'first' || segment === 'last') value = value[0];
      else if (segment === 'size') value = 0;
      else return walked.join('.');
    } else if (typeof value === 'string') {
      if (segment !== 'size') return walked.join('.');
      value = 0;
    } else if (value !== null && typeof value === 'object' && typeof segment === 'string' && Object.hasOwn(value, segment)) {
      value = (value as Record<string, unknown>)[segment];
    } else {
      return walked.join('.');
    }
  }
  return undefined;
}
