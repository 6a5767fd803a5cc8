import { describe, expect, it } from 'vitest';
import { openBrowser } from '../helpers/browser.ts';

describe('the browser tests without Chromium', () => {
  it('fail with a message that says how to install it, never skip', async () => {
    await expect(openBrowser({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      'Chromium is not installed at /nonexistent/chromium; the browser tests need it. Install it with `apt-get update && apt-get install -y chromium`',
    );
  });
});
