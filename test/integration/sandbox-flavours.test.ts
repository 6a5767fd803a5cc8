import { describe, expect, it } from 'vitest';
import { startSandboxProcess } from '../helpers/sandbox-process.ts';

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('BRIDGE_SANDBOX_FLAVOUR: the sandbox with each Jira', () => {
  it.each([
    ['datacenter', 'Jira Data Center', 'OPS-1'],
    ['jsm', 'Jira Service Management', 'ITHELP-1'],
  ])('%s: a grant opens its ticket there, resolved Done it sends ConductorOne complete', async (flavour, label, key) => {
    const sandbox = await startSandboxProcess({ BRIDGE_SANDBOX_FLAVOUR: flavour });
    try {
      const live = async () => (await fetch(new URL('/sandbox/live', sandbox.url))).text();
      expect(await (await fetch(sandbox.url)).text()).toContain(`Sandbox ${label}`);
      const sent = await fetch(new URL('/sandbox/send', sandbox.url), { method: 'POST', body: 'sample=grant', headers: form, redirect: 'manual' });
      expect(sent.status).toBe(303);
      await expect.poll(async () => (await live()).includes(`data-ticket="${key}"`), { timeout: 15_000 }).toBe(true);
      await expect.poll(async () => (await live()).includes('ticket_created'), { timeout: 15_000 }).toBe(true);
      const resolved = await fetch(new URL('/sandbox/jira/resolve', sandbox.url), { method: 'POST', body: `key=${key}&resolution=Done`, headers: form, redirect: 'manual' });
      expect(resolved.status).toBe(303);
      await expect.poll(async () => (await live()).includes('&quot;complete&quot;'), { timeout: 15_000 }).toBe(true);
      expect(await live()).toContain(`was resolved: status \\&quot;Done\\&quot;`);
    } finally {
      expect(await sandbox.stop()).toBe(0);
    }
  });
});
