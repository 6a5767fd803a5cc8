import { describe, expect, it } from 'vitest';
import { jiraCredentialProblems } from '../../../../src/desks/jira/datacenter/dc-credentials.ts';

describe('Jira credentials for the deployment', () => {
  it('accepts a PAT or username + password for Data Center, email + apiToken or a token for Cloud, and any one set when unset', () => {
    expect(jiraCredentialProblems({ deployment: 'datacenter', token: 'pat' })).toEqual([]);
    expect(jiraCredentialProblems({ deployment: 'datacenter', username: 'c1bridge', password: 'pw' })).toEqual([]);
    expect(jiraCredentialProblems({ deployment: 'cloud', email: 'a@b.example', apiToken: 't' })).toEqual([]);
    expect(jiraCredentialProblems({ deployment: 'cloud', token: 'oauth' })).toEqual([]);
    expect(jiraCredentialProblems({ username: 'c1bridge', password: 'pw' })).toEqual([]);
  });

  it('refuses none, mixed, half sets, and the other deployment\'s kind, naming the key', () => {
    expect(jiraCredentialProblems({})).toEqual([{ path: [], message: 'credentials missing: email + apiToken (Cloud), or token (a PAT) or username + password (Data Center)' }]);
    expect(jiraCredentialProblems({ token: 'pat', username: 'u', password: 'p' })).toEqual([{ path: [], message: 'give one kind of credentials: email + apiToken (Cloud), token, or username + password (Data Center)' }]);
    expect(jiraCredentialProblems({ username: 'u' })).toEqual([{ path: ['password'], message: 'basic auth needs both username and password (the username, not the email)' }]);
    expect(jiraCredentialProblems({ email: 'a@b.example' })).toEqual([{ path: ['apiToken'], message: 'Cloud needs both email and apiToken' }]);
    expect(jiraCredentialProblems({ deployment: 'datacenter', email: 'a@b.example', apiToken: 't' })).toEqual([
      { path: ['email'], message: 'Data Center takes token (a personal access token) or username + password, not email + apiToken' },
    ]);
    expect(jiraCredentialProblems({ deployment: 'cloud', username: 'u', password: 'p' })).toEqual([{ path: ['username'], message: 'Jira Cloud takes email + apiToken, not username + password' }]);
  });
});
