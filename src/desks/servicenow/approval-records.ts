/**
 * ServiceNow approval tickets: a Table API record of the route's table whose `approval` field decides: `approved`
 * approves, `rejected` denies; every other value (`not requested`, `requested`, `cancelled`, `not_required`,
 * `duplicate`, empty) leaves it open, so a cancelled or moot approval never becomes a deny (desks.md §3.3, §3.7: the
 * field rolls up the `sysapproval_approver` rows). The approver's words are the deciding `sysapproval_approver` row's
 * `comments` (`GET /api/now/table/sysapproval_approver?sysparm_query=sysapproval=<sys_id>`), else the record's.
 * References are read as sys_ids (`sysparm_exclude_reference_link=true`, ServiceNow's Table API reference).
 */
import { APPROVAL_DESCRIPTION, APPROVAL_SUMMARY } from '../../domain/approval-ticket-text.ts';
import type { ScopeOptions } from '../../domain/template-scope.ts';
import type { TicketRef } from '../../domain/ticket.ts';
import type { ApprovalReading, ApprovalTickets } from '../approval-tickets.ts';
import { TicketSystemError } from '../ticket-error.ts';
import { serviceNowRecordBody } from './record-body.ts';
import type { ServiceNowCall } from './servicenow-client.ts';

interface ApprovalRecord {
  sys_id?: string;
  number?: string;
  approval?: string;
  assigned_to?: string;
  comments?: string;
}

export interface ServiceNowApprovalsOptions {
  call: ServiceNowCall;
  ref: (table: string, record: { sys_id?: string; number?: string }) => TicketRef;
  tablePath: (table: string, sysId?: string) => string;
  scope: ScopeOptions;
}

/** What a record's `approval` value decides. */
export function serviceNowApprovalDecision(approval: string | undefined): ApprovalReading['decision'] {
  const value = (approval ?? '').trim().toLowerCase();
  if (value === 'approved') return 'approve';
  if (value === 'rejected') return 'deny';
  return 'open';
}

export function createServiceNowApprovals(options: ServiceNowApprovalsOptions): ApprovalTickets {
  const { call, tablePath } = options;
  const read = async (action: string, path: string, fields: string, query: Record<string, string> = {}) =>
    call(action, 'GET', `${path}?${new URLSearchParams({ ...query, sysparm_fields: fields, sysparm_exclude_reference_link: 'true' }).toString()}`);

  /** The deciding approver's comment (a row in the record's decided state), else undefined. */
  async function approverWords(sysId: string, state: string): Promise<string | undefined> {
    const rows = ((await read('read the approvers', tablePath('sysapproval_approver'), 'sys_id,state,comments', { sysparm_query: `sysapproval=${sysId}` })) as ApprovalRecord[] | undefined) ?? [];
    const deciding = rows.filter((row) => (row as { state?: string }).state === state && (row.comments ?? '').trim() !== '');
    return deciding.at(-1)?.comments?.trim();
  }

  return {
    async create({ request, route }) {
      const target = route.target.servicenow;
      if (target === undefined) throw new Error(`route ${route.name} has no servicenow target`);
      const body = serviceNowRecordBody(
        { ...target, shortDescription: target.shortDescription ?? APPROVAL_SUMMARY, description: target.description ?? APPROVAL_DESCRIPTION },
        request,
        options.scope,
      );
      const result = (await call(`create approval ${target.table}`, 'POST', `${tablePath(target.table)}?sysparm_fields=sys_id,number`, body)) as ApprovalRecord | undefined;
      return options.ref(target.table, result ?? {});
    },

    async read(ticket) {
      let record: ApprovalRecord | undefined;
      try {
        record = (await read(`get ${ticket.key}`, tablePath(ticket.container, ticket.id), 'sys_id,number,approval,assigned_to,comments')) as ApprovalRecord | undefined;
      } catch (error) {
        if (error instanceof TicketSystemError && error.status === 404) return { decision: 'open', status: 'deleted', deleted: true };
        throw error;
      }
      const approval = record?.approval ?? '';
      const decision = serviceNowApprovalDecision(approval);
      const status = `approval: ${approval === '' ? 'not requested' : approval}`;
      if (decision !== 'open') {
        const words = (await approverWords(ticket.id, approval.trim().toLowerCase())) ?? record?.comments?.trim();
        return { decision, status, ...(words === undefined || words === '' ? {} : { words }) };
      }
      const assignee = record?.assigned_to ?? '';
      if (!/^[0-9a-f]{32}$/.test(assignee)) return { decision, status };
      const user = (await read('read the assignee', tablePath('sys_user', assignee), 'email')) as { email?: string } | undefined;
      return { decision, status, ...(user?.email === undefined || user.email === '' ? {} : { assigneeEmail: user.email }) };
    },
  };
}
