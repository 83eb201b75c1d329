/**
 * The period's scoring summary (bảng tổng hợp điểm), one sheet per group: criteria down the
 * side grouped by reform area with subtotals and maxima, units across in ranking order, then
 * the survey, bonus, penalty, result, percentage, band, rank, change and status of each unit.
 *
 * Criteria × units, not the transpose: a district has 10–20 units per group and 60–100
 * criteria, and a PAR-index office reads its table by criterion (which criterion lost points
 * where) with each unit a column; A4 landscape fits the units across, fitted to width.
 */
import type { Area, CriteriaSet, Criterion, Points, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS, UNIT_GROUPS } from '#domain/model';
import { formatPoints, fraction } from '#domain/points';
import type { UnitPeriodResult } from '#domain/scoring';
import {
  formatDateVn,
  groupNames,
  localDate,
  percentHundredths,
  periodWithDates,
  pointsHundredths,
  upperFirst,
} from './format.ts';
import {
  bandCrossingNote,
  bandsNote,
  type Cell,
  contextLines,
  DASH,
  EMPTY,
  int,
  num,
  ROUNDING_NOTE,
  type Sheet,
  type SheetRow,
  type SummaryBook,
  text,
} from './sheet-model.ts';
import { sumLeaves } from './stats.ts';
import { DocumentInputError, type PeriodSummaryInput } from './types.ts';

export const STATUS_LABELS: Record<UnitPeriodResult['status'], string> = {
  approved: 'Đã thẩm định',
  'submitted-not-appraised': FLAG_LABELS['chua-tham-dinh'],
  'not-submitted': FLAG_LABELS['khong-nop-bao-cao'],
};

export function periodSummaryBook(input: PeriodSummaryInput): SummaryBook {
  const sheets: Sheet[] = [];
  for (const group of UNIT_GROUPS) {
    const sheet = periodSheet(input, group);
    if (sheet) sheets.push(sheet);
  }
  return {
    issuer: input.issuer,
    title: `Bảng tổng hợp điểm thi đua cải cách hành chính ${periodWithDates(input.period)}`,
    sheets,
    producedAt: input.context.producedAt,
  };
}

/** Leaf scores of every approved unit, checked against the results they produced. */
function appraisedOf(input: PeriodSummaryInput, unit: UnitPeriodResult): Readonly<Record<string, Points>> {
  const appraised = input.appraisals[unit.unitId]?.appraised;
  if (!appraised) {
    throw new DocumentInputError(
      `Thiếu điểm thẩm định từng tiêu chí của ${unit.name} (${unit.unitId}) kỳ ${input.period.id}.`,
    );
  }
  return appraised;
}

function periodSheet(input: PeriodSummaryInput, group: UnitGroup): Sheet | null {
  const names = groupNames(input.context.level);
  const units = input.results.units.filter((u) => u.group === group);
  if (units.length === 0) return null;
  const set = input.setsByGroup[group];
  const approved = units.filter((u) => u.status === 'approved');
  if (approved.length > 0 && !set) {
    throw new DocumentInputError(`Thiếu bộ tiêu chí của ${names.inSentence[group]}.`);
  }
  const scores = new Map(approved.map((u) => [u.unitId, appraisedOf(input, u)]));
  const rows: SheetRow[] = [];
  if (set) {
    for (const area of set.areas) rows.push(...areaRows(area, units, scores));
    for (const u of approved) checkAssessed(set, u, scores.get(u.unitId) ?? {});
  }
  rows.push(...resultRows(input, group, set, units));
  const setLine = set
    ? `Bộ tiêu chí: ${set.name} (mã ${set.id}, phiên bản ${set.version})`
    : 'Không đơn vị nào được thẩm định trong kỳ: không có điểm theo tiêu chí.';
  const producedOn = formatDateVn(localDate(input.context.producedAt, input.context.timeZone));
  return {
    name: names.sheetName[group],
    title: 'BẢNG TỔNG HỢP ĐIỂM THI ĐUA CẢI CÁCH HÀNH CHÍNH',
    subtitles: [
      `${upperFirst(periodWithDates(input.period))} – ${names.title[group]}, ${input.context.districtName}`,
      setLine,
      `Kết quả phiên bản ${input.results.version}`,
      ...contextLines(input.context, producedOn),
    ],
    header: ['STT', 'Lĩnh vực, tiêu chí', 'Điểm tối đa', ...units.map((u) => u.name)],
    widths: [8, 46, 9, ...units.map(() => 12)],
    labelColumns: 3,
    indentColumn: 1,
    rows,
    notes: periodNotes(input, units),
  };
}

