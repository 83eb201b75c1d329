/**
 * The scoring workflow's emails: a unit's results of a period (to its focal point), and the
 * results summary of a version (to leadership and admins).
 */
import type { Fraction, Points } from '#domain/model';
import {
  type Block,
  capitalize,
  type Email,
  type PeriodRef,
  type PersonRef,
  percentText,
  periodName,
  periodWithDates,
  points,
  renderLetter,
  type Sender,
  signedPercent,
  type UnitRef,
} from './letter.ts';

export interface ResultsData {
  unit: UnitRef;
  period: PeriodRef;
  /** The results version (2 and later: a recomputation after a late appraisal). */
  version: number;
  status: 'approved' | 'submitted-not-appraised' | 'not-submitted';
  /** Total points (rounded to hundredths); null when not appraised. */
  total: Points | null;
  /** The criteria set's maximum. */
  setMax: Points;
  percent: Fraction | null;
  bandLabel: string | null;
  rank: number | null;
  /** Units of the group that have a rank. */
  rankedInGroup: number;
  /** "khối cơ quan" / "khối xã, thị trấn". */
  groupLabel: string;
  breakdown: {
    assessed: Points;
    survey: Points | null;
    rescaled: boolean;
    bonus: Points;
    penalty: Points;
  } | null;
  change: {
    /** "quý II năm 2024". */
    previousLabel: string;
    percentPoints: Fraction | null;
    rankChange: number | null;
  } | null;
  reportUrl?: string;
}

/** What a unit without a report reads instead of a rank number (DOMAIN.md: "ranked last in its group"). */
export const NOT_SUBMITTED_RANK = 'Không nộp báo cáo – xếp cuối khối';

/**
 * A rank as "x/n"; a unit without a report has no place earned: all such units share the rank after
 * the last appraised one (rank 1 when nobody reported), which as "1/12" would read as first.
 */
function rankText(d: Pick<ResultsData, 'status' | 'rank' | 'rankedInGroup'>): string {
  if (d.status === 'not-submitted') return NOT_SUBMITTED_RANK;
  return d.rank === null ? 'Chưa xếp hạng' : `${d.rank}/${d.rankedInGroup}`;
}

/** Period results, to each unit's focal point: total, percentage, band, rank, change. */
export function resultsEmail(sender: Sender, d: ResultsData): Email {
  const again = d.version > 1 ? ` (công bố lại, phiên bản ${d.version})` : '';
  const blocks: Block[] = [];
  const rows: [string, string][] = [['Kỳ báo cáo', capitalize(periodWithDates(d.period))]];
  if (d.status === 'submitted-not-appraised') {
    blocks.push({
      kind: 'paragraph',
      text:
        `Báo cáo ${periodName(d.period)} của ${d.unit.name} chưa được thẩm định xong khi kết thúc thời gian thẩm định, ` +
        'nên đơn vị được ghi nhận “Chưa thẩm định” và chưa được xếp hạng trong kỳ. Khi báo cáo được phê duyệt, ' +
        'kết quả được tính lại và gửi tới đơn vị.',
    });
  } else {
    blocks.push({
      kind: 'paragraph',
      text: `${sender.authority} thông báo kết quả chấm điểm thi đua cải cách hành chính ${periodName(d.period)} của ${d.unit.name}${again}.`,
    });
    rows.push(['Tổng điểm', d.total === null ? '—' : `${points(d.total)} / ${points(d.setMax)} điểm`]);
    rows.push(['Tỷ lệ', d.percent ? percentText(d.percent) : '—']);
    rows.push(['Xếp loại', d.bandLabel ?? '—']);
    rows.push([`Xếp hạng trong ${d.groupLabel}`, rankText(d)]);
    if (d.status === 'not-submitted') {
      rows.push(['Ghi chú', 'Không nộp báo cáo: 0 điểm cho kỳ báo cáo']);
    }
    if (d.breakdown) {
      const b = d.breakdown;
      rows.push([
        'Điểm thẩm định',
        `${points(b.assessed)} điểm${b.rescaled ? ' (không có kết quả khảo sát: quy đổi về thang điểm chung)' : ''}`,
      ]);
      if (b.survey !== null) rows.push(['Điểm khảo sát sự hài lòng', `${points(b.survey)} điểm`]);
      if (b.bonus > 0) rows.push(['Điểm thưởng', `+${points(b.bonus)} điểm`]);
      if (b.penalty > 0) rows.push(['Điểm trừ', `-${points(b.penalty)} điểm`]);
    }
    if (d.change) {
      const moves =
        d.change.rankChange === null
          ? 'không so sánh được thứ hạng'
          : d.change.rankChange > 0
            ? `tăng ${d.change.rankChange} bậc`
            : d.change.rankChange < 0
              ? `giảm ${-d.change.rankChange} bậc`
              : 'giữ nguyên thứ hạng';
      const pts =
        d.change.percentPoints === null
          ? 'không so sánh được tỷ lệ'
          : `${signedPercent(d.change.percentPoints)} điểm phần trăm`;
      rows.push([`So với ${d.change.previousLabel}`, `${pts}; ${moves}`]);
    }
  }
  blocks.splice(1, 0, { kind: 'facts', rows });
  if (d.reportUrl)
    blocks.push({ kind: 'action', label: 'Xem báo cáo và kết quả thẩm định', url: d.reportUrl });
  const en =
    d.status === 'submitted-not-appraised'
      ? `Results of period ${d.period.id}: the report of ${d.unit.name} was not appraised by review close, so it is not ranked yet.`
      : `Results of period ${d.period.id}${d.version > 1 ? ` (version ${d.version})` : ''} for ${d.unit.name}: ` +
        `${d.total === null ? '—' : points(d.total)} points, ${d.percent ? percentText(d.percent) : '—'}, ` +
        `${d.status === 'not-submitted' ? 'no report, ranked last' : d.rank === null ? 'not ranked' : `rank ${d.rank}/${d.rankedInGroup}`} in its group.`;
  return renderLetter(sender, {
    subject: `Kết quả thi đua cải cách hành chính ${periodName(d.period)} – ${d.unit.name}${again}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name}, cán bộ đầu mối của ${d.unit.name},`,
    blocks,
    english: en,
  });
}

