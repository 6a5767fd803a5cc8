import { describe, expect, it } from 'vitest';
import { sandboxReason } from '../../../src/sandbox/sandbox-mode.ts';

describe('sandboxReason', () => {
  it('starts the sandbox on a machine with no config at all', () => {
    expect(sandboxReason({}, false)).toBe('no-config');
    expect(sandboxReason({ BRIDGE_ROLE: 'all', NODE_ENV: 'development' }, false)).toBe('no-config');
  });

  it('never starts it by itself where a config file exists or is named, under NODE_ENV=production, or for one role', () => {
    expect(sandboxReason({}, true)).toBeUndefined();
    expect(sandboxReason({ BRIDGE_CONFIG: '/etc/bridge.yaml' }, false)).toBeUndefined();
    expect(sandboxReason({ NODE_ENV: 'production' }, false)).toBeUndefined();
    expect(sandboxReason({ BRIDGE_ROLE: 'api' }, false)).toBeUndefined();
    expect(sandboxReason({ BRIDGE_ROLE: 'worker' }, false)).toBeUndefined();
  });

  it('BRIDGE_SANDBOX=1 forces it, and only the value 1 does', () => {
    expect(sandboxReason({ BRIDGE_SANDBOX: '1' }, true)).toBe('forced');
    expect(sandboxReason({ BRIDGE_SANDBOX: '1', NODE_ENV: 'production' }, false)).toBe('forced');
    expect(sandboxReason({ BRIDGE_SANDBOX: 'true' }, true)).toBeUndefined();
    expect(sandboxReason({ BRIDGE_SANDBOX: '0', NODE_ENV: 'production' }, false)).toBeUndefined();
  });
});
