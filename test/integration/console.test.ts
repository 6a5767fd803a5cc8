import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfToken, csrfTokenValid } from '../../src/http/console/csrf.ts';
import type { FakeJira } from '../../src/desks/jira/fake-jira.ts';
import { CONSOLE_ADMIN, GRANT_JOB_ID, startBridgeWithFailedTask, type FailedTask } from '../helpers/failed-task.ts';
import type { TestBridge } from '../helpers/test-bridge.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ADMIN = CONSOLE_ADMIN;
const auth = { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` };
const JOB = GRANT_JOB_ID;

describe('operator console: refusals', () => {
  let setup: FailedTask;
  let bridge: TestBridge;
  let jira: FakeJira;

  beforeAll(async () => {
    setup = await startBridgeWithFailedTask();
    ({ bridge, jira } = setup);
  });

  afterAll(async () => {
    await setup.close();
  });

  const replay = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    bridge.app.inject({
      method: 'POST',
      url: '/admin/failed/replay',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(fields).toString(),
    });

  it('needs the admin credentials for every console page', async () => {
    for (const url of ['/admin/', '/admin/live', '/admin/tasks/2pQdTask0001/live']) {
      expect((await bridge.app.inject({ url })).statusCode).toBe(401);
    }
    expect((await bridge.app.inject({ url: '/admin/tasks/2pQdTask0001', headers: { accept: 'text/html' } })).statusCode).toBe(401);
    expect((await replay({ queue: 'create-ticket', jobId: JOB, csrf: csrfToken(ADMIN, Date.now()) }, { authorization: 'Basic bm86bm8=' })).statusCode).toBe(401);
  });

  it('refuses a replay without a valid CSRF token, from another site, or of a job that is not failed, and replays nothing', async () => {
    const good = csrfToken(ADMIN, Date.now());
    const cases: Array<[Record<string, string>, Record<string, string>, number, string]> = [
      [{ queue: 'create-ticket', jobId: JOB }, {}, 403, 'csrf_rejected'],
      [{ queue: 'create-ticket', jobId: JOB, csrf: 'x' }, {}, 403, 'csrf_rejected'],
      [{ queue: 'create-ticket', jobId: JOB, csrf: csrfToken({ ...ADMIN, password: 'other' }, Date.now()) }, {}, 403, 'csrf_rejected'],
      [{ queue: 'create-ticket', jobId: JOB, csrf: csrfToken(ADMIN, Date.now() - 13 * 60 * 60 * 1000) }, {}, 403, 'csrf_rejected'],
      [{ queue: 'create-ticket', jobId: JOB, csrf: good }, { origin: 'https://evil.example' }, 403, 'csrf_rejected'],
      [{ queue: 'create-ticket', jobId: JOB, csrf: good }, { 'sec-fetch-site': 'cross-site' }, 403, 'csrf_rejected'],
      [{ queue: 'tickets', jobId: JOB, csrf: good }, {}, 404, 'not_found'],
      [{ queue: 'send-callback', jobId: JOB, csrf: good }, {}, 404, 'not_found'],
      [{ queue: 'create-ticket', csrf: good }, {}, 400, 'invalid_form'],
    ];
    for (const [fields, headers, status, error] of cases) {
      const answer = await replay(fields, headers);
      expect({ fields, status: answer.statusCode, error: (answer.json() as { error: string }).error }).toEqual({ fields, status, error });
    }
    expect(await bridge.deps.queues.createTicket.getFailedCount()).toBe(1);
    expect(jira.issues.size).toBe(0);
  });

  it('replays a failed job once with a valid token and sends the operator back only to a console page', async () => {
    const answer = await replay({ queue: 'create-ticket', jobId: JOB, csrf: csrfToken(ADMIN, Date.now()), back: 'https://evil.example/' });
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe(`/admin/?replayed=${encodeURIComponent(JOB)}`);
    await waitFor('the ticket', async () => (await bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
    const again = await replay({ queue: 'create-ticket', jobId: JOB, csrf: csrfToken(ADMIN, Date.now()) });
    expect(again.statusCode).toBe(404);
    expect(jira.issues.size).toBe(1);
  });

  it("the queue dashboard lists the job but never its callback URL (job data carries none)", async () => {
    const answer = await bridge.app.inject({ url: '/admin/queues/api/queues?activeQueue=create-ticket&status=latest&page=1', headers: auth });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('2pQdTask0001');
    expect(answer.body).not.toContain('callbackUrl');
    expect(answer.body).not.toContain(setup.callbackToken);
  });

  it('escapes what it shows: a query with markup comes back as text', async () => {
    const page = await bridge.app.inject({ url: `/admin/?q=${encodeURIComponent('<script>alert(1)</script>')}`, headers: auth });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('a CSRF token is bound to the credentials and expires', () => {
    const token = csrfToken(ADMIN, 1_000);
    expect(csrfTokenValid(ADMIN, token, 1_000)).toBe(true);
    expect(csrfTokenValid({ ...ADMIN, username: 'other' }, token, 1_000)).toBe(false);
    expect(csrfTokenValid(ADMIN, token, 1_000 + 12 * 60 * 60 * 1000 + 1)).toBe(false);
    expect(csrfTokenValid(ADMIN, undefined, 1_000)).toBe(false);
  });
});
