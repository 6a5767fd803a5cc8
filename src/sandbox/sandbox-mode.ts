/**
 * Whether `npm start` runs the sandbox: forced by `BRIDGE_SANDBOX=1`, or chosen when there is no config at all on a
 * machine that is not a deployment. Never where a config file exists or is named (`BRIDGE_CONFIG`), never under
 * `NODE_ENV=production` (set in the image), never for a single role: those start as before, or stop on the missing
 * file as before.
 */
export type SandboxReason = 'forced' | 'no-config';

export function sandboxReason(env: Readonly<Record<string, string | undefined>>, configFileExists: boolean): SandboxReason | undefined {
  if (env['BRIDGE_SANDBOX'] === '1') return 'forced';
  if (configFileExists) return undefined;
  if (env['BRIDGE_CONFIG'] !== undefined) return undefined;
  if (env['NODE_ENV'] === 'production') return undefined;
  const role = env['BRIDGE_ROLE'];
  if (role !== undefined && role !== 'all') return undefined;
  return 'no-config';
}
