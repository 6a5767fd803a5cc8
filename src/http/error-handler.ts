import type { FastifyError, FastifyInstance } from 'fastify';
import { BridgeError, isBridgeError } from '../errors.ts';

/** Fastify's own errors that mean "the caller sent something we will not read". */
function fromFastifyError(error: FastifyError): BridgeError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BridgeError('payload_too_large', 'the request body is larger than server.bodyLimitBytes allows');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new BridgeError('invalid_json', 'the request body is not acceptable JSON', { reason: error.message });
    default:
      return undefined;
  }
}

/** One place turns errors into `{error, message}` answers; refusals are logged with their reason, never echoed. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: unknown, request, reply) => {
    const error = isBridgeError(raw) ? raw : fromFastifyError(raw as FastifyError);
    if (error === undefined) {
      request.log.error({ err: raw }, 'unexpected error');
      return reply.code(500).send({ error: 'internal_error', message: 'internal error' });
    }
    const level = error.status >= 500 ? 'warn' : 'info';
    request.log[level]({ code: error.code, reason: error.reason ?? error.message }, 'request refused');
    return reply.code(error.status).send({ error: error.code, message: error.message });
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}
