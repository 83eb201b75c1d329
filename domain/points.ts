/**
 * Exact arithmetic for scores and percentages (DOMAIN.md, "Arithmetic").
 *
 * Points are integer hundredths of a point; anything that division makes fractional (a
 * rescaled total, a percentage, a mean) is a reduced bigint Fraction. Nothing is rounded
 * before it is compared; rounding (half-up, to two decimals) happens only for display and JSON.
 */
import type { Fraction, Points } from '#domain/model';

// ---------------------------------------------------------------- parsing points

export type PointsErrorCode = 'not-a-number' | 'too-many-decimals' | 'negative' | 'too-large';

export class PointsError extends Error {
  readonly code: PointsErrorCode;
  constructor(code: PointsErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'PointsError';
  }
}

export type ParsePointsResult =
  | { ok: true; value: Points }
  | { ok: false; code: PointsErrorCode; message: string };

export interface ParsePointsOptions {
  /** Negative values are refused unless allowed (no score is ever negative). */
  allowNegative?: boolean;
}

// Digits, then optionally a decimal separator ("." or the Vietnamese ",") and one or two digits.
const DECIMAL = /^([+-]?)(\d+)(?:[.,](\d+))?$/;

/**
 * Reads a decimal score ("8.75", "8,75", 8.75, 9) as integer hundredths. A number is read by
 * its shortest decimal representation, so 8.3 is 830 but 0.1 + 0.2 (0.30000000000000004) is
 * refused rather than silently rounded.
 */
export function tryParsePoints(input: unknown, options: ParsePointsOptions = {}): ParsePointsResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail('not-a-number', `"${String(input)}" không phải là một số điểm.`);
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return fail('not-a-number', 'Điểm phải là một số (ví dụ 8,75 hoặc 8.75).');
  }
  const match = DECIMAL.exec(text);
  if (!match) {
    // Numbers print in exponent form when tiny (1e-7: too precise) or huge (1e+21).
    if (/e-/i.test(text)) return fail('too-many-decimals', tooManyDecimals(text));
    if (/e\+/i.test(text)) return fail('too-large', `"${text}" quá lớn.`);
    return fail('not-a-number', `"${text}" không phải là một số điểm (ví dụ 8,75 hoặc 8.75).`);
  }
  const [, sign, whole = ''] = match;
  // Trailing zeros past the second place ("8.750", from a spreadsheet) change nothing.
  let decimals = match[3] ?? '';
  while (decimals.length > 2 && decimals.endsWith('0')) decimals = decimals.slice(0, -1);
  if (decimals.length > 2) {
    return fail('too-many-decimals', tooManyDecimals(text));
  }
  const magnitude = BigInt(whole) * 100n + BigInt(decimals.padEnd(2, '0') || '0');
  if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) return fail('too-large', `"${text}" quá lớn.`);
  const value = sign === '-' ? -Number(magnitude) : Number(magnitude);
  if (value < 0 && !options.allowNegative) return fail('negative', `Điểm không được âm ("${text}").`);
  // -0 and 0 are the same score.
  return { ok: true, value: value === 0 ? 0 : value };
}

/** As tryParsePoints, throwing a PointsError with a Vietnamese message. */
export function parsePoints(input: unknown, options: ParsePointsOptions = {}): Points {
  const result = tryParsePoints(input, options);
  if (!result.ok) throw new PointsError(result.code, result.message);
  return result.value;
}

function tooManyDecimals(text: string): string {
  return `"${text}" có quá hai chữ số thập phân (điểm lấy tối đa hai chữ số sau dấu phẩy).`;
}

function fail(code: PointsErrorCode, message: string): ParsePointsResult {
  return { ok: false, code, message };
}

