/**
 * The provisioning task as the bridge understands it: one grant or revoke of one entitlement for one user, built from
 * C1's TaskView and its expanded objects. Pure (no I/O, no clock, no env) and plain JSON-serialisable data, because
 * it travels inside a job.
 */
import type { C1App, C1AppEntitlement, C1AppUser, C1Form, C1TaskTypeRevoke, C1User, ExpandedItem, ProvisionStepPayload, WebhookEnvelope } from '../c1/schemas.ts';
import { C1_EVENT, EXPANDED_TYPE, provisionStepPayloadSchema } from '../c1/schemas.ts';
import { durationToSeconds } from './duration.ts';
import { resolveExpanded } from './expanded-path.ts';

export { durationToSeconds } from './duration.ts';

export type ProvisioningKind = 'grant' | 'revoke';

/** The identity user the access is for. */
export interface Person {
  readonly id?: string;
  readonly name?: string;
  readonly email?: string;
  readonly username?: string;
  readonly department?: string;
  readonly jobTitle?: string;
  readonly status?: string;
  readonly type?: string;
  readonly employmentType?: string;
  readonly employmentStatus?: string;
  readonly directoryStatus?: string;
  /** The directory's attributes of the user, custom ones included (C1's `profile`). */
  readonly profile?: Readonly<Record<string, unknown>>;
  readonly managerIds?: readonly string[];
  /** The managers C1 expanded in the payload (those it did not expand are only in `managerIds`). */
  readonly managers?: readonly Requester[];
}

/** One answer of the request form, with the question's label where the form names it. */
export interface FormAnswer {
  readonly name: string;
  readonly label?: string;
  readonly value: unknown;
}

/** The user's account inside the app. */
export type AppAccount = Pick<Person, 'id' | 'name' | 'email' | 'username'>;

/** Who opened the task in C1. */
export type Requester = Pick<Person, 'id' | 'name' | 'email'>;

/** Which kind of C1 step a request answers: a provisioning step, or a policy approval step (routes' `for:`). */
export type StepKind = 'provision' | 'approval';

export interface ProvisioningRequest {
  /** Absent means `provision`: jobs queued before approvals existed carry none. */
  readonly step?: StepKind;
  readonly kind: ProvisioningKind;
  readonly taskId: string;
  /** The current policy step (contract §5), or the task id when the payload names none. */
  readonly stepId: string;
  readonly numericId?: string;
  readonly displayName?: string;
  /** The task's description: what the requester wrote as the reason. */
  readonly justification?: string;
  /** As C1 sent it, e.g. `604800s`. */
  readonly grantDuration?: string;
  readonly grantDurationSeconds?: number;
  readonly emergencyAccess: boolean;
  readonly app: { readonly id: string; readonly name?: string; readonly description?: string; readonly instructions?: string };
  readonly entitlement: {
    readonly id: string;
    readonly name?: string;
    readonly slug?: string;
    readonly description?: string;
    readonly alias?: string;
    readonly purpose?: string;
    readonly riskLevelValueId?: string;
    readonly appResourceId?: string;
    readonly appResourceTypeId?: string;
  };
  readonly subject: Person;
  readonly appUser: AppAccount;
  readonly requester: Requester;
  /** Where a person opens the task in C1. */
  readonly taskUrl: string;
  readonly callbackUrl: string;
  readonly webhookId?: string;
  /** Why a revoke happens: the field set in TaskRevokeSource (`review`, `expired`, `nonUsage`, `request`). */
  readonly revokeSource?: string;
  /** Where the task was opened, as C1 names it (`TASK_ORIGIN_WEBAPP`, `TASK_ORIGIN_SLACK`, …). */
  readonly origin?: string;
  /** RFC 3339, as C1 sent them. */
  readonly createdAt?: string;
  readonly updatedAt?: string;
  /** The request policy's name. */
  readonly policyName?: string;
  /** The request form's answers, in the form's order. */
  readonly form?: readonly FormAnswer[];
}

/**
 * The request as a ticket is made from it: without the callback URL, which is a credential (its token lets anyone
 * report the task) and lives in the correlation record alone, never in a job a queue dashboard shows.
 */
