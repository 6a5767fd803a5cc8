import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jiraInstance } from '../../../../src/desks/jira/jira-config.ts';
import { knownDeployment } from '../../../../src/desks/jira/jira-deployment.ts';
import { checkJiraEvent } from '../../../../src/desks/jira/jira-webhook-check.ts';

const section = (keys: Record<string, unknown>) => jiraInstance.parse({ baseUrl: 'https://jira.acme.internal', ...keys });
const body = Buffer.from('{"webhookEvent":"jira:issue_updated"}');
const secrets = ['s3cret'];
const signed = `sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`;
const basic = (password: string) => `Basic ${Buffer.from(`jira:${password}`).toString('base64')}`;
const proof = (headers: { signature?: string; token?: string; authorization?: string }) => ({ secrets, rawBody: body, signature: headers.signature, token: headers.token, authorization: headers.authorization });

describe('which Jira a desk is, from its config alone', () => {
  it('takes the configured deployment, else what the credentials can only mean; a token alone is left to serverInfo', () => {
    expect(knownDeployment(section({ deployment: 'datacenter', token: 'pat' }))).toEqual({ deployment: 'datacenter', source: 'configured' });
    expect(knownDeployment(section({ deployment: 'cloud', token: 'pat' }))).toEqual({ deployment: 'cloud', source: 'configured' });
    expect(knownDeployment(section({ email: 'a@b.example', apiToken: 't' }))).toEqual({ deployment: 'cloud', source: 'email + apiToken' });
    expect(knownDeployment(section({ username: 'c1bridge', password: 'p' }))).toEqual({ deployment: 'datacenter', source: 'username + password' });
    expect(knownDeployment(section({ token: 'pat' }))).toBeUndefined();
  });
});

describe('the proof a jira desk takes for its events, by deployment', () => {
  it('Cloud: a signature or X-Bridge-Token, as before; basic credentials are refused', () => {
    expect(checkJiraEvent('cloud', proof({ signature: signed }))).toEqual({ ok: true, via: 'signature' });
    expect(checkJiraEvent('cloud', proof({ token: 's3cret' }))).toEqual({ ok: true, via: 'token' });
    expect(checkJiraEvent('cloud', proof({ authorization: basic('s3cret') }))).toEqual({ ok: false, reason: 'neither a signature nor X-Bridge-Token was sent' });
  });

  it('Data Center: a signature or a basic password; X-Bridge-Token is not a Data Center proof', () => {
    expect(checkJiraEvent('datacenter', proof({ signature: signed }))).toEqual({ ok: true, via: 'signature' });
    expect(checkJiraEvent('datacenter', proof({ authorization: basic('s3cret') }))).toEqual({ ok: true, via: 'basic' });
    expect(checkJiraEvent('datacenter', proof({ token: 's3cret' }))).toEqual({ ok: false, reason: 'neither X-Hub-Signature nor basic credentials were sent' });
    expect(checkJiraEvent('datacenter', proof({ signature: 'sha256=00', authorization: basic('s3cret') }))).toMatchObject({ ok: false });
  });

  it('not known yet: either deployment\'s proof, each needing a secret; a wrong one is refused', () => {
    expect(checkJiraEvent(undefined, proof({ signature: signed }))).toEqual({ ok: true, via: 'signature' });
    expect(checkJiraEvent(undefined, proof({ token: 's3cret' }))).toEqual({ ok: true, via: 'token' });
    expect(checkJiraEvent(undefined, proof({ authorization: basic('s3cret') }))).toEqual({ ok: true, via: 'basic' });
    expect(checkJiraEvent(undefined, proof({ authorization: basic('wrong') }))).toEqual({ ok: false, reason: 'basic password does not match any configured secret' });
    expect(checkJiraEvent(undefined, proof({ token: 'wrong', authorization: basic('s3cret') }))).toMatchObject({ ok: false });
    expect(checkJiraEvent(undefined, { ...proof({ authorization: basic('s3cret') }), secrets: [] })).toMatchObject({ ok: false });
  });
});
