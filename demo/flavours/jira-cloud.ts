/** The demo on Jira Cloud: a GitHub grant becomes an issue in project OPS, resolved Done. */
import { adfToText } from '../../src/desks/jira/adf.ts';
import { startFakeJira } from '../../src/desks/jira/fake-jira.ts';
import { indent, until, type DemoFlavour } from './flavour.ts';
import { CLOUD_CREDENTIALS, GITHUB_ROUTE, JIRA_WEBHOOK_SECRET, issueTicket, SAMPLE_GRANT, sendJiraTransition } from './jira-common.ts';

export const jiraCloudFlavour: DemoFlavour = {
  name: 'cloud',
  summary: 'a grant to a Jira Cloud issue, resolved Done (the default)',
  ...SAMPLE_GRANT,
  async startDesk() {
    const jira = await startFakeJira(CLOUD_CREDENTIALS);
    return {
      label: 'sandbox Jira Cloud',
      url: jira.url,
      config: {
        jira: { baseUrl: jira.url, ...CLOUD_CREDENTIALS, webhookSecret: JIRA_WEBHOOK_SECRET },
        routes: [{ ...GITHUB_ROUTE, jira: { project: 'OPS', labels: ['access'] } }],
      },
      async ticket() {
        const issue = await until('the Jira issue', () => [...jira.issues.values()][0]);
        return issueTicket(issue, `Jira issue ${issue.key} in project ${issue.fields.project.key}`, `:\n${indent(adfToText(issue.fields.description))}`);
      },
      async answer(key, bridge) {
        const { signature, ...answer } = await sendJiraTransition(jira, key, bridge);
        return { did: `An agent resolves ${key} (status Done, resolution Done); Jira sends jira:issue_updated signed ${signature.slice(0, 19)}…`, ...answer };
      },
      note: (key) => adfToText(jira.issues.get(key)?.comments[0]?.body),
      close: () => jira.close(),
    };
  },
};
