import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../helpers/browser.ts';
import { keysUnder, REDIS_URL } from '../helpers/redis.ts';
import { startSandboxProcess, type SandboxProcess } from '../helpers/sandbox-process.ts';

describe('the sandbox page in a real browser (npm start without a config)', () => {
  let sandbox: SandboxProcess;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandboxProcess();
    browser = await openBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    expect(await sandbox.stop()).toBe(0);
    // The sandbox removes its records and queues when it stops.
    const redis = new Redis(REDIS_URL);
    expect(await keysUnder(redis, sandbox.prefix)).toEqual([]);
    redis.disconnect();
  });

  it('sends a grant, shows the Jira issue, resolves it Done and shows the complete callback; a resend does nothing twice', async () => {
    const { page } = browser;
    await page.goto(sandbox.url);
    await expect(page.getByRole('note').textContent()).resolves.toContain('Sandbox, not production.');

    await page.getByRole('button', { name: /^Send a grant/ }).click();
    const row = page.locator('#jira-issues tr', { hasText: 'Grant GitHub / Org Admin for Jane Doe' });
    await row.waitFor();
    const key = (await row.locator('td').first().textContent()) ?? '';
    expect(key).toMatch(/^OPS-\d+$/);
    const delivery = page.locator('tr[data-task]', { has: page.locator('td', { hasText: 'grant' }) }).first();
    const taskId = (await delivery.getAttribute('data-task')) ?? '';
    await delivery.locator('.record-state', { hasText: 'ticket_created' }).waitFor();

    // ConductorOne retries the same delivery (same body, same token): the same answer, still one issue.
    await delivery.getByRole('button', { name: 'Send the same delivery again' }).click();
    const answers = page.locator(`tr[data-task="${taskId}"] ol li`);
    await expect.poll(() => answers.count()).toBe(2);
    const [first, second] = await answers.allTextContents();
    expect(second).toBe(first);
    expect(first).toContain('202');
    await expect(page.locator('#jira-issues tbody tr').count()).resolves.toBe(1);

    await page.locator(`#jira-issues tr[data-ticket="${key}"]`).getByRole('button', { name: 'Done', exact: true }).click();
    const callback = page.locator(`#callbacks tr[data-task="${taskId}"] pre`);
    await callback.waitFor();
    const body = JSON.parse((await callback.textContent()) ?? '') as Record<string, unknown>;
    expect(body['version']).toBe('v1');
    expect(body).toHaveProperty('complete');
    await page.locator(`tr[data-task="${taskId}"] .record-state`, { hasText: 'reported' }).waitFor();
    await expect(page.locator(`#callbacks tr[data-task="${taskId}"]`).count()).resolves.toBe(1);
  });

  it('sends a revoke to ServiceNow, closes it Incomplete and shows the errored callback', async () => {
    const { page } = browser;
    await page.goto(sandbox.url);
    await page.getByRole('button', { name: /^Send a revoke/ }).click();
    const row = page.locator('#servicenow-records tbody tr').first();
    await row.getByRole('button', { name: 'Closed Incomplete' }).waitFor();
    const taskId = (await page.locator('tr[data-task]', { has: page.locator('td', { hasText: 'revoke' }) }).first().getAttribute('data-task')) ?? '';
    await row.getByRole('button', { name: 'Closed Incomplete' }).click();
    await expect(row.locator('.status').textContent()).resolves.toBe('Closed Incomplete');
    // The callback arrives after the page was drawn: the live region brings it in.
    const callback = page.locator(`#callbacks tr[data-task="${taskId}"] pre`);
    await callback.waitFor();
    expect(JSON.parse((await callback.textContent()) ?? '')).toHaveProperty('errored');
  });
});
