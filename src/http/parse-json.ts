import { BridgeError } from '../errors.ts';

/** Parses verified raw bytes as JSON, or refuses with 400 invalid_json. */
export function parseJsonBody(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new BridgeError('invalid_json', 'the request body is not valid JSON', { cause: error });
  }
}

export function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
