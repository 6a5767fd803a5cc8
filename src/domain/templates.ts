import { Liquid, type Template } from 'liquidjs';
import type { TicketRequest } from './provisioning-request.ts';
import { SAMPLE_SCOPE, unknownPath } from './scope-check.ts';
import { DEFAULT_SCOPE_OPTIONS, templateScope, type ScopeOptions } from './template-scope.ts';

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

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export interface CompiledTemplate {
  render(request: TicketRequest, options?: ScopeOptions): string;
}

type Segments = ReadonlyArray<string | number | { segments: unknown }>;

/**
 * The first variable the template reads that the scope does not have, in any branch: Liquid's static analysis lists
 * every variable read outside the template's own (`assign`, `for`) names, with where it is, without rendering.
 */
function unknownVariable(parsed: Template[]): string | undefined {
  const { globals } = engine.analyzeSync(parsed, { partials: false });
  for (const variable of Object.values(globals).flat()) {
    // A computed segment (`a[b]`) is only known at run time: the path is checked up to it.
    const segments = (variable.segments as Segments).map((segment) => (typeof segment === 'object' ? undefined : segment));
    if (unknownPath(segments) !== undefined) {
      return `undefined variable: ${variable.toString()}, line:${variable.location.row.toString()}, col:${variable.location.col.toString()}`;
    }
  }
  return undefined;
}

/**
 * Parses a template and proves it names only known variables (in every branch) and filters; throws TemplateError
 * otherwise.
 */
export function compileTemplate(source: string): CompiledTemplate {
  let parsed: Template[];
  try {
    parsed = engine.parse(source);
    const unknown = unknownVariable(parsed);
    if (unknown !== undefined) throw new TemplateError(unknown);
    // Names are proven above, in every branch; a render of the sample still finds what only rendering shows.
    engine.renderSync(parsed, SAMPLE_SCOPE);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
    throw new TemplateError(message);
  }
  return {
    render: (request, options = DEFAULT_SCOPE_OPTIONS) => String(engine.renderSync(parsed, templateScope(request, options))).trim(),
  };
}

const compiled = new Map<string, CompiledTemplate>();

/** Renders a template source, compiling each distinct source once. */
export function renderTemplate(source: string, request: TicketRequest, options: ScopeOptions = DEFAULT_SCOPE_OPTIONS): string {
  let template = compiled.get(source);
  if (template === undefined) {
    template = compileTemplate(source);
    compiled.set(source, template);
  }
  return template.render(request, options);
}
