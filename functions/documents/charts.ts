/**
 * Charts for the admin's results page, rendered on the server as SVG: no script, no external
 * resource, the same bytes for the same input. Each is an image with a title and a description
 * (role="img"), and every bar or point carries its value as text, so nothing is told by colour
 * alone. Every string from the district's data is escaped.
 *
 * Each chart comes in two layouts: `wide` (640 units across, the default: the desktop page and
 * any document), and `narrow` (340 across, drawn 1:1 on a 375 px phone whose page leaves 343 px)
 * where bars run sideways, one row each, long labels wrap above their bar, and no text is smaller
 * than 12 px — the wide layout scaled down to a phone drew its 11–12 px text at 6 px.
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
/** The narrow layout's width: a 375 px phone's page is 343 px across (1 rem padding each side). */
export const NARROW_W = 340;
export type ChartLayout = 'wide' | 'narrow';
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

function svg(id: string, height: number, title: string, desc: string, body: string[], width = W): string {
  const sid = safeId(id);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ` +
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

/**
 * Words in lines of at most `max` characters (a word longer than a line is cut), at most
 * `maxLines` of them, the last ending "…" when more was left.
 */
function wrapWords(label: string, max: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/).filter((w) => w !== '')) {
    for (let rest = word; rest !== ''; ) {
      const room = line ? max - line.length - 1 : max;
      if (rest.length <= room) {
        line = line ? `${line} ${rest}` : rest;
        rest = '';
      } else if (line) {
        lines.push(line);
        line = '';
      } else {
        lines.push(rest.slice(0, max));
        rest = rest.slice(max);
      }
    }
  }
  if (line) lines.push(line);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1] ?? '';
  kept[maxLines - 1] = `${last.length < max ? last : last.slice(0, max - 1)}…`;
  return kept;
}

/** A text of one or more lines, `lineHeight` apart, its first baseline at `y`. */
function textLines(
  x: number,
  y: number,
  lines: readonly string[],
  lineHeight: number,
  attrs: string,
): string {
  return `<text x="${x}" y="${y}" ${attrs}>${lines
    .map((l, i) => `<tspan x="${x}"${i ? ` dy="${lineHeight}"` : ''}>${e(l)}</tspan>`)
    .join('')}</text>`;
}

/**
 * The narrow layout's title (15 px bold) and an optional note under it (12 px), wrapped to the
 * width: the body and the first y below them.
 */
function narrowHead(title: string, note = ''): { body: string[]; y: number } {
  const titleLines = wrapWords(title, 34, 4);
  const body = [textLines(16, 22, titleLines, 19, 'font-size="15" font-weight="bold"')];
  let y = 22 + (titleLines.length - 1) * 19 + 8;
  if (note) {
    const noteLines = wrapWords(note, 46, 3);
    body.push(textLines(16, y + 14, noteLines, 16, 'font-size="12"'));
    y += 14 + (noteLines.length - 1) * 16 + 6;
  }
  return { body, y: y + 10 };
}

/** A note under a narrow chart (12 px, wrapped): its text and the height it takes. */
function narrowFoot(y: number, note: string): { body: string[]; height: number } {
  if (!note) return { body: [], height: 0 };
  const lines = wrapWords(note, 46, 4);
  return { body: [textLines(16, y + 14, lines, 16, 'font-size="12"')], height: 14 + lines.length * 16 };
}

/**
 * Sideways bars for the narrow layout, one row a category: its label on the left (`labelWidth`),
 * the bar, its count in bold after the bar's end.
 */
function narrowRows(
  items: readonly { label: string; count: number }[],
  top: number,
  labelWidth: number,
): { body: string[]; bottom: number } {
  const left = 16 + labelWidth;
  const plotWidth = NARROW_W - left - 48;
  const max = Math.max(1, ...items.map((i) => i.count));
  const rowHeight = 26;
  const body = [
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + items.length * rowHeight}" stroke="${INK}"/>`,
  ];
  items.forEach((item, i) => {
    const y = top + i * rowHeight;
    const w = scale(fraction(item.count), max, plotWidth);
    body.push(text(16, y + 17, item.label, 'font-size="12"'));
    if (w > 0) body.push(rect(left, y + 5, w, 16));
    body.push(
      text(
        Math.round((left + w + 6) * 10) / 10,
        y + 17,
        String(item.count),
        'font-size="12" font-weight="bold"',
      ),
    );
  });
  return { body, bottom: top + items.length * rowHeight };
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

