import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log/logger.ts';
import { redactDeep } from '../../../src/log/redact-deep.ts';
import { captureLogs } from '../../helpers/log-capture.ts';

const URL_WITH_TOKEN = (token: string) => `https://acme.conductor.one/api/v1/webhooks/callback/${token}`;

/** `{ a: { a: … { callbackUrl } } }`, the URL `depth` levels below the line's top. */
function nested(depth: number, token: string): Record<string, unknown> {
  let value: Record<string, unknown> = { callbackUrl: URL_WITH_TOKEN(token), kept: `kept-${depth.toString()}` };
  for (let level = 1; level < depth; level += 1) value = { level: value };
  return value;
}

describe('logger', () => {
  it('writes JSON lines and redacts secrets, tokens and callback URLs wherever they sit', () => {
    const logs = captureLogs();
    const logger = createLogger({ destination: logs.destination });
    logger.info(
      {
        config: { jira: { apiToken: 'jira-secret', token: 'pat-secret', webhookSecret: ['wh-secret'] }, servicenow: { password: 'sn-secret' } },
        callbackUrl: URL_WITH_TOKEN('TOKEN'),
        record: { callbackUrl: URL_WITH_TOKEN('TOKEN2') },
        req: { headers: { authorization: 'Bearer eyJ...', 'x-bridge-token': 'bridge-secret' } },
        taskId: 't1',
      },
      'hello',
    );
    const text = logs.text();
    for (const secret of ['jira-secret', 'pat-secret', 'wh-secret', 'sn-secret', 'TOKEN', 'eyJ', 'bridge-secret']) expect(text).not.toContain(secret);
    expect(logs.lines[0]).toMatchObject({ msg: 'hello', taskId: 't1', service: 'c1-ticket-bridge', callbackUrl: '[redacted]' });
  });

  it('redacts a callback URL at every depth from 1 to 8, in arrays, in child bindings and in any header case', () => {
    const logs = captureLogs();
    const logger = createLogger({ destination: logs.destination });
    for (let depth = 1; depth <= 8; depth += 1) logger.info(nested(depth, `DEPTH${depth.toString()}TOKEN`), `depth ${depth.toString()}`);
    // The path the issue names: a create-ticket job logged whole.
    logger.info({ job: { data: { request: { callbackUrl: URL_WITH_TOKEN('JOBDATATOKEN'), taskId: 't1' } } } }, 'job');
    logger.info({ jobs: [{ data: { callbackUrl: URL_WITH_TOKEN('ARRAYTOKEN') } }, [[{ token: 'PAT-IN-ARRAY' }]]] }, 'array');
    logger.child({ delivery: { envelope: { callbackUrl: URL_WITH_TOKEN('CHILDTOKEN') } } }).info('child');
    logger.info({ res: { headers: { Authorization: 'Basic UPPERCASE', 'X-Bridge-Token': 'HeaderCaseSecret' } } }, 'headers');

    const text = logs.text();
    for (const secret of ['TOKEN', 'PAT-IN-ARRAY', 'UPPERCASE', 'HeaderCaseSecret']) expect(text).not.toContain(secret);
    for (let depth = 1; depth <= 8; depth += 1) {
      const line = logs.find((entry) => entry['msg'] === `depth ${depth.toString()}`);
      let value = line as Record<string, unknown>;
      for (let level = 1; level < depth; level += 1) value = value['level'] as Record<string, unknown>;
      expect(value).toMatchObject({ callbackUrl: '[redacted]', kept: `kept-${depth.toString()}` });
    }
    expect(logs.find((entry) => entry['msg'] === 'job')).toMatchObject({ job: { data: { request: { callbackUrl: '[redacted]', taskId: 't1' } } } });
    expect(logs.find((entry) => entry['msg'] === 'child')).toMatchObject({ delivery: { envelope: { callbackUrl: '[redacted]' } } });
  });

  it('redacts the fields of a logged Error, however deep', () => {
    const logs = captureLogs();
    const error = Object.assign(new Error('request failed'), { config: { url: URL_WITH_TOKEN('ERRTOKEN'), headers: { Authorization: 'Basic ERRBASIC' } }, callbackUrl: URL_WITH_TOKEN('ERRTOKEN2') });
    const logger = createLogger({ destination: logs.destination });
    logger.error({ err: error }, 'failed');
    logger.warn({ err: 'connect ECONNREFUSED 127.0.0.1:6379' }, 'a message, not an Error');
    expect(logs.text()).not.toContain('ERRBASIC');
    expect(logs.text()).not.toContain('ERRTOKEN2');
    expect(logs.lines[0]).toMatchObject({ err: { message: 'request failed', type: 'Error', callbackUrl: '[redacted]', config: { headers: { Authorization: '[redacted]' } } } });
    expect(logs.lines[1]).toMatchObject({ err: 'connect ECONNREFUSED 127.0.0.1:6379' });
  });

  it('leaves the logged object itself untouched and survives cycles', () => {
    const record: Record<string, unknown> = { callbackUrl: URL_WITH_TOKEN('T'), inner: { token: 'x' } };
    record['self'] = record;
    const out = redactDeep(record, new Set(['callbackurl', 'token']), '[redacted]');
    expect(record['callbackUrl']).toBe(URL_WITH_TOKEN('T'));
    expect(record['inner']).toStrictEqual({ token: 'x' });
    expect(out['callbackUrl']).toBe('[redacted]');
    expect(out['inner']).toStrictEqual({ token: '[redacted]' });

    const logs = captureLogs();
    createLogger({ destination: logs.destination }).info({ record }, 'cyclic');
    expect(logs.text()).not.toContain('callback/T');
  });
});
