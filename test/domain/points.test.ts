import { describe, expect, it } from 'vitest';
import { fractionFromJson, fractionToJson } from '#domain/json';
import {
  addFractions,
  compareFractions,
  decimalToFraction,
  divideFraction,
  formatPercent,
  formatPoints,
  fraction,
  fractionToPoints,
  PointsError,
  parsePoints,
  percentToNumber,
  pointsToNumber,
  roundHalfUp,
  tryParsePoints,
} from '#domain/points';

describe('parsePoints', () => {
  it('reads decimals with a dot or a Vietnamese comma, as numbers or strings, into hundredths', () => {
    expect(parsePoints('8.75')).toBe(875);
    expect(parsePoints('8,75')).toBe(875);
    expect(parsePoints(8.75)).toBe(875);
    expect(parsePoints(' 8,3 ')).toBe(830);
    expect(parsePoints(8.3)).toBe(830);
    expect(parsePoints(9)).toBe(900);
    expect(parsePoints('0,5')).toBe(50);
    expect(parsePoints('0.05')).toBe(5);
    expect(parsePoints('8.750')).toBe(875);
  });

  it('keeps the DOMAIN.md sum exact where binary floats are not', () => {
    const scores = [8.73, 3.83, 13.97, 4.36, 8.3, 3.94, 11.33, 9.6, 25.94];
    expect(scores.reduce((a, b) => a + b, 0)).toBe(89.99999999999999);
    expect(scores.map((s) => parsePoints(s)).reduce((a, b) => a + b, 0)).toBe(9000);
  });

  it('refuses more than two decimals, including a float that is not the decimal it looks like', () => {
    expect(tryParsePoints('8.755')).toMatchObject({ ok: false, code: 'too-many-decimals' });
    expect(tryParsePoints('8,125')).toMatchObject({ ok: false, code: 'too-many-decimals' });
    expect(tryParsePoints(0.1 + 0.2)).toMatchObject({ ok: false, code: 'too-many-decimals' });
    expect(tryParsePoints(1e-7)).toMatchObject({ ok: false, code: 'too-many-decimals' });
  });

  it('refuses what is not a number, with a Vietnamese message', () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      'abc',
      '',
      '8,',
      ',5',
      '1 000',
      null,
      undefined,
      {},
    ]) {
      const result = tryParsePoints(bad);
      expect(result.ok, String(bad)).toBe(false);
      if (!result.ok) expect(result.code).toBe('not-a-number');
    }
    expect(() => parsePoints('tám')).toThrowError(PointsError);
    expect(() => parsePoints('tám')).toThrowError(/không phải là một số điểm/);
    expect(tryParsePoints(1e21)).toMatchObject({ ok: false, code: 'too-large' });
  });

  it('refuses negatives unless allowed', () => {
    expect(tryParsePoints('-1,5')).toMatchObject({ ok: false, code: 'negative' });
    expect(tryParsePoints(-0.25)).toMatchObject({ ok: false, code: 'negative' });
    expect(parsePoints('-1,5', { allowNegative: true })).toBe(-150);
    expect(parsePoints(-0)).toBe(0);
  });
});

describe('formatting points', () => {
  it('shows points Vietnamese style', () => {
    expect(formatPoints(875)).toBe('8,75');
    expect(formatPoints(830)).toBe('8,3');
    expect(formatPoints(900)).toBe('9');
    expect(formatPoints(5)).toBe('0,05');
    expect(formatPoints(900, { fixed: true })).toBe('9,00');
    expect(formatPoints(830, { fixed: true })).toBe('8,30');
  });

  it('writes points to JSON as plain decimals', () => {
    expect(pointsToNumber(875)).toBe(8.75);
    expect(JSON.stringify({ total: pointsToNumber(9000), s: pointsToNumber(1133) })).toBe(
      '{"total":90,"s":11.33}',
    );
  });
});

describe('fractions', () => {
  it('are kept reduced with a positive denominator', () => {
    expect(fraction(6, 4)).toEqual({ num: 3n, den: 2n });
    expect(fraction(3n, -6n)).toEqual({ num: -1n, den: 2n });
    expect(fraction(0, 7)).toEqual({ num: 0n, den: 1n });
    expect(() => fraction(1, 0)).toThrow(RangeError);
  });

  it('add, divide and compare exactly', () => {
    expect(addFractions(fraction(1, 3), fraction(1, 6))).toEqual(fraction(1, 2));
    expect(divideFraction(fraction(9, 1), 3)).toEqual(fraction(3));
    expect(compareFractions(fraction(1, 3), fraction(333, 1000))).toBe(1);
    expect(compareFractions(fraction(2, 6), fraction(1, 3))).toBe(0);
    expect(compareFractions(fraction(8999999, 100000), fraction(90))).toBe(-1);
  });

  it('round half-up (halves away from zero)', () => {
    expect(roundHalfUp(fraction(5, 2))).toBe(3n);
    expect(roundHalfUp(fraction(7, 3))).toBe(2n);
    expect(roundHalfUp(fraction(-5, 2))).toBe(-3n);
    expect(fractionToPoints(fraction(630100, 70))).toBe(9001);
  });

  it('round-trip through "num/den" text', () => {
    expect(fractionToJson(fraction(6301, 70))).toBe('6301/70');
    expect(fractionFromJson('6301/70')).toEqual(fraction(6301, 70));
    expect(fractionFromJson('12')).toEqual(fraction(12));
    expect(() => fractionFromJson('1.5')).toThrow(RangeError);
    expect(decimalToFraction(87.5)).toEqual(fraction(175, 2));
  });
});

describe('percentages', () => {
  it('are shown with two decimals, rounded half-up, Vietnamese style', () => {
    expect(formatPercent(fraction(90))).toBe('90,00');
    expect(formatPercent(fraction(6299, 70))).toBe('89,99'); // 89.9857…
    expect(formatPercent(fraction(17999, 200))).toBe('90,00'); // 89.995 rounds up
    expect(formatPercent(fraction(8999499, 100000))).toBe('89,99'); // 89.99499
    expect(formatPercent(fraction(-1, 8))).toBe('-0,13');
    expect(formatPercent(fraction(1, 3))).toBe('0,33');
  });

  it('are written to JSON as numbers with two decimals, half-up', () => {
    expect(percentToNumber(fraction(6301, 70))).toBe(90.01);
    expect(percentToNumber(fraction(17999, 200))).toBe(90);
    expect(percentToNumber(fraction(200, 3))).toBe(66.67);
  });
});
