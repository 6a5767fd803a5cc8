import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthMatches } from '../../src/http/admin.ts';
import { startFakeConductorOne, type FakeConductorOne } from '../../src/sandbox/conductorone.ts';
import { startTestBridge } from '../helpers/test-bridge.ts';

let c1: FakeConductorOne;
beforeAll(async () => {
  c1 = await startFakeConductorOne();
});
afterAll(async () => {
  await c1.close();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('admin', () => {
  it('refuses /admin without or with wrong credentials, and serves the dashboard and task records with them', async () => {
    const bridge = await startTestBridge({ c1, config: { admin: { username: 'ops', password: 's3cret' } } });
    try {
      for (const authorization of [undefined, basic('ops', 'wrong'), basic('root', 's3cret'), 'Bearer s3cret']) {
        for (const url of ['/admin/queues', '/admin/tasks/2pQdTask0001']) {
          const refused = await bridge.app.inject({ url, headers: authorization === undefined ? {} : { authorization } });
          expect(refused.statusCode).toBe(401);
          expect(refused.headers['www-authenticate']).toContain('Basic');
          expect(refused.json()).toEqual({ error: 'unauthorized', message: 'admin credentials required' });
        }
      }
      const auth = { authorization: basic('ops', 's3cret') };
      const board = await bridge.app.inject({ url: '/admin/queues', headers: auth });
      expect(board.statusCode).toBe(200);
      expect(board.headers['content-type']).toContain('text/html');

      expect((await bridge.app.inject({ url: '/admin/tasks/nope', headers: auth })).statusCode).toBe(404);
      const body = JSON.parse(readFileSync(new URL('../fixtures/conductorone/provision-grant.json', import.meta.url), 'utf8')) as Record<string, unknown>;
      await bridge.deliver(body);
      const task = await bridge.app.inject({ url: '/admin/tasks/2pQdTask0001', headers: auth });
      expect(task.statusCode).toBe(200);
      expect(task.json()).toMatchObject({ taskId: '2pQdTask0001', steps: [{ taskId: '2pQdTask0001', stepId: '2pQdStepProv', state: 'received', callbackOrigin: 'https://acme.conductor.one', history: [{ event: 'received' }] }] });
      expect(task.body).not.toContain('ChsyOpaqueEncryptedToken01');
    } finally {
      await bridge.close();
    }
  });

  it('does not exist when no admin credentials are configured', async () => {
    const bridge = await startTestBridge({ c1 });
    try {
      expect((await bridge.app.inject({ url: '/admin/queues', headers: { authorization: basic('', '') } })).statusCode).toBe(404);
      expect((await bridge.app.inject({ url: '/admin/tasks/x' })).statusCode).toBe(404);
    } finally {
      await bridge.close();
    }
  });

  it('compares credentials whole', () => {
    expect(basicAuthMatches(basic('ops', 's3cret'), 'ops', 's3cret')).toBe(true);
    expect(basicAuthMatches(basic('ops', 's3cre'), 'ops', 's3cret')).toBe(false);
    expect(basicAuthMatches(basic('ops:x', 's3cret'), 'ops', 's3cret')).toBe(false);
    expect(basicAuthMatches('Basic !!!', 'ops', 's3cret')).toBe(false);
  });
});