/** A whole narrow chart of sideways bars: title, one row a category, the note under them. */
function narrowBars(
  id: string,
  title: string,
  desc: string,
  items: readonly { label: string; count: number }[],
  labelWidth: number,
  note: string,
): string {
  const head = narrowHead(title);
  const rows = narrowRows(items, head.y, labelWidth);
  const foot = narrowFoot(rows.bottom + 4, note);
  return svg(
    `${id}-hep`,
    rows.bottom + 4 + foot.height + 12,
    title,
    desc,
    [...head.body, ...rows.body, ...foot.body],
    NARROW_W,
  );
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
  options: { id?: string; binWidth?: number; groupTitle?: string; layout?: ChartLayout } = {},
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
  const id = options.id ?? `phan-bo-${group}`;
  if (options.layout === 'narrow') {
    return narrowBars(
      id,
      title,
      desc,
      bins.map((b) => ({ label: `${b.from}–${b.to} %`, count: b.count })),
      56,
      `Số đơn vị theo khoảng tỷ lệ điểm. ${leftOut(lines)}`.trim(),
    );
  }
  const body = [
    text(16, 24, title, 'font-size="15" font-weight="bold"'),
    ...columns(
      bins.map((b) => ({ label: `${b.from}–${b.to}`, count: b.count })),
      48,
      220,
      `Tỷ lệ điểm (%). ${leftOut(lines)}`.trim(),
    ),
  ];
  return svg(id, 330, title, desc, body);
}

