/**
 * Results pages: the ranking of a period (any published version), a year or the phase, per
 * group — rank, total, percentage, band, change against the previous period, flags — with the
 * version's history (when, why, which units changed), the charts rendered on the server as SVG
 * (functions/documents/charts.ts), and the downloads. The index lists what has results.
 */
import { type AggregateResults, type AggregateUnitResult, missedEveryPeriod } from '#domain/aggregate';
import { formatDate } from '#domain/calendar';
import type { CriteriaSet, IsoInstant, Period, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS, UNIT_GROUPS } from '#domain/model';
import { formatPoints } from '#domain/points';
import type { BandThreshold, UnitChange } from '#domain/ranking';
import type { PeriodResults, UnitPeriodResult } from '#domain/scoring';
import {
  areaAveragesSvg,
  bandCountsSvg,
  type ChartLayout,
  scoreDistributionSvg,
} from '#functions/documents/charts';
import { periodLabel as periodInWords } from '#functions/documents/format';
import { bandsNote } from '#functions/documents/sheet-model';
import type { AppraisalsByUnit } from '#functions/documents/types';
import { periodStateText } from './admin-dashboard.ts';
import {
  type AdminFrame,
  adminPage,
  type Crumb,
  chartFigure,
  groupTitles,
  linkOr,
  percentPointsText,
  percentText,
  pointsText,
  scrollTable,
} from './admin-frame.ts';
import type { PeriodState } from './admin-progress.ts';
import { adminHref, type SummaryFormat } from './admin-routes.ts';
import { dateTime, e, type Html, periodLabel } from './pages.ts';

/** Why a results version was computed (the trigger of its scoring run). */
export type VersionReason =
  | { kind: 'close' }
  | { kind: 'late'; unitName: string; round: number }
  | { kind: 'admin'; n: number; by?: string }
  | { kind: 'unknown' };

export interface VersionInfo {
  version: number;
  publishedAt: IsoInstant;
  /** Names of the units whose line differs from the version before; `all` for version 1. */
  changed: 'all' | string[];
  reason: VersionReason;
}

export type ResultsScope =
  | { kind: 'period'; period: Period }
  | { kind: 'year'; year: number; periods: Period[] }
  | { kind: 'phase'; id: string; periods: Period[] };

export interface ResultsPageModel {
  frame: AdminFrame;
  scope: ResultsScope;
  results: PeriodResults | AggregateResults;
  /** A period's versions, oldest first (empty for a year or the phase). */
  versions: VersionInfo[];
  /** For the reform-area chart of a period: the sets and appraised leaves scoring used. */
  areas?: { setsByGroup: Partial<Record<UnitGroup, CriteriaSet>>; appraisals: AppraisalsByUnit };
  groupLabels?: Record<UnitGroup, string>;
  /** The district's band thresholds, said under the heading (DOMAIN.md's when absent). */
  bands?: readonly BandThreshold[];
}

export function reasonText(reason: VersionReason): string {
  switch (reason.kind) {
    case 'close':
      return 'Kết quả khi kết thúc thẩm định';
    case 'late':
      return `Báo cáo của ${reason.unitName} được phê duyệt sau khi kết thúc thẩm định (vòng ${reason.round})`;
    case 'admin':
      return `Quản trị tính lại lần ${reason.n}${reason.by ? ` (${reason.by})` : ''}`;
    default:
      return 'Không ghi lý do';
  }
}

function scopeTitle(scope: ResultsScope): string {
  if (scope.kind === 'period') return `Kết quả ${periodLabel(scope.period.id)}`;
  if (scope.kind === 'year') return `Kết quả năm ${scope.year}`;
  return `Kết quả giai đoạn ${scope.id}`;
}

/** "Tăng 2 bậc", in words, so nothing is told by an arrow alone. */
function placesText(change: UnitChange | null): string {
  const r = change?.rankChange ?? null;
  if (r === null) return '—';
  if (r === 0) return 'Giữ nguyên';
  return r > 0 ? `Tăng ${r} bậc` : `Giảm ${-r} bậc`;
}

