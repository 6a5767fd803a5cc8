import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's `chromium` package; browsers cannot be downloaded here, so playwright-core drives the system's. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * Flags for a closed network: without the background-networking ones Chromium keeps dialling Google's services and
 * this machine refuses the connections; every run gets a fresh profile.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with one page. Fails (never skips) with how to install Chromium when it is missing. */
export async function openBrowser(
  options: { httpCredentials?: { username: string; password: string }; javaScriptEnabled?: boolean; executablePath?: string } = {},
): Promise<Browser> {
  const executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}; the browser tests need it. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (bash .ci/run does this), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'c1tb-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    ...(options.httpCredentials === undefined ? {} : { httpCredentials: options.httpCredentials }),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
