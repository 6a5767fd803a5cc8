import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import { captureLogs } from '../../helpers/log-capture.ts';

describe('logger', () => {
  it('writes JSON lines and redacts secrets, tokens and callback URLs wherever they sit', () => {
    const logs = captureLogs();
    const logger = createLogger({ destination: logs.destination });
    logger.info(
      {
        config: { jira: { apiToken: 'jira-secret', token: 'pat-secret', webhookSecret: ['wh-secret'] }, servicenow: { password: 'sn-secret' } },
        callbackUrl: 'https://acme.conductor.one/api/v1/webhooks/callback/TOKEN',
        record: { callbackUrl: 'https://acme.conductor.one/api/v1/webhooks/callback/TOKEN2' },
        req: { headers: { authorization: 'Bearer eyJ...', 'x-bridge-token': 'bridge-secret' } },
        taskId: 't1',
      },
      'hello',
    );
    const text = logs.text();
    for (const secret of ['jira-secret', 'pat-secret', 'wh-secret', 'sn-secret', 'TOKEN', 'eyJ', 'bridge-secret']) expect(text).not.toContain(secret);
    expect(logs.lines[0]).toMatchObject({ msg: 'hello', taskId: 't1', service: 'c1-ticket-bridge', callbackUrl: '[redacted]' });
  });
});
