import type { Logger } from 'pino';
import type { C1ApiClient } from '../c1/api-client.ts';
import type { BridgeConfig } from '../config/schema.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Queues } from '../queue/queues.ts';
import type { CorrelationStore } from '../store/correlation-store.ts';
import type { DeskPace } from '../store/desk-pace.ts';
import type { RunLock } from '../store/run-lock.ts';
import type { TicketSystem } from '../desks/ticket-system.ts';

export interface JobDeps {
  config: Pick<BridgeConfig, 'routes' | 'defaultRoute' | 'conductorone' | 'jobs' | 'reconcile'>;
  store: CorrelationStore;
  queues: Pick<Queues, 'sendCallback'>;
  /** By desk name. */
  ticketSystems: Readonly<Record<string, TicketSystem>>;
  /** Each desk's pause after a 429, shared by every worker process. */
  pace: DeskPace;
  /** Held by the one reconciliation run in progress, across every worker process. */
  reconcileLock: RunLock;
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  fetch: typeof fetch;
  /** ConductorOne's API, when `conductorone.api` gives credentials: approvals' reassign needs it, and is off without. */
  c1Api?: C1ApiClient;
  /** How long a callback to C1 may take before the attempt counts as unanswered (its result unknown). */
  callbackTimeoutMs: number;
}
