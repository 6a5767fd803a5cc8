import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { JIRA, MINIMAL, problems } from './helpers.ts';

const route = (target: string) => `${MINIMAL}\n${JIRA}\nroutes:\n  - { name: access-portal, match: { appName: GitHub }, jira: { ${target} } }\n`;

describe('a route\'s jira: target may be a Jira Service Management request (contract §8 "access-portal")', () => {
  it('reads serviceDesk, requestType, requestFields and raiseOnBehalfOf', () => {
    const config = parseConfig(route('serviceDesk: ITHELP, requestType: "Request access", requestFields: { summary: "{{ app.name }}", customfield_10050: "{{ entitlement.name }}" }, raiseOnBehalfOf: subject'), {});
    expect(config.routes[0]?.jira).toMatchObject({ serviceDesk: 'ITHELP', requestType: 'Request access', requestFields: { summary: '{{ app.name }}', customfield_10050: '{{ entitlement.name }}' }, raiseOnBehalfOf: 'subject' });
    expect(config.routes[0]?.jira?.project).toBeUndefined();
  });

  it('a plain issue target still reads as before', () => {
    expect(parseConfig(route('project: OPS'), {}).routes[0]?.jira).toMatchObject({ project: 'OPS', issueType: 'Task', labels: [], fields: {} });
  });

  it('refuses a target mixing both, or half of a request, naming the key', () => {
    expect(problems(route('project: OPS, serviceDesk: ITHELP, requestType: X'))).toEqual([expect.stringMatching(/routes\.0\.jira\.project: a JSM request goes to its service desk's project/)]);
    expect(problems(route('serviceDesk: ITHELP'))).toEqual([expect.stringMatching(/routes\.0\.jira\.requestType: a JSM request needs a requestType/)]);
    expect(problems(route('project: OPS, requestFields: { summary: x }'))).toEqual([expect.stringMatching(/routes\.0\.jira\.requestFields: requestFields belong to a JSM request/)]);
    expect(problems(route('serviceDesk: ITHELP, requestType: X, summary: "{{ app.name }}"'))).toEqual([expect.stringMatching(/routes\.0\.jira\.summary: a JSM request takes its summary from requestFields\.summary/)]);
    expect(problems(route('serviceDesk: ITHELP, requestType: X, raiseOnBehalfOf: requester'))).toEqual([expect.stringMatching(/routes\.0\.jira\.raiseOnBehalfOf: must be subject/)]);
    expect(problems(route('serviceDesk: ITHELP, requestType: X, requestFields: { "Application name": x }'))).toEqual([expect.stringMatching(/routes\.0\.jira\.requestFields.*must be a Jira field id/)]);
    expect(problems(route('serviceDesk: ITHELP, requestType: X, raiseOnBehalfOf: subject, reporter: subject'))).toEqual([expect.stringMatching(/routes\.0\.jira\.reporter: a JSM request is raised for the task's user with raiseOnBehalfOf: subject, not reporter/)]);
    expect(problems(route('serviceDesk: ITHELP, requestType: X, userFields: [customfield_10070]'))).toEqual([expect.stringMatching(/routes\.0\.jira\.userFields: userFields belong to a plain issue/)]);
    expect(problems(route('issueType: Task'))).toEqual([expect.stringMatching(/routes\.0\.jira: needs a target: give either project .* or serviceDesk \+ requestType/)]);
  });

  it('checks requestFields templates at load, naming the field', () => {
    expect(problems(route('serviceDesk: ITHELP, requestType: X, requestFields: { customfield_10050: "{{ entitlement.nmae }}" }'))).toEqual([
      expect.stringMatching(/routes\.0\.jira\.requestFields\.customfield_10050: template error: .*entitlement\.nmae/),
    ]);
  });
});
