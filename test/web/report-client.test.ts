/**
 * The report form's script reads scores exactly as the server does: the running total a unit sees
 * while typing is the one the server will store (integer hundredths, the domain's rules).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPoints, tryParsePoints } from '#domain/points';
import { fileSize } from '#web/evidence-files';
import {
  formatHundredths,
  parseHundredths,
  sizeText,
  tally,
} from '../../functions/web/assets/report-form.js';

/** What the server makes of a typed score: hundredths, or null when it refuses it. */
function server(text: string): number | null | undefined {
  if (text.trim() === '') return undefined;
  const parsed = tryParsePoints(text.trim());
  return parsed.ok ? parsed.value : null;
}

const typed = fc.oneof(
  fc.stringMatching(/^[ ]?[+-]?\d{1,4}([.,]\d{0,5})?[ ]?$/),
  fc.string({ maxLength: 8 }),
  fc.constantFrom('', ' ', '0,1', '8,750', '-0', '-1', '1e2', '9007199254740993', ',5', '5,'),
);

describe('the script’s reading of a score', () => {
  it('agrees with the server on every typed text', () => {
    fc.assert(
      fc.property(typed, (text) => {
        expect(parseHundredths(text)).toBe(server(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a file size as the page does after a reload (45 bytes is 1 KB, not 0 MB)', () => {
    for (const bytes of [45, 1023, 1024, 500_000, 1_048_575, 1_048_576, 5_400_000, 20 * 1_048_576]) {
      expect(sizeText(bytes), String(bytes)).toBe(fileSize(bytes));
    }
  });

  it('writes points as the server does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (h) => {
        expect(formatHundredths(h)).toBe(formatPoints(h));
      }),
    );
  });

  it('sums exactly, per area, and counts a score over its maximum as invalid', () => {
    const leaves = [
      { area: '1', max: 50, text: '0,1' },
      { area: '1', max: 50, text: '0,2' },
      { area: '1', max: 100, text: '' },
      { area: '2', max: 100, text: '1,5' },
      { area: '2', max: 100, text: 'x' },
    ];
    const { areas, all } = tally(leaves);
    expect(formatHundredths(areas.get('1')?.subtotal ?? -1)).toBe('0,3');
    expect(areas.get('2')).toEqual({ subtotal: 0, scored: 0, invalid: 2 });
    expect(all).toEqual({ subtotal: 30, scored: 2, invalid: 2 });
  });
});
