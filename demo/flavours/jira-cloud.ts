/** The demo on Jira Cloud: a GitHub grant becomes an issue in project OPS, resolved Done. */
import { adfToText } from '../../src/desks/jira/adf.ts';
import { startFakeJira } from '../../src/desks/jira/fake-jira.ts';
import { indent, postJson, until, type DemoFlavour } from './flavour.ts';

const CREDENTIALS = { email: 'bridge@acme.example', apiToken: 'demo-token' };
const WEBHOOK_SECRET = 'demo-jira-secret';

export const jiraCloudFlavour: DemoFlavour = {
  name: 'cloud',
  summary: 'a grant to a Jira Cloud issue, resolved Done (the default)',
  fixture: 'provision-grant',
  asks: 'a signed PayloadProvisionStep (grant GitHub / Org Admin to Jane Doe)',
  taskId: '2pQdTask0001',
  stepId: '2pQdStepProv',
  async startDesk() {
    const jira = await startFakeJira(CREDENTIALS);
    return {
      label: 'sandbox Jira Cloud',
      url: jira.url,
      config: {
        jira: { baseUrl: jira.url, ...CREDENTIALS, webhookSecret: WEBHOOK_SECRET },
        routes: [{ name: 'github-admin', match: { appName: 'GitHub' }, jira: { project: 'OPS', labels: ['access'] } }],
      },
      async ticket() {
        const issue = await until('the Jira issue', () => [...jira.issues.values()][0]);
        return {
          key: issue.key,
          lines: [
            `Jira issue ${issue.key} in project ${issue.fields.project.key}`,
            `   summary: ${issue.fields.summary}`,
            `   labels: ${issue.fields.labels.join(', ')}`,
            `   description:\n${indent(adfToText(issue.fields.description))}`,
          ],
        };
      },
      async answer(key, bridge) {
        const event = JSON.stringify(jira.transition(key, 'Done', 'done', 'Done'));
        const signature = jira.sign(event, WEBHOOK_SECRET);
        const answer = await postJson(`${bridge}/webhooks/jira`, event, { 'x-hub-signature': signature });
        return { did: `An agent resolves ${key} (status Done, resolution Done); Jira sends jira:issue_updated signed ${signature.slice(0, 19)}…`, ...answer };
      },
      note: (key) => adfToText(jira.issues.get(key)?.comments[0]?.body),
      close: () => jira.close(),
    };
  },
};
