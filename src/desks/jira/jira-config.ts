import { z } from 'zod';
import { httpUrl, integer, nonEmpty, secretList, type DeepReadonly } from '../../config/schema-parts.ts';
import { jiraCredentialProblems } from './datacenter/dc-credentials.ts';
import { requestedForShape } from './requested-for-target.ts';
import { checkJsmTarget, jsmTargetShape } from './service-desk/jsm-target.ts';
import { approvalTargetKeys } from './approval-config.ts';

/**
 * Which statuses (or resolutions) mean "mark complete" and "mark errored", as ConductorOne's own external ticketing
 * has it; names compare ignoring case. A status in neither list leaves the task open.
 */
export const jiraOutcomeMap = z.strictObject({ complete: z.array(nonEmpty).default([]), errored: z.array(nonEmpty).default([]) });

export type JiraOutcomeMap = z.output<typeof jiraOutcomeMap>;

/** A `jira:` section, or a `desks:` entry of kind jira. */
export const jiraInstance = z
  .strictObject({
    baseUrl: httpUrl,
    /** Unset: email + apiToken mean Cloud, username + password Data Center, a token alone is asked of serverInfo. */
    deployment: z.enum(['cloud', 'datacenter']).optional(),
    email: nonEmpty.optional(),
    apiToken: nonEmpty.optional(),
    token: nonEmpty.optional(),
    username: nonEmpty.optional(),
    password: nonEmpty.optional(),
    webhookSecret: secretList.optional(),
    erroredResolutions: z.array(nonEmpty).default(["Won't Do", 'Declined', 'Rejected', 'Duplicate']),
    /**
     * How long Jira's JQL search may take to see a new issue (it is eventually consistent: "from a few seconds to
     * minutes", Atlassian's "Search and reconcile"). A create retried after a create call waits this long after that
     * call before it searches for the issue, so a crash between the create and the record write opens no duplicate.
     */
    indexLagSeconds: integer(0, 3600).default(60),
    /** Unset: status category Done completes, `erroredResolutions` error (contract §6). */
    outcome: jiraOutcomeMap.optional(),
  })
  .superRefine((value, ctx) => {
    for (const problem of jiraCredentialProblems(value)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

/** Jira refuses a label with white space in it, or longer than 255 characters. */
const jiraLabel = nonEmpty
  .refine((value) => !/\s/.test(value), 'Jira labels may not contain spaces (use - or _)')
  .refine((value) => [...value].length <= 255, 'Jira labels may be at most 255 characters long');

/**
 * A route's `jira:` target: a plain issue (`project`, `issueType`, …) or a Jira Service Management request
 * (`serviceDesk`, `requestType`, `requestFields`, `raiseOnBehalfOf`; contract §8 "access-portal"), never both.
 */
export const jiraTarget = z
  .strictObject({
  project: nonEmpty.optional(),
  issueType: nonEmpty.default('Task'),
  labels: z.array(jiraLabel).default([]),
  summary: z.string().optional(),
  description: z.string().optional(),
  fields: z.record(z.string(), z.unknown()).default({}),
  /** Replaces the desk's own `outcome` map for the tickets this route opens. */
  outcome: jiraOutcomeMap.optional(),
  ...requestedForShape,
  ...jsmTargetShape,
  ...approvalTargetKeys,
  })
  .superRefine(checkJsmTarget);

export type JiraConfig = DeepReadonly<z.output<typeof jiraInstance>>;
export type JiraTarget = DeepReadonly<z.output<typeof jiraTarget>>;

/** The kind's own section; errors of the adapter name it until the desk they came from relabels them (named-desk.ts). */
export const JIRA_KIND_DESK = { name: 'jira', kind: 'jira' } as const;
