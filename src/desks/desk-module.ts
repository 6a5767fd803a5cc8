import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ApprovalTargetRule } from '../config/approval-routes.ts';
import type { DeepReadonly } from '../config/schema-parts.ts';
import type { TicketRequest } from '../domain/provisioning-request.ts';
import type { TicketEventDeps } from '../ingest/report-ticket-event.ts';
import type { TicketSystem } from './ticket-system.ts';

/** One configured desk: its name (a `desks:` key, or the kind itself for the kind's own section) and its kind. */
export interface DeskId {
  readonly name: string;
  readonly kind: string;
}

/** What a desk's inbound event route needs: its path, its secrets and the store keyed by the desk's name. */
export interface DeskWebhookDeps extends TicketEventDeps {
  desk: DeskId;
  path: string;
  secrets: readonly string[];
  bodyLimitBytes: number;
}

export interface DeskTicketsOptions<Instance, Target> {
  desk: DeskId;
  config: Instance;
  /** The `jira:` / `servicenow:` target of a route, by route name, for what a route overrides (status maps). */
  routeTarget: (route: string | undefined) => Target | undefined;
  timeZone: string;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
  /** Tests: fail on a desk answer that does not match its client's schema. */
  strictSchemas?: boolean;
}

export type OnlineCheck = [string, () => Promise<string>];

/** What `preview` shows of the ticket a desk would receive: where it goes, how it reads, and the exact request. */
export interface DeskTicketPreview {
  /** The desk's kind. */
  readonly system: string;
  /** For people: `Jira, project OPS, issue type Task`. */
  readonly where: string;
  /** Short, for the preview table: `jira OPS`. */
  readonly container: string;
  /** The call that would open it: `POST /rest/api/3/issue`. */
  readonly endpoint: string;
  readonly summary: string;
  /** The description as text (as the desk would show it). */
  readonly description: string;
  readonly labels: readonly string[];
  /** The route's extra fields, rendered. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The request body, exactly. */
  readonly body: unknown;
}

/**
 * Everything particular to one desk kind. Code outside src/desks iterates the registry's modules instead of naming
 * kinds, so a new kind is its folder plus one line in registry.ts.
 */
export interface DeskModule<Kind extends string = string, I extends z.ZodType = z.ZodType, T extends z.ZodType = z.ZodType> {
  readonly kind: Kind;
  /** How people call it: `Jira`, `ServiceNow`. */
  readonly label: string;
  /** A `<kind>:` section or a `desks:` entry (without `kind`). */
  readonly instanceSchema: I;
  /** A route's `<kind>:` target. */
  readonly targetSchema: T;
  /** Defaults that depend on the parsed section itself. */
  normalise?(config: z.output<I>): z.output<I>;
  /** A target's templates, by key path inside the target (`summary`, `fields.customfield_1`), checked at start-up. */
  templates(target: DeepReadonly<z.output<T>>): Array<[string, string | undefined]>;
  /** Where the desk is, for people (check-config --online). */
  address(config: DeepReadonly<z.output<I>>): string;
  webhookSecrets(config: DeepReadonly<z.output<I>>): readonly string[];
  createTickets(options: DeskTicketsOptions<DeepReadonly<z.output<I>>, DeepReadonly<z.output<T>>>): TicketSystem;
  /** Its inbound event route (a Fastify plugin): verify, parse, enqueue; `config` is the desk's own section. */
  webhook(deps: DeskWebhookDeps, config: DeepReadonly<z.output<I>>): (app: FastifyInstance) => Promise<void>;
  /** Loads what the first job would otherwise wait for (a worker calls it before taking jobs). */
  prepare?(): Promise<void>;
  /**
   * The ticket a route's target would open for a task, built without I/O (`preview` and the console's dry run).
   * `config` is the desk's section, when the preview knows it (what differs per instance: Cloud or Data Center);
   * `step` says whether it is an approval ticket (its own default texts).
   */
  preview?(target: DeepReadonly<z.output<T>>, request: TicketRequest, options: { timeZone: string; config: DeepReadonly<z.output<I>> | undefined; step: 'provision' | 'approval' }): DeskTicketPreview;
  /** Extra checks of check-config --online, for this desk and the routes that send tickets to it. */
  /** What a `for: approval` route's target of this kind needs beyond the shared rules (config/approval-routes.ts). */
  approvalProblems?: ApprovalTargetRule;
  onlineChecks?(desk: DeskId, config: DeepReadonly<z.output<I>>, targets: ReadonlyArray<[string, DeepReadonly<z.output<T>>]>, fetchImpl: typeof globalThis.fetch): OnlineCheck[];
}
