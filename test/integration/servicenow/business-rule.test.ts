import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeConductorOne, type FakeConductorOne } from '../../../src/sandbox/conductorone.ts';
import { startFakeServiceNow, type FakeServiceNow } from '../../../src/desks/servicenow/fake-servicenow.ts';
import { startTestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/**
 * Runs the shipped business rule against stand-ins of the ServiceNow server APIs it calls, as ServiceNow documents
 * them: GlideCertificateEncryption.generateMac(base64 key, 'HmacSHA256', data) → base64 MAC; GlideStringUtil.base64Encode;
 * gs.getProperty; sn_ws.RESTMessageV2 (setEndpoint, setHttpMethod, setRequestHeader, setRequestBody, executeAsync).
 */
function runBusinessRule(record: Record<string, string>, table: string, properties: Record<string, string>) {
  const sent: Array<{ url: string; method: string; headers: Record<string, string>; body: string }> = [];
  const current = {
    getValue: (name: string) => record[name] ?? null,
    getTableName: () => table,
    getUniqueValue: () => record['sys_id'],
  };
  class RESTMessageV2 {
    private readonly request = { url: '', method: '', headers: {} as Record<string, string>, body: '' };
    setEndpoint(url: string) { this.request.url = url; }
    setHttpMethod(method: string) { this.request.method = method; }
    setRequestHeader(name: string, value: string) { this.request.headers[name] = value; }
    setRequestBody(body: string) { this.request.body = body; }
    executeAsync() { sent.push(this.request); }
  }
  class GlideCertificateEncryption {
    generateMac(key: string, algorithm: string, data: string) {
      expect(algorithm).toBe('HmacSHA256');
      return createHmac('sha256', Buffer.from(key, 'base64')).update(data).digest('base64');
    }
  }
  const source = readFileSync(new URL('../../../integrations/servicenow/c1-ticket-bridge-business-rule.js', import.meta.url), 'utf8');
  runInNewContext(source, {
    current,
    previous: null,
    gs: { getProperty: (name: string) => properties[name], error: (message: string) => sent.push({ url: 'gs.error', method: '', headers: {}, body: message }) },
    GlideStringUtil: { base64Encode: (value: string) => Buffer.from(value, 'utf8').toString('base64') },
    GlideCertificateEncryption,
    sn_ws: { RESTMessageV2 },
  });
  return sent;
}

let c1: FakeConductorOne;
let sn: FakeServiceNow;

beforeAll(async () => {
  c1 = await startFakeConductorOne();
  sn = await startFakeServiceNow();
});
afterAll(async () => {
  await c1.close();
  await sn.close();
});

describe('the shipped ServiceNow business rule', () => {
  it('posts what the bridge verifies and acts on', async () => {
    const bridge = await startTestBridge({
      c1,
      config: {
        conductorone: { tenant: c1.tenant, jwksUrl: c1.jwksUrl, callbackOrigins: [c1.url] },
        servicenow: { instanceUrl: sn.url, username: 'bridge', password: 'sn-password', webhookSecret: 'shared secret ✓' },
        defaultRoute: { servicenow: { table: 'sc_task' } },
        reconcile: { intervalSeconds: 0 },
      },
    });
    try {
      await bridge.deps.startWorkers();
      const body = JSON.parse(readFileSync(new URL('../../fixtures/conductorone/provision-revoke.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      body['callbackUrl'] = c1.callbackUrl(`rule-${randomUUID()}`);
      await bridge.deliver(body);
      const record = await waitFor('the record', () => sn.find('sc_task', () => true));
      await waitFor('the ticket on record', async () => (await bridge.deps.correlationStore.get('2pQdTask0002', '2pQdStepProv2'))?.state === 'ticket_created');
      sn.setState('sc_task', record.sys_id, 3, 'removed the profile');

      const [call] = runBusinessRule(record, 'sc_task', { 'c1_ticket_bridge.url': 'https://bridge.acme.example/webhooks/servicenow', 'c1_ticket_bridge.secret': 'shared secret ✓' });
      expect(call?.url).toBe('https://bridge.acme.example/webhooks/servicenow');
      expect(JSON.parse(call?.body ?? '{}')).toEqual({ table: 'sc_task', sys_id: record.sys_id, number: record.number, state: '3', correlation_id: '2pQdTask0002:2pQdStepProv2', close_notes: 'removed the profile' });
      const answer = await bridge.app.inject({ method: 'POST', url: '/webhooks/servicenow', payload: call?.body ?? '', headers: { 'content-type': 'application/json', 'x-bridge-signature': call?.headers['X-Bridge-Signature'] ?? '' } });
      expect(answer.json()).toEqual({ status: 'accepted' });
      const callback = await waitFor('the callback', () => c1.callbacks[0]);
      expect(Object.keys(JSON.parse(callback.body) as Record<string, unknown>)).toEqual(['version', 'complete']);
    } finally {
      await bridge.close();
    }
  });

  it('adds the stage for a requested item, and only there', () => {
    const properties = { 'c1_ticket_bridge.url': 'https://bridge.acme.example/webhooks/servicenow', 'c1_ticket_bridge.secret': 's' };
    const ritm = { sys_id: 'r', number: 'RITM0010001', state: '3', stage: 'Request Cancelled', correlation_display: 'ConductorOne', correlation_id: 't:s' };
    expect(JSON.parse(runBusinessRule(ritm, 'sc_req_item', properties)[0]?.body ?? '{}')).toMatchObject({ table: 'sc_req_item', state: '3', stage: 'Request Cancelled' });
    expect(JSON.parse(runBusinessRule(ritm, 'sc_task', properties)[0]?.body ?? '{}')).not.toHaveProperty('stage');
  });

  it('does nothing for records the bridge did not open, and says what is missing when unconfigured', () => {
    expect(runBusinessRule({ sys_id: 'x', correlation_display: 'Other' }, 'incident', {})).toEqual([]);
    const [complaint] = runBusinessRule({ sys_id: 'x', correlation_display: 'ConductorOne' }, 'incident', {});
    expect(complaint?.url).toBe('gs.error');
  });
});