function changeCells(change: UnitChange | null): Html {
  const pp = change?.percentPoints ?? null;
  const cls = pp ? (pp.num > 0n ? ' change-up' : pp.num < 0n ? ' change-down' : '') : '';
  return `<td class="num${cls}">${e(percentPointsText(pp))}</td><td>${e(placesText(change))}</td>`;
}

function periodNotes(u: UnitPeriodResult): string {
  const notes: string[] = u.flags.map((f) => FLAG_LABELS[f]);
  const b = u.breakdown;
  if (b?.rescaled) notes.push('Không có khảo sát: quy đổi');
  if (b && b.bonusCounted > 0) notes.push(`Thưởng ${formatPoints(b.bonusCounted)}`);
  if (b && b.penaltyCounted > 0) notes.push(`Trừ ${formatPoints(b.penaltyCounted)}`);
  return notes.join('; ');
}

function aggregateNotes(u: AggregateUnitResult): string {
  return u.flags
    .map((f) => {
      const which = f === 'khong-nop-bao-cao' ? u.missedPeriods : u.pendingPeriods;
      return which.length ? `${FLAG_LABELS[f]}: ${which.map(periodLabel).join(', ')}` : FLAG_LABELS[f];
    })
    .join('; ');
}

const rankText = (rank: number | null) => (rank === null ? '—' : String(rank));

/**
 * A period's rank cell: a unit without a report shares the place after the last appraised unit;
 * it reads "Cuối khối" (DOMAIN.md: "ranked last in its group"), as in its mail, not a bare number
 * that reads as first when nobody in the group was appraised.
 */
const periodRankText = (u: PeriodResults['units'][number]) =>
  u.flags.includes('khong-nop-bao-cao') ? 'Cuối khối' : rankText(u.rank);

/**
 * Whether a line's rank is the shared last place of units without a report rather than a place
 * earned: in a period, the unit did not report; in a year or the phase, it missed every period
 * (one that missed only some is ranked by its mean, the missed periods counting 0).
 */
export function lastPlaceByRule(u: UnitPeriodResult | AggregateUnitResult): boolean {
  if (!u.flags.includes('khong-nop-bao-cao')) return false;
  return 'missedPeriods' in u ? missedEveryPeriod(u) : true;
}

/** A year's or the phase's rank cell: "Cuối khối" for a unit that missed every period, as a period's page reads. */
const aggregateRankText = (u: AggregateUnitResult) => (lastPlaceByRule(u) ? 'Cuối khối' : rankText(u.rank));

/**
 * A unit's name, linked to its history for an admin; a leader's session opens the results pages
 * only, so a link there would lead to a refusal.
 */
function unitName(frame: AdminFrame, u: { unitId: string; name: string }): Html {
  return linkOr(frame.viewer.kind === 'admin' ? adminHref.unit(u.unitId) : undefined, u.name);
}

