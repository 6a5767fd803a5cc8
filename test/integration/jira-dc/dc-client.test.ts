import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDcClient, JiraLoginPageError } from '../../../src/desks/jira/datacenter/dc-client.ts';
import { createJiraDataCenterTickets } from '../../../src/desks/jira/datacenter/dc-tickets.ts';
import { detectDeployment, resolveDeployment, whoAmI } from '../../../src/desks/jira/datacenter/detect-deployment.ts';
import { createDcUserFinder } from '../../../src/desks/jira/datacenter/find-user-dc.ts';
import { verifyDcWebhook } from '../../../src/desks/jira/datacenter/dc-webhook-auth.ts';
import { startFakeJiraDc, type FakeJiraDc } from '../../../src/desks/jira/datacenter/fake-jira-dc.ts';
import { listen, type Listening, type RecordedRequest } from '../../../src/sandbox/listen.ts';
import { fixtureRequest } from '../../helpers/fixture-request.ts';
import { freePort } from '../../helpers/free-port.ts';

let fake: FakeJiraDc;
const failure = (promise: Promise<unknown>) => promise.then(() => new Error('expected a failure'), (error: unknown) => error);
const client = () => createDcClient({ baseUrl: `${fake.url}/`, auth: { token: 'dc-personal-access-token' } });

