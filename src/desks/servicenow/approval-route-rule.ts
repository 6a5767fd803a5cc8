import type { ApprovalTargetRule } from '../../config/approval-routes.ts';

/** A ServiceNow approval is a Table API record (its `approval` field decides), not a catalog order. */
export const serviceNowApprovalRule: ApprovalTargetRule = (route, target) =>
  target['catalogItem'] === undefined ? [] : [{ key: 'catalogItem', message: `route "${route}" takes approvals: give a table (its record's approval field decides), not a catalogItem` }];
