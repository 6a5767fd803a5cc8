import type { DeskModule } from './desk-module.ts';
import { jiraDesk } from './jira/jira-desk.ts';
import { servicenowDesk } from './servicenow/servicenow-desk.ts';

/**
 * Every desk kind the bridge speaks. The config file's `<kind>:` sections, route targets and `desks:` kinds, the
 * adapters, the event routes and check-config --online all come from this list: a new kind is its folder and a line.
 */
export const DESK_MODULES = [jiraDesk, servicenowDesk] as const;

export type AnyDeskModule = (typeof DESK_MODULES)[number];
export type DeskKind = AnyDeskModule['kind'];

export const DESK_KINDS: readonly DeskKind[] = DESK_MODULES.map((desk) => desk.kind);

export function deskModule(kind: string): DeskModule | undefined {
  return (DESK_MODULES as readonly DeskModule[]).find((desk) => desk.kind === kind);
}
