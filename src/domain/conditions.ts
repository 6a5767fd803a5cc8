/**
 * Route conditions (`when:`): CEL expressions, as ConductorOne admins write them in C1's own policies, evaluated by
 * @bufbuild/cel over the variables templates see. Durations are CEL durations (`task.grantDuration >
 * duration("24h")`), times are timestamps; a value C1 did not send is absent (`has(task.grantDuration)`), not empty.
 */
import { celEnv, isCelError, parse, plan, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { create } from '@bufbuild/protobuf';
import { DurationSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { TicketRequest } from './provisioning-request.ts';
import { SCOPE_ROOTS, unknownPath } from './scope-check.ts';
import { templateScope } from './template-scope.ts';

const env = celEnv({ funcs: strings });

type Expr = ReturnType<typeof parse>['expr'];

/** Where in the expression a problem is: 1-based line and column, and the 0-based offset. */
export interface ExpressionPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A `when:` that cannot be used: a syntax error, an unknown variable or field, or an unknown function. */
export class ConditionError extends Error {
  readonly code = 'condition_invalid';
  readonly position: ExpressionPosition;

  constructor(message: string, position: ExpressionPosition) {
    super(message);
    this.name = 'ConditionError';
    this.position = position;
  }
}

export type ConditionResult = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly error: string };

export interface CompiledCondition {
  readonly source: string;
  evaluate(request: TicketRequest): ConditionResult;
}

export function positionAt(source: string, offset: number): ExpressionPosition {
  const before = source.slice(0, offset).split('\n');
  return { offset, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** A Select chain from a variable (`subject.profile.costCenter`) as its names, or undefined when it starts elsewhere. */
function selectPath(expr: Expr): string[] | undefined {
  const kind = expr.exprKind;
  if (kind.case === 'identExpr') return [kind.value.name];
  if (kind.case === 'selectExpr' && kind.value.operand !== undefined) {
    const base = selectPath(kind.value.operand);
    return base === undefined ? undefined : [...base, kind.value.field];
  }
  return undefined;
}

/**
 * The first name in the expression that the scope does not have, as a problem text and the expression node's id.
 * Names bound by a macro (`exists(m, …)`) are the macro's own; paths through them are checked at run time.
 */
function unknownName(expr: Expr, bound: ReadonlySet<string>): { message: string; id: bigint } | undefined {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'identExpr':
      if (bound.has(kind.value.name) || SCOPE_ROOTS.includes(kind.value.name)) return undefined;
      return { message: `unknown variable ${kind.value.name} (known: ${SCOPE_ROOTS.join(', ')})`, id: expr.id };
    case 'selectExpr': {
      const path = selectPath(expr);
      const root = path?.[0];
      if (path !== undefined && root !== undefined && !bound.has(root)) {
        const unknown = unknownPath(path);
        if (unknown !== undefined) return SCOPE_ROOTS.includes(root) ? { message: `unknown field ${unknown}`, id: rootOf(expr).id } : unknownName(rootOf(expr), bound);
        return undefined;
      }
      return kind.value.operand === undefined ? undefined : unknownName(kind.value.operand, bound);
    }
    case 'callExpr': {
      // Operators (`_&&_`, `!_`, `@in`) are the evaluator's own; a name as written (`startsWith`) must be a function.
      const name = kind.value.function;
      if (/^[A-Za-z]/.test(name) && env.funcs.find(name) === undefined) return { message: `unknown function ${name}`, id: expr.id };
      for (const child of [...(kind.value.target === undefined ? [] : [kind.value.target]), ...kind.value.args]) {
        const found = unknownName(child, bound);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    case 'listExpr':
      return first(kind.value.elements, bound);
    case 'structExpr':
      return first(kind.value.entries.flatMap((entry) => [...(entry.keyKind.case === 'mapKey' ? [entry.keyKind.value] : []), ...(entry.value === undefined ? [] : [entry.value])]), bound);
    case 'comprehensionExpr': {
      const c = kind.value;
      const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter((name) => name !== ''));
      return first([c.iterRange, c.accuInit].filter((e) => e !== undefined), bound) ?? first([c.loopCondition, c.loopStep, c.result].filter((e) => e !== undefined), inner);
    }
    default:
      return undefined;
  }
}

function rootOf(expr: Expr): Expr {
  const kind = expr.exprKind;
  return kind.case === 'selectExpr' && kind.value.operand !== undefined ? rootOf(kind.value.operand) : expr;
}

function first(exprs: readonly Expr[], bound: ReadonlySet<string>): { message: string; id: bigint } | undefined {
  for (const expr of exprs) {
    const found = unknownName(expr, bound);
    if (found !== undefined) return found;
  }
  return undefined;
}

interface SyntaxErrorShape {
  location?: { start?: { offset?: number } };
  rawMessage?: string;
}

/** Parses and checks an expression; throws ConditionError with where the problem is. */
export function compileCondition(source: string): CompiledCondition {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    const shape = error as SyntaxErrorShape;
    const offset = shape.location?.start?.offset ?? 0;
    throw new ConditionError(`CEL syntax error: ${shape.rawMessage ?? (error instanceof Error ? error.message : String(error))}`, positionAt(source, offset));
  }
  const unknown = unknownName(parsed.expr, new Set());
  if (unknown !== undefined) {
    const offset = parsed.sourceInfo?.positions[unknown.id.toString()] ?? 0;
    throw new ConditionError(unknown.message, positionAt(source, offset));
  }
  const program = plan(env, parsed);
  return {
    source,
    evaluate(request) {
      let result: unknown;
      try {
        result = program(conditionScope(request));
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
      if (isCelError(result)) return { ok: false, error: result.message };
      if (typeof result !== 'boolean') return { ok: false, error: `the expression gave ${typeof result === 'bigint' ? 'an int' : typeof result}, not true or false` };
      return { ok: true, value: result };
    },
  };
}

function duration(text: string | undefined): CelInput | undefined {
  const match = text === undefined ? null : /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) return undefined;
  const sign = match[1] === '-' ? -1n : 1n;
  const nanos = Number((match[3] ?? '').padEnd(9, '0')) * (match[1] === '-' ? -1 : 1);
  return create(DurationSchema, { seconds: sign * BigInt(match[2] ?? '0'), nanos });
}

function timestamp(iso: string | undefined): CelInput | undefined {
  const date = iso === undefined ? undefined : new Date(iso);
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : timestampFromDate(date);
}

const present = <T extends Record<string, unknown>>(entries: T) => Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));

/** The template variables, typed for CEL: durations, timestamps and whole numbers as such, form answers as sent. */
export function conditionScope(request: TicketRequest): Record<string, CelInput> {
  const scope = templateScope(request);
  const task = {
    ...scope.task,
    grantDuration: duration(request.grantDuration),
    grantDurationSeconds: request.grantDurationSeconds === undefined || !Number.isInteger(request.grantDurationSeconds) ? undefined : BigInt(request.grantDurationSeconds),
    createdAt: timestamp(request.createdAt),
    updatedAt: timestamp(request.updatedAt),
  };
  const answers = Object.fromEntries((request.form ?? []).map((answer) => [answer.name, answer.value]));
  return { ...scope, task: present(task), form: { ...scope.form, answers } } as Record<string, CelInput>;
}
