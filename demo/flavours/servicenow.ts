/** The demo on ServiceNow: a Salesforce revoke becomes a catalog task, closed complete by the business rule's call. */
import { createHmac } from 'node:crypto';
import { startFakeServiceNow } from '../../src/desks/servicenow/fake-servicenow.ts';
import { indent, postJson, until, type DemoFlavour } from './flavour.ts';

const CREDENTIALS = { username: 'bridge', password: 'demo-sn-password' };
const WEBHOOK_SECRET = 'demo-servicenow-secret';
const CLOSED_COMPLETE = 3;

export const serviceNowFlavour: DemoFlavour = {
  name: 'servicenow',
  summary: 'a revoke to a ServiceNow catalog task, closed complete',
  fixture: 'provision-revoke',
  asks: 'a signed PayloadProvisionStep (revoke Salesforce / System Administrator from Jane Doe)',
  taskId: '2pQdTask0002',
  stepId: '2pQdStepProv2',
  async startDesk() {
    const servicenow = await startFakeServiceNow(CREDENTIALS);
    const task = () => [...(servicenow.tables.get('sc_task')?.values() ?? [])][0];
    return {
      label: 'sandbox ServiceNow',
      url: servicenow.url,
      config: {
        servicenow: { instanceUrl: servicenow.url, ...CREDENTIALS, webhookSecret: WEBHOOK_SECRET },
        routes: [{ name: 'salesforce-revokes', match: { appName: 'Salesforce' }, servicenow: { table: 'sc_task' } }],
      },
      async ticket() {
        const record = await until('the ServiceNow catalog task', task);
        return {
          key: record.number,
          lines: [
            `ServiceNow catalog task ${record.number} (sc_task, correlation_id ${record.correlation_id})`,
            `   short description: ${record['short_description'] ?? ''}`,
            `   description:\n${indent(record['description'] ?? '')}`,
          ],
        };
      },
      async answer(key, bridge) {
        const record = servicenow.find('sc_task', (r) => r.number === key);
        if (record === undefined) throw new Error(`no catalog task ${key}`);
        const event = JSON.stringify(servicenow.setState('sc_task', record.sys_id, CLOSED_COMPLETE, 'Access removed'));
        // The business rule signs its call as README's "The business rule" section shows: HMAC-SHA256, base64.
        const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(event).digest('base64')}`;
        const answer = await postJson(`${bridge}/webhooks/servicenow`, event, { 'x-bridge-signature': signature });
        return { did: `An agent closes ${key} as Closed Complete; the business rule calls the bridge signed ${signature.slice(0, 19)}…`, ...answer };
      },
      note: (key) => {
        const record = servicenow.find('sc_task', (r) => r.number === key);
        return record === undefined ? undefined : servicenow.workNotes.get(record.sys_id)?.[0];
      },
      close: () => servicenow.close(),
    };
  },
};
