import { describe, expect, it } from 'vitest';
import { problems } from './helpers.ts';

const base = `
server: { publicUrl: "https://bridge.acme.example" }
conductorone: { tenant: acme.conductor.one }
jira: { baseUrl: "https://acme.atlassian.net", email: a@acme.example, apiToken: t }
servicenow: { instanceUrl: "https://acme.service-now.com", username: u, password: p }
`;

describe('ticket templates in the config', () => {
  it('accepts templates that name known variables', () => {
    expect(problems(`${base}
routes:
  - name: gh
    jira: { project: OPS, summary: "{{ task.action }} {{ app.name }} for {{ user.email }}", fields: { customfield_1: "{{ task.id }}" } }
defaultRoute: { servicenow: { table: sc_task, shortDescription: "{{ entitlement.name }}", fields: { assignment_group: "IT {{ app.name }}" } } }
`)).toEqual([]);
  });

  it('reports each unknown variable or filter with the key path of its template, all at once', () => {
    expect(problems(`${base}
routes:
  - name: gh
    jira: { project: OPS, summary: "{{ task.nope }}", description: "{{ user.name | upcase_all }}" }
defaultRoute: { servicenow: { table: sc_task, fields: { assignment_group: "{{ group }}" } } }
`)).toEqual([
      'routes.0.jira.summary: template error: undefined variable: task.nope, line:1, col:4',
      'routes.0.jira.description: template error: undefined filter: upcase_all, line:1, col:1',
      'defaultRoute.servicenow.fields.assignment_group: template error: undefined variable: group, line:1, col:4',
    ]);
  });

  it('sees a template branch no sample task would take: an unknown variable there is a config error with its key path', () => {
    expect(problems(`${base}
routes:
  - name: gh
    jira: { project: OPS, description: "{% if task.isRevoke %}{{ task.nope }}{% endif %}" }
`)).toEqual(['routes.0.jira.description: template error: undefined variable: task.nope, line:1, col:26']);
  });

  it('refuses route labels Jira refuses (spaces, over 255 characters), each with its key path', () => {
    expect(problems(`${base}
routes:
  - name: gh
    jira: { project: OPS, labels: [access, "needs review", "${'x'.repeat(256)}"] }
defaultRoute: { jira: { project: ACCESS, labels: ["tab\there"] } }
`)).toEqual([
      'routes.0.jira.labels.1: Jira labels may not contain spaces (use - or _)',
      'routes.0.jira.labels.2: Jira labels may be at most 255 characters long',
      'defaultRoute.jira.labels.0: Jira labels may not contain spaces (use - or _)',
    ]);
  });
});
