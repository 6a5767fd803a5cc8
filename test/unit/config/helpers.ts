import { ConfigError, parseConfig } from '../../../src/config/load.ts';

/** The smallest valid config: everything else has a default. */
export const MINIMAL = `
server: { publicUrl: "https://bridge.acme.example" }
conductorone: { tenant: acme.conductor.one }
`;

export const JIRA = 'jira: { baseUrl: "https://acme.atlassian.net", token: pat }';
export const SERVICENOW = 'servicenow: { instanceUrl: "https://acme.service-now.com", username: u, password: p }';

/** The lines `check-config` would print for `text`, or [] when it is valid. */
export function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.format().split('\n');
    throw error;
  }
  return [];
}
