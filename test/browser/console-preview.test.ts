import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';
import { CONSOLE_ADMIN, startBridgeWithFailedTask, type FailedTask } from '../helpers/failed-task.ts';

describe("the console's preview in a real browser", () => {
  let setup: FailedTask;
  let address: string;

  beforeAll(async () => {
    setup = await startBridgeWithFailedTask();
    address = await setup.bridge.app.listen({ host: '127.0.0.1', port: 0 });
  }, 30_000);
  afterAll(async () => {
    await setup.close();
  });

  it('without JavaScript, by keyboard alone: picks a sample, runs the dry run and reads where the task goes', async () => {
    const browser = await openBrowser({ httpCredentials: CONSOLE_ADMIN, javaScriptEnabled: false });
    try {
      const { page } = browser;
      await page.goto(`${address}/admin/`);
      await page.getByRole('link', { name: 'Preview a task' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/admin\/preview$/);
      await page.locator('#fixture').focus();
      await page.keyboard.type('provision-revoke');
      await page.getByRole('button', { name: 'Preview the sample' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/admin\/preview\?fixture=provision-revoke$/);
      const report = (await page.locator('#report').textContent()) ?? '';
      expect(report).toContain('defaultRoute');
      expect(report).toContain('Revoke');
      await expect(page.locator('#payload').inputValue()).resolves.toContain('"@type": "type.googleapis.com/c1.webhooks.v1.PayloadProvisionStep"');
    } finally {
      await browser.close();
    }
  });
});
