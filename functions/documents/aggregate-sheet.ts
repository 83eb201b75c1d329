/**
 * The year's or the phase's summary: one sheet per group, a unit per row in ranking order,
 * each period's percentage, the exact mean (shown rounded), band, rank, change and notes.
 * Units down the side here: the columns are the few periods of the scope.
 */

import type { AggregateUnitResult } from '#domain/aggregate';
import type { UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS, UNIT_GROUPS } from '#domain/model';
import { formatDateVn, groupNames, localDate, percentHundredths, periodShort } from './format.ts';
import { rankCell } from './period-sheet.ts';
import {
  bandCrossingNote,
  bandsNote,
  type Cell,
  contextLines,
  DASH,
  int,
  num,
  ROUNDING_NOTE,
  type Sheet,
  type SheetRow,
  type SummaryBook,
  text,
} from './sheet-model.ts';
import type { AggregateSummaryInput } from './types.ts';

/** "năm 2024" or "giai đoạn 2022 – 2025". */
export function scopeLabel(kind: 'year' | 'phase', scopeId: string): string {
  return kind === 'year' ? `năm ${scopeId}` : `giai đoạn ${scopeId.replace('-', ' – ')}`;
}

export function aggregateSummaryBook(input: AggregateSummaryInput): SummaryBook {
  const sheets: Sheet[] = [];
  for (const group of UNIT_GROUPS) {
    const units = input.results.units.filter((u) => u.group === group);
    if (units.length > 0) sheets.push(aggregateSheet(input, group, units));
  }
  return {
    issuer: input.issuer,
    title: `Bảng tổng hợp kết quả thi đua cải cách hành chính ${scopeLabel(input.results.kind, input.results.scopeId)}`,
    sheets,
    producedAt: input.context.producedAt,
  };
}

function aggregateSheet(
  input: AggregateSummaryInput,
  group: UnitGroup,
  units: readonly AggregateUnitResult[],
): Sheet {
  const { results } = input;
  const previousId = units.find((u) => u.change)?.change?.previousId;
  const first = input.periods[0];
  const last = input.periods[input.periods.length - 1];
  const dates = first && last ? ` (từ ${formatDateVn(first.start)} đến ${formatDateVn(last.end)})` : '';
  const producedOn = formatDateVn(localDate(input.context.producedAt, input.context.timeZone));
  const sources = results.sources.map((s) => `${s.periodId} phiên bản ${s.version}`).join(', ');
  const header = [
    'Hạng',
    'Đơn vị',
    ...results.periodIds.map((id) => `${periodShort(id)} (%)`),
    'Bình quân (%)',
    'Xếp loại',
    ...(previousId ? [`Tăng, giảm so với ${previousId} (điểm %)`, `Tăng, giảm thứ hạng (bậc)`] : []),
    'Ghi chú',
  ];
  const rows: SheetRow[] = units.map((u) => ({
    style: 'leaf',
    level: 0,
    cells: [
      rankCell(u),
      text(u.name),
      ...u.periods.map(
        (p): Cell => (p.percent ? num(percentHundredths(p.percent)) : text(FLAG_LABELS['chua-tham-dinh'])),
      ),
      u.percent ? num(percentHundredths(u.percent)) : DASH,
      u.band ? text(BAND_LABELS[u.band]) : DASH,
      ...(previousId ? changeCells(u) : []),
      text(remarks(u)),
    ],
  }));
  const notes = [
    ROUNDING_NOTE,
    bandsNote(input.bands),
    `Tỷ lệ bình quân: trung bình cộng tỷ lệ của ${results.periodIds.length} kỳ theo lịch; ` +
      'kỳ không nộp báo cáo tính 0 %; đơn vị có kỳ chưa thẩm định chưa được xếp loại, xếp hạng.',
  ];
  for (const u of units) {
    const note = u.percent && u.band ? bandCrossingNote(u.name, u.percent, u.band, input.bands) : null;
    if (note) notes.push(note);
  }
  const kindTitle = results.kind === 'year' ? 'NĂM' : 'GIAI ĐOẠN';
  return {
    name: groupNames(input.context.level).sheetName[group],
    title: `BẢNG TỔNG HỢP KẾT QUẢ THI ĐUA CẢI CÁCH HÀNH CHÍNH ${kindTitle} ${results.scopeId.replace('-', ' – ')}`,
    subtitles: [
      `${groupNames(input.context.level).title[group]}, ${input.context.districtName} – bình quân ${results.periodIds.length} kỳ${dates}`,
      `Kết quả phiên bản ${results.version}; số liệu các kỳ: ${sources}`,
      ...contextLines(input.context, producedOn),
    ],
    header,
    widths: [8, 40, ...results.periodIds.map(() => 11), 11, 11, ...(previousId ? [13, 11] : []), 40],
    labelColumns: 2,
    indentColumn: 1,
    rows,
    notes,
  };
}

function changeCells(u: AggregateUnitResult): Cell[] {
  const c = u.change;
  if (!c) return [DASH, DASH];
  return [
    c.percentPoints ? num(percentHundredths(c.percentPoints), true) : DASH,
    c.rankChange === null ? text('Không so sánh') : int(c.rankChange, true),
  ];
}

function remarks(u: AggregateUnitResult): string {
  const parts: string[] = [];
  if (u.missedPeriods.length > 0) {
    parts.push(`${FLAG_LABELS['khong-nop-bao-cao']} (tính 0 %): ${u.missedPeriods.join(', ')}`);
  }
  if (u.pendingPeriods.length > 0) {
    parts.push(`${FLAG_LABELS['chua-tham-dinh']}: ${u.pendingPeriods.join(', ')}`);
  }
  return parts.join('; ');
}
