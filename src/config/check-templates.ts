import { compileTemplate, TemplateError } from '../domain/templates.ts';
import type { ConfigProblem } from './interpolate.ts';
import type { DeskModule } from '../desks/desk-module.ts';
import { DESK_MODULES } from '../desks/registry.ts';

/** Every ticket template in the config, compiled once at start-up: an unknown variable is a config error. */
export function checkTemplates(config: {
  routes: ReadonlyArray<Readonly<Record<string, unknown>>>;
  defaultRoute?: Readonly<Record<string, unknown>> | undefined;
}): ConfigProblem[] {
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
  const targets: Array<[string, Readonly<Record<string, unknown>>]> = config.routes.map((route, index) => [`routes.${index.toString()}`, route]);
  if (config.defaultRoute !== undefined) targets.push(['defaultRoute', config.defaultRoute]);
  for (const [path, target] of targets) {
    for (const desk of DESK_MODULES as readonly DeskModule[]) {
      const given = target[desk.kind];
      if (given !== undefined) for (const [key, source] of desk.templates(given)) check(`${path}.${desk.kind}.${key}`, source);
    }
  }
  return problems;
}
