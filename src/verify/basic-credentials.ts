/** The user name and password of an `Authorization: Basic <base64 of user:password>` header, or why there are none. */
export function basicCredentials(header: string): { username: string; password: string } | { reason: string } {
  const match = /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header.trim());
  if (match?.[1] === undefined) return { reason: 'Authorization is not Basic <base64>' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return { reason: 'basic credentials are not user:password' };
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
