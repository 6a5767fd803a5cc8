import { describe, expect, it } from 'vitest';
import { JIRA, MINIMAL, problems } from './helpers.ts';

// Line numbers below count from the first line of this text.
const head = `${MINIMAL.trim()}\n${JIRA}\nroutes:\n`;

describe('route conditions (when:) in the config', () => {
  it('accepts a valid expression and list match keys', () => {
    expect(problems(`${head}  - name: eng
    match: { appName: [GitHub, GitLab], taskType: grant }
    when: 'subject.department == "Engineering" && task.grantDuration > duration("24h")'
    jira: { project: OPS }
`)).toEqual([]);
  });

  it('reports each bad expression with its key path and its line and column in the file, all at once', () => {
    expect(problems(`${head}  - name: syntax
    when: 'subject.department == "x" &&& task.isGrant'
    jira: { project: OPS }
  - name: variable
    when: usr.email == "x"
    jira: { project: OPS }
  - name: field
    when: "task.isGrant && subject.departmnet == 'x'"
    jira: { project: OPS }
  - name: block
    when: |
      subject.department == "Engineering" &&
        nope(task.id)
    jira: { project: OPS }
`)).toEqual([
      'routes.0.when: CEL syntax error: found & but expecting end of input (line 6, column 38 of the file)',
      'routes.1.when: unknown variable usr (known: task, app, entitlement, resource, subject, user, appUser, requester, form) (line 9, column 11 of the file)',
      'routes.2.when: unknown field subject.departmnet (line 12, column 28 of the file)',
      'routes.3.when: unknown function nope (line 17, column 9 of the file)',
    ]);
  });

  it('places the problem in the expression when the text in the file is not the expression as written (a ${VAR} in it)', () => {
    expect(problems(`${head}  - name: env
    when: 'subject.department == "\${DEPT}" && nope'
    jira: { project: OPS }
`, { DEPT: 'Engineering' })).toEqual([
      'routes.0.when: unknown variable nope (known: task, app, entitlement, resource, subject, user, appUser, requester, form) (line 1, column 40 of the expression)',
    ]);
  });

  it('checks conditions even when another part of the file is invalid', () => {
    expect(problems(`${head}  - name: bad
    when: 'task.nope'
    jira: { project: OPS, labels: ["two words"] }
`)).toEqual([
      'routes.0.jira.labels.0: Jira labels may not contain spaces (use - or _)',
      'routes.0.when: unknown field task.nope (line 6, column 12 of the file)',
    ]);
  });

  it('refuses a when that is not text, and an empty list of match values', () => {
    expect(problems(`${head}  - { name: a, when: 5, jira: { project: OPS } }\n  - { name: b, match: { appId: [] }, jira: { project: OPS } }\n`)).toEqual([
      'routes.0.when: must be text, not a number',
      'routes.1.match.appId: must list at least one value',
    ]);
  });
});
