import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CriteriaSet, Criterion, Fraction, UnitGroup } from '#domain/model';
import type { UnitPeriodInput } from '#domain/scoring';
import { homeAffairsOffice, type PeriodSummaryInput, summaryXlsx } from '#functions/documents/index';
import { demo2024, demoContext } from './fixture.ts';
import { must } from './read-back.ts';
import { FORMULA_NAME, hundredthsOf, SET_200, smallSummary, TRICKY_NAME } from './small.ts';

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  // exceljs declares an ArrayBuffer; a fresh copy of the bytes is one.
  await wb.xlsx.load(new Uint8Array(buffer).buffer);
  return wb;
}

function quarterInput(index: number): PeriodSummaryInput {
  const d = demo2024();
  const q = d.quarters[index];
  if (!q) throw new Error(`no quarter ${index}`);
  return {
    context: demoContext(),
    issuer: homeAffairsOffice(d.loaded.config),
    period: q.period,
    results: q.results,
    setsByGroup: q.setsByGroup,
    appraisals: q.inputs,
    caps: d.loaded.config.groups,
  };
}

/** The row whose column B reads `label` (criteria and total rows are labelled there). */
function rowOf(ws: ExcelJS.Worksheet, label: string): ExcelJS.Row {
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    if (String(row.getCell(2).value ?? '').startsWith(label)) return row;
  }
  throw new Error(`no row "${label}" on ${ws.name}`);
}

function headerRow(ws: ExcelJS.Worksheet): ExcelJS.Row {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === 'STT') return ws.getRow(r);
  throw new Error('no header row');
}

/** Exact result of one approved unit, recomputed here from the appraisals (DOMAIN.md's order). */
function expected(set: CriteriaSet, input: UnitPeriodInput, bonusCap: number, penaltyCap: number) {
  const leaves: Criterion[] = [];
  const walk = (list: readonly Criterion[]) => {
    for (const c of list) c.children?.length ? walk(c.children) : leaves.push(c);
  };
  for (const a of set.areas) if (a.kind === 'assessed') walk(a.criteria);
  const assessed = BigInt(leaves.reduce((s, l) => s + (input.appraised?.[l.id] ?? 0), 0));
  const surveyMax = BigInt(set.areas.find((a) => a.kind === 'survey')?.max ?? 0);
  const max = BigInt(set.max);
  // Hundredths of a point as num/den.
  let num = input.survey == null ? assessed * max : (assessed + BigInt(input.survey)) * (max - surveyMax);
  const den = max - surveyMax;
  num += BigInt(Math.min(input.bonus ?? 0, bonusCap) - Math.min(input.penalty ?? 0, penaltyCap)) * den;
  if (num < 0n) num = 0n;
  if (num > max * den) num = max * den;
  return { total: { num, den }, percent: { num: num * 100n, den: den * max } };
}

const cmp = (a: Fraction, b: Fraction) =>
  a.num * b.den < b.num * a.den ? -1 : a.num * b.den > b.num * a.den ? 1 : 0;

/** A cell read back as a number (exceljs types a value as any cell content). */
function numberIn(cell: ExcelJS.Cell): number {
  const value = cell.value;
  if (typeof value !== 'number') throw new Error(`${cell.address} holds ${String(value)}, not a number`);
  return value;
}

/** The hundredths a two-decimal cell shows. */
const hundredthsIn = (cell: ExcelJS.Cell) => Math.round(numberIn(cell) * 100);

function numberText(cell: ExcelJS.Cell): string {
  expect(cell.numFmt).toBe('0.00');
  return numberIn(cell).toFixed(2).replace('.', ',');
}

const sheet = (wb: ExcelJS.Workbook, name: string | number) =>
  must(typeof name === 'number' ? wb.worksheets[name] : wb.getWorksheet(name), `sheet ${name}`);

