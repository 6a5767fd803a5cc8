import { describe, expect, it } from 'vitest';
import { isJsmTarget, jsmTargetSchema } from '../../../../src/desks/jira/service-desk/jsm-target.ts';

function problems(input: unknown): string[] {
  const result = jsmTargetSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('a route\'s JSM request target', () => {
  it('accepts a service desk, a request type, field templates and raiseOnBehalfOf: subject', () => {
    const parsed = jsmTargetSchema.parse({ serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: { summary: '{{ app.name }}', customfield_10050: 'x' }, raiseOnBehalfOf: 'subject' });
    expect(isJsmTarget(parsed)).toBe(true);
    expect(parsed.requestFields).toEqual({ summary: '{{ app.name }}', customfield_10050: 'x' });
  });

  it('accepts a plain issue target (project only), which is not a JSM target', () => {
    const parsed = jsmTargetSchema.parse({ project: 'OPS' });
    expect(isJsmTarget(parsed)).toBe(false);
  });

  it.each([
    [{ project: 'OPS', requestFields: { summary: 'x' } }, 'requestFields: requestFields belong to a JSM request: add serviceDesk and requestType'],
    [{ project: 'OPS', raiseOnBehalfOf: 'subject' }, 'raiseOnBehalfOf: raiseOnBehalfOf belongs to a JSM request: add serviceDesk and requestType'],
    [{ serviceDesk: 'ITHELP' }, 'requestType: a JSM request needs a requestType (name or id)'],
    [{ requestType: 'Request access' }, 'serviceDesk: a request type needs its service desk (key or id)'],
    [{ project: 'OPS', serviceDesk: 'ITHELP', requestType: 'x' }, "project: a JSM request goes to its service desk's project: give either project (a plain issue) or serviceDesk + requestType (a Jira Service Management request), not both"],
    [{}, ': needs a target: give either project (a plain issue) or serviceDesk + requestType (a Jira Service Management request)'],
    [{ serviceDesk: 'ITHELP', requestType: 'x', summary: 's' }, 'summary: a JSM request takes its summary from requestFields.summary'],
    [{ serviceDesk: 'ITHELP', requestType: 'x', fields: { priority: 'High' } }, 'fields: a JSM request takes its field values from requestFields'],
    [{ serviceDesk: 'ITHELP', requestType: 'x', reporter: 'subject' }, "reporter: a JSM request is raised for the task's user with raiseOnBehalfOf: subject, not reporter"],
    [{ serviceDesk: 'ITHELP', requestType: 'x', userFields: ['customfield_10070'] }, "userFields: userFields belong to a plain issue: a JSM request is raised for the task's user with raiseOnBehalfOf: subject"],
    [{ serviceDesk: 'ITHELP', requestType: 'x', raiseOnBehalfOf: 'jane' }, "raiseOnBehalfOf: must be subject (the task's user)"],
    [{ serviceDesk: ' ', requestType: 'x' }, 'serviceDesk: must not be empty'],
    [{ serviceDesk: 'ITHELP', requestType: 'x', requestFields: { 'Application name': 'x' } }, "requestFields.Application name: must be a Jira field id such as summary or customfield_10050, not the field's name"],
    [{ serviceDesk: 'ITHELP', requestType: 'x', requestFields: { summary: 3 } }, 'requestFields.summary: must be template text'],
  ])('refuses %j with a clear message', (input, message) => {
    expect(problems(input)).toContain(message);
  });
});
