import type { FastifyInstance } from 'fastify';

/** The route every target serves, so the load process sends the same requests to each. */
export const WEBHOOK_PATH = '/webhooks/conductorone';

/** What the signed tokens claim: the bridge derives its expected `aud` and `htu` from its public URL. */
export const PUBLIC_URL = 'https://bridge.bench.example';
export const AUDIENCE = new URL(PUBLIC_URL).host;
export const HTU = `${PUBLIC_URL}${WEBHOOK_PATH}`;

export interface Target {
  url: string;
  /** Jobs the target has enqueued so far; undefined for a target that enqueues nothing. */
  jobCount(): Promise<number | undefined>;
  /** Closes the server and obliterates the target's queues; the caller sweeps any other keys under the prefix. */
  close(): Promise<void>;
}

/** Serves on 127.0.0.1, port 0, and answers with the route's URL. */
export async function listenLocal(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the target is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}${WEBHOOK_PATH}`;
}

/** The route sees the exact bytes that were signed and nothing is parsed first, as in the bridge. */
export function rawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
}
