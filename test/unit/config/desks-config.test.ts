import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.ts';
import { JIRA, MINIMAL, problems, SERVICENOW } from './helpers.ts';

const DC = 'desks: { jira-dc: { kind: jira, baseUrl: "https://jira.acme.internal", token: pat2, webhookSecret: s2, outcome: { complete: [Granted] } } }';

describe('desks: named desks of each kind', () => {
  it('reads desks: entries by their kind, next to the kinds\' own sections', () => {
    const config = parseConfig(`${MINIMAL}\n${JIRA}\n${SERVICENOW}\n${DC}\nroutes:\n  - { name: dc, desk: jira-dc, jira: { project: OPS, outcome: { errored: [Refused] } } }\n`, {});
    expect(config.deskInstances.map((desk) => [desk.name, desk.kind])).toEqual([
      ['jira', 'jira'],
      ['servicenow', 'servicenow'],
      ['jira-dc', 'jira'],
    ]);
    const dc = config.deskInstances[2];
    expect(dc?.config).toMatchObject({ baseUrl: 'https://jira.acme.internal', token: 'pat2', webhookSecret: ['s2'], outcome: { complete: ['Granted'], errored: [] }, indexLagSeconds: 60 });
    expect(config.routes[0]?.jira?.outcome).toEqual({ complete: [], errored: ['Refused'] });
    // The kinds' own sections keep their keys and defaults, ServiceNow's states included.
    expect(config.deskInstances[1]?.config).toMatchObject({ states: { incident: { complete: [6, 7], errored: [8] } } });
  });

  it('a route naming an unknown desk is an error naming the route and the desks there are', () => {
    expect(problems(`${MINIMAL}\n${JIRA}\n${DC}\nroutes:\n  - { name: legacy, desk: jira-old, jira: { project: OPS } }\n`)).toEqual([
      expect.stringMatching(/routes\.0\.desk: route "legacy" names desk "jira-old", which is not configured \(desks: "jira", "jira-dc"\)/),
    ]);
  });

  it('a route whose desk is of another kind than its target is an error', () => {
    expect(problems(`${MINIMAL}\n${SERVICENOW}\n${DC}\nroutes:\n  - { name: mixed, desk: jira-dc, servicenow: { table: incident } }\n`)).toEqual([
      expect.stringMatching(/routes\.0\.desk: route "mixed" names desk "jira-dc", a jira desk, but its target is servicenow:/),
    ]);
  });

  it('a route without desk: still needs its kind\'s own section', () => {
    expect(problems(`${MINIMAL}\n${DC}\nroutes:\n  - { name: plain, jira: { project: OPS } }\n`)).toEqual([
      expect.stringMatching(/routes\.0\.jira: route "plain" targets jira but the jira section is missing/),
    ]);
  });

  it('names that collide with the bridge\'s own paths, and bad names or kinds, are errors', () => {
    const entry = 'kind: jira, baseUrl: "https://jira.acme.internal", token: p';
    expect(problems(`${MINIMAL}\ndesks: { conductorone: { ${entry} } }\n`)).toEqual([expect.stringMatching(/desks\.conductorone: desk name "conductorone" is taken: \/webhooks\/conductorone already belongs to the bridge/)]);
    expect(problems(`${MINIMAL}\n${JIRA}\ndesks: { jira: { ${entry} } }\n`)).toEqual([expect.stringMatching(/desks\.jira: desk name "jira" is taken.*use the jira: section/)]);
    expect(problems(`${MINIMAL}\ndesks: { "Jira DC": { ${entry} } }\n`)).toEqual([expect.stringMatching(/desk name must be lower-case letters/)]);
    expect(problems(`${MINIMAL}\ndesks: { dc: { kind: bugzilla } }\n`)).toEqual([expect.stringMatching(/desks\.dc\.kind: must be one of jira, servicenow/)]);
    expect(problems(`${MINIMAL}\ndesks: { dc: { kind: jira, baseUrl: "https://jira.acme.internal" } }\n`)).toEqual([expect.stringMatching(/desks\.dc: credentials missing/)]);
  });
});
