/**
 * The dry run behind `c1-ticket-bridge preview` (and the operator console): which route takes a ConductorOne task,
 * why each earlier route did not, and the ticket exactly as its desk would receive it. Provisioning steps and
 * policy approval steps alike. Pure: nothing is created, nothing is sent, no clock or environment is read.
 */
import { C1_EVENT, policyApprovalStepPayloadSchema, webhookEnvelopeSchema, type WebhookEnvelope } from '../c1/schemas.ts';
import type { BridgeConfig } from '../config/schema.ts';
import { toApprovalRequest } from '../domain/approval-request.ts';
import { humanDuration } from '../domain/duration.ts';
import { noRouteComment } from '../domain/outcome-comment.ts';
import { toProvisioningRequest, type ProvisioningRequest, type ProvisioningResult } from '../domain/provisioning-request.ts';
import { decideRoute, type ChosenRoute, type RouteVerdict } from '../domain/routing.ts';
import type { DeskModule } from '../desks/desk-module.ts';
import { DESK_MODULES, deskModule, type AnyDeskModule } from '../desks/registry.ts';

export type PreviewConfig = Pick<BridgeConfig, 'routes' | 'defaultRoute' | 'conductorone' | 'templates'> & Partial<Pick<BridgeConfig, 'deskInstances'>>;

/** The ticket of any desk kind in the registry, as its module previews it. */
export type TicketPreview = ReturnType<NonNullable<AnyDeskModule['preview']>>;

/** What an approval ticket asks (src/domain/approval-request.ts), as the approver will read it. */
export interface ApprovalPreview {
  readonly asked: string;
  readonly requestedFor: string;
  readonly requestedBy: string;
  readonly justification?: string;
  readonly duration?: string;
  readonly taskUrl: string;
  /** The approval's state when ConductorOne sent the step. */
  readonly state?: string;
}

export type PreviewResult =
  /** The payload is not a step the bridge would accept. */
  | { readonly kind: 'refused'; readonly problems: readonly string[] }
  | {
      readonly kind: 'routed';
      readonly step: 'provision' | 'approval';
      readonly request: ProvisioningRequest;
      readonly verdicts: readonly RouteVerdict[];
      readonly route: string;
      /** Who the access is for: the task's user. */
      readonly requestedFor: string;
      readonly ticket: TicketPreview;
      /** For an approval step: what the approval ticket asks. */
      readonly approval?: ApprovalPreview;
    }
  | {
      readonly kind: 'unrouted';
      readonly step: 'provision' | 'approval';
      readonly request: ProvisioningRequest;
      readonly verdicts: readonly RouteVerdict[];
      readonly requestedFor: string;
      /** A provisioning step: the errored callback's comment ConductorOne would receive; an approval: what it is answered. */
      readonly comment: string;
    };

function personLine(person: { readonly name?: string; readonly email?: string; readonly id?: string }): string {
  const { name, email, id } = person;
  return [name ?? id ?? 'unknown', email === undefined ? '' : `<${email}>`].filter((part) => part !== '').join(' ');
}

function approvalPreview(request: ProvisioningRequest & { approval?: { state?: string } }): ApprovalPreview {
  return {
    asked: `${request.kind} ${request.app.name ?? request.app.id} / ${request.entitlement.name ?? request.entitlement.id}`,
    requestedFor: personLine(request.subject),
    requestedBy: personLine(request.requester),
    ...(request.justification === undefined ? {} : { justification: request.justification }),
    ...(request.grantDurationSeconds === undefined ? {} : { duration: humanDuration(request.grantDurationSeconds) }),
    taskUrl: request.taskUrl,
    ...(request.approval?.state === undefined ? {} : { state: request.approval.state }),
  };
}

/** The module and instance section of the desk a route sends to: its `desk:`, else the kind its target names. */
function deskOf(config: PreviewConfig, chosen: ChosenRoute): { module: DeskModule; section: unknown } {
  const instance = config.deskInstances?.find((desk) => desk.name === chosen.desk);
  const target = chosen.target as Readonly<Record<string, unknown>>;
  const module = (instance === undefined ? undefined : deskModule(instance.kind)) ?? (DESK_MODULES as readonly DeskModule[]).find((desk) => target[desk.kind] !== undefined);
  if (module === undefined) throw new Error(`route ${chosen.name} has no target`);
  return { module, section: instance?.config };
}

function ticketOf(config: PreviewConfig, chosen: ChosenRoute, request: ProvisioningRequest, step: 'provision' | 'approval'): TicketPreview {
  const { module, section } = deskOf(config, chosen);
  const target = (chosen.target as Readonly<Record<string, unknown>>)[module.kind];
  if (target === undefined || module.preview === undefined) throw new Error(`route ${chosen.name}: ${module.label} tickets cannot be previewed`);
  return module.preview(target as never, request, { timeZone: config.templates.timeZone, config: section as never, step }) as TicketPreview;
}

function requestOf(config: PreviewConfig, envelope: WebhookEnvelope): ProvisioningResult | { ok: false; problems: string[] } {
  const options = { tenant: config.conductorone.tenant };
  if (envelope.event !== C1_EVENT.policyApprovalStep) return toProvisioningRequest(envelope, options);
  const payload = policyApprovalStepPayloadSchema.safeParse(envelope.payload ?? {});
  if (!payload.success) return { ok: false, problems: payload.error.issues.map((issue) => `payload.${issue.path.join('.')}: ${issue.message}`) };
  return toApprovalRequest(envelope, payload.data, options);
}

/**
 * @example
 *   const result = previewTask(config, JSON.parse(readFileSync('provision-grant.json', 'utf8')));
 *   if (result.kind === 'routed') console.log(result.route, result.ticket.summary);
 */
export function previewTask(config: PreviewConfig, payload: unknown): PreviewResult {
  const envelope = webhookEnvelopeSchema.safeParse(payload);
  if (!envelope.success) return { kind: 'refused', problems: envelope.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`) };
  if (envelope.data.event === C1_EVENT.test) return { kind: 'refused', problems: ['a test webhook (PayloadTest): the bridge answers it at once and opens no ticket'] };
  const built = requestOf(config, envelope.data);
  if (!built.ok) return { kind: 'refused', problems: built.problems };
  const request = built.request;
  const step = request.step ?? 'provision';
  const { chosen, verdicts } = decideRoute(config, request);
  const requestedFor = personLine(request.subject);
  if (chosen === undefined) {
    const comment =
      step === 'approval'
        ? 'no approval route: no route with for: approval takes this step; ConductorOne is answered 422 no_approval_route and nothing is written (never a deny)'
        : noRouteComment(request.app.name ?? request.app.id, request.entitlement.name ?? request.entitlement.id, request.kind);
    return { kind: 'unrouted', step, request, verdicts, requestedFor, comment };
  }
  const ticket = ticketOf(config, chosen, request, step);
  return { kind: 'routed', step, request, verdicts, route: chosen.name, requestedFor, ticket, ...(step === 'approval' ? { approval: approvalPreview(request) } : {}) };
}