/** Units per band, best band first; only appraised units are counted. */
export function bandCountsSvg(
  results: PeriodResults | AggregateResults,
  group: UnitGroup,
  options: { id?: string; groupTitle?: string; layout?: ChartLayout } = {},
): string {
  const lines = linesOf(results, group);
  const counted = lines.filter((l) => l.band !== null && !l.notReported);
  const counts = bandCounts(counted);
  const title = `Số đơn vị theo xếp loại – ${options.groupTitle ?? groupNames().title[group]}, ${scopeText(results)}`;
  const desc =
    `${counted.length} đơn vị: ${BAND_ORDER.map((b) => `${BAND_LABELS[b]}: ${counts[b]}`).join('; ')}. ${leftOut(lines)}`.trimEnd();
  const id = options.id ?? `xep-loai-${group}`;
  if (options.layout === 'narrow') {
    const items = BAND_ORDER.map((b) => ({ label: BAND_LABELS[b], count: counts[b] }));
    return narrowBars(id, title, desc, items, 76, leftOut(lines));
  }
  const body = [
    text(16, 24, title, 'font-size="15" font-weight="bold"'),
    ...columns(
      BAND_ORDER.map((b) => ({ label: BAND_LABELS[b], count: counts[b] })),
      48,
      220,
      leftOut(lines),
    ),
  ];
  return svg(id, 330, title, desc, body);
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
  options: { id?: string; bands?: readonly BandThreshold[]; layout?: ChartLayout } = {},
): string {
  if (options.layout === 'narrow') return narrowTrend(unitName, points, options);
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

/**
 * The trend in the narrow layout: a row a period, top to bottom, its percentage as a sideways
 * bar with the value after it, and the band thresholds as labelled dashed lines down the rows.
 */
function narrowTrend(
  unitName: string,
  points: readonly TrendPoint[],
  options: { id?: string; bands?: readonly BandThreshold[] },
): string {
  const title = `Diễn biến tỷ lệ điểm qua các kỳ – ${unitName}`;
  const head = narrowHead(title);
  const left = 16 + 84;
  const track = 170;
  const rowHeight = 24;
  const top = head.y + 10;
  const bottom = top + points.length * rowHeight;
  const thresholds = (options.bands ?? DEFAULT_BANDS).filter((t) => t.minPercent > 0);
  // The bars first, the thresholds' dashed lines over them (where a bar crosses one shows), the
  // words last, over both.
  const bars = [`<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="${INK}"/>`];
  const lines: string[] = [];
  const body: string[] = [];
  for (const t of thresholds) {
    const tx = Math.round((left + scale(decimalToFraction(t.minPercent), 100, track)) * 10) / 10;
    lines.push(
      `<line x1="${tx}" y1="${top}" x2="${tx}" y2="${bottom}" stroke="${GRID}" stroke-dasharray="4 3"/>`,
    );
    body.push(
      text(
        tx,
        top - 4,
        String(t.minPercent).replace('.', ','),
        'text-anchor="middle" font-size="12" fill="#555"',
      ),
    );
  }
  const described: string[] = [];
  points.forEach((p, i) => {
    const y = top + i * rowHeight;
    const name = periodShort(p.periodId);
    body.push(text(16, y + 16, name, 'font-size="12"'));
    if (p.status === 'submitted-not-appraised' || !p.percent) {
      body.push(text(left + 6, y + 16, FLAG_LABELS['chua-tham-dinh'], 'font-size="12"'));
      described.push(`${name}: ${FLAG_LABELS['chua-tham-dinh']}`);
      return;
    }
    const label = p.status === 'not-submitted' ? `0 % (${FLAG_LABELS['khong-nop-bao-cao']})` : pct(p.percent);
    const w = scale(p.percent, 100, track);
    if (w > 0) bars.push(rect(left, y + 4, w, 16));
    body.push(text(Math.round((left + w + 6) * 10) / 10, y + 16, label, 'font-size="12" font-weight="bold"'));
    described.push(`${name}: ${label}`);
  });
  const quarterly = points.some((p) => /Q[1-4]$/.test(p.periodId));
  const sorted = [...thresholds].sort((a, b) => a.minPercent - b.minPercent);
  const foot = narrowFoot(
    bottom + 4,
    `Tỷ lệ điểm (%) theo ${quarterly ? 'quý' : 'kỳ'}; đường nét đứt: ngưỡng xếp loại (${sorted
      .map((t) => `${BAND_LABELS[t.band]} ${String(t.minPercent).replace('.', ',')}`)
      .join(', ')}).`,
  );
  const desc = `${unitName}, tỷ lệ điểm từng kỳ: ${described.join('; ')}.`;
  return svg(
    `${options.id ?? 'dien-bien'}-hep`,
    bottom + 4 + foot.height + 12,
    title,
    desc,
    [...head.body, ...bars, ...lines, ...body, ...foot.body],
    NARROW_W,
  );
}

/** Each reform area's mean across the group's appraised units as a share of its maximum. */
export function areaAveragesSvg(
  results: PeriodResults,
  set: CriteriaSet,
  appraisals: AppraisalsByUnit,
  group: UnitGroup,
  options: { id?: string; groupTitle?: string; layout?: ChartLayout } = {},
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
  const title = `Tỷ lệ điểm bình quân theo lĩnh vực – ${options.groupTitle ?? groupNames().title[group]}, ${scopeText(results)}`;
  const note = 'Điểm bình quân của các đơn vị được thẩm định so với điểm tối đa của lĩnh vực';
  const rows = averages.map((a) => {
    const weak = weakest.get(a.area.id) ?? '';
    return {
      name: `${a.area.id}. ${a.area.name}`,
      share: a.share,
      value: `${a.share ? pct(a.share) : 'không có số liệu'}${weak}`,
    };
  });
  const desc = `${rows.map((r) => `${r.name}: ${r.value}`).join('; ')}.`;
  const id = options.id ?? `linh-vuc-${group}`;
  if (options.layout === 'narrow') {
    // Each area's name above its bar, wrapped; the value and the mark after the bar.
    const head = narrowHead(title, note);
    const track = 150;
    const body = [...head.body];
    let y = head.y;
    for (const r of rows) {
      const nameLines = wrapWords(r.name, 46, 3);
      body.push(textLines(16, y + 12, nameLines, 16, 'font-size="12"'));
      y += 12 + (nameLines.length - 1) * 16 + 6;
      body.push(rect(16, y, track, 16, '#e6e6e6'));
      if (r.share) body.push(rect(16, y, scale(r.share, 100, track), 16));
      body.push(text(16 + track + 6, y + 13, r.value, 'font-size="12" font-weight="bold"'));
      y += 16 + 14;
    }
    return svg(`${id}-hep`, y + 4, title, desc, body, NARROW_W);
  }
  const left = 16 + 290;
  const plotWidth = W - left - 140;
  const rowHeight = 36;
  const top = 56;
  const body = [
    text(16, 24, title, 'font-size="15" font-weight="bold"'),
    text(16, 42, note, 'font-size="12"'),
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    body.push(labelLines(16, y, r.name, 46));
    body.push(rect(left, y + 6, plotWidth, 20, '#e6e6e6'));
    if (r.share) body.push(rect(left, y + 6, scale(r.share, 100, plotWidth), 20));
    body.push(text(left + plotWidth + 6, y + 20, r.value, 'font-size="12" font-weight="bold"'));
  });
  const height = top + rows.length * rowHeight + 16;
  return svg(id, height, title, desc, body);
}
