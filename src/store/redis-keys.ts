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
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
