export interface ConfigProblem {
  path: string;
  message: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

// `$${` is a literal `${`; `${NAME}` and `${NAME:-default}` are replaced from the environment.
const PLACEHOLDER = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function keyPath(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

function interpolateString(value: string, env: Env, path: string, problems: ConfigProblem[]): string {
  return value.replace(PLACEHOLDER, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    const name_ = name ?? '';
    const set = env[name_];
    if (set !== undefined) return set;
    if (fallback !== undefined) return fallback;
    problems.push({ path, message: `environment variable ${name_} is not set` });
    return '';
  });
}

/**
 * Replaces `${NAME}` / `${NAME:-default}` in every string of the parsed YAML tree, so each missing variable is
 * reported with the key it belongs to. A variable set to the empty string counts as set.
 */
export function interpolateEnv(tree: unknown, env: Env): { value: unknown; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const walk = (node: unknown, path: Array<string | number>): unknown => {
    if (typeof node === 'string') return interpolateString(node, env, keyPath(path), problems);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child, [...path, key])]));
    }
    return node;
  };
  return { value: walk(tree, []), problems };
}
