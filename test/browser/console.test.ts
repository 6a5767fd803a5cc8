import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, type Browser } from '../helpers/browser.ts';
import { CONSOLE_ADMIN, GRANT_JOB_ID, JIRA_WEBHOOK_SECRET, startBridgeWithFailedTask, type FailedTask } from '../helpers/failed-task.ts';
import { waitFor } from '../helpers/wait-for.ts';

describe('the operator console in a real browser', () => {
  let setup: FailedTask;
  let address: string;

  beforeAll(async () => {
    setup = await startBridgeWithFailedTask();
    address = await setup.bridge.app.listen({ host: '127.0.0.1', port: 0 });
  }, 30_000);

  afterAll(async () => {
    await setup.close();
  });

  it('without JavaScript, by keyboard alone: finds the task by email, shows why it failed, replays it, and the task page shows the ticket', async () => {
    const browser: Browser = await openBrowser({ httpCredentials: CONSOLE_ADMIN, javaScriptEnabled: false });
    try {
      const { page } = browser;
      await page.goto(`${address}/admin/`);
      await expect(page.locator('script').count()).resolves.toBe(1); // the live refresh, which this browser does not run

      // Tab to the search field, type, Enter.
      for (let presses = 0; presses < 10 && (await page.evaluate('document.activeElement?.id')) !== 'q'; presses += 1) await page.keyboard.press('Tab');
      expect(await page.evaluate('document.activeElement?.id')).toBe('q');
      await page.keyboard.type('JANE.DOE@acme.com');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/admin\/\?q=JANE\.DOE%40acme\.com$/);
      const row = page.locator('#tasks tr[data-task="2pQdTask0001"]');
      await expect(row.textContent()).resolves.toContain('Jane Doe <jane.doe@acme.com>');
      await expect(row.textContent()).resolves.toContain('GitHub / Org Admin');

      const failed = page.locator(`#failed-jobs tr[data-job="${GRANT_JOB_ID}"]`);
      await expect(failed.locator('.reason').textContent()).resolves.toContain('Jira refused with 400: summary: Field customfield_1 is required');

      // Replay by keyboard: focus the button, press Enter (a POST carrying the page's CSRF token).
      await failed.getByRole('button', { name: /^Replay create-ticket job/ }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/replayed=/);
      await expect(page.getByRole('status').textContent()).resolves.toContain(`Replayed job ${GRANT_JOB_ID}`);
      await waitFor('the ticket', async () => (await setup.bridge.deps.correlationStore.get('2pQdTask0001', '2pQdStepProv'))?.state === 'ticket_created');
      expect(setup.jira.issues.size).toBe(1);

      // The task page, reached through the search by ticket key.
      await page.goto(`${address}/admin/?q=ops-1`);
      await page.locator('#tasks').getByRole('link', { name: '2pQdTask0001' }).click();
      await page.waitForURL(/\/admin\/tasks\/2pQdTask0001$/);
      const step = page.locator('section[data-step="2pQdStepProv"]');
      await expect(step.locator('.state').textContent()).resolves.toBe('ticket_created');
      await expect(step.getByRole('link', { name: 'jira OPS-1' }).getAttribute('href')).resolves.toBe(`${setup.jira.url}/browse/OPS-1`);
      await expect(step.locator('.history').textContent()).resolves.toContain('ticket_created');
      await expect(step.textContent()).resolves.toContain(new URL(setup.c1.url).origin);
      expect(await page.content()).not.toContain(setup.callbackToken);
      await expect(page.locator('#failed-jobs').count()).resolves.toBe(0);
    } finally {
      await browser.close();
    }
  });

  it('with JavaScript, the task page follows the task live: the outcome appears without a reload', async () => {
    const browser: Browser = await openBrowser({ httpCredentials: CONSOLE_ADMIN });
    try {
      const { page } = browser;
      await page.goto(`${address}/admin/tasks/2pQdTask0001`);
      const state = page.locator('section[data-step="2pQdStepProv"] .state');
      await expect(state.textContent()).resolves.toBe('ticket_created');
      await page.evaluate('window.drawnOnce = true');
      const event = JSON.stringify(setup.jira.transition('OPS-1', 'Done', 'done', 'Done'));
      const answer = await fetch(`${address}/webhooks/jira`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature': setup.jira.sign(event, JIRA_WEBHOOK_SECRET) }, body: event });
      expect(answer.status).toBe(200);
      await page.locator('section[data-step="2pQdStepProv"] .state', { hasText: 'reported' }).waitFor({ timeout: 15_000 });
      // Still the page first drawn: the live region changed, the page was not reloaded.
      expect(await page.evaluate('window.drawnOnce === true')).toBe(true);
      await expect(page.locator('section[data-step="2pQdStepProv"]').textContent()).resolves.toContain('complete');
      expect(await page.content()).not.toContain(setup.callbackToken);
    } finally {
      await browser.close();
    }
  });
});
