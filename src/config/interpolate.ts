export interface ConfigProblem {
  /** Key path in the file (`jira.apiToken`, `routes.0.name`), or where there is none, what locates it. */
  path: string;
  message: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

// One alternation so a single left-to-right scan sees escapes first: `$${` is a literal `${`, then well-formed
// references, then any other `${`, which is a mistake (a typo like `${JIRA_TOKEN` must not become a secret verbatim).
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

/**
 * What a missing variable is replaced by. Non-empty, so checks that only ask "is it given?" pass, and no URL, host,
 * number or enum: the key's own format problem is then the missing variable, which the loader reports instead.
 */
export function missingValue(name: string): string {
  return `<${name} is not set>`;
}

export function keyPath(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

function interpolateString(text: string, env: Env, path: string, problems: ConfigProblem[]): string {
  return text.replace(REFERENCE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (whole === '$${') return '${';
    if (name === undefined || fallback?.includes('${') === true) {
      problems.push({ path, message: 'has a "${" that is not ${NAME} or ${NAME:-default} (write $${ for a literal "${")' });
      return whole;
    }
    const value = env[name];
    // As in the shell: `:-` falls back when the variable is unset or empty; a bare `${NAME}` accepts an empty value.
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value !== undefined) return value;
    problems.push({ path, message: `environment variable ${name} is not set` });
    return missingValue(name);
  });
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of an already parsed YAML tree: walking the tree (not
 * the text) gives each problem its key path, and a value can never change the YAML structure around it.
 * A variable that is unset is a problem; one set to the empty string counts as set. Every problem is collected.
 * Where a variable is missing the value holds {@link missingValue}, so the rest can still be validated.
 *
 * @example
 * interpolateEnv({ jira: { apiToken: '${JIRA_API_TOKEN}' } }, {})
 * // → { value: { jira: { apiToken: '<JIRA_API_TOKEN is not set>' } },
 * //     problems: [{ path: 'jira.apiToken', message: 'environment variable JIRA_API_TOKEN is not set' }] }
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
