/**
 * What a unit sees of its published results for a period: score, band, rank in its group, change
 * against the previous period, how the group is spread over the bands, and, when the period was
 * scored again, each later version with why (a late approval of which unit) and what it changed
 * for this unit. A pure function of its view model; `unitResultsView` builds the model from the
 * domain's results (domain/scoring.ts), so the page says exactly what was published.
 */
import type { Band, Points } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS } from '#domain/model';
import { formatPercent, formatPoints } from '#domain/points';
import type { BandThreshold } from '#domain/ranking';
import type { UnitPeriodResult } from '#domain/scoring';
import { bandsNote } from '#functions/documents/sheet-model';
import { NOT_SUBMITTED_RANK } from '#mail/scoring';
import { dateTime, e, type Html, layout } from './pages.ts';

const BANDS: readonly Band[] = ['xuat-sac', 'tot', 'kha', 'trung-binh', 'yeu'];

/** Why a results version was computed (the trigger of its scoring execution). */
export type ResultsReason =
  | { trigger: 'close' }
  | { trigger: 'late'; unitId: string; round: number }
  | { trigger: 'admin'; n: number };

/** One published version as the page needs it: when, why, and this unit's line in it. */
export interface ResultsVersionFacts {
  version: number;
  publishedAt?: string;
  reason: ResultsReason | null;
  line: UnitPeriodResult;
  /** Units ranked in the unit's group in this version (a late approval adds one). */
  rankedInGroup: number;
}

export interface UnitResultsInput {
  periodLabel: string;
  /** "khối cơ quan" / "khối xã, thị trấn". */
  groupLabel: string;
  /** The criteria set's maximum (100 points = 10000). */
  setMax: Points;
  /** Every version of the period published so far, oldest first: the last one is current. */
  versions: readonly ResultsVersionFacts[];
  /** The lines of the unit's group in the current version (for the spread over the bands). */
  groupLines: readonly UnitPeriodResult[];
  /** Unit names by id (a late approval names the unit). */
  unitNames: ReadonlyMap<string, string>;
  /** "Quý II/2022", when the change compares with it. */
  previousLabel?: string;
  /** The district's band thresholds (DOMAIN.md's when absent), said under the distribution. */
  bands?: readonly BandThreshold[];
}

export interface BandShare {
  label: string;
  count: number;
  /** The unit's own band. */
  mine: boolean;
}

export interface UnitResultsView {
  periodLabel: string;
  groupLabel: string;
  version: number;
  publishedAt?: string;
  facts: [string, string][];
  /** The group's ranked units by band, then those without a report and those not appraised. */
  distribution: BandShare[];
  groupSize: number;
  /** "Xếp loại: Xuất sắc từ 90 % trở lên; …": why the unit's percentage is its band. */
  bandsNote: string;
  /** Later versions, newest first: why each was made and what it changed for the unit. */
  history: { version: number; publishedAt?: string; why: string; forUnit: string }[];
}

function percentOf(line: UnitPeriodResult): string {
  return line.percent ? `${formatPercent(line.percent)} %` : '—';
}

function rankOf({ line, rankedInGroup }: Pick<ResultsVersionFacts, 'line' | 'rankedInGroup'>): string {
  if (line.status === 'not-submitted') return NOT_SUBMITTED_RANK;
  return line.rank === null ? 'Chưa xếp hạng' : `${line.rank}/${rankedInGroup}`;
}

function changeText(line: UnitPeriodResult, previousLabel: string | undefined): [string, string] | undefined {
  const c = line.change;
  if (!c) return undefined;
  const pp = c.percentPoints;
  const points = pp
    ? `${pp.num > 0n && formatPercent(pp) !== '0,00' ? '+' : ''}${formatPercent(pp)} điểm phần trăm`
    : 'không so sánh được tỷ lệ';
  const moves =
    c.rankChange === null
      ? 'không so sánh được thứ hạng'
      : c.rankChange > 0
        ? `tăng ${c.rankChange} bậc`
        : c.rankChange < 0
          ? `giảm ${-c.rankChange} bậc`
          : 'giữ nguyên thứ hạng';
  return [`So với ${previousLabel ?? 'kỳ trước'}`, `${points}; ${moves}`];
}

function whyText(reason: ResultsReason | null, names: ReadonlyMap<string, string>): string {
  if (!reason) return 'Kết quả được tính lại.';
  switch (reason.trigger) {
    case 'close':
      return 'Kết quả công bố khi kết thúc thời gian thẩm định.';
    case 'late':
      return `Tính lại vì báo cáo của ${names.get(reason.unitId) ?? reason.unitId} được phê duyệt sau khi kết thúc thời gian thẩm định, ở vòng thẩm định ${reason.round}.`;
    case 'admin':
      return `Tính lại theo yêu cầu của Phòng Nội vụ, lần ${reason.n}, sau khi cập nhật điểm khảo sát, điểm thưởng hoặc điểm trừ.`;
  }
}

