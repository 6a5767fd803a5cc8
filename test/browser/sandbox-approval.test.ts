import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../helpers/browser.ts';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.ts';

describe('the sandbox page plays an approval in a real browser', () => {
  let sandbox: SandboxProcess;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
    browser = await openBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    expect(await sandbox.stop()).toBe(0);
  });

  it('sends a policy approval step; accepted (202), it opens an approval issue in CAB; moved to Approved, ConductorOne gets approve', async () => {
    const { page } = browser;
    await page.goto(sandbox.url);
    await page.getByRole('button', { name: /^Send an approval/ }).click();
    const delivery = page.locator('tr[data-task]', { has: page.locator('td', { hasText: 'approval' }) }).first();
    await delivery.waitFor();
    await expect(delivery.locator('ol li').first().textContent()).resolves.toContain('202');
    const taskId = (await delivery.getAttribute('data-task')) ?? '';
    const issue = page.locator('#jira-issues tr[data-ticket^="CAB-"]').first();
    await issue.waitFor();
    await expect(issue.locator('td').nth(1).textContent()).resolves.toBe('Approve: Grant GitHub / Org Admin for Jane Doe');
    // No provisioning ticket for an approval, and an approval ticket offers decisions, not resolutions.
    await expect(page.locator('#jira-issues tr[data-ticket^="OPS-"]').count()).resolves.toBe(0);
    await expect(issue.getByRole('button', { name: 'Done', exact: true }).count()).resolves.toBe(0);
    await delivery.locator('.record-state', { hasText: 'ticket_created' }).waitFor();
    await issue.getByRole('button', { name: 'Approved', exact: true }).click();
    const callback = page.locator(`#callbacks tr[data-task="${taskId}"] pre`);
    await callback.waitFor();
    const body = JSON.parse((await callback.textContent()) ?? '') as Record<string, unknown>;
    expect(body['version']).toBe('v1');
    expect(body).toHaveProperty('approve');
    expect(body).not.toHaveProperty('deny');
  });
});
