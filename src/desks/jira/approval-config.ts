import { z } from 'zod';
import { nonEmpty, reassignKey } from '../../config/schema-parts.ts';

/**
 * A `for: approval` route's Jira keys: the statuses that approve and deny (both required there, checked with the
 * routes: there is no default "Done means approve"; names compare ignoring case) and `reassign: assignee`.
 */
export const approvalTargetKeys = {
  approve: z.array(nonEmpty).min(1, 'must list at least one status').optional(),
  deny: z.array(nonEmpty).min(1, 'must list at least one status').optional(),
  reassign: reassignKey,
};
