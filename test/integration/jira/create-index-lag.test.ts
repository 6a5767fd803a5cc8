import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CREATE_STARTED_FIELD } from '../../../src/store/correlation-store.ts';
import { startFakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';
import { useDeskPeers } from '../../helpers/desk-peers.ts';
import { startTestBridge, type TestBridge } from '../../helpers/test-bridge.ts';
import { waitFor } from '../../helpers/wait-for.ts';

// Jira Cloud's JQL search is eventually consistent: an issue created a moment ago may be missing from a search. A
// create retried right after a crash must not take that for "no issue yet".
const TASK = '2pQdTask0001';
const STEP = '2pQdStepProv';
const WAITING = 'an earlier create call may not be searchable yet: looking it up later';

const peers = useDeskPeers(() => startFakeJira());

/** A bridge whose first record write after a create fails, as a worker dying right after Jira's answer would. */
async function crashingAfterCreate(indexLagSeconds?: number): Promise<TestBridge> {
  const b = await startTestBridge({
    c1: peers.c1,
    overrides: { jiraSchemaMismatch: 'throw' },
    config: {
      conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
      jira: { baseUrl: peers.desk.url, email: 'bridge@acme.example', apiToken: 'jira-api-token', ...(indexLagSeconds === undefined ? {} : { indexLagSeconds }) },
      defaultRoute: { jira: { project: 'OPS' } },
      // The retry comes 20 ms later: well inside the index lag.
      jobs: { attempts: 5, backoffMs: 20 },
      reconcile: { intervalSeconds: 0 },
    },
  });
  peers.bridge = b;
  const store = b.deps.jobs.store;
  const real = store.markTicketCreated.bind(store);
  let crashes = 1;
  store.markTicketCreated = async (...args) => {
    if (crashes-- > 0) throw new Error('simulated crash between the create and the record write');
    return real(...args);
  };
  await b.deps.startWorkers();
  return b;
}

async function deliverGrant(b: TestBridge): Promise<void> {
  const grant = loadFixture('provision-grant');
  grant.callbackUrl = peers.c1.callbackUrl(`lag-${randomUUID()}`);
  expect((await b.deliver(grant)).statusCode).toBe(202);
}

const onRecord = (b: TestBridge) => waitFor('the issue on record', async () => {
  const record = await b.deps.correlationStore.get(TASK, STEP);
  return record?.state === 'ticket_created' ? record : undefined;
});
const createCalls = () => peers.desk.requests.filter((r) => r.method === 'POST' && r.path === '/rest/api/3/issue').length;
const searches = () => peers.desk.requests.filter((r) => r.path.startsWith('/rest/api/3/search/jql')).length;

describe('a crash between the create and the record write, with a search index that lags', () => {
  it('the retry waits out the index lag, then finds the issue by label and property: no duplicate', async () => {
    peers.desk.indexLag(1000);
    const b = await crashingAfterCreate(2);
    await deliverGrant(b);
    const record = await onRecord(b);
    expect(record.fields['ticketKey']).toBe('OPS-1');
    expect(record.fields[CREATE_STARTED_FIELD]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(peers.desk.issues.size).toBe(1);
    expect(createCalls()).toBe(1);
    expect(searches()).toBe(1);
    expect(b.logs.find((line) => line['msg'] === WAITING)).toMatchObject({ taskId: TASK, stepId: STEP });
    expect(b.logs.find((line) => line['msg'] === 'found the ticket opened before a crash')).toMatchObject({ ticket: 'OPS-1' });
  });

  it('the window that remains: an index lagging longer than jira.indexLagSeconds opens a second issue', async () => {
    peers.desk.indexLag(60_000);
    const b = await crashingAfterCreate(0);
    await deliverGrant(b);
    await onRecord(b);
    expect(searches()).toBe(1);
    expect(peers.desk.issues.size).toBe(2);
  });

  it('a create Jira refused (429) opened nothing: the retry creates at once, without waiting or searching', async () => {
    const b = await startTestBridge({
      c1: peers.c1,
      config: {
        conductorone: { tenant: peers.c1.tenant, jwksUrl: peers.c1.jwksUrl, callbackOrigins: [peers.c1.url] },
        jira: { baseUrl: peers.desk.url, email: 'bridge@acme.example', apiToken: 'jira-api-token' },
        defaultRoute: { jira: { project: 'OPS' } },
        jobs: { attempts: 5, backoffMs: 20 },
        reconcile: { intervalSeconds: 0 },
      },
    });
    peers.bridge = b;
    expect(b.config.jira?.indexLagSeconds).toBe(60);
    await b.deps.startWorkers();
    peers.desk.inject([{ status: 429, retryAfterSeconds: 1 }], { method: 'POST', pathPrefix: '/rest/api/3/issue' });
    await deliverGrant(b);
    await onRecord(b);
    expect(createCalls()).toBe(2);
    expect(peers.desk.issues.size).toBe(1);
    expect(b.logs.find((line) => line['msg'] === WAITING)).toBeUndefined();
    // The job was put back, not failed: no attempt was used and the marker was cleared, so a search would only spend
    // a call of the desk's rate (ServiceNow's searches and creates share one limit).
    expect(searches()).toBe(0);
  });
});
