import type { Logger } from 'pino';

/**
 * Outbound calls (ConductorOne's JWKS and callbacks, Jira, ServiceNow) all use Node's fetch. Node routes fetch and its
 * http(s) agents through `HTTPS_PROXY` / `HTTP_PROXY`, honouring `NO_PROXY`, when started with `--use-env-proxy` or
 * `NODE_USE_ENV_PROXY=1`: `npm start` and the image do. A custom CA bundle comes from `NODE_EXTRA_CA_CERTS`, which
 * Node reads at start-up. This says what is in force, for one log line at start-up.
 */
export interface NetworkSettings {
  /** The proxy for https:// calls, without credentials; undefined when none is set. */
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: string;
  /** Whether Node was started with its proxy support on. */
  proxySupport: boolean;
  extraCaCerts?: string;
}

function variable(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value === undefined || value === '' ? undefined : value;
}

/** A proxy URL's user and password are credentials: only scheme, host and port are shown. */
export function proxyLabel(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || !/^https?:$/.test(parsed.protocol) || parsed.host === '') return '(not an http(s) URL)';
  return `${parsed.protocol}//${parsed.host}`;
}

export function networkSettings(env: Readonly<Record<string, string | undefined>>, execArgv: readonly string[]): NetworkSettings {
  const httpsProxy = variable(env, 'HTTPS_PROXY');
  const httpProxy = variable(env, 'HTTP_PROXY');
  const noProxy = variable(env, 'NO_PROXY');
  const extraCaCerts = variable(env, 'NODE_EXTRA_CA_CERTS');
  const nodeOptions = env['NODE_OPTIONS'] ?? '';
  return {
    ...(httpsProxy === undefined ? {} : { httpsProxy: proxyLabel(httpsProxy) }),
    ...(httpProxy === undefined ? {} : { httpProxy: proxyLabel(httpProxy) }),
    ...(noProxy === undefined ? {} : { noProxy }),
    ...(extraCaCerts === undefined ? {} : { extraCaCerts }),
    proxySupport: env['NODE_USE_ENV_PROXY'] === '1' || execArgv.includes('--use-env-proxy') || /(^|\s)--use-env-proxy(\s|$)/.test(nodeOptions),
  };
}

/** One line at start-up when a proxy or CA bundle is set; a warning when a proxy is set that Node will not use. */
export function logNetworkSettings(logger: Pick<Logger, 'info' | 'warn'>, network: NetworkSettings): void {
  if ((network.httpsProxy ?? network.httpProxy) !== undefined && !network.proxySupport) {
    logger.warn(network, 'a proxy is set but Node was started without --use-env-proxy (or NODE_USE_ENV_PROXY=1): outbound calls go direct');
  } else if ((network.httpsProxy ?? network.httpProxy ?? network.extraCaCerts) !== undefined) {
    logger.info(network, 'outbound network settings');
  }
}
