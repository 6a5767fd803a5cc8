/** The demo of an approval: a policy approval step becomes a Jira issue in CAB; moved to Approved, C1 gets `approve`. */
import { APPROVAL_FIXTURE } from '../../src/c1/sample-payloads.ts';
import { adfToText } from '../../src/desks/jira/adf.ts';
import { startFakeJira } from '../../src/desks/jira/fake-jira.ts';
import { indent, until, type DemoFlavour } from './flavour.ts';
import { CLOUD_CREDENTIALS, JIRA_WEBHOOK_SECRET, sendJiraTransition } from './jira-common.ts';

export const jiraApprovalFlavour: DemoFlavour = {
  name: 'approval',
  summary: 'a policy approval step to a Jira issue in CAB, moved to Approved: ConductorOne gets approve',
  fixture: APPROVAL_FIXTURE,
  approval: true,
  asks: 'a signed PayloadPolicyApprovalStep (may Jane Doe have GitHub / Org Admin?)',
  taskId: '2pQdTask0003',
  stepId: '2pQdStepAppr3',
  async startDesk() {
    const jira = await startFakeJira(CLOUD_CREDENTIALS);
    return {
      label: 'sandbox Jira Cloud',
      url: jira.url,
      config: {
        jira: { baseUrl: jira.url, ...CLOUD_CREDENTIALS, webhookSecret: JIRA_WEBHOOK_SECRET },
        routes: [{ name: 'cab', for: 'approval', match: { appName: 'GitHub' }, jira: { project: 'CAB', approve: ['Approved'], deny: ['Declined'] } }],
      },
      async ticket() {
        const issue = await until('the approval issue', () => [...jira.issues.values()][0]);
        return {
          key: issue.key,
          lines: [
            `approval issue ${issue.key} in project ${issue.fields.project.key}`,
            `   summary: ${issue.fields.summary}`,
            `   description:\n${indent(adfToText(issue.fields.description))}`,
          ],
        };
      },
      async answer(key, bridge) {
        const { signature: _signature, ...answer } = await sendJiraTransition(jira, key, bridge, 'Approved');
        return { did: `The approver moves ${key} to Approved (the route's approve list); Jira sends jira:issue_updated`, ...answer };
      },
      note: (key) => adfToText(jira.issues.get(key)?.comments.at(-1)?.body),
      close: () => jira.close(),
    };
  },
};
