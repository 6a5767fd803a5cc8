import { describe, expect, it } from 'vitest';
import { EXPANDED_TYPE, provisionStepPayloadSchema } from '../../../src/c1/schemas.ts';
import { resolveExpanded } from '../../../src/domain/expanded-path.ts';
import { loadFixture } from '../../fixtures/load-fixture.ts';

const expanded = provisionStepPayloadSchema.parse(loadFixture('provision-grant').payload).expanded ?? [];

describe('resolveExpanded', () => {
  it('resolves $.expanded[n] to the item when it has the expected @type', () => {
    expect(expanded).toHaveLength(5);
    expect(resolveExpanded(expanded, '$.expanded[0]', EXPANDED_TYPE.app)).toEqual({
      '@type': 'type.googleapis.com/c1.api.app.v1.App',
      id: '2pQdAppGH',
      displayName: 'GitHub',
      description: 'Acme GitHub org',
    });
    expect(resolveExpanded(expanded, '$.expanded[1]', EXPANDED_TYPE.entitlement)?.slug).toBe('admin');
    expect(resolveExpanded(expanded, '$.expanded[2]', EXPANDED_TYPE.user)?.jobTitle).toBe('SRE');
    expect(resolveExpanded(expanded, '$.expanded[3]', EXPANDED_TYPE.appUser)?.username).toBe('janedoe-acme');
    expect(resolveExpanded(expanded, '$.expanded[4]', EXPANDED_TYPE.user)?.displayName).toBe('Bob Smith');
  });

  it('gives undefined for an item of another @type', () => {
    expect(resolveExpanded(expanded, '$.expanded[0]', EXPANDED_TYPE.user)).toBeUndefined();
    expect(resolveExpanded(expanded, '$.expanded[2]', EXPANDED_TYPE.appUser)).toBeUndefined();
    expect(resolveExpanded([{ '@type': 'type.googleapis.com/c1.api.insight.v1.Insight' }], '$.expanded[0]', EXPANDED_TYPE.app)).toBeUndefined();
    expect(resolveExpanded([{ id: 'no type at all' }], '$.expanded[0]', EXPANDED_TYPE.app)).toBeUndefined();
  });

  it.each([
    ['$.expanded[-1]', 'a negative index'],
    ['$.expanded[1].x', 'a path into the item'],
    ['$..*', 'a recursive wildcard'],
    ['$.expanded[01a]', 'an index that is no number'],
    ['$.expanded[01]', 'a leading zero'],
    ['$.expanded[5]', 'an index one past the end'],
    ['$.expanded[1234567]', 'an index too long to be real'],
    ['$.expanded[*]', 'a wildcard index'],
    ['$.expanded[0,1]', 'a union of indexes'],
    ['$.expanded[0:2]', 'a slice'],
    ['$.expanded[?(@.id)]', 'a filter expression'],
    ["$['expanded'][0]", 'bracket notation for the list'],
    ['$.expanded[ 0 ]', 'blanks in the brackets'],
    ['$.expanded[0]\n', 'a trailing newline'],
    [' $.expanded[0]', 'a leading blank'],
    ['$.other[0]', 'another list'],
    ['', 'an empty path'],
  ])('gives undefined for %j (%s)', (path) => {
    expect(resolveExpanded(expanded, path, EXPANDED_TYPE.app)).toBeUndefined();
    expect(resolveExpanded(expanded, path, EXPANDED_TYPE.user)).toBeUndefined();
  });

  it('gives undefined when there is no list or no path', () => {
    expect(resolveExpanded(undefined, '$.expanded[0]', EXPANDED_TYPE.app)).toBeUndefined();
    expect(resolveExpanded(null, '$.expanded[0]', EXPANDED_TYPE.app)).toBeUndefined();
    expect(resolveExpanded([], '$.expanded[0]', EXPANDED_TYPE.app)).toBeUndefined();
    expect(resolveExpanded(expanded, undefined, EXPANDED_TYPE.app)).toBeUndefined();
    expect(resolveExpanded(expanded, null, EXPANDED_TYPE.app)).toBeUndefined();
  });
});
