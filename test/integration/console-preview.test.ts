import { describe, expect, it } from 'vitest';
import { fixtureBody } from '../../src/c1/sample-payloads.ts';
import { previewTask } from '../../src/preview/preview-task.ts';
import { renderPreview } from '../../src/preview/render-preview.ts';
import { escapeHtml } from '../../src/http/html.ts';
import { useFakePeers } from '../helpers/fake-peers.ts';

const ADMIN = { username: 'ops', password: 'console-secret' };
const auth = { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` };
const peers = useFakePeers();
const ROUTES = { routes: [{ name: 'github-admin', match: { appName: ['GitHub'], taskType: 'grant' }, jira: { project: 'GH', labels: ['access'] } }] };

const reportOf = (page: string) => /<pre id="report">([\s\S]*?)<\/pre>/.exec(page)?.[1];

describe('operator console: preview', () => {
  it('shows, for a shipped sample, the same dry run as `preview --fixture`, and creates nothing', async () => {
    const b = await peers.bridge({ ...ROUTES, admin: ADMIN }, { workers: false });
    const form = await b.app.inject({ url: '/admin/preview', headers: auth });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<option value="provision-grant">provision-grant</option>');
    expect(reportOf(form.body)).toBeUndefined();

    const page = await b.app.inject({ url: '/admin/preview?fixture=provision-grant', headers: auth });
    expect(page.statusCode).toBe(200);
    const expected = renderPreview(previewTask(b.config, JSON.parse(fixtureBody('provision-grant').toString('utf8'))));
    expect(expected.join('\n')).toContain('github-admin');
    expect(reportOf(page.body)).toBe(escapeHtml(expected.join('\n')));
    expect(peers.jira.requests).toEqual([]);
    expect(await b.jobCount()).toBe(0);
  });

  it('previews a pasted payload; a body that is not JSON, an unknown sample or no credentials get a clear answer', async () => {
    const b = await peers.bridge({ ...ROUTES, admin: ADMIN }, { workers: false });
    const post = (payload: string, headers: Record<string, string> = auth) =>
      b.app.inject({ method: 'POST', url: '/admin/preview', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ payload }).toString() });

    const revoke = fixtureBody('provision-revoke').toString('utf8');
    const pasted = await post(revoke);
    expect(pasted.statusCode).toBe(200);
    expect(reportOf(pasted.body)).toBe(escapeHtml(renderPreview(previewTask(b.config, JSON.parse(revoke))).join('\n')));

    const notJson = await post('{"payload":');
    expect(notJson.statusCode).toBe(200);
    expect(reportOf(notJson.body)).toMatch(/^not JSON: /);
    expect((await post('  ')).json()).toEqual({ error: 'invalid_form', message: 'paste a webhook body into the payload field' });
    const unknown = await b.app.inject({ url: '/admin/preview?fixture=..%2F..%2Fpackage', headers: auth });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as { message: string }).message).toMatch(/^no sample named "\.\.\/\.\.\/package"; samples: /);
    expect((await b.app.inject({ url: '/admin/preview?fixture=provision-grant' })).statusCode).toBe(401);
    expect((await post(revoke, {})).statusCode).toBe(401);
    expect(peers.jira.requests).toEqual([]);
    expect(await b.jobCount()).toBe(0);
  });
});
