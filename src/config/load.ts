import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { checkConditions } from './check-conditions.ts';
import { checkTemplates } from './check-templates.ts';
import { interpolateEnv, keyPath, type ConfigProblem, type Env } from './interpolate.ts';
import { configSchema, routingProblems, salvageRouting, type BridgeConfig } from './schema.ts';
import { positionInValue } from './yaml-position.ts';

export type { ConfigProblem, Env } from './interpolate.ts';

function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}

/** Every problem found in a config file, all of them at once, so one edit can fix them all. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    // The lines are in the message too, so an uncaught ConfigError still tells the operator what to fix.
    super(`the configuration has ${problems.length.toString()} problem(s):\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** One line per problem: `<key.path>: <message>`. */
  format(): string {
    return formatProblems(this.problems);
  }
}

/** The contract's rule: `BRIDGE_CONFIG`, else `config/bridge.yaml` (relative to the working directory). */
export function resolveConfigPath(env: Env): string {
  return env['BRIDGE_CONFIG'] ?? 'config/bridge.yaml';
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  object: 'a mapping (key: value)',
  array: 'a list',
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
};

function kindOf(input: unknown): string {
  if (input === null) return 'empty';
  if (Array.isArray(input)) return 'a list';
  return TYPE_NAMES[typeof input] ?? typeof input;
}

/**
 * Wording for zod's generic issues, in the file's terms. A wrong-typed value is described by its kind only: it may
 * sit under a secret's key. Enum and number keys never hold secrets, so there the value itself is shown.
 */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'is required';
    const got = issue.expected === 'number' && typeof issue.input === 'string' ? JSON.stringify(issue.input) : kindOf(issue.input);
    return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, not ${got}`;
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map((value) => String(value)).join(', ');
    return issue.input === undefined ? `is required: one of ${allowed}` : `must be one of ${allowed}, not ${JSON.stringify(issue.input)}`;
  }
  return undefined;
}

function toProblem(issue: z.core.$ZodIssue): ConfigProblem {
  const path = keyPath(issue.path as Array<string | number>);
  if (issue.code === 'unrecognized_keys') {
    return { path, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}` };
  }
  return { path, message: issue.message };
}

interface ParsedYaml {
  value: unknown;
  document: Document;
  lineCounter: LineCounter;
}

function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: `line ${line.toString()}, column ${col.toString()}`, message: `YAML syntax: ${error.message}` };
      }),
    );
  }
  try {
    return { value: document.toJS() ?? {}, document, lineCounter };
  } catch (error) {
    // e.g. an alias bomb: too many aliases to expand.
    throw new ConfigError([{ path: '(root)', message: `YAML: ${(error as Error).message}` }]);
  }
}

/**
 * Each route condition that does not compile, placed in the file (line and column) where its text maps exactly onto
 * the YAML, else within the expression itself; the message says which.
 */
function conditionProblems(routes: ReadonlyArray<{ when?: string | undefined }>, yaml: ParsedYaml, text: string): ConfigProblem[] {
  return checkConditions({ routes }).map((problem) => {
    const source = routes[problem.path[1] as number]?.when ?? '';
    const inFile = positionInValue(yaml.document, yaml.lineCounter, text, problem.path, source, problem.position);
    const where = inFile === undefined
      ? `line ${problem.position.line.toString()}, column ${problem.position.column.toString()} of the expression`
      : `line ${inFile.line.toString()}, column ${inFile.column.toString()} of the file`;
    return { path: keyPath(problem.path), message: `${problem.message} (${where})` };
  });
}

/** Problems a failed parse may not have reached: zod stops refining the whole once any part of it is invalid. */
function problemsBeyondSchema(value: unknown, yaml: ParsedYaml, text: string): ConfigProblem[] {
  const routing = salvageRouting(value);
  // Invalid routes stand in as routes without templates, so the others keep their positions; their conditions are
  // still checked when they are text.
  const routes = routing.routes.map((route) => route ?? { name: '', for: 'provision' as const, match: {} });
  const templates = checkTemplates({ routes, defaultRoute: routing.defaultRoute });
  const rawRoutes = (value as { routes?: unknown } | null)?.routes;
  const conditions = routes.map((route, index) => {
    const raw: unknown = Array.isArray(rawRoutes) ? (rawRoutes[index] as { when?: unknown } | null)?.when : undefined;
    return { when: route.when ?? (typeof raw === 'string' && raw !== '' ? raw : undefined) };
  });
  return [...routingProblems(routing).map((problem) => ({ path: keyPath(problem.path), message: problem.message })), ...templates, ...conditionProblems(conditions, yaml, text)];
}

/**
 * Parses YAML text into a checked, frozen config. Missing variables, schema problems, route and template problems
 * are all collected before it throws; a key whose variable is missing is reported once, as the missing variable.
 */
export function parseConfig(text: string, env: Env): BridgeConfig {
  const yaml = parseYaml(text);
  const { value, problems } = interpolateEnv(yaml.value, env);
  const result = configSchema.safeParse(value, { error: describeIssue });
  const missing = new Set(problems.map((problem) => problem.path));
  const found = result.success
    ? [...checkTemplates(result.data), ...conditionProblems(result.data.routes, yaml, text)]
    : [...result.error.issues.map(toProblem), ...problemsBeyondSchema(value, yaml, text)];
  const lines = new Set<string>();
  const all = [...problems, ...found.filter((problem) => !missing.has(problem.path))].filter((problem) => {
    const line = `${problem.path}: ${problem.message}`;
    return !lines.has(line) && lines.add(line);
  });
  if (!result.success || all.length > 0) throw new ConfigError(all);
  return deepFreeze(result.data);
}

/**
 * Reads and checks the config file; throws {@link ConfigError} listing every problem.
 *
 * @example
 * const config = loadConfig({ path: resolveConfigPath(process.env), env: process.env });
 */
export function loadConfig(options: { path: string; env: Env }): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(options.path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError([{ path: options.path, message: `${reason} (set BRIDGE_CONFIG or create config/bridge.yaml from config/bridge.example.yaml)` }]);
  }
  return parseConfig(text, options.env);
}