export type TicketRequest = Omit<ProvisioningRequest, 'callbackUrl'>;

/** The request less its callback URL, to travel inside a job. */
export function ticketRequestOf(request: ProvisioningRequest): TicketRequest {
  const { callbackUrl: _callbackUrl, ...rest } = request;
  return rest;
}

export type ProvisioningResult = { ok: true; request: ProvisioningRequest } | { ok: false; problems: string[] };

export interface ProvisioningOptions {
  /** The C1 tenant host, e.g. `acme.conductor.one`: task links point there. */
  tenant: string;
}

export interface CorrelationKey {
  readonly taskId: string;
  readonly stepId: string;
}

/** What identifies one ticket (contract §5): a repeated delivery for the same key must not open a second one. */
export function correlationKey(request: Pick<ProvisioningRequest, 'taskId' | 'stepId'>): CorrelationKey {
  return { taskId: request.taskId, stepId: request.stepId };
}

/** The task's page in C1; the numeric id is what people see there, the task id still opens it when C1 sent no number. */
export function taskUrl(tenant: string, task: { id: string; numericId?: string | undefined }): string {
  return `https://${tenant}/task/${encodeURIComponent(task.numericId ?? task.id)}`;
}

/**
 * Builds the request from a provisioning webhook, or lists every reason it cannot. The payload is read from the
 * envelope and checked against the schema, unless the caller passes the payload it has already parsed.
 *
 * @example
 *   const result = toProvisioningRequest(envelope, { tenant: 'acme.conductor.one' });
 *   if (result.ok) enqueue(result.request);
 *   else refuse(result.problems); // ['callbackUrl is missing']
 */