function periodTable(frame: AdminFrame, results: PeriodResults, group: UnitGroup, label: string): Html {
  const units = results.units.filter((u) => u.group === group);
  const previous = units.find((u) => u.change)?.change?.previousId;
  const rows = units
    .map(
      (u) =>
        `<tr><td class="num">${e(periodRankText(u))}</td><th scope="row">${unitName(frame, u)}</th><td class="num">${e(pointsText(u.totalExact))}</td><td class="num">${e(
          percentText(u.percent),
        )}</td><td>${e(u.band ? BAND_LABELS[u.band] : '—')}</td>${previous ? changeCells(u.change) : ''}<td>${e(
          periodNotes(u),
        )}</td></tr>`,
    )
    .join('\n');
  const changeHead = previous
    ? `<th scope="col">± điểm % so với ${e(periodLabel(previous))}</th><th scope="col">± thứ hạng</th>`
    : '';
  return scrollTable(
    `Xếp hạng ${label}`,
    `<table><caption class="visually-hidden">Xếp hạng ${e(label)}</caption>
<thead><tr><th scope="col">Hạng</th><th scope="col">Đơn vị</th><th scope="col">Tổng điểm</th><th scope="col">Tỷ lệ</th><th scope="col">Xếp loại</th>${changeHead}<th scope="col">Ghi chú</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

function aggregateTable(frame: AdminFrame, results: AggregateResults, group: UnitGroup, label: string): Html {
  const units = results.units.filter((u) => u.group === group);
  const previous = units.find((u) => u.change)?.change?.previousId;
  // A phase has a dozen periods or more: their columns would not fit, the notes name the missed ones.
  const perPeriod = results.kind === 'year' ? results.periodIds : [];
  const rows = units
    .map((u) => {
      const cells = perPeriod
        .map((id) => {
          const p = u.periods.find((x) => x.periodId === id);
          const text =
            !p || p.status === 'not-submitted'
              ? '0,00 %'
              : p.status === 'submitted-not-appraised'
                ? FLAG_LABELS['chua-tham-dinh']
                : percentText(p.percent);
          return `<td class="num">${e(text)}</td>`;
        })
        .join('');
      return `<tr><td class="num">${e(aggregateRankText(u))}</td><th scope="row">${unitName(frame, u)}</th>${cells}<td class="num">${e(percentText(u.percent))}</td><td>${e(
        u.band ? BAND_LABELS[u.band] : '—',
      )}</td>${previous ? changeCells(u.change) : ''}<td>${e(aggregateNotes(u))}</td></tr>`;
    })
    .join('\n');
  const changeHead = previous
    ? `<th scope="col">± điểm % so với năm ${e(previous)}</th><th scope="col">± thứ hạng</th>`
    : '';
  return scrollTable(
    `Xếp hạng ${label}`,
    `<table><caption class="visually-hidden">Xếp hạng ${e(label)}</caption>
<thead><tr><th scope="col">Hạng</th><th scope="col">Đơn vị</th>${perPeriod
      .map((id) => `<th scope="col">${e(periodLabel(id))}</th>`)
      .join(
        '',
      )}<th scope="col">Tỷ lệ bình quân</th><th scope="col">Xếp loại</th>${changeHead}<th scope="col">Ghi chú</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

function groupSummary(results: PeriodResults | AggregateResults, group: UnitGroup): Html {
  const units: (UnitPeriodResult | AggregateUnitResult)[] = results.units.filter((u) => u.group === group);
  // A place earned by the score, and the shared last place of units without a report: together
  // the n of "r/n" a unit reads in its letter and pages.
  const byScore = units.filter((u) => u.rank !== null && !lastPlaceByRule(u)).length;
  const lastByRule = units.filter((u) => u.rank !== null && lastPlaceByRule(u)).length;
  // In a year or the phase a unit that missed some periods, not all, holds the place its mean
  // earned (a missed period counts 0): a part of the units ranked by score, so the counts add up.
  const missedSome = units.filter(
    (u) => u.rank !== null && !lastPlaceByRule(u) && u.flags.includes('khong-nop-bao-cao'),
  ).length;
  const pending = units.filter((u) => u.flags.includes('chua-tham-dinh')).length;
  const item = (label: string, n: number) => `<li>${e(label)}: <strong>${n}</strong></li>`;
  return `<ul class="counts">${[
    item('Đơn vị', units.length),
    `<li>Xếp hạng theo điểm: <strong>${byScore}</strong>${
      results.kind !== 'period' && missedSome > 0
        ? ` (trong đó <strong>${missedSome}</strong> ${e(FLAG_LABELS['khong-nop-bao-cao'].toLowerCase())} ở một số kỳ, kỳ đó tính 0 điểm)`
        : ''
    }</li>`,
    item(
      results.kind === 'period'
        ? `${FLAG_LABELS['khong-nop-bao-cao']}, xếp cuối khối`
        : `${FLAG_LABELS['khong-nop-bao-cao']} kỳ nào, xếp cuối khối`,
      lastByRule,
    ),
    item(FLAG_LABELS['chua-tham-dinh'], pending),
  ].join('')}</ul>`;
}

/** The group's charts, titled with the group's name as the page's heading reads it, in both layouts. */
function charts(m: ResultsPageModel, group: UnitGroup, groupTitle: string): Html {
  const both = (draw: (layout: ChartLayout) => string) => chartFigure(draw('wide'), draw('narrow'));
  const out = [
    both((layout) => scoreDistributionSvg(m.results, group, { groupTitle, layout })),
    both((layout) => bandCountsSvg(m.results, group, { groupTitle, layout })),
  ];
  const set = m.areas?.setsByGroup[group];
  const areas = m.areas;
  if (m.results.kind === 'period' && areas && set) {
    const results = m.results;
    out.push(
      both((layout) => areaAveragesSvg(results, set, areas.appraisals, group, { groupTitle, layout })),
    );
  }
  return out.join('\n');
}

function versionsSection(m: ResultsPageModel): Html {
  if (m.scope.kind !== 'period' || m.versions.length === 0) return '';
  const periodId = m.scope.period.id;
  const shown = m.results.version;
  const latest = Math.max(...m.versions.map((v) => v.version));
  const items = [...m.versions]
    .reverse()
    .map((v) => {
      const changed =
        v.changed === 'all'
          ? 'lần công bố đầu tiên'
          : v.changed.length === 0
            ? 'không đơn vị nào thay đổi'
            : `thay đổi: ${v.changed.join(', ')}`;
      const label = `Phiên bản ${v.version}`;
      const head =
        v.version === shown
          ? `<strong aria-current="page">${e(label)}</strong>`
          : `<a href="${e(adminHref.periodResults(periodId, v.version))}">${e(label)}</a>`;
      return `<li>${head} – công bố ${e(dateTime(v.publishedAt))}; ${e(reasonText(v.reason))}; ${e(changed)}</li>`;
    })
    .join('');
  const stale =
    shown < latest
      ? `<div class="notice warn" role="status"><p>Đây là phiên bản ${shown}, không phải phiên bản mới nhất. <a href="${e(
          adminHref.periodResults(periodId, latest),
        )}">Xem phiên bản ${latest}</a>.</p></div>`
      : '';
  return `${stale}<h2>Các phiên bản kết quả</h2><ul>${items}</ul>`;
}

function downloads(m: ResultsPageModel): Html {
  const links: [string, string][] = [];
  if (m.scope.kind === 'period') {
    const id = m.scope.period.id;
    const v = m.results.version;
    links.push(
      [adminHref.periodSummary(id, 'xlsx', v), 'Bảng tổng hợp điểm (XLSX)'],
      [adminHref.periodSummary(id, 'csv', v), 'Bảng tổng hợp điểm (CSV)'],
      [adminHref.periodSummary(id, 'html', v), 'Bảng tổng hợp điểm (bản in)'],
      [adminHref.periodReport(id, 'docx', v), 'Báo cáo kết quả (DOCX)'],
      [adminHref.periodReport(id, 'html', v), 'Báo cáo kết quả (bản in)'],
    );
  } else {
    const year = m.scope.kind === 'year' ? m.scope.year : undefined;
    const href = (f: SummaryFormat) =>
      year === undefined ? adminHref.phaseSummary(f) : adminHref.yearSummary(year, f);
    links.push(
      [href('xlsx'), 'Bảng tổng hợp điểm (XLSX)'],
      [href('csv'), 'Bảng tổng hợp điểm (CSV)'],
      [href('html'), 'Bảng tổng hợp điểm (bản in)'],
    );
  }
  return `<h2>Tải về</h2><ul class="downloads">${links
    .map(([href, label]) => `<li><a href="${e(href)}">${e(label)}</a></li>`)
    .join('')}</ul>`;
}

/** A results page in the admin's frame, under *Kết quả*. */
function resultsFrame(frame: AdminFrame, title: string, body: Html): Html {
  const crumbs: Crumb[] = [{ label: 'Kết quả', href: adminHref.results() }, { label: title }];
  return adminPage(frame, { title, current: 'results', crumbs, body });
}

/** What a year's or the phase's percentage is: the mean over its periods, named. */
function meanOf(periods: readonly Period[]): Html {
  return `<span>Bình quân tỷ lệ điểm của ${periods.length} kỳ: ${e(periods.map((p) => periodLabel(p.id)).join(', '))}</span>`;
}

export function renderResultsPage(m: ResultsPageModel): Html {
  const labels = groupTitles(m.groupLabels ?? m.frame.groupLabels);
  const title = scopeTitle(m.scope);
  const meta =
    m.scope.kind === 'period'
      ? `<span>${e(formatDate(m.scope.period.start))} – ${e(formatDate(m.scope.period.end))}</span><span>Phiên bản ${e(
          m.results.version,
        )}</span>`
      : meanOf(m.scope.periods);
  const groups = UNIT_GROUPS.filter((g) => m.results.units.some((u) => u.group === g))
    .map((g) => {
      const label = labels[g];
      const table =
        m.results.kind === 'period'
          ? periodTable(m.frame, m.results, g, label)
          : aggregateTable(m.frame, m.results, g, label);
      return `<section aria-labelledby="khoi-${g}"><h2 id="khoi-${g}">${e(label)}</h2>
${groupSummary(m.results, g)}
${table}
${charts(m, g, label)}</section>`;
    })
    .join('\n');
  const body = `<h1>${e(title)}</h1>
<div class="meta">${meta}</div>
<p class="muted">Xếp hạng trong từng khối theo tỷ lệ điểm chính xác; tỷ lệ hiển thị làm tròn đến hai chữ số thập phân. ${
    m.scope.kind === 'period'
      ? 'Đơn vị không nộp báo cáo được 0 điểm và xếp cuối khối; đơn vị chưa được thẩm định chưa xếp hạng.'
      : 'Kỳ không nộp báo cáo được tính 0 %; đơn vị không nộp báo cáo kỳ nào xếp cuối khối; đơn vị có kỳ chưa được thẩm định chưa xếp hạng.'
  } ${e(bandsNote(m.bands))}</p>
${versionsSection(m)}
${downloads(m)}
${groups}`;
  return resultsFrame(m.frame, title, body);
}

// ---------------------------------------------------------------- a year or the phase not complete yet

/** "quý IV năm 2022, quý I năm 2023": periods named in words, for a sentence. */
export function periodsInWords(periods: readonly Pick<Period, 'id' | 'year'>[]): string {
  return periods.map((p) => periodInWords(p)).join(', ');
}

/** Why a year or the phase cannot be aggregated yet, naming the periods in words. */
export function missingResultsText(missing: readonly Pick<Period, 'id' | 'year'>[]): string {
  return `Chưa có kết quả của ${periodsInWords(missing)}: chưa thể tổng hợp.`;
}

export interface AggregatePendingModel {
  frame: AdminFrame;
  scope: Extract<ResultsScope, { kind: 'year' | 'phase' }>;
  /** The periods in scope still without results, each with where it stands. */
  missing: { period: Period; state: PeriodState }[];
}

/**
 * A year or the phase while some of its periods have no results: the domain aggregates only over
 * every period (a missed period counts 0, an unpublished one is not known yet), so the page says
 * which periods are still awaited, where each stands, and links to them and to those published.
 */
export function renderAggregatePending(m: AggregatePendingModel): Html {
  const title = scopeTitle(m.scope);
  const whole = m.scope.kind === 'year' ? `năm ${m.scope.year}` : `giai đoạn ${m.scope.id}`;
  const missingIds = new Set(m.missing.map((x) => x.period.id));
  const published = m.scope.periods.filter((p) => !missingIds.has(p.id));
  const dates = (p: Period) => `${formatDate(p.start)} – ${formatDate(p.end)}`;
  const missingItems = m.missing
    .map(
      ({ period, state }) =>
        `<li>${linkOr(m.frame.viewer.kind === 'admin' ? adminHref.period(period.id) : undefined, periodLabel(period.id))} (${e(dates(period))}): ${e(
          periodStateText(period, state, m.frame.now),
        )}</li>`,
    )
    .join('');
  const publishedList = published.length
    ? `<h2>Các kỳ đã có kết quả</h2><ul>${published
        .map(
          (p) =>
            `<li><a href="${e(adminHref.periodResults(p.id))}">${e(periodLabel(p.id))}</a> (${e(dates(p))})</li>`,
        )
        .join('')}</ul>`
    : '';
  const body = `<h1>${e(title)}</h1>
<div class="meta">${meanOf(m.scope.periods)}</div>
<div class="notice warn" role="status"><h2>Chưa đủ kết quả để tổng hợp</h2><p>${e(
    `Chưa có kết quả của ${periodsInWords(m.missing.map((x) => x.period))}. Kết quả ${whole} được tổng hợp khi tất cả các kỳ trong ${
      m.scope.kind === 'year' ? 'năm' : 'giai đoạn'
    } đã được chấm điểm và công bố kết quả.`,
  )}</p></div>
<h2>Các kỳ chưa có kết quả</h2>
<ul>${missingItems}</ul>
${publishedList}`;
  return resultsFrame(m.frame, title, body);
}

// ---------------------------------------------------------------- index

export interface ResultsIndexModel {
  frame: AdminFrame;
  /** Periods of the calendar, each with its latest version when published. */
  periods: { period: Period; latest?: VersionInfo }[];
  /** Years with at least one published period. */
  years: number[];
  phaseId: string;
}

export function renderResultsIndex(m: ResultsIndexModel): Html {
  const rows = m.periods
    .map(
      ({ period, latest }) =>
        `<tr><th scope="row">${
          latest
            ? `<a href="${e(adminHref.periodResults(period.id, latest.version))}">${e(periodLabel(period.id))}</a>`
            : e(periodLabel(period.id))
        }</th><td>${e(formatDate(period.start))} – ${e(formatDate(period.end))}</td><td>${
          latest ? `Phiên bản ${latest.version}, ${e(dateTime(latest.publishedAt))}` : 'Chưa công bố'
        }</td><td>${latest ? e(reasonText(latest.reason)) : ''}</td></tr>`,
    )
    .join('\n');
  // A year or the phase is aggregated only once every period of it has results: say so beside its link.
  const unpublished = (periods: ResultsIndexModel['periods']) => periods.filter((p) => !p.latest);
  const yearItem = (y: number) => {
    const missing = unpublished(m.periods.filter((p) => p.period.year === y));
    const note = missing.length
      ? ` – chưa đủ kết quả để tổng hợp, còn thiếu ${periodsInWords(missing.map((p) => p.period))}`
      : '';
    return `<li><a href="${e(adminHref.yearResults(y))}">Năm ${y}</a>${e(note)}</li>`;
  };
  const phaseMissing = unpublished(m.periods).length;
  const phaseNote = phaseMissing
    ? ` – chưa đủ kết quả để tổng hợp, còn thiếu ${phaseMissing}/${m.periods.length} kỳ`
    : '';
  const body = `<h1>Kết quả thi đua</h1>
<h2>Theo năm và cả giai đoạn</h2>
<ul>${m.years.map(yearItem).join('')}<li><a href="${e(adminHref.phaseResults())}">Giai đoạn ${e(
    m.phaseId,
  )}</a>${e(phaseNote)}</li></ul>
<h2>Theo kỳ báo cáo</h2>
${scrollTable(
  'Kết quả theo kỳ',
  `<table><caption class="visually-hidden">Kết quả theo kỳ báo cáo</caption>
<thead><tr><th scope="col">Kỳ</th><th scope="col">Thời gian</th><th scope="col">Phiên bản mới nhất</th><th scope="col">Lý do</th></tr></thead>
<tbody>${rows}</tbody></table>`,
)}`;
  return adminPage(m.frame, { title: 'Kết quả thi đua', current: 'results', body });
}
