import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { interpolateEnv, keyPath, type ConfigProblem, type Env } from './interpolate.ts';
import { checkTemplates } from './check-templates.ts';
import { configSchema, type BridgeConfig } from './schema.ts';

export class ConfigError extends Error {
  readonly code = 'config_invalid';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`the configuration has ${problems.length} problem(s)`);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** One line per problem: `<key.path>: <message>`. */
  format(): string {
    return this.problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
  }
}

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

/** Parses YAML text into a checked, frozen config; every problem of every kind is collected before it throws. */
export function parseConfig(text: string, env: Env): BridgeConfig {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({ path: `line ${(error.linePos?.[0].line ?? 0).toString()}`, message: `YAML syntax: ${error.message.split('\n')[0] ?? ''}` })),
    );
  }
  const tree: unknown = document.toJS() ?? {};
  const { value, problems } = interpolateEnv(tree, env);
  const result = configSchema.safeParse(value);
  const reported = new Set(problems.map((problem) => problem.path));
  const schemaProblems: ConfigProblem[] = result.success
    ? []
    : result.error.issues
        .map((issue) => {
          const path = issue.code === 'unrecognized_keys' ? issue.path : issue.path;
          const message = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : / received undefined$/.test(issue.message) ? 'is required' : issue.message;
          return { path: keyPath(path as Array<string | number>), message };
        })
        // A key whose variable is missing is reported once, as the missing variable.
        .filter((problem) => !reported.has(problem.path));
  const all = [...problems, ...schemaProblems, ...(result.success ? checkTemplates(result.data) : [])];
  if (all.length > 0 || !result.success) throw new ConfigError(all);
  return deepFreeze(result.data);
}

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
