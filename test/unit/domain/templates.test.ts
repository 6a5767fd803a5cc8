import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ProvisionStepPayload, WebhookEnvelope } from '../../../src/c1/schemas.ts';
import { toProvisioningRequest, type ProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { compileTemplate, DEFAULT_DESCRIPTION, DEFAULT_SUMMARY, TemplateError } from '../../../src/domain/templates.ts';

function request(name: string): ProvisioningRequest {
  const envelope = JSON.parse(readFileSync(new URL(`../../fixtures/conductorone/${name}.json`, import.meta.url), 'utf8')) as WebhookEnvelope & {
    payload: ProvisionStepPayload;
  };
  const result = toProvisioningRequest(envelope, envelope.payload, { tenant: 'acme.conductor.one' });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

describe('ticket templates', () => {
  it('default summary names the action, app, entitlement and user', () => {
    expect(compileTemplate(DEFAULT_SUMMARY).render(request('provision-grant'))).toBe('Grant GitHub / Org Admin for Jane Doe');
    expect(compileTemplate(DEFAULT_SUMMARY).render(request('provision-revoke'))).toBe('Revoke Salesforce / System Administrator for Jane Doe');
  });

  it('default description names user, email, app, entitlement, duration, justification and the task link', () => {
    const text = compileTemplate(DEFAULT_DESCRIPTION).render(request('provision-grant'));
    for (const expected of [
      'Action: grant the access',
      'User: Jane Doe <jane.doe@acme.com>',
      'App: GitHub',
      'Entitlement: Org Admin (Owner of acme org)',
      'Duration: 7 days',
      'Justification: Need admin for repo migration',
      'Requested by: Bob Smith',
      'Task in ConductorOne: https://acme.conductor.one/task/1042',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('a revoke description says the access is to be removed, and leaves out what C1 did not send', () => {
    const text = compileTemplate(DEFAULT_DESCRIPTION).render(request('provision-revoke'));
    expect(text).toContain('Action: REVOKE the access (remove it)');
    expect(text).not.toContain('Duration:');
    expect(text).not.toContain('Requested by:');
  });

  it('renders values from C1 as data: template syntax in a display name or justification stays inert', () => {
    const hostile = { ...request('provision-grant'), subject: { name: '{{ 7 | plus: 7 }}{% raw %}' }, justification: '{% for x in (1..3) %}x{% endfor %}' };
    expect(compileTemplate('{{ user.name }} | {{ task.justification }}').render(hostile)).toBe('{{ 7 | plus: 7 }}{% raw %} | {% for x in (1..3) %}x{% endfor %}');
  });

  it.each([
    ['{% if task.isRevoke %}{{ task.nope }}{% endif %}', 'undefined variable: task.nope, line:1, col:26'],
    ['{% if task.isGrant %}ok{% else %}{{ user.nope }}{% endif %}', 'undefined variable: user.nope'],
    ['{% unless task.emergencyAccess %}{% for m in user.managers %}{{ m.name }}{% endfor %}{% else %}{{ app.nope.deeper }}{% endunless %}', 'undefined variable: app.nope.deeper'],
    ['{% case task.type %}{% when "revoke" %}{{ entitlement.risk }}{% endcase %}', 'undefined variable: entitlement.risk'],
    ['{{ task.nope }}', 'undefined variable: task.nope'],
    ['{{ secrets }}', 'undefined variable: secrets'],
    ['{{ task.id | shell }}', 'undefined filter: shell'],
    ['{% if %}x{% endif %}', 'invalid value expression'],
  ])('refuses %s at compile time: %s', (source, message) => {
    expect(() => compileTemplate(source)).toThrow(TemplateError);
    expect(() => compileTemplate(source)).toThrow(message);
  });

  it('checks every branch without rendering, yet accepts what only exists at run time', () => {
    // Loop and assigned names are the template's own; profile attributes and form answers are named by C1's data.
    const source = [
      '{% for m in user.managers %}{{ m.email }}{% endfor %}',
      '{% assign who = subject.name %}{{ who }}',
      '{% if task.isRevoke %}{{ user.profile.costCenter }} {{ form.answers.ticket_ref }}{% endif %}',
      '{{ user.managers.first.name }} {{ user.managers.size }} {{ form.fields[0].label }} {{ resource.id }}',
    ].join('\n');
    expect(() => compileTemplate(source)).not.toThrow();
  });

  it('shows a ticket reader what C1 sent: profile attributes, managers, form answers, entitlement details, times in the zone', () => {
    const source = [
      '{{ user.profile.costCenter }} / {{ subject.employmentType }} / manager {{ user.manager.name }} <{{ user.manager.email }}>',
      '{% for field in form.fields %}{{ field.label }}: {{ field.value }}; {% endfor %}',
      '{{ entitlement.alias }} {{ entitlement.purpose }} risk={{ entitlement.riskLevel }} resource={{ resource.id }}/{{ resource.typeId }}',
      '{{ task.origin }} {{ task.policyName }} {{ task.createdAt }} / {{ task.updatedAt }} / {{ app.instructions }}',
    ].join('\n');
    const text = compileTemplate(source).render(request('provision-emergency-contractor'), { timeZone: 'Europe/Lisbon' });
    expect(text.split('\n')).toEqual([
      'CC-4410 / Contractor / manager Maria Garcia <maria.garcia@acme.com>',
      'Incident number: INC-5521; Regions: eu-west-1, us-east-1; Read-only is enough: no; ',
      'aws-prod-power APP_ENTITLEMENT_PURPOSE_VALUE_PERMISSION risk=high resource=2pQdResAcct/2pQdResTypeAccount',
      'TASK_ORIGIN_SLACK Emergency access 2026-08-21 23:15 Europe/Lisbon / 2026-08-21 23:31 Europe/Lisbon / Say which regions you need.',
    ]);
  });
});
