/**
 * Exact numbers in JSON: the one encoding of bigints and fractions for every document the product
 * writes — stored documents, the results JSON, the command line's output files.
 *
 * JSON has no bigint (JSON.stringify throws on one) and its numbers are binary floats, so:
 * - a bigint anywhere in a value is written `{"$bigint": "<decimal digits>"}` and read back as a
 *   bigint (`toExactJson` / `parseExactJson`, or the replacer and reviver with the platform's
 *   JSON functions). Stored documents already use this tag: keep it, or data on disk stops reading.
 * - a Fraction in a published field (`percentExact`, `totalExact`) is the text `"num/den"`
 *   (`fractionToJson` / `fractionFromJson`), which an auditor can read and recompute by hand.
 */
import type { Fraction } from './model.ts';
import { fraction } from './points.ts';

/** The key of the object a bigint is written as. */
export const BIGINT_TAG = '$bigint';

/** For JSON.stringify: a bigint becomes `{"$bigint": "123"}`; everything else is unchanged. */
export function exactReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { [BIGINT_TAG]: value.toString() } : value;
}

/** For JSON.parse: an object that is exactly `{"$bigint": "<integer>"}` becomes that bigint. */
export function exactReviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== BIGINT_TAG) return value;
  const digits: unknown = Object.values(value)[0];
  return typeof digits === 'string' && /^-?\d+$/.test(digits) ? BigInt(digits) : value;
}

/** JSON text with bigints kept exact; `indent` as JSON.stringify's (files use 2, stored documents none). */
export function toExactJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, exactReplacer, indent);
}

/** Reads what toExactJson wrote (bigints back as bigints). Throws SyntaxError on text that is not JSON. */
export function parseExactJson(text: string): unknown {
  // The reviver visits every value of the document, which makes a parse several times slower, and
  // most stored documents hold no bigint. Any spelling of the tag's key holds "bigint" or a \u
  // escape, so a text with neither has no tag to revive.
  return text.includes('bigint') || text.includes('\\u') ? JSON.parse(text, exactReviver) : JSON.parse(text);
}

/** "num/den", reduced: the exact form of a fraction in the results JSON. */
export function fractionToJson(a: Fraction): string {
  const f = fraction(a.num, a.den);
  return `${f.num}/${f.den}`;
}

/** Reads "num/den" (or a plain integer) back; throws a RangeError on anything else. */
export function fractionFromJson(text: string): Fraction {
  const match = /^(-?\d+)(?:\/(\d+))?$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" không phải là một phân số dạng tử/mẫu.`);
  return fraction(BigInt(match[1] ?? '0'), BigInt(match[2] ?? '1'));
}
