import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { homeAffairsOffice, summaryCsv, summaryXlsx } from '#functions/documents/index';
import { demo2024, demoContext } from './fixture.ts';
import { parseCsv } from './read-back.ts';
import { FORMULA_NAME, smallSummary, TRICKY_NAME } from './small.ts';

describe('scoring summary as CSV', { timeout: 30_000 }, () => {
  // Scoring the demo year once (config, four quarters, the year, the commendation) is the slow part.
  beforeAll(() => {
    demo2024();
  }, 60_000);

  it('starts with the UTF-8 byte order mark and keeps the diacritics', () => {
    const bytes = summaryCsv(smallSummary());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain('BẢNG TỔNG HỢP ĐIỂM THI ĐUA CẢI CÁCH HÀNH CHÍNH');
    expect(text).toContain('Khảo sát sự hài lòng');
  });

  it('separates fields with ";", ends lines with CRLF and writes decimal commas', () => {
    const text = summaryCsv(smallSummary()).subarray(3).toString('utf8');
    expect(text.split('\r\n').length).toBeGreaterThan(10);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(text);
    const percent = rows.find((r) => r[1] === 'Tỷ lệ (%)');
    // Columns: STT, label, maximum, then the units in ranking order (the one without a report: 0).
    expect(percent?.slice(2, 8)).toEqual(['100,00', '90,00', '90,00', '73,43', '0,00', '—']);
    const band = rows.find((r) => r[1] === 'Xếp loại');
    expect(band?.slice(3, 5)).toEqual(['Xuất sắc', 'Tốt']);
    expect(text).not.toMatch(/\d\.\d\d(;|\r)/);
  });

  it('quotes fields with separators or quotes and keeps names from being read as formulas', () => {
    const text = summaryCsv(smallSummary()).subarray(3).toString('utf8');
    expect(text).toContain('"Xã ""Tân; Lập"" <b>&</b>"');
    const header = parseCsv(text).find((r) => r[0] === 'STT');
    expect(header?.[5]).toBe(TRICKY_NAME);
    // Excel shows a leading apostrophe's text as typed: the name, never a formula.
    expect(header?.[6]).toBe(`'${FORMULA_NAME}`);
    expect(text).toContain(`"'=HYPERLINK(""http://example.org"";""bấm"")"`);
  });

  it('carries the same header and values as the XLSX sheet, group after group', async () => {
    const d = demo2024();
    const q = d.quarters[3];
    if (!q) throw new Error('no Q4');
    const input = {
      context: demoContext(),
      issuer: homeAffairsOffice(d.loaded.config),
      period: q.period,
      results: q.results,
      setsByGroup: q.setsByGroup,
      appraisals: q.inputs,
      caps: d.loaded.config.groups,
    };
    const rows = parseCsv(summaryCsv(input).subarray(3).toString('utf8'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(await summaryXlsx(input)).buffer);
    const headers = rows.map((r, i) => ({ r, i })).filter(({ r }) => r[0] === 'STT');
    expect(headers).toHaveLength(wb.worksheets.length);
    wb.worksheets.forEach((ws, g) => {
      const start = headers[g]?.i ?? -1;
      let sheetHeader = 0;
      ws.eachRow((row, n) => {
        if (row.getCell(1).value === 'STT') sheetHeader = n;
      });
      for (let k = 0; k < 40; k++) {
        const csvRow = rows[start + k] ?? [];
        const xlsxRow = ws.getRow(sheetHeader + k);
        csvRow.forEach((field, c) => {
          const v = xlsxRow.getCell(c + 1).value;
          const shown =
            typeof v === 'number' && xlsxRow.getCell(c + 1).numFmt?.includes('0.00')
              ? v.toFixed(2).replace('.', ',')
              : String(v ?? '');
          expect(field.replace(/^\+/, '')).toBe(shown);
        });
      }
    });
  });
});
