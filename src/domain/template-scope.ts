import { humanDuration } from './duration.ts';
import type { FormAnswer, Person, TicketRequest, Requester } from './provisioning-request.ts';

export interface ScopeOptions {
  /** IANA zone the task's times are written in (`templates.timeZone`). */
  readonly timeZone: string;
}

export const DEFAULT_SCOPE_OPTIONS: ScopeOptions = { timeZone: 'UTC' };

/** `2026-08-20 18:55 Europe/Berlin`: a time as a ticket reader wants it, in the configured zone (named after it). */
export function formatTime(iso: string | undefined, timeZone: string): string {
  if (iso === undefined) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${timeZone}`;
}

/** A form answer as text: lists joined by commas, true/false as yes/no. */
export function answerText(value: unknown): string {
  if (Array.isArray(value)) return value.map(answerText).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

const contact = (p: Requester) => ({ id: p.id ?? '', name: p.name ?? p.email ?? '', email: p.email ?? '' });

function person(p: Person) {
  const managers = (p.managers ?? []).map(contact);
  return {
    id: p.id ?? '',
    name: p.name ?? p.email ?? p.username ?? '',
    email: p.email ?? '',
    username: p.username ?? '',
    department: p.department ?? '',
    jobTitle: p.jobTitle ?? '',
    status: p.status ?? '',
    type: p.type ?? '',
    employmentType: p.employmentType ?? '',
    employmentStatus: p.employmentStatus ?? '',
    directoryStatus: p.directoryStatus ?? '',
    /** Custom attributes from the directory, by their own names: any key may be read. */
    profile: { ...p.profile },
    managerIds: [...(p.managerIds ?? [])],
    managers,
    /** The first expanded manager, or an empty contact. */
    manager: managers[0] ?? contact({}),
  };
}

function form(answers: readonly FormAnswer[]) {
  return {
    /** By field name, as text: any name may be read. */
    answers: Object.fromEntries(answers.map((answer) => [answer.name, answerText(answer.value)])),
    fields: answers.map((answer) => ({ name: answer.name, label: answer.label ?? answer.name, value: answerText(answer.value) })),
  };
}

/**
 * What a ticket template can name, after ConductorOne's own names where it has one (`subject` is C1's name for the
 * task's user; `user` is the same person). Every key is always present (an empty string when C1 did not send it),
 * so a template that names a key that does not exist is caught at start-up, while a missing value renders as nothing.
 */
export function templateScope(request: TicketRequest, options: ScopeOptions = DEFAULT_SCOPE_OPTIONS) {
  const subject = person(request.subject);
  return {
    task: {
      id: request.taskId,
      stepId: request.stepId,
      numericId: request.numericId ?? '',
      displayName: request.displayName ?? '',
      description: request.justification ?? '',
      justification: request.justification ?? '',
      type: request.kind,
      action: request.kind === 'grant' ? 'Grant' : 'Revoke',
      isGrant: request.kind === 'grant',
      isRevoke: request.kind === 'revoke',
      grantDuration: request.grantDurationSeconds === undefined ? '' : humanDuration(request.grantDurationSeconds),
      grantDurationSeconds: request.grantDurationSeconds ?? '',
      emergencyAccess: request.emergencyAccess,
      revokeSource: request.revokeSource ?? '',
      origin: request.origin ?? '',
      policyName: request.policyName ?? '',
      createdAt: formatTime(request.createdAt, options.timeZone),
      updatedAt: formatTime(request.updatedAt, options.timeZone),
      url: request.taskUrl,
    },
    app: {
      id: request.app.id,
      name: request.app.name ?? request.app.id,
      description: request.app.description ?? '',
      instructions: request.app.instructions ?? '',
    },
    entitlement: {
      id: request.entitlement.id,
      name: request.entitlement.name ?? request.entitlement.slug ?? request.entitlement.id,
      slug: request.entitlement.slug ?? '',
      description: request.entitlement.description ?? '',
      alias: request.entitlement.alias ?? '',
      purpose: request.entitlement.purpose ?? '',
      riskLevel: request.entitlement.riskLevelValueId ?? '',
    },
    /** The app resource the entitlement belongs to (C1 sends its ids, not its name). */
    resource: { id: request.entitlement.appResourceId ?? '', typeId: request.entitlement.appResourceTypeId ?? '' },
    subject,
    user: subject,
    appUser: person(request.appUser),
    requester: person(request.requester),
    form: form(request.form ?? []),
  };
}

export type TemplateScope = ReturnType<typeof templateScope>;

/** Objects of a scope whose keys come from C1 (profile attributes, form answers): any key may be named in them. */
export function openMaps(scope: TemplateScope): object[] {
  return [scope.subject.profile, scope.appUser.profile, scope.requester.profile, scope.form.answers];
}