beforeAll(async () => {
  fake = await startFakeJiraDc();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

/** A peer answering one fixed reply, to meet answers the fake Data Center never gives. */
async function answering(reply: (response: ServerResponse) => void): Promise<Listening> {
  return listen((_request, response) => reply(response));
}

describe('Data Center REST v2 client: what each answer becomes', () => {
  it('detects Data Center ("Server") and Cloud from serverInfo, and says who the bridge acts as', async () => {
    expect(await detectDeployment(client())).toEqual({ deployment: 'datacenter', version: '9.12.3', deploymentType: 'Server' });
    fake.deploymentType = 'Cloud';
    expect(await detectDeployment(client())).toMatchObject({ deployment: 'cloud', deploymentType: 'Cloud' });
    expect(await whoAmI(client())).toBe('signed in as Provisioning Bridge (c1bridge)');
    expect(fake.requests.map((r) => r.path)).toEqual(['/rest/api/2/serverInfo', '/rest/api/2/serverInfo', '/rest/api/2/myself']);
    expect(await resolveDeployment('datacenter', client())).toBe('datacenter');
    expect(fake.requests).toHaveLength(3);
    expect(await resolveDeployment(undefined, client())).toBe('cloud');
  });

  it('a wrong token meets the login page: a permanent error, also for probe and detection', async () => {
    const wrong = createDcClient({ baseUrl: fake.url, auth: { token: 'stolen' } });
    for (const call of [whoAmI(wrong), detectDeployment(wrong)]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(JiraLoginPageError);
      expect(error).toMatchObject({ retryable: false, message: expect.stringContaining('Jira answered with a login page: the token is not accepted') as unknown });
    }
  });

  it('an HTML page with 401 or 403 is the login page too, whatever the content type says', async () => {
    const peer = await answering((response) => {
      response.statusCode = 403;
      response.setHeader('content-type', 'text/plain');
      response.end('  <html><body>Log in</body></html>');
    });
    expect(await failure(createDcClient({ baseUrl: peer.url, auth: { token: 't' } }).call('who am I', 'GET', '/myself'))).toMatchObject({ reason: 'jira_login_page', status: 403 });
    await peer.close();
  });

  it('an HTML page with another status (a wrong base URL) is refused as such, not as a login page', async () => {
    const peer = await answering((response) => {
      response.statusCode = 404;
      response.setHeader('content-type', 'text/html');
      response.end('<html><body>Oops, you have found a dead link.</body></html>');
    });
    const error = await failure(createDcClient({ baseUrl: peer.url, auth: { token: 't' } }).call('who am I', 'GET', '/myself'));
    expect(error).not.toBeInstanceOf(JiraLoginPageError);
    expect(error).toMatchObject({ code: 'ticket_system_rejected', retryable: false, status: 404, message: 'Jira who am I: Jira answered 404 with an HTML page, not JSON (is baseUrl the Jira base URL?)' });
    await peer.close();
  });

  it('a create answer without id and key is an invalid answer', async () => {
    const peer = await answering((response) => {
      response.statusCode = 201;
      response.setHeader('content-type', 'application/json');
      response.end('{"self":"x"}');
    });
    const tickets = createJiraDataCenterTickets({ config: { baseUrl: peer.url, token: 't', erroredResolutions: [] } });
    const route = { name: 'r', desk: 'jira', target: { jira: { project: 'OPS', issueType: 'Task', labels: [], fields: {} } } };
    expect(await failure(tickets.create({ request: fixtureRequest('provision-grant'), route }))).toMatchObject({ code: 'ticket_system_invalid_answer', message: 'Jira create issue: the answer has no key' });
    await peer.close();
  });

  it('refuses to start without credentials, saying which are needed', () => {
    expect(() => createJiraDataCenterTickets({ config: { baseUrl: fake.url, erroredResolutions: [] } })).toThrow('Jira Data Center needs token (a personal access token) or username + password');
    expect(() => createJiraDataCenterTickets({ config: { baseUrl: fake.url, username: 'u', erroredResolutions: [] } })).toThrow('username + password');
  });

  it('a 200 that is neither JSON nor HTML is an invalid answer; a 404 without an ErrorCollection is not a missing issue', async () => {
    const peer = await answering((response) => {
      response.statusCode = 200;
      response.setHeader('content-type', 'text/plain');
      response.end('not json');
    });
    expect(await failure(createDcClient({ baseUrl: peer.url, auth: { token: 't' } }).call('get issue', 'GET', '/issue/1'))).toMatchObject({ code: 'ticket_system_invalid_answer', retryable: true });
    await peer.close();
    const proxy = await answering((response) => {
      response.statusCode = 404;
      response.end('no such path');
    });
    expect(await failure(createDcClient({ baseUrl: proxy.url, auth: { token: 't' } }).call('get issue', 'GET', '/issue/1', { missingOk: true }))).toMatchObject({
      code: 'ticket_system_rejected',
      status: 404,
      message: 'Jira get issue: Jira refused with 404: no such path',
    });
    await proxy.close();
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const peer = await answering((response) => {
      response.statusCode = 429;
      response.setHeader('retry-after', new Date(Date.now() + 60_000).toUTCString());
      response.end('{"errorMessages":["Rate limit exceeded."]}');
    });
    const error = (await failure(createDcClient({ baseUrl: peer.url, auth: { token: 't' } }).call('search', 'POST', '/search', { body: {} }))) as { retryAfterMs?: number; retryable: boolean };
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    await peer.close();
  });

  it('Jira not answering is retryable', async () => {
    const port = await freePort();
    expect(await failure(createDcClient({ baseUrl: `http://127.0.0.1:${port.toString()}`, auth: { token: 't' } }).call('who am I', 'GET', '/myself'))).toMatchObject({
      code: 'ticket_system_unavailable',
      retryable: true,
    });
  });

  it('uses the injected fetch', async () => {
    const seen: string[] = [];
    const tracing: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    await whoAmI(createDcClient({ baseUrl: fake.url, auth: { token: 'dc-personal-access-token' }, fetch: tracing }));
    expect(seen).toEqual([`${fake.url}/rest/api/2/myself`]);
  });
});

describe('Data Center user lookup by email', () => {
  it('answers the username of the one active user with that email, cached; an absent one with why', async () => {
    fake.users.push(
      { name: 'jdoe', key: 'JIRAUSER10200', emailAddress: 'jane.doe@acme.com', displayName: 'Jane Doe', active: true },
      { name: 'jane.doe.old', key: 'JIRAUSER10201', emailAddress: 'jane.doe@acme.com.old', displayName: 'Jane Old', active: true },
      { name: 'gone', key: 'JIRAUSER10202', emailAddress: 'gone@acme.com', displayName: 'Gone', active: false },
    );
    const find = createDcUserFinder(client());
    expect(await find('Jane.Doe@acme.com')).toEqual({ username: 'jdoe' });
    expect(await find('jane.doe@acme.com')).toEqual({ username: 'jdoe' });
    expect(fake.requests.filter((r) => r.path.startsWith('/rest/api/2/user/search'))).toHaveLength(1);
    expect(fake.requests[0]?.path).toBe('/rest/api/2/user/search?username=Jane.Doe%40acme.com&maxResults=10');
    expect(await find('gone@acme.com')).toEqual({ reason: 'no active Jira user has the email gone@acme.com' });
    expect(await find('nobody@acme.com')).toEqual({ reason: 'no active Jira user has the email nobody@acme.com' });
    expect(await find(undefined)).toEqual({ reason: 'ConductorOne sent no email for the user' });
    fake.users.push({ name: 'jdoe2', key: 'JIRAUSER10203', emailAddress: 'twice@acme.com', displayName: 'A', active: true }, { name: 'jdoe3', key: 'JIRAUSER10204', emailAddress: 'twice@acme.com', displayName: 'B', active: true });
    expect(await find('twice@acme.com')).toEqual({ reason: 'several active Jira users have the email twice@acme.com' });
  });
});

describe('Data Center webhooks sent by the fake, verified by the bridge', () => {
  let receiver: Listening;
  let received: RecordedRequest[];
  beforeAll(async () => {
    received = [];
    receiver = await listen((request, response) => {
      received.push(request);
      response.statusCode = 200;
      response.end('{}');
    });
  });
  afterAll(async () => {
    await receiver.close();
  });
  const check = (request: RecordedRequest | undefined, secrets: string[]) =>
    verifyDcWebhook({
      secrets,
      rawBody: Buffer.from(request?.body ?? ''),
      signature: request?.headers['x-hub-signature'] as string | undefined,
      authorization: request?.headers.authorization,
    });

  it('a jira:issue_updated signed with the secret passes; under another secret it is refused', async () => {
    await createDcClient({ baseUrl: fake.url, auth: { token: 'dc-personal-access-token' } }).call('create issue', 'POST', '/issue', {
      body: { fields: { project: { key: 'OPS' }, issuetype: { name: 'Task' }, summary: 's', description: 'd', labels: ['c1-task-T'] } },
    });
    const event = fake.resolve('OPS-1');
    expect(event).toMatchObject({ webhookEvent: 'jira:issue_updated', user: { name: 'agent1' }, issue: { id: '10001', key: 'OPS-1', fields: { status: { statusCategory: { key: 'done' } } } } });
    expect(await fake.sendWebhook(`${receiver.url}/webhooks/jira`, event, { secret: 'hook-secret' })).toMatchObject({ status: 200 });
    const delivery = received.at(-1);
    expect(delivery?.headers['x-atlassian-webhook-identifier']).toBeUndefined();
    expect(check(delivery, ['old', 'hook-secret'])).toEqual({ ok: true, via: 'signature' });
    expect(check(delivery, ['other'])).toMatchObject({ ok: false });
  });

  it('credentials in the webhook URL arrive as basic auth, not in the path; a wrong password is refused', async () => {
    const url = new URL(`${receiver.url}/webhooks/jira`);
    url.username = 'jira';
    url.password = 'hook-secret';
    await fake.sendWebhook(url.toString(), { webhookEvent: 'jira:issue_updated', issue: { id: '1', key: 'OPS-1' } });
    const delivery = received.at(-1);
    expect(delivery?.path).toBe('/webhooks/jira');
    expect(check(delivery, ['hook-secret'])).toEqual({ ok: true, via: 'basic' });
    expect(check(delivery, ['another-secret'])).toEqual({ ok: false, reason: 'basic password does not match any configured secret' });
  });
});
