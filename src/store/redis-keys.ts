import { createHash } from 'node:crypto';

/** Every key the bridge writes lives under the configured prefix, so several bridges (or tests) can share a Redis. */
export function redisKeys(prefix: string) {
  return {
    replay: (jti: string) => `${prefix}:jti:${createHash('sha256').update(jti).digest('base64url')}`,
    record: (taskId: string, stepId: string) => `${prefix}:task:${encodeURIComponent(taskId)}:${encodeURIComponent(stepId)}`,
    history: (taskId: string, stepId: string) => `${prefix}:task:${encodeURIComponent(taskId)}:${encodeURIComponent(stepId)}:history`,
    /** Ticket → task step, so a service-desk event finds its task. */
    ticket: (system: string, key: string) => `${prefix}:ticket:${system}:${encodeURIComponent(key)}`,
    /** Ticket id → task step: Jira's issue id and ServiceNow's sys_id stay when the key or number changes (a move). */
    ticketById: (system: string, id: string) => `${prefix}:ticket-id:${system}:${encodeURIComponent(id)}`,
    /** The steps recorded for a task, so a task is found without scanning. */
    taskSteps: (taskId: string) => `${prefix}:steps:${encodeURIComponent(taskId)}`,
    /** Task steps whose ticket is open: what reconciliation polls. */
    open: () => `${prefix}:open`,
    /** Present while a desk answered 429: calls to it wait until the key expires (its Retry-After). */
    pace: (desk: string) => `${prefix}:pace:${encodeURIComponent(desk)}`,
    /** Held by the one reconciliation run in progress, across every worker process. */
    reconcileLock: () => `${prefix}:reconcile-lock`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
