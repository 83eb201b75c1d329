/**
 * Charts for the admin's results page, rendered on the server as SVG: no script, no external
 * resource, the same bytes for the same input. Each is an image with a title and a description
 * (role="img"), and every bar or point carries its value as text, so nothing is told by colour
 * alone. Every string from the district's data is escaped.
 */

import type { AggregateResults } from '#domain/aggregate';
import type { Band, CriteriaSet, Fraction, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS } from '#domain/model';
import {
  compareFractions,
  decimalToFraction,
  divideFraction,
  fraction,
  multiplyFraction,
  roundHalfUp,
} from '#domain/points';
import { BAND_ORDER, type BandThreshold, DEFAULT_BANDS, type UnitStatus } from '#domain/ranking';
import type { PeriodResults } from '#domain/scoring';
import { escapeHtml } from '#web/html';
import { formatHundredths, groupNames, percentHundredths, periodLabel, periodShort } from './format.ts';
import { areaAverages, bandCounts, histogram, weakestAreas } from './stats.ts';
import type { AppraisalsByUnit } from './types.ts';

const e = escapeHtml;
const W = 640;
const FONT = 'Arial, Helvetica, sans-serif';
const BAR = '#2f5f8f';
const INK = '#1a1a1a';
const GRID = '#b8b8b8';

/** A pixel coordinate from an exact fraction: `value / of × px`, rounded half-up to 0.1 px. */
function scale(value: Fraction, of: number, px: number): number {
  return Number(roundHalfUp(divideFraction(multiplyFraction(value, px * 10), BigInt(of)))) / 10;
}

const pct = (f: Fraction) => `${formatHundredths(percentHundredths(f))} %`;

function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-');
}

function svg(id: string, height: number, title: string, desc: string, body: string[]): string {
  const sid = safeId(id);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" ` +
    `role="img" aria-labelledby="${sid}-title ${sid}-desc" font-family="${FONT}" font-size="13" fill="${INK}">\n` +
    `<title id="${sid}-title">${e(title)}</title>\n<desc id="${sid}-desc">${e(desc)}</desc>\n` +
    `${body.join('\n')}\n</svg>\n`
  );
}

const text = (x: number, y: number, content: string, attrs = '') =>
  `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${e(content)}</text>`;
const rect = (x: number, y: number, w: number, h: number, fill = BAR) =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"/>`;
const hline = (x1: number, x2: number, y: number, attrs = `stroke="${GRID}"`) =>
  `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" ${attrs}/>`;

/** A label on one line, or two when longer than `max` characters (split at a space). */
function labelLines(x: number, y: number, label: string, max: number): string {
  if (label.length <= max) return text(x, y + 20, label, 'font-size="12"');
  const cut = label.lastIndexOf(' ', max);
  const at = cut > 0 ? cut : max;
  const first = label.slice(0, at);
  const second = label.slice(at).trim();
  const rest = second.length > max ? `${second.slice(0, max - 1)}…` : second;
  return (
    `<text x="${x}" y="${y + 13}" font-size="12"><tspan x="${x}">${e(first)}</tspan>` +
    `<tspan x="${x}" dy="14">${e(rest)}</tspan></text>`
  );
}

/** One line of a chart's data: what every results kind has in common. */
interface Line {
  name: string;
  percent: Fraction | null;
  band: Band | null;
  /** Without any report in scope (Không nộp báo cáo for the period, or every period of a year). */
  notReported: boolean;
}

function linesOf(results: PeriodResults | AggregateResults, group: UnitGroup): Line[] {
  if (results.kind === 'period') {
    return results.units
      .filter((u) => u.group === group)
      .map((u) => ({
        name: u.name,
        percent: u.percent,
        band: u.band,
        notReported: u.status === 'not-submitted',
      }));
  }
  return results.units
    .filter((u) => u.group === group)
    .map((u) => ({
      name: u.name,
      percent: u.percent,
      band: u.band,
      notReported: u.periods.length > 0 && u.missedPeriods.length === u.periods.length,
    }));
}

/** "quý III năm 2024", "năm 2024", "giai đoạn …": what a chart's title names, in words. */
function scopeText(results: PeriodResults | AggregateResults): string {
  return results.kind === 'period'
    ? periodLabel({ id: results.periodId, year: Number(results.periodId.slice(0, 4)) })
    : `${results.kind === 'year' ? 'năm' : 'giai đoạn'} ${results.scopeId}`;
}

