/**
 * `npm run screenshots`: the sandbox page and the operator console, drawn by headless Chromium, into docs/. It runs
 * the sandbox as `npm start` does without a config, plays one grant and one revoke through it, and photographs the
 * pages the README shows. Needs Redis and Debian's chromium, like the browser tests.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openBrowser } from '../test/helpers/browser.ts';
import { startSandboxProcess } from '../test/helpers/sandbox-process.ts';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

async function main(): Promise<void> {
  mkdirSync(DOCS, { recursive: true });
  const sandbox = await startSandboxProcess();
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(sandbox.url);
    await page.getByRole('button', { name: /^Send a grant/ }).click();
    await page.locator('#jira-issues').getByRole('button', { name: 'Done', exact: true }).click();
    await page.locator('#callbacks pre').first().waitFor();
    await page.getByRole('button', { name: /^Send a revoke/ }).click();
    await page.locator('#servicenow-records tbody tr').first().waitFor();
    await page.locator('tr[data-task]').first().getByRole('button', { name: 'Send the same delivery again' }).click();
    await page.locator('tr[data-task] .record-state', { hasText: 'ticket_created' }).first().waitFor();
    await page.screenshot({ path: `${DOCS}sandbox-page.png`, fullPage: true });

    const admin = await openBrowser({ httpCredentials: sandbox.admin });
    try {
      await admin.page.setViewportSize({ width: 1280, height: 800 });
      await admin.page.goto(new URL('/admin/', sandbox.url).href);
      await admin.page.screenshot({ path: `${DOCS}console.png`, fullPage: true });
      await admin.page.locator('#tasks tbody tr').last().locator('td').first().getByRole('link').click();
      await admin.page.locator('section[data-step] .state', { hasText: 'reported' }).waitFor();
      await admin.page.screenshot({ path: `${DOCS}console-task.png`, fullPage: true });
    } finally {
      await admin.close();
    }
    say(`wrote ${DOCS}sandbox-page.png, console.png and console-task.png`);
  } finally {
    await browser.close();
    await sandbox.stop();
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
