/**
 * The report form's script reads scores exactly as the server does: the running total a unit sees
 * while typing is the one the server will store (integer hundredths, the domain's rules), and a
 * criterion's "chưa có minh chứng" warning appears for the fields the server would flag; the evidence
 * rows its "Thêm dòng minh chứng" adds are named and identified as the server names the ones it draws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPoints, tryParsePoints } from '#domain/points';
import { missingEvidence } from '#domain/report';
import { fileSize } from '#web/evidence-files';
import { fieldId } from '#web/pages';
import { evidenceCount as serverCount } from '#web/report-criteria';
import { field, LIMITS, ROWS } from '#web/report-fields';
import { parseReportForm } from '#web/report-form';
import {
  EVIDENCE_RULES,
  evidenceCount,
  evidenceFieldAt,
  fieldIdOf,
  formatHundredths,
  lacksEvidence,
  parseHundredths,
  sizeText,
  tally,
} from '../../functions/web/assets/report-form.js';
import { leaves, officeSet, period, unit } from './fixtures.ts';

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

describe('the rows the script adds', () => {
  const parts = ['number', 'date', 'issuer', 'url', 'title'] as const;

  it('are named as the page names its rows, for every criterion and row the server reads', () => {
    for (const { leaf } of leaves) {
      for (const part of parts) {
        const drawn = field.evidence(leaf.id, 0, part);
        for (let row = 1; row < ROWS.evidenceMax; row++) {
          expect(evidenceFieldAt(drawn, leaf.id, row)).toBe(field.evidence(leaf.id, row, part));
        }
      }
    }
  });

  it('take the element ids the page gives a field', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc
            .tuple(
              fc.constantFrom(...leaves.map(({ leaf }) => leaf.id)),
              fc.nat(99),
              fc.constantFrom(...parts),
            )
            .map(([leaf, row, part]) => field.evidence(leaf, row, part)),
        ),
        (name) => {
          expect(fieldIdOf(name)).toBe(fieldId(name));
        },
      ),
      { numRuns: 500 },
    );
  });
});

// Random forms through the server's parser: thousands of runs take seconds on a loaded CI machine.
describe('the script’s "chưa có minh chứng" warning', { timeout: 60_000 }, () => {
  const required = leaves.find(({ leaf }) => leaf.evidenceRequired)?.leaf;
  const optional = leaves.find(({ leaf }) => !leaf.evidenceRequired)?.leaf;
  if (!required || !optional) throw new Error('the office set has leaves with and without required evidence');

  /** Whether the server flags `id` after reading `fields` (the page's ⚠ after a save and reload). */
  function serverFlags(id: string, fields: [string, string][]): boolean {
    const parsed = parseReportForm(new URLSearchParams(fields), {
      unitId: unit.id,
      periodId: period.id,
      set: officeSet,
      evidenceRound: 1,
      now: new Date('2022-10-05T03:00:00Z'),
      mode: 'draft',
    });
    return missingEvidence(parsed.report, officeSet).includes(id);
  }

  const script = (
    leaf: { id: string; max: number; evidenceRequired?: boolean },
    fields: [string, string][],
  ) => lacksEvidence({ id: leaf.id, max: leaf.max, required: Boolean(leaf.evidenceRequired) }, fields);

  it('reads the fields with the server’s limits', () => {
    expect(EVIDENCE_RULES).toEqual({
      scoreLength: LIMITS.score,
      numberLength: LIMITS.evidenceNumber,
      titleLength: LIMITS.evidenceTitle,
      urlLength: LIMITS.url,
      evidenceRows: ROWS.evidenceMax,
      fileRows: ROWS.filesMax,
    });
  });

  it('warns of a score above 0 without evidence, and not once a number, link, title or file is there', () => {
    const id = required.id;
    const scored: [string, string][] = [[`score[${id}]`, formatPoints(required.max)]];
    expect(script(required, scored)).toBe(true);
    expect(script(required, [[`score[${id}]`, '0']])).toBe(false);
    expect(script(required, [[`score[${id}]`, '']])).toBe(false);
    expect(script(optional, [[`score[${optional.id}]`, formatPoints(optional.max)]])).toBe(false);
    // A date and an issuer alone identify nothing.
    const dated: [string, string][] = [
      ...scored,
      [`evidence[${id}][0][date]`, '10/01/2022'],
      [`evidence[${id}][0][issuer]`, 'UBND huyện'],
    ];
    expect(script(required, dated)).toBe(true);
    expect(script(required, [...dated, [`evidence[${id}][0][number]`, '05/KH-TP']])).toBe(false);
    expect(script(required, [...scored, [`evidence[${id}][2][title]`, 'Kế hoạch CCHC']])).toBe(false);
    expect(script(required, [...scored, [`evidence[${id}][1][url]`, 'khong-phai-duong-dan']])).toBe(true);
    expect(script(required, [...scored, [`file[${id}][0][key]`, 'evidence/x']])).toBe(false);
    for (const [name, value] of [
      [`evidence[${id}][0][number]`, '05/KH-TP'],
      [`evidence[${id}][0][url]`, 'https://vanban.example.org/05'],
    ] as const) {
      expect(serverFlags(id, [...scored, [name, value]])).toBe(false);
      expect(serverFlags(id, scored)).toBe(true);
    }
  });

  const id = required.id;
  const key = `evidence/${unit.id}/${period.id}/r1/${'a'.repeat(32)}-ke-hoach.pdf`;
  const part = fc.constantFrom(
    '',
    ' ',
    '05/KH-TP',
    ' Kế hoạch ',
    'https://vanban.example.org/05',
    'http://',
    'ftp://vanban.example.org/05',
    'javascript:alert(1)',
    '10/01/2022',
    'x'.repeat(LIMITS.evidenceNumber + 1),
    `https://example.org/${'a'.repeat(LIMITS.url)}`,
    'ừ'.repeat(LIMITS.evidenceTitle),
    'ừ'.repeat(LIMITS.evidenceTitle + 1),
  );
  const row = fc.record(
    {
      number: part,
      date: part,
      issuer: part,
      url: part,
      title: part,
    },
    { requiredKeys: [] },
  );
  const score = fc.oneof(
    typed,
    fc.constantFrom('0', '-0', ' 0,00 ', formatPoints(required.max), formatPoints(required.max + 1), '0,01'),
  );
  const fields = fc
    .record({
      score: fc.option(score, { nil: undefined }),
      explanation: fc.constantFrom('', 'Đã ban hành kế hoạch.'),
      rows: fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 9, 10, 12), row), { maxLength: 4 }),
      files: fc.array(fc.constantFrom(0, 3, 19, 20, 25), { maxLength: 2 }),
    })
    .map((f) => {
      const out: [string, string][] = [];
      if (f.score !== undefined) out.push([`score[${id}]`, f.score]);
      out.push([`explanation[${id}]`, f.explanation]);
      for (const [i, r] of f.rows) {
        for (const [p, value] of Object.entries(r)) out.push([`evidence[${id}][${i}][${p}]`, value]);
      }
      for (const i of f.files) {
        const file = { key, version: 'v1', name: 'Kế hoạch.pdf', size: '1024', type: 'application/pdf' };
        for (const [p, value] of Object.entries(file)) out.push([`file[${id}][${i}][${p}]`, value]);
      }
      return out;
    });

  it('agrees with the server on every form of a criterion whose evidence is required', () => {
    fc.assert(
      fc.property(fields, (form) => {
        expect(script(required, form)).toBe(serverFlags(id, form));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("an evidence fold's summary", () => {
  it("says what the block holds in the server's words as the script recounts it", () => {
    fc.assert(
      fc.property(fc.nat(ROWS.evidenceMax), fc.nat(20), (refs, files) => {
        expect(evidenceCount(refs, files)).toBe(serverCount(refs, files));
      }),
    );
    expect(evidenceCount(2, 1)).toBe('2 văn bản, 1 tệp');
    expect(evidenceCount(0, 0)).toBe('chưa có');
  });
});
