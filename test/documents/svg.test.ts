import { beforeAll, describe, expect, it } from 'vitest';
import { fraction } from '#domain/points';
import {
  areaAveragesSvg,
  bandCountsSvg,
  scoreDistributionSvg,
  trendFrom,
  unitTrendSvg,
} from '#functions/documents/index';
import { type AreaAverage, weakestAreas } from '#functions/documents/stats';
import { demo2024 } from './fixture.ts';
import { balancedTags, decodeXml, must } from './read-back.ts';
import { smallResults, TRICKY_NAME } from './small.ts';

const texts = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decodeXml(m[1] ?? ''));

/** An accessible, self-contained image: role, title and description it points to, nothing run or fetched. */
function expectAccessibleImage(svg: string) {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(balancedTags(svg)).toBe(true);
  expect(svg).toContain('role="img"');
  const labelled = /aria-labelledby="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
  expect(labelled).toHaveLength(2);
  expect(svg).toContain(`<title id="${labelled[0]}">`);
  expect(svg).toContain(`<desc id="${labelled[1]}">`);
  expect(svg).not.toMatch(/<script|href=|<image|url\(|on[a-z]+=/i);
}

describe('SVG charts', { timeout: 30_000 }, () => {
  // Scoring the demo year once (config, four quarters, the year, the commendation) is the slow part.
  beforeAll(() => {
    demo2024();
  }, 60_000);

  it('score distribution: one bar per 10-point bin, counts that add up to the units counted', () => {
    const d = demo2024();
    const q = d.quarters[3];
    if (!q) throw new Error('no Q4');
    const svg = scoreDistributionSvg(q.results, 'commune');
    expectAccessibleImage(svg);
    expect(svg.match(/<rect /g)).toHaveLength(10);
    const labels = texts(svg);
    for (const bin of ['0–10', '50–60', '90–100']) expect(labels).toContain(bin);
    // Counts recomputed here: percentages as exact fractions, bins [a, a+10), the last [90, 100].
    const communes = q.results.units.filter((u) => u.group === 'commune' && u.status === 'approved');
    const counts = Array.from({ length: 10 }, (_, i) =>
      communes.filter((u) => {
        const p = u.percent ?? { num: 0n, den: 1n };
        const low = p.num >= BigInt(i * 10) * p.den;
        const high = i === 9 ? p.num <= 100n * p.den : p.num < BigInt((i + 1) * 10) * p.den;
        return low && high;
      }),
    ).map((list) => list.length);
    const desc = decodeXml(/<desc[^>]*>([^<]*)<\/desc>/.exec(svg)?.[1] ?? '');
    counts.forEach((n, i) => {
      expect(desc).toContain(`${i * 10}–${i * 10 + 10} %: ${n}`);
    });
    expect(counts.reduce((a, b) => a + b, 0)).toBe(communes.length);
  });

  it('band counts: every band written out with its count, units left out said in words', () => {
    const d = demo2024();
    const q3 = d.quarters[2];
    if (!q3) throw new Error('no Q3');
    const svg = bandCountsSvg(q3.results, 'office');
    expectAccessibleImage(svg);
    const labels = texts(svg);
    for (const band of ['Xuất sắc', 'Tốt', 'Khá', 'Trung bình', 'Yếu']) expect(labels).toContain(band);
    const offices = q3.results.units.filter((u) => u.group === 'office' && u.status === 'approved');
    const xuatSac = offices.filter((u) => u.percent && u.percent.num >= 90n * u.percent.den).length;
    expect(decodeXml(svg)).toContain(`Xuất sắc: ${xuatSac}`);
    expect(labels).toContain('Không tính 1 đơn vị chưa thẩm định.');
  });

  it("a unit's trend: a point and its value per period, a gap where it was not appraised", () => {
    const d = demo2024();
    const periods = d.quarters.map((q) => q.results);
    const svg = unitTrendSvg('Phòng Y tế', trendFrom(periods, 'phong-y-te'));
    expectAccessibleImage(svg);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(texts(svg)).toContain('Chưa thẩm định');
    // The line stops before the gap and starts again after it.
    expect(/<path d="M[^"]*M[^"]*"/.test(svg)).toBe(true);
    const missed = unitTrendSvg('Xã Đại Đồng', trendFrom(periods, 'xa-dai-dong'), { id: 'dai-dong' });
    expect(texts(missed)).toContain('0 % (Không nộp báo cáo)');
    // The axis in words, never the period's code: the quarters I–IV, the year once below them.
    const axis = texts(svg);
    expect(axis.filter((t) => ['I', 'II', 'III', 'IV'].includes(t))).toEqual(['I', 'II', 'III', 'IV']);
    expect(axis.filter((t) => t === '2024')).toHaveLength(1);
    expect(axis.join(' ')).not.toMatch(/\d{4}Q\d/);
    expect(decodeXml(svg)).toContain('Quý I/2024: ');
    expect(decodeXml(svg)).not.toMatch(/\d{4}Q\d/);
  });

  it("a phase's trend (14 periods): values clear of the axis, a missed period's reason in the description", () => {
    const ids = Array.from({ length: 14 }, (_, i) => {
      const q = (i + 2) % 4;
      return `${2022 + Math.floor((i + 2) / 4)}Q${q + 1}`;
    });
    const points = ids.map((periodId, i) =>
      i === 7
        ? { periodId, status: 'not-submitted' as const, percent: fraction(0) }
        : { periodId, status: 'approved' as const, percent: fraction(70 + i) },
    );
    const svg = unitTrendSvg('Phòng Tư pháp', points);
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
      y: Number(m[2]),
      text: decodeXml(m[3] ?? ''),
    }));
    const axisTop = Math.min(
      ...labels.filter((l) => ['I', 'II', 'III', 'IV'].includes(l.text)).map((l) => l.y),
    );
    const values = labels.filter((l) => /%$/.test(l.text));
    expect(values).toHaveLength(14);
    // Every value above the quarter labels, and the missed period's one short on the plot.
    for (const v of values) expect(v.y).toBeLessThan(axisTop - 12);
    expect(values.map((v) => v.text)).toContain('0 %');
    expect(decodeXml(svg)).toContain('Quý II/2024: 0 % (Không nộp báo cáo)');
  });

  it("reform areas: each area's share of its maximum, the two weakest marked in words", () => {
    const d = demo2024();
    const q = d.quarters[3];
    if (!q) throw new Error('no Q4');
    const set = must(q.setsByGroup.office, 'office set');
    const svg = areaAveragesSvg(q.results, set, q.inputs, 'office');
    expectAccessibleImage(svg);
    const weakest = texts(svg).filter((t) => / \(thấp (nhất|thứ hai)\)$/.test(t));
    expect(weakest).toHaveLength(2);
    // Only the lower of the two is called the lowest (unless they tie).
    const percent = (t: string) => Number(t.replace(/ %.*$/, '').replace(',', '.'));
    const lowest = weakest.filter((t) => t.endsWith('(thấp nhất)'));
    expect(lowest).toHaveLength(1);
    for (const second of weakest.filter((t) => t.endsWith('(thấp thứ hai)'))) {
      for (const low of lowest) expect(percent(low)).toBeLessThan(percent(second));
    }
    expect(decodeXml(svg)).toContain(`${set.areas.length}. ${set.areas[set.areas.length - 1]?.name}`);
  });

  it('marks an area lowest only below the others: ties at the cut are all marked, a level field none', () => {
    const d = demo2024();
    const q = must(d.quarters[3], 'Q4');
    const set = must(q.setsByGroup.office, 'office set');
    const assessed = set.areas.filter((a) => a.kind === 'assessed');
    const averages = (shares: number[]): AreaAverage[] =>
      assessed.map((area, i) => ({
        area: { id: area.id, name: area.name, kind: area.kind, max: area.max },
        units: 3,
        mean: null,
        share: fraction(Math.round((shares[i] ?? 80) * 10), 10),
      }));
    const ids = (list: AreaAverage[]) => list.map((a) => a.area.id);
    // The walk's case: one area at 72,5 %, every other at 75 %: only the one is the lowest.
    const [a1, a2, a3] = assessed.map((a) => a.id);
    expect(ids(weakestAreas(averages([75, 75, 75, 75, 75, 72.5, 75, 75]), 2))).toEqual([assessed[5]?.id]);
    expect(ids(weakestAreas(averages(assessed.map(() => 80)), 2))).toEqual([]);
    expect(ids(weakestAreas(averages([60, 70, 70, 90]), 2))).toEqual([a1, a2, a3]);
    expect(ids(weakestAreas(averages([90, 60, 70]), 2))).toEqual([a2, a3]);
  });

  it('the narrow layout (a phone): 340 units across, no text under 12, the same title and description, every name escaped', () => {
    const d = demo2024();
    const q = must(d.quarters[3], 'Q4');
    const set = must(q.setsByGroup.office, 'office set');
    const periods = d.quarters.map((x) => x.results);
    const phase = Array.from({ length: 14 }, (_, i) => ({
      periodId: `${2022 + Math.floor((i + 2) / 4)}Q${((i + 2) % 4) + 1}`,
      status: i === 7 ? ('not-submitted' as const) : ('approved' as const),
      percent: fraction(i === 7 ? 0 : 70 + i),
    }));
    const pairs: [string, (layout: 'wide' | 'narrow') => string][] = [
      ['distribution', (layout) => scoreDistributionSvg(q.results, 'commune', { layout })],
      ['bands', (layout) => bandCountsSvg(q.results, 'office', { layout })],
      ['areas', (layout) => areaAveragesSvg(q.results, set, q.inputs, 'office', { layout })],
      ['trend', (layout) => unitTrendSvg('Phòng Y tế', trendFrom(periods, 'phong-y-te'), { layout })],
      ['phase', (layout) => unitTrendSvg(TRICKY_NAME, phase, { layout, id: 'x"y' })],
    ];
    const part = (svg: string, tag: string) =>
      decodeXml(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`).exec(svg)?.[1] ?? '');
    for (const [name, draw] of pairs) {
      const wide = draw('wide');
      const narrow = draw('narrow');
      expectAccessibleImage(narrow);
      expect(narrow, name).toMatch(/^<svg [^>]*viewBox="0 0 340 \d+(\.\d+)?" width="340"/);
      const sizes = [...narrow.matchAll(/font-size="(\d+)"/g)].map(([, n]) => Number(n));
      expect(Math.min(...sizes), name).toBeGreaterThanOrEqual(12);
      // Told the same to a screen reader, under ids of its own (both sit in one page).
      expect(part(narrow, 'title'), name).toBe(part(wide, 'title'));
      expect(part(narrow, 'desc'), name).toBe(part(wide, 'desc'));
      const id = /aria-labelledby="([^ "]+)-title /.exec(narrow)?.[1];
      expect(id, name).toBe(`${/aria-labelledby="([^ "]+)-title /.exec(wide)?.[1]}-hep`);
      expect(narrow, name).not.toContain('<b>');
      // Nothing drawn past the right edge by its starting point: a line of 12 px text starts by 300.
      for (const [, x] of narrow.matchAll(/<text x="([\d.]+)"/g)) expect(Number(x), name).toBeLessThan(300);
      expect(draw('narrow')).toBe(narrow);
    }
    // The sideways bars carry every count; the trend every period's value, the missed one's reason.
    const bands = pairs[1]?.[1]('narrow') ?? '';
    for (const band of ['Xuất sắc', 'Tốt', 'Khá', 'Trung bình', 'Yếu']) expect(texts(bands)).toContain(band);
    const phaseNarrow = pairs[4]?.[1]('narrow') ?? '';
    expect(texts(phaseNarrow).filter((t) => /%/.test(t))).toHaveLength(14);
    expect(texts(phaseNarrow)).toContain('0 % (Không nộp báo cáo)');
    expect(decodeXml(phaseNarrow)).toContain(TRICKY_NAME);
    const areas = pairs[2]?.[1]('narrow') ?? '';
    expect(texts(areas).filter((t) => / \(thấp (nhất|thứ hai)\)$/.test(t))).toHaveLength(2);
  });

  it('is the same bytes for the same input, and escapes every name', () => {
    const results = smallResults();
    const a = unitTrendSvg(TRICKY_NAME, trendFrom([results], 'xa-c'), { id: 'x"y' });
    const b = unitTrendSvg(TRICKY_NAME, trendFrom([results], 'xa-c'), { id: 'x"y' });
    expect(a).toBe(b);
    expectAccessibleImage(a);
    expect(a).not.toContain('<b>');
    expect(texts(a)).toContain(`Diễn biến tỷ lệ điểm qua các kỳ – ${TRICKY_NAME}`);
    expect(a).toContain('aria-labelledby="x-y-title x-y-desc"');
    expect(scoreDistributionSvg(results, 'commune')).toBe(scoreDistributionSvg(results, 'commune'));
  });
});
