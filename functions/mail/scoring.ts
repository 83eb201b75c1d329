/**
 * The scoring workflow's emails: a unit's results of a period (to its focal point), and the
 * results digest of a version (to leadership and admins): counts, the ends of each ranking, and a
 * link to the page with every unit.
 */
import type { Fraction, Points } from '#domain/model';
import { compareFractions } from '#domain/points';
import { assessedOfMax, rescaledText } from '#functions/documents/format';
import {
  atTime,
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
    /** The most the appraised areas give (the set's maximum without the survey's): "42/70". */
    assessedMax?: Points;
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
  /**
   * Version 2 and later: this unit's result in the version before, as this letter shows one, so
   * that it says why the unit hears again (its result changed, or only others' did).
   */
  previous?: { version: number } & Pick<
    ResultsData,
    'status' | 'total' | 'percent' | 'bandLabel' | 'rank' | 'rankedInGroup'
  >;
  reportUrl?: string;
  /** Until when `reportUrl` opens (the report link's expiry). */
  reportUrlUntil?: string;
  /** The unit pages (`/u`): its results and reports of every period, after a sign-in by email. */
  unitPagesUrl?: string;
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

type ShownResult = Pick<ResultsData, 'status' | 'total' | 'percent' | 'bandLabel' | 'rank' | 'rankedInGroup'>;

/** A result as the letter shows it in one line: "82,50 điểm, 82,50 %, Tốt, xếp hạng 3/14". */
function resultLine(r: ShownResult): string {
  if (r.status === 'submitted-not-appraised') return 'Chưa thẩm định';
  const total = r.total === null ? '—' : `${points(r.total)} điểm`;
  const rank = r.status === 'not-submitted' ? NOT_SUBMITTED_RANK.toLowerCase() : `xếp hạng ${rankText(r)}`;
  return `${total}, ${r.percent ? percentText(r.percent) : '—'}, ${r.bandLabel ?? '—'}, ${rank}`;
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
      // Out of its maximum, and rescaled as the total above counts it: "42/70 → 60,00 trên thang 100".
      const scale = b.assessedMax === undefined ? undefined : { max: d.setMax, assessedMax: b.assessedMax };
      const rescaled = b.rescaled && scale ? rescaledText(b.assessed, scale) : undefined;
      rows.push([
        'Điểm thẩm định',
        `${rescaled ?? `${scale ? assessedOfMax(b.assessed, scale) : points(b.assessed)} điểm`}${
          b.rescaled ? ' (không có kết quả khảo sát: quy đổi về thang điểm chung)' : ''
        }`,
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
  if (d.previous && d.status !== 'submitted-not-appraised') {
    const before = resultLine(d.previous);
    const after = resultLine(d);
    blocks.push({
      kind: 'paragraph',
      text:
        before === after
          ? `Kết quả của đơn vị không thay đổi so với phiên bản ${d.previous.version}. Kết quả của kỳ được công bố lại vì kết quả của đơn vị khác đã được tính lại (thường là một báo cáo được phê duyệt sau khi kết thúc thời gian thẩm định); thứ tự trong khối được xếp lại theo đó.`
          : `So với phiên bản ${d.previous.version}: ${before} → ${after}.`,
    });
  }
  blocks.splice(1, 0, { kind: 'facts', rows });
  if (d.reportUrl)
    blocks.push({ kind: 'action', label: 'Xem báo cáo và kết quả thẩm định', url: d.reportUrl });
  // The report link ends with the period's late appraisals; the unit pages stay (sign-in by email).
  const later = d.unitPagesUrl
    ? `xem lại kết quả và báo cáo các kỳ tại ${d.unitPagesUrl} (đăng nhập bằng email đầu mối của đơn vị).`
    : '';
  if (d.reportUrl && d.reportUrlUntil) {
    blocks.push({
      kind: 'paragraph',
      text: `Đường dẫn trên dùng được đến ${atTime(d.reportUrlUntil, sender.timeZone)}${later ? `; sau đó, ${later}` : '.'}`,
    });
  } else if (later) {
    blocks.push({ kind: 'paragraph', text: `Đơn vị có thể ${later}` });
  }
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

/**
 * How many units at each end of a group's ranking the results digest names, and how many names a
 * list of units in it shows before "và n đơn vị khác": the digest stays a few kilobytes whatever
 * the number of units (a mail carrying every unit's line outgrew the outbox's item, 350,000 bytes
 * of subject, text and HTML, from ~455 units); every line is on the results page it links to.
 */
export const DIGEST_ENDS = 5;
export const DIGEST_NAMES = 10;

export interface ResultsSummaryRow {
  /** null: not ranked (Chưa thẩm định). */
  rank: number | null;
  /** A unit without a report: counted apart; its rank is the "last in group" every such unit shares. */
  notSubmitted?: boolean;
  name: string;
  total: Points | null;
  percent: Fraction | null;
  bandLabel: string | null;
}

export interface ResultsSummaryData {
  recipient: Pick<PersonRef, 'name'>;
  period: PeriodRef;
  version: number;
  /** Names of the units whose line changed since the previous version (version 2 and later). */
  changedUnits: readonly string[];
  /** Every unit line of the version, by group: all are counted, the ends of each ranking named. */
  groups: readonly { label: string; rows: readonly ResultsSummaryRow[] }[];
  /**
   * The results page of this version, where every unit's line is: an admin signs in there, and a
   * leader too (a leader's session opens the results pages only).
   */
  resultsUrl: string;
}

type RankedRow = ResultsSummaryRow & { rank: number; percent: Fraction };

/** A group's units in the digest's four disjoint kinds: ranked (by band), no report, not appraised. */
interface GroupTally {
  label: string;
  units: number;
  /** Appraised units, best first. */
  ranked: readonly RankedRow[];
  /** Units with a rank, the no-report ones included: the "n" of the "x/n" a unit's own mail shows. */
  withRank: number;
  notSubmitted: readonly string[];
  unappraised: readonly string[];
}

function tallyGroup(g: ResultsSummaryData['groups'][number]): GroupTally {
  const ranked = g.rows
    .filter((r): r is RankedRow => !r.notSubmitted && r.rank !== null && r.percent !== null)
    .sort((a, b) => a.rank - b.rank);
  return {
    label: capitalize(g.label),
    units: g.rows.length,
    ranked,
    withRank: g.rows.filter((r) => r.rank !== null).length,
    notSubmitted: g.rows.filter((r) => r.notSubmitted).map((r) => r.name),
    unappraised: g.rows.filter((r) => !r.notSubmitted && r.rank === null).map((r) => r.name),
  };
}

/** "Xuất sắc 3, Tốt 10, Khá 2", best band first (the order the best percentage of each gives). */
function bandCounts(rows: readonly RankedRow[]): string {
  const counts = new Map<string, number>();
  for (const r of [...rows].sort((a, b) => compareFractions(b.percent, a.percent))) {
    const band = r.bandLabel ?? 'Chưa xếp loại';
    counts.set(band, (counts.get(band) ?? 0) + 1);
  }
  return [...counts].map(([band, n]) => `${band} ${n}`).join(', ') || '—';
}

/** "A, B và 12 đơn vị khác": at most DIGEST_NAMES names. */
function someNames(names: readonly string[]): string {
  const shown = names.slice(0, DIGEST_NAMES).join(', ');
  return names.length > DIGEST_NAMES ? `${shown} và ${names.length - DIGEST_NAMES} đơn vị khác` : shown;
}

/** "3 (A, B, C)", or "0". */
function countWithNames(names: readonly string[]): string {
  return names.length === 0 ? '0' : `${names.length} (${someNames(names)})`;
}

/**
 * The whole ranking when it is short; else its first and last DIGEST_ENDS appraised units, saying
 * how many more share the rank at a cut (a tie is never silently broken).
 */
function rankingTables(t: GroupTally): Block[] {
  const table = (caption: string, rows: readonly RankedRow[]): Block => ({
    kind: 'table',
    caption,
    head: ['Đơn vị', 'Xếp hạng', 'Tổng điểm', 'Tỷ lệ', 'Xếp loại'],
    rows: rows.map((r) => [
      r.name,
      `${r.rank}/${t.withRank}`,
      r.total === null ? '—' : points(r.total),
      percentText(r.percent),
      r.bandLabel ?? '—',
    ]),
    numbered: false,
  });
  if (t.ranked.length === 0) return [];
  if (t.ranked.length <= 2 * DIGEST_ENDS)
    return [table(`${t.label} – xếp hạng các đơn vị đã thẩm định`, t.ranked)];
  const top = t.ranked.slice(0, DIGEST_ENDS);
  const bottom = t.ranked.slice(-DIGEST_ENDS);
  const unnamed = t.ranked.slice(DIGEST_ENDS, -DIGEST_ENDS);
  const tied = (rank: number | undefined) => {
    const n = unnamed.filter((r) => r.rank === rank).length;
    // Those in neither list: "khác cùng hạng" read as "besides this list" when the other list
    // named some of the tie (11 ranked, three at the 5th place: one in each list, one in neither).
    return n > 0 ? ` (còn ${n} đơn vị cùng hạng ${rank} không nêu trong thư)` : '';
  };
  return [
    table(`${t.label} – ${DIGEST_ENDS} đơn vị dẫn đầu${tied(top.at(-1)?.rank)}`, top),
    table(
      `${t.label} – ${DIGEST_ENDS} đơn vị thấp nhất trong số đã thẩm định${tied(bottom[0]?.rank)}`,
      bottom,
    ),
  ];
}

function groupBlocks(t: GroupTally): Block[] {
  return [
    { kind: 'paragraph', text: `${t.label}: ${t.units} đơn vị.` },
    {
      kind: 'facts',
      rows: [
        ['Đã thẩm định, xếp hạng', String(t.ranked.length)],
        ['Xếp loại', bandCounts(t.ranked)],
        ['Không nộp báo cáo', countWithNames(t.notSubmitted)],
        ['Chưa thẩm định', countWithNames(t.unappraised)],
      ],
    },
    ...rankingTables(t),
  ];
}

/**
 * The results digest of a version, to leadership and admins: the counts of every group (by band,
 * no report, not appraised), the ends of each ranking, and a link to the results page.
 */
export function resultsSummaryEmail(sender: Sender, d: ResultsSummaryData): Email {
  const again = d.version > 1 ? ` (phiên bản ${d.version})` : '';
  const groups = d.groups.map(tallyGroup);
  const sum = (of: (t: GroupTally) => number) => groups.reduce((n, t) => n + of(t), 0);
  const units = sum((t) => t.units);
  const ranked = sum((t) => t.ranked.length);
  const notSubmitted = sum((t) => t.notSubmitted.length);
  const unappraised = sum((t) => t.unappraised.length);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `Kết quả chấm điểm, xếp loại, xếp hạng thi đua cải cách hành chính ${periodWithDates(d.period)}${again}. ` +
        'Các đơn vị được xếp hạng riêng theo từng khối; tỷ lệ là tổng điểm so với điểm tối đa của bộ tiêu chí. ' +
        'Thư này nêu số lượng và các đơn vị đứng đầu, đứng cuối của mỗi khối; kết quả của từng đơn vị ' +
        'có trên trang kết quả (đăng nhập bằng địa chỉ email này; tải được bảng tổng hợp và báo cáo kết quả).',
    },
    {
      kind: 'facts',
      rows: [
        ['Phiên bản kết quả', String(d.version)],
        ['Tổng số đơn vị', String(units)],
        ['Đã thẩm định, xếp hạng', String(ranked)],
        ['Xếp loại', bandCounts(groups.flatMap((t) => t.ranked))],
        ['Không nộp báo cáo', String(notSubmitted)],
        ['Chưa thẩm định', String(unappraised)],
      ],
    },
  ];
  if (d.version > 1 && d.changedUnits.length > 0) {
    blocks.push({
      kind: 'paragraph',
      text: `Phiên bản này thay thế phiên bản ${d.version - 1} sau khi có kết quả thẩm định muộn; đơn vị có thay đổi: ${someNames(d.changedUnits)}.`,
    });
  }
  blocks.push(...groups.flatMap(groupBlocks), {
    kind: 'action',
    label: 'Xem kết quả của tất cả đơn vị',
    url: d.resultsUrl,
  });
  return renderLetter(sender, {
    subject: `Kết quả thi đua cải cách hành chính ${periodName(d.period)}${again}`,
    greeting: `Kính gửi đồng chí ${d.recipient.name},`,
    blocks,
    english:
      `Results of period ${d.period.id}${d.version > 1 ? ` (version ${d.version})` : ''}: ${units} units, ${ranked} appraised and ranked, ` +
      `${notSubmitted} without a report, ${unappraised} not appraised. The top and bottom of each group are listed; ` +
      'every unit is on the results page (sign in with this address).',
  });
}