function leftOut(lines: readonly Line[]): string {
  const missing = lines.filter((l) => l.notReported).length;
  const pending = lines.filter((l) => l.percent === null).length;
  const parts = [
    missing > 0 ? `${missing} đơn vị ${FLAG_LABELS['khong-nop-bao-cao'].toLowerCase()}` : '',
    pending > 0 ? `${pending} đơn vị ${FLAG_LABELS['chua-tham-dinh'].toLowerCase()}` : '',
  ].filter((x) => x !== '');
  return parts.length === 0 ? '' : `Không tính ${parts.join(' và ')}.`;
}

/** Vertical bars: one per category, its count written above it. */
function columns(
  items: readonly { label: string; count: number }[],
  top: number,
  plotHeight: number,
  axisLabel: string,
): string[] {
  const left = 48;
  const plotWidth = W - left - 16;
  const max = Math.max(1, ...items.map((i) => i.count));
  const step = plotWidth / items.length;
  const base = top + plotHeight;
  const out = [hline(left, W - 16, base, `stroke="${INK}"`)];
  items.forEach((item, i) => {
    const h = scale(fraction(item.count), max, plotHeight);
    const x = Math.round((left + i * step + step * 0.15) * 10) / 10;
    const w = Math.round(step * 0.7 * 10) / 10;
    out.push(rect(x, Math.round((base - h) * 10) / 10, w, h));
    const cx = Math.round((x + w / 2) * 10) / 10;
    out.push(
      text(
        cx,
        Math.round((base - h - 6) * 10) / 10,
        String(item.count),
        'text-anchor="middle" font-weight="bold"',
      ),
    );
    out.push(text(cx, base + 18, item.label, 'text-anchor="middle" font-size="12"'));
  });
  out.push(text(left, base + 40, axisLabel, 'font-size="12"'));
  return out;
}

/** How the group's percentages spread: units per 10-point bin (the last bin holds 100 %). */
export function scoreDistributionSvg(
  results: PeriodResults | AggregateResults,
  group: UnitGroup,
  options: { id?: string; binWidth?: number; groupTitle?: string } = {},
): string {
  const lines = linesOf(results, group);
  const counted = lines.filter((l) => l.percent !== null && !l.notReported);
  const bins = histogram(
    counted.flatMap((l) => (l.percent ? [l.percent] : [])),
    options.binWidth ?? 10,
  );
  const title = `Phân bố tỷ lệ điểm – ${options.groupTitle ?? groupNames().title[group]}, ${scopeText(results)}`;
  const desc =
    `Số đơn vị theo khoảng tỷ lệ điểm (%), ${counted.length} đơn vị: ` +
    bins.map((b) => `${b.from}–${b.to} %: ${b.count}`).join('; ') +
    `. ${leftOut(lines)}`.trimEnd();
  const body = [
    text(16, 24, title, 'font-size="15" font-weight="bold"'),
    ...columns(
      bins.map((b) => ({ label: `${b.from}–${b.to}`, count: b.count })),
      48,
      220,
      `Tỷ lệ điểm (%). ${leftOut(lines)}`.trim(),
    ),
  ];
  return svg(options.id ?? `phan-bo-${group}`, 330, title, desc, body);
}

/** Units per band, best band first; only appraised units are counted. */
export function bandCountsSvg(
  results: PeriodResults | AggregateResults,
  group: UnitGroup,
  options: { id?: string; groupTitle?: string } = {},
): string {
  const lines = linesOf(results, group);
  const counted = lines.filter((l) => l.band !== null && !l.notReported);
  const counts = bandCounts(counted);
  const title = `Số đơn vị theo xếp loại – ${options.groupTitle ?? groupNames().title[group]}, ${scopeText(results)}`;
  const desc =
    `${counted.length} đơn vị: ${BAND_ORDER.map((b) => `${BAND_LABELS[b]}: ${counts[b]}`).join('; ')}. ${leftOut(lines)}`.trimEnd();
  const body = [
    text(16, 24, title, 'font-size="15" font-weight="bold"'),
    ...columns(
      BAND_ORDER.map((b) => ({ label: BAND_LABELS[b], count: counts[b] })),
      48,
      220,
      leftOut(lines),
    ),
  ];
  return svg(options.id ?? `xep-loai-${group}`, 330, title, desc, body);
}

