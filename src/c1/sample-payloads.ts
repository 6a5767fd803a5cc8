import { readdirSync, readFileSync } from 'node:fs';

/** The shipped ConductorOne sample payloads (the ones the tests use), for the CLI, the sandbox and the console's preview. */
const FIXTURES = new URL('../../test/fixtures/conductorone/', import.meta.url);

/** The sample policy approval step (`c1.webhooks.v1.PayloadPolicyApprovalStep`): the sandbox's and the demo's approval. */
export const APPROVAL_FIXTURE = 'policy-approval';

/** A sample by name (`provision-grant`), or the caller's own file when the name ends in `.json`. */
export function fixtureBody(fixture: string): Buffer {
  const path = fixture.endsWith('.json') ? fixture : new URL(`${encodeURIComponent(fixture)}.json`, FIXTURES);
  return readFileSync(path);
}

/** The names of every shipped sample, sorted. */
export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
