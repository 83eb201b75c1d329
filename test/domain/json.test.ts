import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exactReplacer,
  exactReviver,
  fractionFromJson,
  fractionToJson,
  parseExactJson,
  toExactJson,
} from '#domain/json';
import { fraction } from '#domain/points';

describe('exact JSON', () => {
  it('keeps any bigint exact, however large, wherever it sits in a document', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt({ min: 1n }), fc.string(), (num, den, label) => {
        const doc = { label, percent: { num, den }, list: [num, { nested: den }] };
        expect(parseExactJson(toExactJson(doc))).toEqual(doc);
      }),
    );
  });

  it('writes a bigint as the tagged object stored documents already hold, and reads those back', () => {
    expect(toExactJson({ n: 12345678901234567890n })).toBe('{"n":{"$bigint":"12345678901234567890"}}');
    // A document written before this module existed, as the store wrote it.
    expect(parseExactJson('{"p":{"num":{"$bigint":"6301"},"den":{"$bigint":"70"}}}')).toEqual({
      p: { num: 6301n, den: 70n },
    });
    expect(JSON.parse(JSON.stringify({ x: -5n }, exactReplacer), exactReviver)).toEqual({ x: -5n });
  });

  it('leaves objects that merely look like a tag alone', () => {
    expect(
      parseExactJson('{"a":{"$bigint":"12","other":1},"b":{"$bigint":"1.5"},"c":{"$bigint":7}}'),
    ).toEqual({
      a: { $bigint: '12', other: 1 },
      b: { $bigint: '1.5' },
      c: { $bigint: 7 },
    });
  });

  it('finds the tag however its key is spelled, and reads documents without one as JSON does', () => {
    expect(parseExactJson('{"a":{"\\u0024\\u0062igint":"5"},"b":[{"$\\u0062igint":"-7"}]}')).toEqual({
      a: 5n,
      b: [-7n],
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseExactJson(text)).toEqual(JSON.parse(text, exactReviver));
      }),
    );
  });

  it('indents files as the command line writes them', () => {
    expect(toExactJson({ a: 1n }, 2)).toBe('{\n  "a": {\n    "$bigint": "1"\n  }\n}');
  });
});

describe('fractions in the results JSON', () => {
  it('are "num/den", reduced, and read back to the same value', () => {
    fc.assert(
      fc.property(fc.bigInt(), fc.bigInt({ min: 1n }), (num, den) => {
        const text = fractionToJson({ num, den });
        expect(text).toMatch(/^-?\d+\/\d+$/);
        expect(fractionFromJson(text)).toEqual(fraction(num, den));
      }),
    );
    expect(fractionToJson({ num: 12707n, den: 140n })).toBe('12707/140');
    expect(fractionToJson({ num: 90n, den: 1n })).toBe('90/1');
  });

  it('refuse what is not a fraction', () => {
    for (const bad of ['1.5', '', 'abc', '3/', '/4', '3/-4'])
      expect(() => fractionFromJson(bad)).toThrow(RangeError);
  });
});
