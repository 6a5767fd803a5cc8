/**
 * Which credentials a `jira` section may hold for its deployment (contract §8): Cloud takes `email` + `apiToken` (or a
 * bearer `token`); Data Center takes `token` (a personal access token) or `username` + `password`. Unset, either set
 * is accepted and serverInfo decides. Answers each problem with the key it is about, for the config checker.
 */
import type { Deployment } from './detect-deployment.ts';

export interface JiraCredentials {
  deployment?: Deployment | undefined;
  email?: string | undefined;
  apiToken?: string | undefined;
  token?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

export interface CredentialProblem {
  path: string[];
  message: string;
}

export function jiraCredentialProblems(value: JiraCredentials): CredentialProblem[] {
  const cloud = value.email !== undefined || value.apiToken !== undefined;
  const basic = value.username !== undefined || value.password !== undefined;
  const token = value.token !== undefined;
  const problems: CredentialProblem[] = [];
  const given = [cloud, basic, token].filter(Boolean).length;
  if (given === 0) return [{ path: [], message: 'credentials missing: email + apiToken (Cloud), or token (a PAT) or username + password (Data Center)' }];
  if (given > 1) return [{ path: [], message: 'give one kind of credentials: email + apiToken (Cloud), token, or username + password (Data Center)' }];
  if (cloud && (value.email === undefined || value.apiToken === undefined)) problems.push({ path: [value.email === undefined ? 'email' : 'apiToken'], message: 'Cloud needs both email and apiToken' });
  if (basic && (value.username === undefined || value.password === undefined)) {
    problems.push({ path: [value.username === undefined ? 'username' : 'password'], message: 'basic auth needs both username and password (the username, not the email)' });
  }
  if (value.deployment === 'datacenter' && cloud) problems.push({ path: ['email'], message: 'Data Center takes token (a personal access token) or username + password, not email + apiToken' });
  if (value.deployment === 'cloud' && basic) problems.push({ path: ['username'], message: 'Jira Cloud takes email + apiToken, not username + password' });
  return problems;
}