export interface TrendPoint {
  periodId: string;
  status: UnitStatus;
  percent: Fraction | null;
}

/** A unit's line across periods, from each period's results (a period without its line: not reported). */
export function trendFrom(periods: readonly PeriodResults[], unitId: string): TrendPoint[] {
  return periods.map((r) => {
    const line = r.units.find((u) => u.unitId === unitId);
    return line
      ? { periodId: r.periodId, status: line.status, percent: line.percent }
      : { periodId: r.periodId, status: 'not-submitted', percent: fraction(0) };
  });
}

const ROMAN_QUARTER: Record<string, string> = { Q1: 'I', Q2: 'II', Q3: 'III', Q4: 'IV' };
const HALF_AXIS: Record<string, string> = { H1: '6 tháng đầu', H2: '6 tháng cuối' };

/**
 * A period on the trend's axis, in words that fit 14 periods side by side: the quarter in Roman
 * numerals (or the half), with the year on a second line at the first period of each year — the
 * description names every period in full ("Quý III/2022").
 */
function axisLabel(periodId: string): { part: string; year: string } {
  const m = /^(\d{4})(Q[1-4]|H[12])?$/.exec(periodId);
  if (!m) return { part: periodId, year: '' };
  const suffix = m[2] ?? '';
  return { part: ROMAN_QUARTER[suffix] ?? HALF_AXIS[suffix] ?? '', year: m[1] ?? '' };
}

/** A unit's percentage across periods, with the band thresholds as labelled dashed lines. */
export function unitTrendSvg(
  unitName: string,
  points: readonly TrendPoint[],
  options: { id?: string; bands?: readonly BandThreshold[] } = {},
): string {
  const left = 56;
  const right = W - 88;
  const top = 48;
  const plotHeight = 240;
  const base = top + plotHeight;
  const y = (f: Fraction) => Math.round((base - scale(f, 100, plotHeight)) * 10) / 10;
  const step = points.length > 1 ? (right - left - 60) / (points.length - 1) : 0;
  const x = (i: number) => Math.round((left + 30 + i * step) * 10) / 10;
  const title = `Diễn biến tỷ lệ điểm qua các kỳ – ${unitName}`;
  const body = [text(16, 24, title, 'font-size="15" font-weight="bold"')];
  body.push(hline(left, right, base, `stroke="${INK}"`));
  body.push(text(left - 6, base + 4, '0', 'text-anchor="end" font-size="11"'));
  body.push(hline(left, right, top, `stroke="${GRID}"`));
  body.push(text(left - 6, top + 4, '100', 'text-anchor="end" font-size="11"'));
  for (const t of options.bands ?? DEFAULT_BANDS) {
    if (t.minPercent <= 0) continue;
    const ty = y(decimalToFraction(t.minPercent));
    body.push(hline(left, right, ty, `stroke="${GRID}" stroke-dasharray="4 3"`));
    body.push(
      text(left - 6, ty + 4, String(t.minPercent).replace('.', ','), 'text-anchor="end" font-size="11"'),
    );
    body.push(text(right + 6, ty + 4, BAND_LABELS[t.band], 'font-size="11" fill="#555"'));
  }
  const plotted = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.percent !== null && p.status !== 'submitted-not-appraised');
  // One segment per run of consecutive plotted periods: a period not yet appraised breaks the line.
  const path = plotted
    .map(
      ({ p, i }, k) =>
        `${k > 0 && plotted[k - 1]?.i === i - 1 ? 'L' : 'M'}${x(i)} ${y(p.percent ?? fraction(0))}`,
    )
    .join(' ');
  if (plotted.length > 1) body.push(`<path d="${path}" fill="none" stroke="${BAR}" stroke-width="2"/>`);
  const described: string[] = [];
  points.forEach((p, i) => {
    const axis = axisLabel(p.periodId);
    const newYear = i === 0 || axisLabel(points[i - 1]?.periodId ?? '').year !== axis.year;
    if (axis.part) body.push(text(x(i), base + 16, axis.part, 'text-anchor="middle" font-size="11"'));
    if (newYear) {
      const at = axis.part ? base + 30 : base + 16;
      body.push(text(x(i), at, axis.year, 'text-anchor="middle" font-size="11" font-weight="bold"'));
    }
    const name = periodShort(p.periodId);
    if (p.status === 'submitted-not-appraised' || !p.percent) {
      body.push(text(x(i), base - 8, FLAG_LABELS['chua-tham-dinh'], 'text-anchor="middle" font-size="11"'));
      described.push(`${name}: ${FLAG_LABELS['chua-tham-dinh']}`);
      return;
    }
    // Side by side the values collide ("70,00 %" is ~50 px): in a narrow chart every other one goes
    // below its point — unless that would reach the axis labels — and a missed period reads "0 %"
    // on the plot, its reason in the description.
    const narrow = step < 56;
    const label = p.status === 'not-submitted' ? `0 % (${FLAG_LABELS['khong-nop-bao-cao']})` : pct(p.percent);
    const plotted = narrow && p.status === 'not-submitted' ? '0 %' : label;
    const py = y(p.percent);
    const below = narrow && i % 2 === 1 && py + 19 < base - 14;
    body.push(`<circle cx="${x(i)}" cy="${py}" r="4" fill="${BAR}"/>`);
    body.push(
      text(x(i), py + (below ? 19 : -9), plotted, 'text-anchor="middle" font-size="12" font-weight="bold"'),
    );
    described.push(`${name}: ${label}`);
  });
  const quarterly = points.some((p) => /Q[1-4]$/.test(p.periodId));
  body.push(
    text(
      left,
      base + 52,
      `Tỷ lệ điểm (%) theo ${quarterly ? 'quý' : 'kỳ'}; đường nét đứt: ngưỡng xếp loại.`,
      'font-size="12"',
    ),
  );
  const desc = `${unitName}, tỷ lệ điểm từng kỳ: ${described.join('; ')}.`;
  return svg(options.id ?? 'dien-bien', base + 68, title, desc, body);
}