export interface ResultsSummaryRow {
  rank: number | null;
  /** A unit without a report: its rank cell says "cuối khối" (last), not the shared number. */
  notSubmitted?: boolean;
  name: string;
  total: Points | null;
  percent: Fraction | null;
  bandLabel: string | null;
  flagLabels: readonly string[];
}

export interface ResultsSummaryData {
  recipient: Pick<PersonRef, 'name'>;
  period: PeriodRef;
  version: number;
  /** Names of the units whose line changed since the previous version (version 2 and later). */
  changedUnits: readonly string[];
  groups: readonly { label: string; rows: readonly ResultsSummaryRow[] }[];
  counts: { approved: number; unappraised: number; notSubmitted: number };
}

/** Period results summary per group, to leadership and admins. */
export function resultsSummaryEmail(sender: Sender, d: ResultsSummaryData): Email {
  const again = d.version > 1 ? ` (phiên bản ${d.version})` : '';
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Kết quả chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính ${periodWithDates(d.period)}${again}. ` +
        'Các đơn vị được xếp hạng riêng theo từng khối; tỷ lệ là tổng điểm so với điểm tối đa của bộ tiêu chí.',
    },
    {
      kind: 'facts',
      rows: [
        ['Đã thẩm định', String(d.counts.approved)],
        ['Chưa thẩm định', String(d.counts.unappraised)],
        ['Không nộp báo cáo', String(d.counts.notSubmitted)],
      ],
    },
  ];
  if (d.version > 1 && d.changedUnits.length > 0) {
    blocks.push({
      kind: 'paragraph',
      text: `Phiên bản này thay thế phiên bản ${d.version - 1} sau khi có kết quả thẩm định muộn; đơn vị có thay đổi: ${d.changedUnits.join(', ')}.`,
    });
  }
  for (const g of d.groups) {
    blocks.push({
      kind: 'table',
      caption: capitalize(g.label),
      head: ['Hạng', 'Đơn vị', 'Tổng điểm', 'Tỷ lệ', 'Xếp loại', 'Ghi chú'],
      rows: g.rows.map((r) => [
        r.notSubmitted ? 'Cuối khối' : r.rank === null ? '—' : String(r.rank),
        r.name,
        r.total === null ? '—' : points(r.total),
        r.percent ? percentText(r.percent) : '—',
        r.bandLabel ?? '—',
        r.flagLabels.join(', ') || '',
      ]),
    });
  }
  return renderLetter(sender, {
    subject: `Kết quả thi đua cải cách hành chính ${periodName(d.period)}${again}`,
    greeting: `Kính gửi đồng chí ${d.recipient.name},`,
    blocks,
    english:
      `Results of period ${d.period.id}${d.version > 1 ? ` (version ${d.version})` : ''}: ${d.counts.approved} units appraised, ` +
      `${d.counts.unappraised} not appraised, ${d.counts.notSubmitted} without a report; ranked per group.`,
  });
}
