/**
 * The report form's script (and the reviewer's page's, which imports it) as the cloud serves it (minified at synth, infra/handlers.ts) reads
 * scores, tallies totals, flags missing evidence and names added rows exactly as the script as
 * written does, which the browser tests and test/web/report-client.test.ts hold to the server's
 * rules: minifying changes its size, never what a unit sees.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minifiedAsset } from '#infra/handlers';
import { assetSource } from '#web/assets';
import * as written from '../../functions/web/assets/report-form.js';
import * as writtenReview from '../../functions/web/assets/review-form.js';

const dataUrl = (code: string) => `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`;
const minified = (await import(dataUrl(minifiedAsset('report-form.js')))) as typeof written;

const part = () => fc.constantFrom('number', 'date', 'issuer', 'url', 'title');

describe('the report form script, minified', () => {
  it('is the same module, half the bytes, without its comments', () => {
    expect(Object.keys(minified).sort()).toEqual(Object.keys(written).sort());
    expect(minified.EVIDENCE_RULES).toEqual(written.EVIDENCE_RULES);
    const bytes = minifiedAsset('report-form.js').length;
    expect(bytes).toBeLessThan(assetSource('report-form.js').length * 0.6);
    expect(minifiedAsset('report-form.css').length).toBeLessThan(assetSource('report-form.css').length);
  });

  it('reads, formats and tallies scores as the script as written does', () => {
    const typed = fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.stringMatching(/^[ ]?[+-]?\d{1,4}([.,]\d{0,5})?[ ]?$/),
      fc.constantFrom('', ' ', '8,750 ', ' -0', '1e2', '9007199254740993', ',5', '5,'),
    );
    fc.assert(
      fc.property(typed, (text) => {
        expect(minified.parseHundredths(text)).toEqual(written.parseHundredths(text));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), (n) => {
        expect(minified.formatHundredths(n)).toBe(written.formatHundredths(n));
      }),
    );
    const leaves = fc.array(
      fc.record({
        area: fc.constantFrom('1', '2', '3'),
        max: fc.integer({ min: 0, max: 5000 }),
        text: typed,
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(leaves, (ls) => {
        expect(minified.tally(ls)).toEqual(written.tally(ls));
      }),
    );
  });

  it('flags a missing evidence, names and identifies an added row as the script as written does', () => {
    const cell = fc.constantFrom(
      '',
      ' ',
      '05/KH',
      'https://example.org/a',
      'ftp://x',
      '2024-01-02',
      'Báo cáo',
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(3), part(), cell), { maxLength: 8 }),
        (required, cells) => {
          const leaf = { id: '1.1.1', max: 100, required };
          const entries = cells.map(([row, p, v]): [string, string] => [`evidence[1.1.1][${row}][${p}]`, v]);
          expect(minified.lacksEvidence(leaf, entries)).toBe(written.lacksEvidence(leaf, entries));
        },
      ),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d(\.\d){0,3}$/), fc.nat(20), part(), (leaf, row, p) => {
        const name = `evidence[${leaf}][0][${p}]`;
        expect(minified.evidenceFieldAt(name, leaf, row)).toBe(written.evidenceFieldAt(name, leaf, row));
        expect(minified.fieldIdOf(name)).toBe(written.fieldIdOf(name));
      }),
    );
    for (const bytes of [0, 999, 1000, 1_500_000, 25_000_000])
      expect(minified.sizeText(bytes)).toBe(written.sizeText(bytes));
  });
});

describe('the reviewer’s page script, minified', () => {
  it('still imports the report form’s helpers from beside it, and tallies an appraisal as written', async () => {
    const code = minifiedAsset('review-form.js');
    // The browser resolves it beside /assets/review-form.js: /assets/report-form.js.
    expect(code).toContain('"./report-form.js"');
    const review = (await import(
      dataUrl(code.replace('"./report-form.js"', JSON.stringify(dataUrl(minifiedAsset('report-form.js')))))
    )) as typeof writtenReview;
    const leaves = fc.array(
      fc.record({
        area: fc.constantFrom('1', '2'),
        max: fc.integer({ min: 0, max: 5000 }),
        self: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
        text: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', '1', '0,5', '12,25', '-1')),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(leaves, (ls) => {
        expect(review.appraisalTally(ls)).toEqual(writtenReview.appraisalTally(ls));
      }),
    );
  });
});
