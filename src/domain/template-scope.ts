import { humanDuration } from './duration.ts';
import type { Person, TicketRequest } from './provisioning-request.ts';

/**
 * What a ticket template can name. Every key is always present (an empty string when C1 did not send it), so a
 * template that names a key that does not exist is caught at start-up, while a missing value renders as nothing.
 */
export function templateScope(request: TicketRequest) {
  const person = (p: Person) => ({
    id: p.id ?? '',
    name: p.name ?? p.email ?? p.username ?? '',
    email: p.email ?? '',
    username: p.username ?? '',
    department: p.department ?? '',
    jobTitle: p.jobTitle ?? '',
  });
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
      url: request.taskUrl,
    },
    app: { id: request.app.id, name: request.app.name ?? request.app.id, description: request.app.description ?? '' },
    entitlement: {
      id: request.entitlement.id,
      name: request.entitlement.name ?? request.entitlement.slug ?? request.entitlement.id,
      slug: request.entitlement.slug ?? '',
      description: request.entitlement.description ?? '',
    },
    user: person(request.subject),
    appUser: person(request.appUser),
    requester: person(request.requester),
  };
}

export type TemplateScope = ReturnType<typeof templateScope>;
