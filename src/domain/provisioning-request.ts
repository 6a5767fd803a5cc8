/**
 * The provisioning task as the bridge understands it: one grant or revoke of one entitlement for one user, built from
 * C1's TaskView and its expanded objects. Pure: no I/O, no clock; plain data that travels inside a job.
 */
import type { C1App, C1AppEntitlement, C1AppUser, C1User, ProvisionStepPayload, WebhookEnvelope } from '../c1/schemas.ts';
import { appEntitlementSchema, appSchema, appUserSchema, userSchema } from '../c1/schemas.ts';
import { durationToSeconds } from './duration.ts';
import { EXPANDED_TYPE, resolveExpanded } from './expanded-path.ts';

export type ProvisioningKind = 'grant' | 'revoke';

export interface Person {
  readonly id?: string;
  readonly name?: string;
  readonly email?: string;
  readonly username?: string;
  readonly department?: string;
  readonly jobTitle?: string;
}

export interface ProvisioningRequest {
  readonly kind: ProvisioningKind;
  readonly taskId: string;
  /** The current policy step (contract §5), or the task id when the payload names none. */
  readonly stepId: string;
  readonly numericId?: string;
  readonly displayName?: string;
  readonly justification?: string;
  readonly grantDuration?: string;
  readonly grantDurationSeconds?: number;
  readonly emergencyAccess: boolean;
  readonly app: { readonly id: string; readonly name?: string; readonly description?: string };
  readonly entitlement: { readonly id: string; readonly name?: string; readonly slug?: string; readonly description?: string };
  readonly subject: Person;
  readonly appUser: Person;
  readonly requester: Person;
  /** Where a person opens the task in C1. */
  readonly taskUrl: string;
  readonly callbackUrl: string;
  readonly webhookId?: string;
  /** Why a revoke happens, e.g. `review` for an access review. */
  readonly revokeSource?: string;
}

export type ProvisioningResult = { ok: true; request: ProvisioningRequest } | { ok: false; problems: string[] };

/** Keeps only defined, non-empty values, so optional fields are absent rather than `undefined` or `""`. */
function compact<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null && v !== '')) as {
    [K in keyof T]?: Exclude<T[K], null | undefined>;
  };
}

function expandedAs<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, item: Record<string, unknown> | undefined): T | undefined {
  if (item === undefined) return undefined;
  const parsed = schema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}

function person(user: C1User | C1AppUser | undefined, fallbackId?: string | null): Person {
  const full = user as (C1User & C1AppUser) | undefined;
  return compact({
    id: user?.id ?? fallbackId,
    name: user?.displayName,
    email: user?.email,
    username: user?.username,
    department: full?.department,
    jobTitle: full?.jobTitle,
  });
}

export function correlationKey(request: Pick<ProvisioningRequest, 'taskId' | 'stepId'>): { taskId: string; stepId: string } {
  return { taskId: request.taskId, stepId: request.stepId };
}

export function taskUrl(tenant: string, task: { id: string; numericId?: string | null | undefined }): string {
  return `https://${tenant}/task/${encodeURIComponent(task.numericId ?? task.id)}`;
}

/**
 * @example
 *   const result = toProvisioningRequest(envelope, payload, { tenant: 'acme.conductor.one' });
 *   if (result.ok) enqueue(result.request); else refuse(result.problems);
 */
export function toProvisioningRequest(envelope: WebhookEnvelope, payload: ProvisionStepPayload, options: { tenant: string }): ProvisioningResult {
  const view = payload.taskView;
  const task = view?.task;
  const expanded = payload.expanded as ReadonlyArray<Record<string, unknown>> | null | undefined;
  const grant = task?.type?.grant;
  const revoke = task?.type?.revoke;
  const kind: ProvisioningKind | undefined = grant != null ? 'grant' : revoke != null ? 'revoke' : undefined;
  const target = grant ?? revoke;

  const app = expandedAs<C1App>(appSchema, resolveExpanded(expanded, view?.appPath, EXPANDED_TYPE.app));
  const entitlement = expandedAs<C1AppEntitlement>(appEntitlementSchema, resolveExpanded(expanded, view?.entitlementsPath, EXPANDED_TYPE.entitlement));
  const subject = expandedAs<C1User>(userSchema, resolveExpanded(expanded, view?.identityUserPath ?? view?.userPath, EXPANDED_TYPE.user));
  const appUser = expandedAs<C1AppUser>(appUserSchema, resolveExpanded(expanded, view?.appUserPath, EXPANDED_TYPE.appUser));
  const requester = expandedAs<C1User>(userSchema, resolveExpanded(expanded, view?.createdByUserPath, EXPANDED_TYPE.user));

  const taskId = task?.id ?? undefined;
  const appId = app?.id ?? target?.appId ?? undefined;
  const entitlementId = entitlement?.id ?? target?.appEntitlementId ?? undefined;
  const callbackUrl = envelope.callbackUrl ?? undefined;

  const problems: string[] = [];
  if (!taskId) problems.push('payload.taskView.task.id is missing');
  if (!callbackUrl) problems.push('callbackUrl is missing');
  if (kind === undefined) problems.push('payload.taskView.task.type is neither grant nor revoke');
  if (kind !== undefined && !appId) problems.push(`no app id (payload.taskView.appPath or task.type.${kind}.appId)`);
  if (kind !== undefined && !entitlementId) problems.push(`no entitlement id (payload.taskView.entitlementsPath or task.type.${kind}.appEntitlementId)`);
  if (problems.length > 0 || !taskId || !callbackUrl || kind === undefined || !appId || !entitlementId) {
    return { ok: false, problems };
  }

  const grantDuration = grant?.grantDuration ?? undefined;
  const revokeSource = revoke?.source == null ? undefined : Object.keys(revoke.source).find((key) => revoke.source?.[key as keyof typeof revoke.source] != null);

  const request: ProvisioningRequest = {
    kind,
    taskId,
    stepId: task?.policy?.current?.id || taskId,
    ...compact({
      numericId: task?.numericId,
      displayName: task?.displayName,
      justification: task?.description,
      grantDuration,
      grantDurationSeconds: durationToSeconds(grantDuration),
      webhookId: envelope.webhookId,
      revokeSource,
    }),
    emergencyAccess: task?.emergencyAccess === true,
    app: { id: appId, ...compact({ name: app?.displayName, description: app?.description }) },
    entitlement: {
      id: entitlementId,
      ...compact({ name: entitlement?.displayName, slug: entitlement?.slug, description: entitlement?.description }),
    },
    subject: person(subject, target?.identityUserId ?? task?.userId),
    appUser: person(appUser, target?.appUserId),
    requester: person(requester, task?.createdByUserId),
    taskUrl: taskUrl(options.tenant, { id: taskId, numericId: task?.numericId }),
    callbackUrl,
  };
  return { ok: true, request };
}
