import { Liquid, type Template } from 'liquidjs';
import type { ProvisioningRequest, TicketRequest } from './provisioning-request.ts';
import { templateScope } from './template-scope.ts';

export const DEFAULT_SUMMARY = '{{ task.action }} {{ app.name }} / {{ entitlement.name }} for {{ user.name }}';

export const DEFAULT_DESCRIPTION = `ConductorOne asks for this access change to be made by hand.

Action: {% if task.isGrant %}grant the access{% else %}REVOKE the access (remove it){% endif %}
User: {{ user.name }}{% if user.email != "" %} <{{ user.email }}>{% endif %}
{% if user.department != "" or user.jobTitle != "" %}Department / title: {{ user.department }} / {{ user.jobTitle }}
{% endif %}App: {{ app.name }}
Entitlement: {{ entitlement.name }}{% if entitlement.description != "" %} ({{ entitlement.description }}){% endif %}
{% if appUser.username != "" %}Account in the app: {{ appUser.username }}
{% endif %}{% if task.grantDuration != "" %}Duration: {{ task.grantDuration }}
{% endif %}{% if requester.name != "" %}Requested by: {{ requester.name }}
{% endif %}{% if task.justification != "" %}Justification: {{ task.justification }}
{% endif %}
Task in ConductorOne: {{ task.url }}
When the change is done, resolve this ticket; the bridge reports the outcome to ConductorOne.`;

/**
 * Ticket text templates (Liquid: logic-less enough that config authors cannot run code, and values from C1 are
 * data, never template source, so a display name such as `{{ 7*7 }}` is printed as typed).
 */
const engine = new Liquid({ strictFilters: true, ownPropertyOnly: true, greedy: false });
const strictEngine = new Liquid({ strictFilters: true, strictVariables: true, ownPropertyOnly: true, greedy: false });

/** A sample with every key filled, to find unknown variables before any real task arrives. */
const SAMPLE: ProvisioningRequest = {
  kind: 'grant',
  taskId: 'sample',
  stepId: 'sample',
  numericId: '1',
  displayName: 'sample',
  justification: 'sample',
  grantDuration: '3600s',
  grantDurationSeconds: 3600,
  emergencyAccess: false,
  app: { id: 'app', name: 'App', description: 'd' },
  entitlement: { id: 'ent', name: 'Ent', slug: 'ent', description: 'd' },
  subject: { id: 'u', name: 'U', email: 'u@example.com', username: 'u', department: 'd', jobTitle: 't' },
  appUser: { id: 'au', name: 'U', email: 'u@example.com', username: 'u' },
  requester: { id: 'r', name: 'R', email: 'r@example.com' },
  taskUrl: 'https://tenant.example/task/1',
  callbackUrl: 'https://tenant.example/callback',
  revokeSource: 'review',
};

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface CompiledTemplate {
  render(request: TicketRequest): string;
}

/** Parses a template and proves it names only known variables and filters; throws TemplateError otherwise. */
export function compileTemplate(source: string): CompiledTemplate {
  let parsed: Template[];
  try {
    parsed = engine.parse(source);
    strictEngine.renderSync(parsed, templateScope(SAMPLE));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new TemplateError(message);
  }
  return {
    render: (request) => String(engine.renderSync(parsed, templateScope(request))).trim(),
  };
}

const compiled = new Map<string, CompiledTemplate>();

/** Renders a template source, compiling each distinct source once. */
export function renderTemplate(source: string, request: TicketRequest): string {
  let template = compiled.get(source);
  if (template === undefined) {
    template = compileTemplate(source);
    compiled.set(source, template);
  }
  return template.render(request);
}
