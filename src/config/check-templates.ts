import { compileTemplate, TemplateError } from '../domain/templates.ts';
import type { ConfigProblem } from './interpolate.ts';
import type { BridgeConfig } from './schema.ts';

/** Every ticket template in the config, compiled once at start-up: an unknown variable is a config error. */
export function checkTemplates(config: Pick<BridgeConfig, 'routes' | 'defaultRoute'>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const check = (path: string, source: string | undefined) => {
    if (source === undefined) return;
    try {
      compileTemplate(source);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      problems.push({ path, message: `template error: ${error.message}` });
    }
  };
  const targets: Array<[string, BridgeConfig['routes'][number] | NonNullable<BridgeConfig['defaultRoute']>]> = config.routes.map((route, index) => [`routes.${index.toString()}`, route]);
  if (config.defaultRoute !== undefined) targets.push(['defaultRoute', config.defaultRoute]);
  for (const [path, target] of targets) {
    check(`${path}.jira.summary`, target.jira?.summary);
    check(`${path}.jira.description`, target.jira?.description);
    check(`${path}.servicenow.shortDescription`, target.servicenow?.shortDescription);
    check(`${path}.servicenow.description`, target.servicenow?.description);
    for (const [field, source] of Object.entries(target.servicenow?.fields ?? {})) check(`${path}.servicenow.fields.${field}`, source);
    for (const [name, source] of Object.entries(target.servicenow?.variables ?? {})) check(`${path}.servicenow.variables.${name}`, source);
    for (const [field, source] of Object.entries(target.jira?.fields ?? {})) if (typeof source === 'string') check(`${path}.jira.fields.${field}`, source);
  }
  return problems;
}
