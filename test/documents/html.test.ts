import { beforeAll, describe, expect, it } from 'vitest';
import {
  proposalDocx,
  proposalHtml,
  resultsReportDocx,
  resultsReportHtml,
  summaryHtml,
  voteRecordDocx,
  voteRecordHtml,
} from '#functions/documents/index';
import { demo2024, proposalInput, reportInput, SIGNER, voteRecordInput } from './fixture.ts';
import { htmlText, readDocx } from './read-back.ts';
import { FORMULA_NAME, smallSummary } from './small.ts';

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

const pairs = [
  ['results report', () => resultsReportDocx(reportInput(1)), () => resultsReportHtml(reportInput(1))],
  ['commendation submission', () => proposalDocx(proposalInput()), () => proposalHtml(proposalInput())],
  ['vote record', () => voteRecordDocx(voteRecordInput()), () => voteRecordHtml(voteRecordInput())],
] as const;

describe('print-ready HTML of each document', { timeout: 30_000 }, () => {
  // Scoring the demo year once (config, four quarters, the year, the commendation) is the slow part.
  beforeAll(() => {
    demo2024();
  }, 60_000);

  for (const [name, docx, html] of pairs) {
    it(`${name}: carries every paragraph and table cell of the DOCX`, async () => {
      const doc = readDocx(await docx());
      const page = htmlText(html());
      const pieces = [
        ...doc.paragraphs.map((p) => p.text),
        ...doc.tables.flat(2).flatMap((c) => c.split('\n')),
      ]
        .map(squash)
        .filter((t) => t !== '');
      expect(pieces.length).toBeGreaterThan(30);
      for (const t of pieces) expect(page).toContain(t);
    });
  }

  it("a province's documents name its communes xã, phường (no thị trấn since 01/07/2025); a district's keep thị trấn", () => {
    const asProvince = <T extends { context: object }>(input: T): T => ({
      ...input,
      context: { ...input.context, level: 'tinh' },
    });
    const province = [
      htmlText(resultsReportHtml(asProvince(reportInput(1)))),
      htmlText(proposalHtml(asProvince(proposalInput()))),
      htmlText(summaryHtml(asProvince(smallSummary()))),
    ].map(squash);
    for (const page of province) {
      expect(page).toMatch(/[Kk]hối xã, phường/);
      expect(page).not.toContain('thị trấn');
    }
    expect(province[0]).toContain('Khối xã, phường');
    expect(province[1]).toMatch(/Xếp hạng \d+\/\d+ khối xã, phường/);
    const district = squash(htmlText(resultsReportHtml(reportInput(1))));
    expect(district).toContain('Khối xã, thị trấn');
  });

  it('prints on A4 with the DOCX margins and type, with no script or outside resource', () => {
    const page = proposalHtml(proposalInput());
    expect(page).toMatch(/^<!doctype html>\n<html lang="vi">/);
    expect(page).toContain('@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }');
    expect(page).toContain('font-family: "Times New Roman", Times, serif; font-size: 14pt;');
    expect(page).toContain('.motto { font-size: 13pt; font-weight: bold; text-decoration: underline; }');
    expect(page).toContain('<p class="number">Số:        /TTr-PNV</p>');
    expect(page).toContain('.number, .date, .centered { white-space: pre-wrap; }');
    expect(page).not.toMatch(/<script|src=|href=|url\(/i);
  });

  it('escapes every name from the data', () => {
    const input = { ...smallSummary(), signer: { ...SIGNER, name: '<img src=x onerror=alert(1)>' } };
    const page = resultsReportHtml(input);
    expect(page).not.toContain('<b>&</b>');
    expect(page).not.toContain('<img');
    expect(page).toContain('Xã &quot;Tân; Lập&quot; &lt;b&gt;&amp;&lt;/b&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('prints the scoring summary on A4 landscape, with the same rounding and notes', () => {
    const page = summaryHtml(smallSummary());
    expect(page).toContain('@page { size: A4 landscape;');
    expect(page).toContain(`<th scope="col">${FORMULA_NAME.replaceAll('"', '&quot;')}</th>`);
    const text = htmlText(page);
    expect(text).toContain('Tỷ lệ (%) 100,00 90,00 90,00 73,43 0,00 —');
    expect(text).toContain(
      'Xã An Hòa: tỷ lệ chính xác 89,995 %, hiển thị 90,00 % – xếp loại Tốt theo giá trị chính xác.',
    );
  });
});
