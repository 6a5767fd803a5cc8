import type { FastifyInstance } from 'fastify';

/**
 * Hands the route the exact bytes that were signed: in this plugin's scope no parser runs, whatever the content type,
 * so nothing is parsed before the signature is checked.
 */
export function rawBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
}
