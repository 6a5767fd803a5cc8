import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataCenterJsmApi } from '../../../src/desks/jira/service-desk/jsm-datacenter.ts';
import { listen, sendJson, type Listening } from '../../../src/sandbox/listen.ts';

// What a Data Center server (or the SSO gateway in front of it) answers when a JSM call cannot be served: JSM's
// ErrorResponse `{errorMessage, i18nErrorMessage}` (jira.js src/serviceDesk/models/errorResponse.ts), 429 with
// Retry-After (Atlassian, "Adapting to rate limiting", confluence.atlassian.com/adminjiraserver/adjusting-your-code-
// for-rate-limiting-987143384.html), 403 with an HTML page when JSM is not licensed (jira.js v6.3
// docs/guide/service-management-data-center.md), and an SSO login page in HTML instead of JSON.
let server: Listening;
beforeAll(async () => {
  server = await listen((request, response) => {
    const path = request.path;
    if (path.startsWith('/login/rest/servicedeskapi/')) {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end('<!DOCTYPE html><html><body><form action="/sso">Sign in</form></body></html>');
    } else if (path.startsWith('/unlicensed/')) {
      response.statusCode = 403;
      response.setHeader('content-type', 'text/html');
      response.end('<html><body>Forbidden</body></html>');
    } else if (path.startsWith('/busy/')) {
      response.setHeader('retry-after', '7');
      sendJson(response, 429, { errorMessage: 'Rate limit exceeded' });
    } else if (path.startsWith('/down/')) {
      sendJson(response, 503, { errorMessage: 'Service unavailable' });
    } else if (path.startsWith('/refuse/')) {
      sendJson(response, 400, { errorMessage: 'The field Summary is required.', i18nErrorMessage: { i18nKey: 'sd.required', parameters: [] } });
    } else {
      sendJson(response, 404, { errorMessage: 'no such path' });
    }
  });
});
afterAll(async () => {
  await server.close();
});

const api = (prefix: string) => createDataCenterJsmApi({ baseUrl: `${server.url}/${prefix}`, auth: { type: 'bearer', token: 'pat' } });

describe('JSM over fetch (Data Center): failures are typed, never a crash', () => {
  it('an SSO login page is a permanent error saying the token is not accepted', async () => {
    await expect(api('login').serviceDesks(0, 50)).rejects.toMatchObject({ code: 'ticket_system_rejected', retryable: false, message: 'Jira list service desks: Jira answered with a login page: the token is not accepted' });
  });
  it('403 with HTML asks whether JSM is licensed', async () => {
    await expect(api('unlicensed').serviceDesks(0, 50)).rejects.toThrow(/403 with an HTML page: is Jira Service Management licensed/);
  });
  it('429 carries Retry-After; 5xx and no answer are retryable', async () => {
    await expect(api('busy').getRequest('ITHELP-1')).rejects.toMatchObject({ code: 'ticket_system_rate_limited', retryAfterMs: 7000, retryable: true });
    await expect(api('down').approvals('ITHELP-1', 0, 50)).rejects.toMatchObject({ code: 'ticket_system_unavailable', status: 503, retryable: true });
    const offline = createDataCenterJsmApi({ baseUrl: 'http://127.0.0.1:1', auth: { type: 'basic', username: 'u', password: 'p' } });
    await expect(offline.serviceDesks(0, 50)).rejects.toMatchObject({ code: 'ticket_system_unavailable', retryable: true });
  });
  it("a 4xx refusal is permanent, in JSM's words", async () => {
    await expect(api('refuse').createRequest({ serviceDeskId: '1', requestTypeId: '2', requestFieldValues: {} })).rejects.toMatchObject({
      code: 'ticket_system_rejected',
      status: 400,
      message: 'Jira create customer request: Jira refused with 400: The field Summary is required.',
    });
  });
});
