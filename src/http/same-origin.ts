import type { FastifyRequest } from 'fastify';

/**
 * True when a browser says the request comes from another site (its `Origin` names another host, or
 * `Sec-Fetch-Site` is `cross-site` / `same-site`): what a page's own forms never send. Clients that are not browsers
 * send neither header and are judged by their credentials alone.
 */
export function crossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== request.headers.host)) return true;
  const site = request.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}
