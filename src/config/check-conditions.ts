import { compileCondition, ConditionError, type ExpressionPosition } from '../domain/conditions.ts';
import type { BridgeConfig } from './schema.ts';

/** A `when:` that does not compile, with where in its expression the problem is. */
export interface ConditionProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
  readonly position: ExpressionPosition;
}

/**
 * Every route condition compiled once at start-up: a syntax error, an unknown variable, field or function is a
 * config error, so no task ever meets a condition that cannot be read.
 */
export function checkConditions(config: { readonly routes: ReadonlyArray<Pick<BridgeConfig['routes'][number], 'when'>> }): ConditionProblem[] {
  const problems: ConditionProblem[] = [];
  config.routes.forEach((route, index) => {
    if (route.when === undefined) return;
    try {
      compileCondition(route.when);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      problems.push({ path: ['routes', index, 'when'], message: error.message, position: error.position });
    }
  });
  return problems;
}