/** Each reform area's mean across the group's appraised units as a share of its maximum. */
export function areaAveragesSvg(
  results: PeriodResults,
  set: CriteriaSet,
  appraisals: AppraisalsByUnit,
  group: UnitGroup,
  options: { id?: string; groupTitle?: string } = {},
): string {
  const averages = areaAverages(
    set,
    results.units.filter((u) => u.group === group),
    appraisals,
  );
  // The two lowest (and any tied with them): the lowest read "thấp nhất", the next "thấp thứ
  // hai", so that 98,21 % is never called the lowest beside 97,22 %.
  const weakestList = weakestAreas(
    averages.filter((a) => a.area.kind === 'assessed'),
    2,
  );
  const lowestShare = weakestList[0]?.share;
  const weakest = new Map(
    weakestList.map((a) => [
      a.area.id,
      lowestShare && a.share && compareFractions(a.share, lowestShare) === 0
        ? ' (thấp nhất)'
        : ' (thấp thứ hai)',
    ]),
  );
  const left = 16 + 290;
  const plotWidth = W - left - 140;
  const rowHeight = 36;
  const top = 56;
  const title = `Tỷ lệ điểm bình quân theo lĩnh vực – ${options.groupTitle ?? groupNames().title[group]}, ${scopeText(results)}`;
  const body = [
    text(16, 24, title, 'font-size="15" font-weight="bold"'),
    text(
      16,
      42,
      'Điểm bình quân của các đơn vị được thẩm định so với điểm tối đa của lĩnh vực',
      'font-size="12"',
    ),
  ];
  const described: string[] = [];
  averages.forEach((a, i) => {
    const y = top + i * rowHeight;
    const name = `${a.area.id}. ${a.area.name}`;
    body.push(labelLines(16, y, name, 46));
    body.push(rect(left, y + 6, plotWidth, 20, '#e6e6e6'));
    const weak = weakest.get(a.area.id) ?? '';
    const value = a.share ? pct(a.share) : 'không có số liệu';
    if (a.share) body.push(rect(left, y + 6, scale(a.share, 100, plotWidth), 20));
    body.push(text(left + plotWidth + 6, y + 20, `${value}${weak}`, 'font-size="12" font-weight="bold"'));
    described.push(`${name}: ${value}${weak}`);
  });
  const height = top + averages.length * rowHeight + 16;
  const desc = `${described.join('; ')}.`;
  return svg(options.id ?? `linh-vuc-${group}`, height, title, desc, body);
}
