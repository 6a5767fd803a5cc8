/**
 * Jira refuses a summary with line breaks or longer than 255 characters ("Summary must be less than 255
 * characters."; https://support.atlassian.com/jira/kb/summary-must-be-less-than-255-characters-error-in-jira/):
 * whatever a route's template renders, the issue's summary is folded onto one line and cut to fit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { toProvisioningRequest } from '../../../src/domain/provisioning-request.ts';
import { chooseRoute } from '../../../src/domain/routing.ts';
import { createJiraTickets } from '../../../src/desks/jira/jira-tickets.ts';
import { startFakeJira, type FakeJira } from '../../../src/desks/jira/fake-jira.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';

let fake: FakeJira;
beforeAll(async () => {
  fake = await startFakeJira();
});
afterAll(async () => {
  await fake.close();
});

async function createdSummary(summaryTemplate: string): Promise<string> {
  fake.reset();
  const config = configSchema.parse({
    server: { publicUrl: 'https://bridge.acme.example' },
    conductorone: { tenant: 'acme.conductor.one' },
    jira: { baseUrl: fake.url, email: 'bridge@acme.example', apiToken: 'jira-api-token' },
    routes: [{ name: 'gh', jira: { project: 'OPS', summary: summaryTemplate } }],
  });
  if (config.jira === undefined) throw new Error('no jira');
  const fixture = loadFixture('provision-grant');
  const parsed = toProvisioningRequest(fixture as never, fixture.payload as never, { tenant: 'acme.conductor.one' });
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  const route = chooseRoute(config, parsed.request);
  if (route === undefined) throw new Error('no route');
  const ref = await createJiraTickets({ config: config.jira, onSchemaMismatch: 'throw' }).create({ request: parsed.request, route });
  const summary = fake.issues.get(ref.key)?.fields.summary;
  if (summary === undefined) throw new Error('no issue');
  return summary;
}

describe('the Jira summary is one line of at most 255 characters', () => {
  it('folds line breaks, tabs and runs of spaces from the template into single spaces', async () => {
    const summary = await createdSummary('Grant\n\n\t{{ app.name }}   /\r\n{{ entitlement.name }}\n');
    expect(summary.trimEnd()).toBe('Grant GitHub / Org Admin');
  });

  it('cuts a long rendering to 255 characters, keeping its start', async () => {
    const summary = await createdSummary(`Grant {{ app.name }} ${'x'.repeat(400)}`);
    expect([...summary]).toHaveLength(255);
    expect(summary.startsWith('Grant GitHub xxx')).toBe(true);
  });

  it('folds before it cuts: a long text full of line breaks still fills the line', async () => {
    const summary = await createdSummary(`{{ app.name }}${'\n word'.repeat(100)}`);
    expect(summary).not.toMatch(/[\n\r\t]|\s{2}/);
    expect([...summary]).toHaveLength(255);
  });
});