/** The sum of a unit's leaves must be the appraised total its result was computed from. */
function checkAssessed(
  set: CriteriaSet,
  unit: UnitPeriodResult,
  appraised: Readonly<Record<string, Points>>,
) {
  const sum = set.areas
    .filter((a) => a.kind === 'assessed')
    .reduce((s, a) => s + sumLeaves(a.criteria, appraised), 0);
  if (unit.breakdown && unit.breakdown.assessed !== sum) {
    throw new DocumentInputError(
      `Điểm thẩm định từng tiêu chí của ${unit.name} cộng lại ${formatPoints(sum)} điểm, ` +
        `không khớp với kết quả đã tính (${formatPoints(unit.breakdown.assessed)} điểm).`,
    );
  }
}

function areaRows(
  area: Area,
  units: readonly UnitPeriodResult[],
  scores: ReadonlyMap<string, Readonly<Record<string, Points>>>,
): SheetRow[] {
  const label = [text(area.id), text(area.name), num(area.max)];
  if (area.kind === 'survey') {
    const cells = units.map((u): Cell => {
      if (u.status !== 'approved' || !u.breakdown) return EMPTY;
      return u.breakdown.survey === null ? text('Không có') : num(u.breakdown.survey);
    });
    return [{ style: 'area', level: 0, cells: [...label, ...cells] }];
  }
  const subtotal = (criteria: readonly Criterion[]) =>
    units.map((u): Cell => {
      const appraised = scores.get(u.unitId);
      return appraised ? num(sumLeaves(criteria, appraised)) : EMPTY;
    });
  const rows: SheetRow[] = [{ style: 'area', level: 0, cells: [...label, ...subtotal(area.criteria)] }];
  const walk = (criteria: readonly Criterion[], level: number) => {
    for (const c of criteria) {
      const isGroup = c.children !== undefined && c.children.length > 0;
      rows.push({
        style: isGroup ? 'group' : 'leaf',
        level,
        cells: [text(c.id), text(c.name), num(c.max), ...subtotal([c])],
      });
      if (isGroup && c.children) walk(c.children, level + 1);
    }
  };
  walk(area.criteria, 1);
  return rows;
}

type Breakdown = NonNullable<UnitPeriodResult['breakdown']>;

const totalRow = (label: string, max: Cell, cells: Cell[]): SheetRow => ({
  style: 'total',
  level: 0,
  cells: [EMPTY, text(label), max, ...cells],
});

function resultRows(
  input: PeriodSummaryInput,
  group: UnitGroup,
  set: CriteriaSet | undefined,
  units: readonly UnitPeriodResult[],
): SheetRow[] {
  return [
    ...(set ? breakdownRows(input, group, set, units) : []),
    totalRow(
      'Kết quả (điểm)',
      set ? num(set.max) : EMPTY,
      units.map((u) => (u.totalExact ? num(pointsHundredths(u.totalExact)) : DASH)),
    ),
    totalRow(
      'Tỷ lệ (%)',
      num(10000),
      units.map((u) => (u.percent ? num(percentHundredths(u.percent)) : DASH)),
    ),
    totalRow(
      'Xếp loại',
      EMPTY,
      units.map((u) => (u.band ? text(BAND_LABELS[u.band]) : DASH)),
    ),
    totalRow('Xếp hạng trong khối', EMPTY, units.map(rankCell)),
    ...changeRows(units),
    totalRow(
      'Tình trạng',
      EMPTY,
      units.map((u) => text(statusText(u))),
    ),
  ];
}