// Generating and reading back a workbook or a document takes seconds on a loaded machine: a generous per-test limit.
describe('scoring summary as XLSX', { timeout: 30_000 }, () => {
  // Scoring the demo year once (config, four quarters, the year, the commendation) is the slow part.
  beforeAll(() => {
    demo2024();
  }, 60_000);

  it('has one sheet per group with the heading, frozen labels and an A4 landscape page', async () => {
    const wb = await load(await summaryXlsx(quarterInput(3)));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Khối cơ quan', 'Khối xã, thị trấn']);
    const ws = sheet(wb, 0);
    const heading = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((r) => String(ws.getRow(r).getCell(1).value ?? ''));
    expect(heading).toContain('UBND HUYỆN SÔNG LAM');
    expect(heading).toContain('PHÒNG NỘI VỤ');
    expect(heading).toContain('BẢNG TỔNG HỢP ĐIỂM THI ĐUA CẢI CÁCH HÀNH CHÍNH');
    expect(heading.join('\n')).toContain(
      'Quý IV năm 2024 (từ 01/10/2024 đến 31/12/2024) – Khối cơ quan chuyên môn, huyện Sông Lam',
    );
    expect(heading).toContain('Kết quả phiên bản 1');
    // Produced at 18:30 UTC on 14 January: already the 15th in Asia/Ho_Chi_Minh.
    expect(heading).toContain('Lập ngày 15/01/2025');
    const header = headerRow(ws);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: 3, ySplit: header.number });
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
  });

  it('lists every leaf, area subtotals that add up, and each unit’s result recomputed exactly', async () => {
    const d = demo2024();
    const q = d.quarters[3];
    if (!q) throw new Error('no Q4');
    const wb = await load(await summaryXlsx(quarterInput(3)));
    const groups: [string, UnitGroup][] = [
      ['Khối cơ quan', 'office'],
      ['Khối xã, thị trấn', 'commune'],
    ];
    for (const [sheetName, group] of groups) {
      const ws = sheet(wb, sheetName);
      const set = must(q.setsByGroup[group], group);
      const caps = d.loaded.config.groups[group];
      const units = d.loaded.config.units.filter((u) => u.group === group);
      const header = headerRow(ws);
      const columnOf = new Map<string, number>();
      header.eachCell((c, col) => {
        const unit = units.find((u) => u.name === c.value);
        if (unit) columnOf.set(unit.id, col);
      });
      expect(columnOf.size).toBe(units.length);
      // Every leaf is a row with its maximum, and each unit's appraised score.
      for (const area of set.areas.filter((a) => a.kind === 'assessed')) {
        const areaRow = rowOf(ws, area.name);
        expect(numberText(areaRow.getCell(3))).toBe((area.max / 100).toFixed(2).replace('.', ','));
        for (const [unitId, col] of columnOf) {
          const input = q.inputs[unitId];
          if (input?.status !== 'approved') continue;
          const ids: string[] = [];
          const walk = (list: readonly Criterion[]) => {
            for (const c of list) c.children?.length ? walk(c.children) : ids.push(c.id);
          };
          walk(area.criteria);
          const sum = ids.reduce((s, id) => s + (input.appraised?.[id] ?? 0), 0);
          expect(hundredthsIn(areaRow.getCell(col))).toBe(sum);
        }
      }
      // Results: total, percentage, band and rank against an independent calculation.
      const exact = new Map(
        [...columnOf.keys()]
          .filter((id) => q.inputs[id]?.status === 'approved')
          .map((id) => [
            id,
            expected(
              set,
              must(q.inputs[id], id),
              caps.bonusCap ?? set.bonusCap,
              caps.penaltyCap ?? set.penaltyCap,
            ),
          ]),
      );
      const totalRow = rowOf(ws, 'Kết quả (điểm)');
      const percentRow = rowOf(ws, 'Tỷ lệ (%)');
      const bandRow = rowOf(ws, 'Xếp loại');
      const rankRow = rowOf(ws, 'Xếp hạng trong khối');
      for (const [unitId, e] of exact) {
        const col = must(columnOf.get(unitId), unitId);
        expect(hundredthsIn(totalRow.getCell(col))).toBe(
          hundredthsOf({ num: e.total.num, den: e.total.den * 100n }),
        );
        expect(hundredthsIn(percentRow.getCell(col))).toBe(hundredthsOf(e.percent));
        const p = e.percent;
        const band =
          cmp(p, { num: 90n, den: 1n }) >= 0
            ? 'Xuất sắc'
            : cmp(p, { num: 80n, den: 1n }) >= 0
              ? 'Tốt'
              : cmp(p, { num: 70n, den: 1n }) >= 0
                ? 'Khá'
                : cmp(p, { num: 50n, den: 1n }) >= 0
                  ? 'Trung bình'
                  : 'Yếu';
        expect(bandRow.getCell(col).value).toBe(band);
        const better = [...exact.values()].filter((o) => cmp(o.percent, p) > 0).length;
        expect(rankRow.getCell(col).value).toBe(better + 1);
      }
    }
  });

  it('stores numbers with number formats and never a formula', async () => {
    const wb = await load(await summaryXlsx(quarterInput(1)));
    let numbers = 0;
    for (const ws of wb.worksheets) {
      ws.eachRow((row) => {
        row.eachCell((cell) => {
          expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
          if (typeof cell.value === 'number') {
            numbers++;
            expect(['0.00', '+0.00;-0.00;0.00', '0', '+0;-0;0']).toContain(cell.numFmt);
          }
        });
      });
    }
    expect(numbers).toBeGreaterThan(1000);
  });

  it('shows a unit without a report last in its group and one not appraised without a rank', async () => {
    // 2024Q2: xa-dai-dong did not report. 2024Q3: phong-y-te was submitted but not appraised.
    const q2 = await load(await summaryXlsx(quarterInput(1)));
    const communes = sheet(q2, 'Khối xã, thị trấn');
    const header = headerRow(communes);
    const last = header.cellCount;
    expect(header.getCell(last).value).toBe('Xã Đại Đồng');
    expect(rowOf(communes, 'Xếp hạng trong khối').getCell(last).value).toBe('Cuối khối');
    expect(rowOf(communes, 'Tỷ lệ (%)').getCell(last).value).toBe(0);
    expect(rowOf(communes, 'Xếp loại').getCell(last).value).toBe('Yếu');
    expect(rowOf(communes, 'Tình trạng').getCell(last).value).toBe('Không nộp báo cáo');

    const q3 = await load(await summaryXlsx(quarterInput(2)));
    const offices = sheet(q3, 'Khối cơ quan');
    const h3 = headerRow(offices);
    expect(h3.getCell(h3.cellCount).value).toBe('Phòng Y tế');
    expect(rowOf(offices, 'Xếp hạng trong khối').getCell(h3.cellCount).value).toBe('—');
    expect(rowOf(offices, 'Tình trạng').getCell(h3.cellCount).value).toBe('Chưa thẩm định');
    // Q3 is compared with Q2: signed percentage points with a signed number format.
    const change = rowOf(offices, 'Tăng, giảm tỷ lệ so với kỳ 2024Q2');
    expect(change.getCell(4).numFmt).toBe('+0.00;-0.00;0.00');
  });

  it('shows 89,995 % as 90,00 but bands and ranks it on the exact value, with a note', async () => {
    const wb = await load(await summaryXlsx(smallSummary()));
    const ws = sheet(wb, 0);
    const header = headerRow(ws);
    const names: string[] = [];
    header.eachCell((c, col) => {
      if (col > 3) names.push(String(c.value));
    });
    expect(names).toEqual(['Xã Bình Phú', 'Xã An Hòa', TRICKY_NAME, FORMULA_NAME, 'Xã Đông Sơn']);
    const percent = rowOf(ws, 'Tỷ lệ (%)');
    expect(numberText(percent.getCell(4))).toBe('90,00');
    expect(numberText(percent.getCell(5))).toBe('90,00');
    expect(rowOf(ws, 'Xếp loại').getCell(4).value).toBe('Xuất sắc');
    expect(rowOf(ws, 'Xếp loại').getCell(5).value).toBe('Tốt');
    expect(rowOf(ws, 'Xếp hạng trong khối').getCell(5).value).toBe(2);
    // The rescaled unit: 146,857142… points, 73,428571… %.
    expect(numberText(rowOf(ws, 'Kết quả (điểm)').getCell(6))).toBe('146,86');
    expect(numberText(percent.getCell(6))).toBe('73,43');
    expect(rowOf(ws, 'Khảo sát sự hài lòng').getCell(6).value).toBe('Không có');
    // A name that looks like a formula is stored as text.
    expect(header.getCell(7).value).toBe(FORMULA_NAME);
    expect(header.getCell(7).type).toBe(ExcelJS.ValueType.String);
    const notes: string[] = [];
    ws.eachRow((row) => {
      const v = row.getCell(1).value;
      if (typeof v === 'string') notes.push(v);
    });
    expect(notes).toContain(
      'Xã An Hòa: tỷ lệ chính xác 89,995 %, hiển thị 90,00 % – xếp loại Tốt theo giá trị chính xác.',
    );
    expect(SET_200.max).toBe(20000);
  });

  it('writes the year summary per group with each quarter, the exact mean and its band', async () => {
    const d = demo2024();
    const buffer = await summaryXlsx({
      context: demoContext(),
      issuer: homeAffairsOffice(d.loaded.config),
      results: d.year,
      periods: d.yearPeriods,
    });
    const ws = sheet(await load(buffer), 'Khối xã, thị trấn');
    let header: ExcelJS.Row | undefined;
    ws.eachRow((row) => {
      if (row.getCell(1).value === 'Hạng') header = row;
    });
    if (!header) throw new Error('no header');
    const titles: string[] = [];
    header.eachCell((c) => titles.push(String(c.value)));
    expect(titles.slice(0, 7)).toEqual([
      'Hạng',
      'Đơn vị',
      'Quý I/2024 (%)',
      'Quý II/2024 (%)',
      'Quý III/2024 (%)',
      'Quý IV/2024 (%)',
      'Bình quân (%)',
    ]);
    const rows: ExcelJS.Row[] = [];
    ws.eachRow((row, n) => {
      if (
        n > must(header, 'header').number &&
        typeof row.getCell(2).value === 'string' &&
        row.getCell(3).value !== null
      )
        rows.push(row);
    });
    const daiDong = rows.find((r) => r.getCell(2).value === 'Xã Đại Đồng');
    if (!daiDong) throw new Error('no Xã Đại Đồng');
    // The missed quarter shows 0 and counts 0 in the mean, recomputed here from the appraisals.
    expect(daiDong.getCell(4).value).toBe(0);
    expect(String(daiDong.getCell(9).value)).toContain('Không nộp báo cáo (tính 0 %): 2024Q2');
    let sum: Fraction = { num: 0n, den: 1n };
    for (const q of d.quarters) {
      const input = q.inputs['xa-dai-dong'];
      const set = must(q.setsByGroup.commune, 'commune set');
      if (input?.status !== 'approved') continue;
      const p = expected(set, input, set.bonusCap, set.penaltyCap).percent;
      sum = { num: sum.num * p.den + p.num * sum.den, den: sum.den * p.den };
    }
    expect(hundredthsIn(daiDong.getCell(7))).toBe(hundredthsOf({ num: sum.num, den: sum.den * 4n }));
  });
});
