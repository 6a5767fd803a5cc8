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

  it('sends a policy approval step; the bridge accepts it (202) through the for: approval route, and opens no provisioning ticket', async () => {
    const { page } = browser;
    await page.goto(sandbox.url);
    await page.getByRole('button', { name: /^Send an approval/ }).click();
    const delivery = page.locator('tr[data-task]', { has: page.locator('td', { hasText: 'approval' }) }).first();
    await delivery.waitFor();
    await expect(delivery.locator('ol li').first().textContent()).resolves.toContain('202');
    await delivery.locator('.record-state').first().waitFor();
    await expect(delivery.locator('.record-state').first().textContent()).resolves.toBe('received');
    await expect(page.locator('#jira-issues tr[data-ticket^="OPS-"]').count()).resolves.toBe(0);
  });
});
