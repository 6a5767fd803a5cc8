/** The demo on Jira Data Center: a GitHub grant becomes a REST v2 issue with a wiki-markup description, resolved Done. */
import { startFakeJiraDc } from '../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { wikiToText } from '../../src/desks/jira/datacenter/wiki-markup.ts';
import { indent, until, type DemoFlavour } from './flavour.ts';
import { GITHUB_ROUTE, JIRA_WEBHOOK_SECRET, issueTicket, SAMPLE_GRANT, sendJiraTransition } from './jira-common.ts';

const TOKEN = 'demo-dc-personal-access-token';

export const jiraDataCenterFlavour: DemoFlavour = {
  name: 'datacenter',
  summary: 'a grant to a Jira Data Center issue (REST v2, wiki markup, a PAT), resolved Done',
  ...SAMPLE_GRANT,
  async startDesk() {
    const jira = await startFakeJiraDc({ token: TOKEN });
    return {
      label: 'sandbox Jira Data Center',
      url: jira.url,
      config: {
        jira: { deployment: 'datacenter', baseUrl: jira.url, token: TOKEN, webhookSecret: JIRA_WEBHOOK_SECRET },
        routes: [{ ...GITHUB_ROUTE, jira: { project: 'OPS', labels: ['access'] } }],
      },
      async ticket() {
        const issue = await until('the Jira issue', () => [...jira.issues.values()][0]);
        return issueTicket(issue, `Jira Data Center issue ${issue.key} in project ${issue.fields.project.key} (POST /rest/api/2/issue)`, `, in wiki markup as sent:\n${indent(issue.fields.description)}`);
      },
      async answer(key, bridge) {
        const { signature, ...answer } = await sendJiraTransition(jira, key, bridge);
        return { did: `An agent resolves ${key} (status Done, resolution Done); Data Center sends jira:issue_updated with X-Hub-Signature ${signature.slice(0, 19)}…`, ...answer };
      },
      note: (key) => {
        const comment = jira.issues.get(key)?.comments[0];
        return comment === undefined ? undefined : wikiToText(comment);
      },
      close: () => jira.close(),
    };
  },
};