/** True when a value is a valid Points (an integer number of hundredths). */
export function isPoints(value: unknown): value is Points {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

// ---------------------------------------------------------------- formatting points

/**
 * Vietnamese display: decimal comma, no thousands separator (scores are small).
 * By default trailing zeros are dropped ("8,3", "9"); `fixed` always shows two decimals ("8,30").
 */
export function formatPoints(points: Points, options: { fixed?: boolean } = {}): string {
  return formatHundredths(BigInt(points), options.fixed ?? false);
}

/** For JSON: 875 → 8.75 (integer division by 100 gives the nearest double, printed as "8.75"). */
export function pointsToNumber(points: Points): number {
  return points / 100;
}

function formatHundredths(hundredths: bigint, fixed: boolean): string {
  const negative = hundredths < 0n;
  const abs = negative ? -hundredths : hundredths;
  const whole = abs / 100n;
  const cents = abs % 100n;
  let decimals = cents.toString().padStart(2, '0');
  if (!fixed) decimals = decimals.replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${decimals ? `,${decimals}` : ''}`;
}

// ---------------------------------------------------------------- fractions

export const ZERO: Fraction = { num: 0n, den: 1n };

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * A reduced fraction with a positive denominator. The model's Fraction is non-negative for
 * totals and percentages; differences between periods (a change) are the one signed use.
 */
export function fraction(num: bigint | number, den: bigint | number = 1n): Fraction {
  let n = typeof num === 'bigint' ? num : toBigInt(num);
  let d = typeof den === 'bigint' ? den : toBigInt(den);
  if (d === 0n) throw new RangeError('Phân số có mẫu số bằng 0.');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { num: n / g, den: d / g } : { num: n, den: d };
}

function toBigInt(n: number): bigint {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} không phải là số nguyên.`);
  return BigInt(n);
}

/** Points as a fraction of hundredths: 873 → 873/1. */
export function fractionFromPoints(points: Points): Fraction {
  return fraction(points);
}

export function addFractions(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function subtractFractions(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function sumFractions(items: readonly Fraction[]): Fraction {
  return items.reduce(addFractions, ZERO);
}

export function multiplyFraction(a: Fraction, by: bigint | number | Fraction): Fraction {
  if (typeof by === 'object') return fraction(a.num * by.num, a.den * by.den);
  return fraction(a.num * (typeof by === 'bigint' ? by : toBigInt(by)), a.den);
}

export function divideFraction(a: Fraction, by: bigint | number | Fraction): Fraction {
  if (typeof by === 'object') {
    if (by.num === 0n) throw new RangeError('Chia cho 0.');
    return fraction(a.num * by.den, a.den * by.num);
  }
  const d = typeof by === 'bigint' ? by : toBigInt(by);
  if (d === 0n) throw new RangeError('Chia cho 0.');
  return fraction(a.num, a.den * d);
}

/** -1, 0 or 1. Exact: no conversion to floating point. */
export function compareFractions(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function fractionsEqual(a: Fraction, b: Fraction): boolean {
  return compareFractions(a, b) === 0;
}

export function clampFraction(a: Fraction, min: Fraction, max: Fraction): Fraction {
  if (compareFractions(a, min) < 0) return min;
  if (compareFractions(a, max) > 0) return max;
  return a;
}

/** Nearest integer, halves away from zero (2.5 → 3, -2.5 → -3), as spreadsheets' ROUND does. */
export function roundHalfUp(a: Fraction): bigint {
  const f = fraction(a.num, a.den);
  const negative = f.num < 0n;
  const abs = negative ? -f.num : f.num;
  const rounded = (2n * abs + f.den) / (2n * f.den);
  return negative ? -rounded : rounded;
}

/** A fraction of hundredths (a total) rounded half-up to Points. */
export function fractionToPoints(a: Fraction): Points {
  return Number(roundHalfUp(a));
}

/**
 * The exact value of a decimal number as written (87.5 → 175/2, 66.67 → 6667/100), read from its
 * shortest decimal representation, never through binary arithmetic: a threshold or a percentage
 * of a config.
 */
export function decimalToFraction(value: number): Fraction {
  if (!Number.isFinite(value)) throw new RangeError(`${value} không phải là một số hữu hạn.`);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(value.toString());
  if (!m) throw new RangeError(`Không đọc được ${value} dưới dạng số thập phân.`);
  const [, sign, whole = '', decimals = '', exponent = '0'] = m;
  const exp = Number(exponent) - decimals.length;
  const digits = BigInt(`${whole}${decimals}`);
  const num = exp >= 0 ? digits * 10n ** BigInt(exp) : digits;
  const den = exp >= 0 ? 1n : 10n ** BigInt(-exp);
  return fraction(sign === '-' ? -num : num, den);
}

/** A decimal number of a config (a threshold, a percentage) as written, with the decimal comma: 87,5. */
export function formatDecimal(value: number): string {
  return value.toString().replace('.', ',');
}

// ---------------------------------------------------------------- percentages

/** A percentage (in percent units: 90 means 90 %) shown Vietnamese style, half-up: "89,99". */
export function formatPercent(percent: Fraction): string {
  return formatHundredths(roundHalfUp(multiplyFraction(percent, 100n)), true);
}

/** A percentage for JSON, half-up to two decimals: 6301/70 → 90.01. */
export function percentToNumber(percent: Fraction): number {
  return Number(roundHalfUp(multiplyFraction(percent, 100n))) / 100;
}
