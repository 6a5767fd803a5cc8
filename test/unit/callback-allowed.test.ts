import { describe, expect, it } from 'vitest';
import { callbackAllowed } from '../../src/jobs/send-callback.ts';

const ORIGINS = ['https://acme.conductor.one', 'http://127.0.0.1:9000'];

describe('callbackAllowed: the callback URL\'s origin is one of the listed origins, compared whole', () => {
  it.each([
    'https://acme.conductor.one/api/v1/webhooks/callback/t',
    'https://ACME.conductor.one:443/api/v1/webhooks/callback/t',
    'http://127.0.0.1:9000/api/v1/webhooks/callback/t',
  ])('allows %s', (url) => {
    expect(callbackAllowed(url, ORIGINS)).toBe(true);
  });

  it.each([
    'https://acme.conductor.one.evil.com/api/v1/webhooks/callback/t',
    'https://acme.conductor.one@evil.example/api/v1/webhooks/callback/t',
    'https://user@acme.conductor.one/api/v1/webhooks/callback/t',
    'https://:password@acme.conductor.one/api/v1/webhooks/callback/t',
    'https://acme.conductor.one:8443/api/v1/webhooks/callback/t',
    'http://acme.conductor.one/api/v1/webhooks/callback/t',
    'http://127.0.0.1:90001/api/v1/webhooks/callback/t',
    'http://127.0.0.1:900/api/v1/webhooks/callback/t',
    'https://evil.example/https://acme.conductor.one/',
    'acme.conductor.one/api/v1/webhooks/callback/t',
    '',
  ])('refuses %s', (url) => {
    expect(callbackAllowed(url, ORIGINS)).toBe(false);
  });

  it('refuses everything when no origin is listed', () => {
    expect(callbackAllowed('https://acme.conductor.one/api/v1/webhooks/callback/t', [])).toBe(false);
  });
});