export function toProvisioningRequest(envelope: WebhookEnvelope, options: ProvisioningOptions): ProvisioningResult;
export function toProvisioningRequest(envelope: WebhookEnvelope, payload: ProvisionStepPayload, options: ProvisioningOptions): ProvisioningResult;
export function toProvisioningRequest(
  envelope: WebhookEnvelope,
  payloadOrOptions: ProvisionStepPayload | ProvisioningOptions,
  maybeOptions?: ProvisioningOptions,
): ProvisioningResult {
  // A payload passed in is already parsed (its type says so): checking it again would only cost time on the hot path.
  if (maybeOptions !== undefined) return fromStepPayload(envelope, payloadOrOptions as ProvisionStepPayload, maybeOptions);
  const options = payloadOrOptions as ProvisioningOptions;
  const parsed = provisionStepPayloadSchema.safeParse(envelope.payload ?? {});
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${jsonPath(['payload', ...issue.path])}: ${issue.message}`) };
  }
  return fromStepPayload(envelope, parsed.data, options);
}

/**
 * The task of a step payload. PayloadPolicyApprovalStep carries the same task view as PayloadProvisionStep, so an
 * approval step is read by the same code; `expected` is the event the envelope must name.
 */
export function fromStepPayload(
  envelope: WebhookEnvelope,
  payload: ProvisionStepPayload,
  options: ProvisioningOptions,
  expected: typeof C1_EVENT.provisionStep | typeof C1_EVENT.policyApprovalStep = C1_EVENT.provisionStep,
): ProvisioningResult {
  const view = payload.taskView;
  const task = view?.task;
  const expanded = payload.expanded;
  const grant = task?.type?.grant ?? undefined;
  const revoke = task?.type?.revoke ?? undefined;
  const kind: ProvisioningKind | undefined = grant !== undefined ? 'grant' : revoke !== undefined ? 'revoke' : undefined;
  const target = grant ?? revoke;

  const app = resolveExpanded(expanded, view?.appPath, EXPANDED_TYPE.app);
  const entitlement = resolveExpanded(expanded, view?.entitlementsPath, EXPANDED_TYPE.entitlement);
  // The identity user is the person even when the task targets an app account; userPath is the older name for it.
  const subject = resolveExpanded(expanded, view?.identityUserPath, EXPANDED_TYPE.user) ?? resolveExpanded(expanded, view?.userPath, EXPANDED_TYPE.user);
  const appUser = resolveExpanded(expanded, view?.appUserPath, EXPANDED_TYPE.appUser);
  const requester = resolveExpanded(expanded, view?.createdByUserPath, EXPANDED_TYPE.user);

  const taskId = nonEmpty(task?.id);
  const callbackUrl = nonEmpty(envelope.callbackUrl);
  const appId = nonEmpty(app?.id) ?? nonEmpty(target?.appId);
  const entitlementId = nonEmpty(entitlement?.id) ?? nonEmpty(target?.appEntitlementId);

  const problems: string[] = [];
  const event = nonEmpty(envelope.event);
  if (event !== undefined && event !== expected) {
    problems.push(`event ${event} is not ${expected === C1_EVENT.provisionStep ? 'a provisioning' : 'an approval'} step (${expected})`);
  }
  if (taskId === undefined) problems.push('payload.taskView.task.id is missing');
  if (callbackUrl === undefined) problems.push('callbackUrl is missing');
  if (kind === undefined) problems.push(`payload.taskView.task.type is neither grant nor revoke (it has: ${setFields(task?.type).join(', ') || 'nothing'})`);
  // Without a task type there is no fallback id to miss: the type problem already says what is wrong.
  if (kind !== undefined && appId === undefined) {
    problems.push(`no app id: neither payload.taskView.appPath nor payload.taskView.task.type.${kind}.appId gives one`);
  }
  if (kind !== undefined && entitlementId === undefined) {
    problems.push(`no entitlement id: neither payload.taskView.entitlementsPath nor payload.taskView.task.type.${kind}.appEntitlementId gives one`);
  }
  if (problems.length > 0 || taskId === undefined || callbackUrl === undefined || kind === undefined || appId === undefined || entitlementId === undefined) {
    return { ok: false, problems };
  }

  const numericId = nonEmpty(task?.numericId);
  const grantDuration = nonEmpty(grant?.grantDuration);
  const request: ProvisioningRequest = {
    kind,
    taskId,
    stepId: nonEmpty(task?.policy?.current?.id) ?? taskId,
    ...compact({
      numericId,
      displayName: task?.displayName,
      justification: task?.description,
      grantDuration,
      grantDurationSeconds: durationToSeconds(grantDuration),
      origin: task?.origin,
      createdAt: task?.createdAt,
      updatedAt: task?.updatedAt,
      policyName: task?.policy?.policy?.displayName,
    }),
    emergencyAccess: task?.emergencyAccess === true,
    app: appOf(appId, app),
    entitlement: entitlementOf(entitlementId, entitlement),
    subject: { ...personOf(subject, nonEmpty(target?.identityUserId) ?? nonEmpty(task?.userId)), ...managersOf(subject, expanded) },
    appUser: appAccountOf(appUser, nonEmpty(target?.appUserId)),
    requester: requesterOf(requester, nonEmpty(task?.createdByUserId)),
    taskUrl: taskUrl(options.tenant, { id: taskId, numericId }),
    callbackUrl,
    ...compact({ webhookId: envelope.webhookId, revokeSource: revokeSource(revoke) }),
    ...formOf(task?.form, task?.data),
  };
  return { ok: true, request };
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

type Compact<T> = { [K in keyof T]?: Exclude<T[K], null | undefined> };

const BLANK = /^\s*$/;

/**
 * Drops absent values and blank strings (empty or only whitespace: a name of "\t" names nobody, and templates then
 * fall back as for a missing one), so the request has no `undefined`, `null` or blank fields to carry into a job.
 */
function compact<T extends Record<string, unknown>>(value: T): Compact<T> {
  // A plain loop: this runs several times per delivery on the ingest path, where entries/fromEntries cost more.
  const kept: Record<string, unknown> = {};
  for (const key in value) {
    const v = value[key];
    if (v !== undefined && v !== null && !(typeof v === 'string' && BLANK.test(v))) kept[key] = v;
  }
  return kept as Compact<T>;
}

function appOf(id: string, app: C1App | undefined): ProvisioningRequest['app'] {
  return { id, ...compact({ name: app?.displayName, description: app?.description, instructions: app?.instructions }) };
}

function entitlementOf(id: string, entitlement: C1AppEntitlement | undefined): ProvisioningRequest['entitlement'] {
  return {
    id,
    ...compact({
      name: entitlement?.displayName,
      slug: entitlement?.slug,
      description: entitlement?.description,
      alias: entitlement?.alias,
      purpose: entitlement?.purpose,
      riskLevelValueId: entitlement?.riskLevelValueId,
      appResourceId: entitlement?.appResourceId,
      appResourceTypeId: entitlement?.appResourceTypeId,
    }),
  };
}

function personOf(user: C1User | undefined, fallbackId: string | undefined): Person {
  return compact({
    id: nonEmpty(user?.id) ?? fallbackId,
    name: user?.displayName,
    email: user?.email,
    username: user?.username,
    department: user?.department,
    jobTitle: user?.jobTitle,
    status: user?.status,
    type: user?.type,
    employmentType: user?.employmentType,
    employmentStatus: user?.employmentStatus,
    directoryStatus: user?.directoryStatus,
    profile: user?.profile ?? undefined,
  });
}

/** The user's manager ids, and those managers that C1 expanded (a User item with that id). */
function managersOf(user: C1User | undefined, expanded: readonly ExpandedItem[] | null | undefined): Pick<Person, 'managerIds' | 'managers'> {
  const ids = (user?.managerIds ?? []).filter((id) => id !== '');
  if (ids.length === 0) return {};
  const users = new Map<string, C1User>();
  for (const item of expanded ?? []) {
    if (item['@type'] === EXPANDED_TYPE.user && typeof item.id === 'string') users.set(item.id, item as C1User);
  }
  const managers = ids.flatMap((id) => {
    const manager = users.get(id);
    return manager === undefined ? [] : [requesterOf(manager, id)];
  });
  return { managerIds: ids, ...(managers.length === 0 ? {} : { managers }) };
}

/** The answers in `data` (by field name), labelled by the form's fields, in the form's order, then any others. */
function formOf(form: C1Form | null | undefined, data: Record<string, unknown> | null | undefined): Pick<ProvisioningRequest, 'form'> {
  if (data == null) return {};
  const labels = new Map<string, string | undefined>();
  for (const field of form?.fields ?? []) {
    const name = nonEmpty(field.name);
    if (name !== undefined) labels.set(name, nonEmpty(field.displayName));
  }
  const names = [...labels.keys(), ...Object.keys(data).filter((name) => !labels.has(name))];
  const answers = names.flatMap((name): FormAnswer[] => {
    const value = data[name];
    if (value === undefined || value === null) return [];
    const label = labels.get(name);
    return [{ name, ...(label === undefined ? {} : { label }), value }];
  });
  return answers.length === 0 ? {} : { form: answers };
}

function appAccountOf(account: C1AppUser | undefined, fallbackId: string | undefined): AppAccount {
  return compact({ id: nonEmpty(account?.id) ?? fallbackId, name: account?.displayName, email: account?.email, username: account?.username });
}

function requesterOf(user: C1User | undefined, fallbackId: string | undefined): Requester {
  return compact({ id: nonEmpty(user?.id) ?? fallbackId, name: user?.displayName, email: user?.email });
}

/** TaskRevokeSource is a oneof: the name of the field that is set is the reason. */
function revokeSource(revoke: C1TaskTypeRevoke | undefined): string | undefined {
  return setFields(revoke?.source)[0];
}

/** The fields of a oneof message that hold a message, in order, e.g. `['certify']` for a TaskType. */
function setFields(message: Record<string, unknown> | null | undefined): string[] {
  if (message == null) return [];
  return Object.entries(message)
    .filter(([, value]) => typeof value === 'object' && value !== null)
    .map(([key]) => key);
}

/** `['payload', 'expanded', 2, 'id']` → `payload.expanded[2].id`, the way the problem texts name places. */
function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part, index) => (typeof part === 'number' ? `[${part.toString()}]` : `${index === 0 ? '' : '.'}${String(part)}`)).join('');
}
