import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capWithMarker, characterCount, cutCharacters, oneLine, TRUNCATED_MARKER } from '../../../src/domain/text-limits.ts';
import { propertySeed } from '../../helpers/property-seed.ts';
import { isWellFormed } from '../../helpers/unicode.ts';

const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

// Text that mixes ASCII, astral characters (surrogate pairs in UTF-16) and multi-code-point graphemes.
const PIECES = ['a', 'é', 'e\u0301', '😀', '👍🏽', '👩‍💻', '🇩🇪', '中', ' ', '\n'];
const mixedText = fc.oneof(fc.array(fc.constantFrom(...PIECES), { maxLength: 300 }).map((parts) => parts.join('')), fc.string({ unit: 'grapheme', maxLength: 300 }));

describe('cutting text to a desk limit', () => {
  it('counts characters (code points), not UTF-16 units', () => {
    expect(characterCount('😀😀')).toBe(2);
    expect('😀😀'.length).toBe(4);
  });

  it('never leaves a lone surrogate nor splits a grapheme, and fits in the limit (property)', () => {
    fc.assert(
      fc.property(mixedText, fc.integer({ min: 0, max: 300 }), (text, max) => {
        const cut = cutCharacters(text, max);
        expect(isWellFormed(cut)).toBe(true);
        expect(characterCount(cut)).toBeLessThanOrEqual(max);
        expect(text.startsWith(cut)).toBe(true);
        // Whole graphemes only: the cut is exactly the first n graphemes of the text.
        const parts = graphemes(text);
        expect(graphemes(cut)).toEqual(parts.slice(0, graphemes(cut).length));
        // And as long as it can be: the next grapheme would not have fitted.
        const next = parts[graphemes(cut).length];
        if (next !== undefined) expect(characterCount(cut) + characterCount(next)).toBeGreaterThan(max);
        if (characterCount(text) <= max) expect(cut).toBe(text);
      }),
      { seed: propertySeed('cutCharacters'), numRuns: 500 },
    );
  });

  it('a summary of 254 letters and an emoji keeps the emoji whole (255 characters, 256 UTF-16 units)', () => {
    const summary = oneLine(`${'x'.repeat(254)}😀 and more`, 255);
    expect(summary).toBe(`${'x'.repeat(254)}😀`);
    expect(characterCount(summary)).toBe(255);
  });

  it('a summary cut through an emoji drops it instead of leaving half of it', () => {
    const summary = oneLine(`${'x'.repeat(254)}👩‍💻`, 255);
    expect(summary).toBe('x'.repeat(254));
  });

  it('a description over the limit ends with a visible "(truncated)" and fits exactly; one within it is unchanged', () => {
    fc.assert(
      fc.property(mixedText, fc.integer({ min: 20, max: 200 }), (text, max) => {
        const capped = capWithMarker(text, max);
        expect(characterCount(capped)).toBeLessThanOrEqual(max);
        expect(isWellFormed(capped)).toBe(true);
        if (characterCount(text) <= max) expect(capped).toBe(text);
        else expect(capped.endsWith(TRUNCATED_MARKER)).toBe(true);
      }),
      { seed: propertySeed('capWithMarker'), numRuns: 300 },
    );
  });
});
