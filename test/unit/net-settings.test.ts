import { describe, expect, it } from 'vitest';
import { networkSettings, proxyLabel } from '../../src/net/proxy-env.ts';

describe('networkSettings', () => {
  it('reports the proxy without its credentials, NO_PROXY and the CA bundle', () => {
    const settings = networkSettings({ HTTPS_PROXY: 'http://svc:p4ss@proxy.corp.example:3128', no_proxy: 'localhost,.corp.example', NODE_EXTRA_CA_CERTS: '/app/certs/ca.pem' }, ['--use-env-proxy']);
    expect(settings).toEqual({ httpsProxy: 'http://proxy.corp.example:3128', noProxy: 'localhost,.corp.example', extraCaCerts: '/app/certs/ca.pem', proxySupport: true });
    expect(JSON.stringify(settings)).not.toContain('p4ss');
  });

  it("knows Node's proxy support is on from the flag, NODE_OPTIONS or NODE_USE_ENV_PROXY, and off otherwise", () => {
    expect(networkSettings({}, []).proxySupport).toBe(false);
    expect(networkSettings({ NODE_USE_ENV_PROXY: '1' }, []).proxySupport).toBe(true);
    expect(networkSettings({ NODE_OPTIONS: '--max-old-space-size=128 --use-env-proxy' }, []).proxySupport).toBe(true);
    expect(networkSettings({ NODE_OPTIONS: '--use-env-proxy-not' }, []).proxySupport).toBe(false);
    expect(networkSettings({ HTTPS_PROXY: '' }, []).httpsProxy).toBeUndefined();
  });

  it('does not echo a malformed proxy value, which may hold a password', () => {
    expect(proxyLabel('user:secret@proxy')).toBe('(not an http(s) URL)');
  });
});