function forUnit(before: ResultsVersionFacts, after: ResultsVersionFacts): string {
  const was = `${percentOf(before.line)}, xếp hạng ${rankOf(before)}`;
  const now = `${percentOf(after.line)}, xếp hạng ${rankOf(after)}`;
  return was === now ? `Kết quả của đơn vị không đổi: ${now}.` : `Kết quả của đơn vị: ${was} → ${now}.`;
}

/** The page's model from the published versions of the period. */
export function unitResultsView(input: UnitResultsInput): UnitResultsView {
  const current = input.versions.at(-1);
  if (!current) throw new RangeError('unitResultsView: no published version');
  const line = current.line;
  const facts: [string, string][] = [
    [
      'Tổng điểm',
      line.total === null ? '—' : `${formatPoints(line.total)} / ${formatPoints(input.setMax)} điểm`,
    ],
    ['Tỷ lệ', percentOf(line)],
    ['Xếp loại', line.band ? BAND_LABELS[line.band] : '—'],
    [`Xếp hạng trong ${input.groupLabel}`, rankOf(current)],
  ];
  for (const flag of line.flags) facts.push(['Ghi chú', FLAG_LABELS[flag]]);
  const change = changeText(line, input.previousLabel);
  if (change) facts.push(change);

  const approved = input.groupLines.filter((l) => l.status === 'approved' && l.band);
  const distribution: BandShare[] = BANDS.map((band) => ({
    label: BAND_LABELS[band],
    count: approved.filter((l) => l.band === band).length,
    mine: line.status === 'approved' && line.band === band,
  }));
  for (const [status, label] of [
    ['not-submitted', FLAG_LABELS['khong-nop-bao-cao']],
    ['submitted-not-appraised', FLAG_LABELS['chua-tham-dinh']],
  ] as const) {
    const count = input.groupLines.filter((l) => l.status === status).length;
    if (count > 0) distribution.push({ label, count, mine: line.status === status });
  }

  const history = input.versions
    .slice(1)
    .map((after, i) => {
      const before = input.versions[i] ?? after;
      return {
        version: after.version,
        ...(after.publishedAt ? { publishedAt: after.publishedAt } : {}),
        why: whyText(after.reason, input.unitNames),
        forUnit: forUnit(before, after),
      };
    })
    .reverse();
  return {
    periodLabel: input.periodLabel,
    groupLabel: input.groupLabel,
    version: current.version,
    ...(current.publishedAt ? { publishedAt: current.publishedAt } : {}),
    facts,
    distribution,
    groupSize: input.groupLines.length,
    bandsNote: bandsNote(input.bands),
    history,
  };
}

/** The results inside the unit's report page (and on its own page). */
export function resultsSection(view: UnitResultsView): Html {
  const top = Math.max(1, ...view.distribution.map((d) => d.count));
  const rows = view.distribution
    .map(
      (d) =>
        `<tr${d.mine ? ' class="mine"' : ''}><th scope="row">${e(d.label)}${d.mine ? ' <span class="badge">Đơn vị của bạn</span>' : ''}</th><td>${e(d.count)}</td><td><meter min="0" max="${e(top)}" value="${e(d.count)}" aria-hidden="true"></meter></td></tr>`,
    )
    .join('');
  const history = view.history.length
    ? `<h3>Các lần công bố lại</h3><ul class="history">${view.history
        .map(
          (h) =>
            `<li><strong>Phiên bản ${e(h.version)}</strong>${h.publishedAt ? `, ${e(dateTime(h.publishedAt))}` : ''}: ${e(h.why)} ${e(h.forUnit)}</li>`,
        )
        .join('')}</ul>`
    : '';
  return `<section class="results" id="ket-qua"><h2>Kết quả ${e(view.periodLabel)}</h2>
<p class="muted">Phiên bản ${e(view.version)}${view.publishedAt ? `, công bố ${e(dateTime(view.publishedAt))}` : ''}.</p>
<dl class="facts">${view.facts.map(([k, v]) => `<div><dt>${e(k)}</dt><dd>${e(v)}</dd></div>`).join('')}</dl>
<h3>Phân bố xếp loại trong ${e(view.groupLabel)}: ${e(view.groupSize)} đơn vị</h3>
<div class="table-wrap"><table class="distribution"><thead><tr><th scope="col">Xếp loại</th><th scope="col">Số đơn vị</th><th scope="col"><span class="visually-hidden">Tỷ lệ</span></th></tr></thead><tbody>${rows}</tbody></table></div>
<p class="muted">${e(view.bandsNote)}</p>
${history}</section>`;
}

export interface UnitResultsPageModel {
  authority: string;
  unitName: string;
  view: UnitResultsView;
}

/** The results on a page of their own (a link that outlives the report's). */
export function renderUnitResultsPage(m: UnitResultsPageModel): Html {
  return layout({
    title: `Kết quả ${m.view.periodLabel} – ${m.unitName}`,
    header: m.authority,
    body: `<h1>Kết quả thi đua cải cách hành chính</h1>
<p><strong>${e(m.unitName)}</strong></p>
${resultsSection(m.view)}`,
  });
}