/** The appraised sum, the score before bonus and penalty, the bonus and the penalty as counted. */
function breakdownRows(
  input: PeriodSummaryInput,
  group: UnitGroup,
  set: CriteriaSet,
  units: readonly UnitPeriodResult[],
): SheetRow[] {
  const ofApproved = (f: (b: Breakdown) => Cell) =>
    units.map((u) => (u.status === 'approved' && u.breakdown ? f(u.breakdown) : EMPTY));
  const surveyMax = set.areas.find((a) => a.kind === 'survey')?.max ?? 0;
  const assessedMax = set.max - surveyMax;
  const rows = [
    totalRow(
      'Cộng điểm các lĩnh vực được thẩm định',
      num(assessedMax),
      ofApproved((b) => num(b.assessed)),
    ),
  ];
  if (surveyMax > 0) {
    const label =
      'Điểm trước thưởng, trừ (có khảo sát: cộng điểm khảo sát; không có khảo sát: quy đổi ' +
      `× ${formatPoints(set.max)}/${formatPoints(assessedMax)})`;
    const base = (b: Breakdown) =>
      b.survey === null
        ? fraction(BigInt(b.assessed) * BigInt(set.max), BigInt(assessedMax))
        : fraction(b.assessed + b.survey);
    rows.push(
      totalRow(
        label,
        num(set.max),
        ofApproved((b) => num(pointsHundredths(base(b)))),
      ),
    );
  }
  const caps = input.caps?.[group];
  const bonusCap = caps?.bonusCap ?? set.bonusCap;
  const penaltyCap = caps?.penaltyCap ?? set.penaltyCap;
  rows.push(
    totalRow(
      `Điểm thưởng (tối đa ${formatPoints(bonusCap)})`,
      num(bonusCap),
      ofApproved((b) => num(b.bonusCounted)),
    ),
    totalRow(
      `Điểm trừ (tối đa ${formatPoints(penaltyCap)})`,
      num(penaltyCap),
      ofApproved((b) => num(b.penaltyCounted)),
    ),
  );
  return rows;
}

/** Percentage points and places gained against the previous period, when there is one. */
function changeRows(units: readonly UnitPeriodResult[]): SheetRow[] {
  const previousId = units.find((u) => u.change)?.change?.previousId;
  if (!previousId) return [];
  return [
    totalRow(
      `Tăng, giảm tỷ lệ so với kỳ ${previousId} (điểm %)`,
      EMPTY,
      units.map((u) =>
        u.change?.percentPoints ? num(percentHundredths(u.change.percentPoints), true) : DASH,
      ),
    ),
    totalRow(
      `Tăng, giảm thứ hạng so với kỳ ${previousId} (bậc)`,
      EMPTY,
      units.map((u) => {
        if (!u.change) return DASH;
        return u.change.rankChange === null ? text('Không so sánh') : int(u.change.rankChange, true);
      }),
    ),
  ];
}

export function rankCell(u: Pick<UnitPeriodResult, 'rank' | 'flags'>): Cell {
  if (u.flags.includes('khong-nop-bao-cao')) return text('Cuối khối');
  return u.rank === null ? DASH : int(u.rank);
}

function statusText(u: UnitPeriodResult): string {
  const parts = [STATUS_LABELS[u.status]];
  if (u.breakdown?.clamped === 'to-max') parts.push('giới hạn ở điểm tối đa');
  if (u.breakdown?.clamped === 'to-zero') parts.push('giới hạn ở 0 điểm');
  return parts.join('; ');
}

function periodNotes(input: PeriodSummaryInput, units: readonly UnitPeriodResult[]): string[] {
  const notes = [ROUNDING_NOTE, bandsNote(input.bands)];
  notes.push(
    'Không nộp báo cáo: 0 điểm, xếp cuối khối. Chưa thẩm định: chưa xếp loại, xếp hạng kỳ này; ' +
      'khi được thẩm định, kết quả kỳ được tính lại thành phiên bản mới.',
  );
  for (const u of units) {
    if (!u.percent || !u.band) continue;
    const note = bandCrossingNote(u.name, u.percent, u.band, input.bands);
    if (note) notes.push(note);
  }
  return notes;
}
