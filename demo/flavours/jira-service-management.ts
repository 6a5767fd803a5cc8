/** The demo on Jira Service Management: a GitHub grant becomes a customer request of type "Request access", resolved Done. */
import { adfToText } from '../../src/desks/jira/adf.ts';
import { startFakeJira } from '../../src/desks/jira/fake-jira.ts';
import { mountFakeJsm } from '../../src/desks/jira/service-desk/fake-jsm.ts';
import { until, type DemoFlavour } from './flavour.ts';
import { CLOUD_CREDENTIALS, GITHUB_ROUTE, JIRA_WEBHOOK_SECRET, SAMPLE_GRANT, sendJiraTransition } from './jira-common.ts';

export const jsmFlavour: DemoFlavour = {
  name: 'jsm',
  summary: 'a grant to a Jira Service Management request ("Request access" in ITHELP), resolved Done',
  ...SAMPLE_GRANT,
  async startDesk() {
    const jira = await startFakeJira(CLOUD_CREDENTIALS);
    const jsm = mountFakeJsm(jira);
    jsm.addRequestType(jsm.addServiceDesk('ITHELP', 'IT Help'), 'Request access', [
      { fieldId: 'summary', name: 'Summary', required: true },
      { fieldId: 'description', name: 'Description', required: false },
    ]);
    return {
      label: 'sandbox Jira Service Management',
      url: jira.url,
      config: {
        jira: { baseUrl: jira.url, ...CLOUD_CREDENTIALS, webhookSecret: JIRA_WEBHOOK_SECRET },
        routes: [{ ...GITHUB_ROUTE, jira: { serviceDesk: 'ITHELP', requestType: 'Request access' } }],
      },
      async ticket() {
        const issue = await until('the JSM request', () => [...jira.issues.values()][0]);
        const values = (jsm.creates[0]?.['requestFieldValues'] as Record<string, unknown> | undefined) ?? {};
        return {
          key: issue.key,
          lines: [
            `Jira Service Management request ${issue.key} in service desk ITHELP, request type "Request access" (POST /rest/servicedeskapi/request)`,
            `   summary: ${issue.fields.summary}`,
            `   labels (added after the create): ${issue.fields.labels.join(', ')}`,
            `   request field values sent: ${Object.keys(values).join(', ')}`,
          ],
        };
      },
      async answer(key, bridge) {
        const { signature, ...answer } = await sendJiraTransition(jira, key, bridge);
        return { did: `An agent resolves request ${key} (status Done); Jira sends jira:issue_updated signed ${signature.slice(0, 19)}…`, ...answer };
      },
      note: (key) => adfToText(jira.issues.get(key)?.comments[0]?.body),
      close: () => jira.close(),
    };
  },
};
