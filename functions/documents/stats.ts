/**
 * Figures the report and the charts share, computed exactly: each reform area's mean score as a
 * share of its maximum, band counts, the distribution of percentages, a group's mean.
 */
import type { Area, Band, CriteriaSet, Criterion, Fraction, Points } from '#domain/model';
import {
  compareFractions,
  divideFraction,
  fraction,
  multiplyFraction,
  sumFractions,
  ZERO,
} from '#domain/points';
import type { UnitPeriodResult } from '#domain/scoring';
import type { AppraisalsByUnit } from './types.ts';

export interface AreaAverage {
  area: Pick<Area, 'id' | 'name' | 'kind' | 'max'>;
  /** Units averaged: the appraised units (for the survey area, those with a survey result). */
  units: number;
  /** Mean score in hundredths of a point, exact; null when no unit counts. */
  mean: Fraction | null;
  /** mean × 100 / max: the share of the maximum, in percent; null when no unit counts. */
  share: Fraction | null;
}

/** The sum of the appraised leaves under these criteria (integer hundredths: exact). */
export function sumLeaves(
  criteria: readonly Criterion[],
  appraised: Readonly<Record<string, Points>>,
): Points {
  let sum = 0;
  for (const c of criteria) {
    sum += c.children && c.children.length > 0 ? sumLeaves(c.children, appraised) : (appraised[c.id] ?? 0);
  }
  return sum;
}

/**
 * Each area's mean across the group's appraised units, as a share of the area's maximum: which
 * areas the district is weak in. The survey area averages the units that have a survey result.
 */
export function areaAverages(
  set: CriteriaSet,
  units: readonly UnitPeriodResult[],
  appraisals: AppraisalsByUnit,
): AreaAverage[] {
  const approved = units.filter((u) => u.status === 'approved' && u.breakdown);
  return set.areas.map((area) => {
    const values: Points[] = [];
    for (const u of approved) {
      if (area.kind === 'survey') {
        if (u.breakdown?.survey !== null && u.breakdown?.survey !== undefined)
          values.push(u.breakdown.survey);
        continue;
      }
      const appraised = appraisals[u.unitId]?.appraised;
      if (appraised) values.push(sumLeaves(area.criteria, appraised));
    }
    const { id, name, kind, max } = area;
    if (values.length === 0) return { area: { id, name, kind, max }, units: 0, mean: null, share: null };
    const mean = fraction(
      values.reduce((s, v) => s + v, 0),
      values.length,
    );
    const share = max > 0 ? divideFraction(multiplyFraction(mean, 100n), BigInt(max)) : ZERO;
    return { area: { id, name, kind, max }, units: values.length, mean, share };
  });
}

/**
 * The areas to name as the lowest, lowest first (ties in the set's order): the `count` lowest
 * and every area tied with the last of them — a cut never picks one of equal areas — but never
 * an area at the highest share (when every area is equal, none is the lowest).
 */
export function weakestAreas(averages: readonly AreaAverage[], count: number): AreaAverage[] {
  const scored = averages
    .map((a, i) => ({ a, i, share: a.share }))
    .flatMap((x) => (x.share === null ? [] : [{ ...x, share: x.share }]))
    .sort((x, y) => compareFractions(x.share, y.share) || x.i - y.i);
  const last = scored[Math.min(count, scored.length) - 1];
  const highest = scored.at(-1);
  if (!last || !highest) return [];
  return scored
    .filter((x) => compareFractions(x.share, last.share) <= 0 && compareFractions(x.share, highest.share) < 0)
    .map((x) => x.a);
}

export function bandCounts(lines: readonly { band: Band | null }[]): Record<Band, number> {
  const counts: Record<Band, number> = { 'xuat-sac': 0, tot: 0, kha: 0, 'trung-binh': 0, yeu: 0 };
  for (const l of lines) if (l.band) counts[l.band] += 1;
  return counts;
}

export interface Bin {
  /** Lower bound, inclusive, in percent. */
  from: number;
  /** Upper bound, exclusive (inclusive for the last bin, which holds 100 %). */
  to: number;
  count: number;
}

/** Percentages counted in bins of `width` points from 0 to 100, compared exactly. */
export function histogram(percents: readonly Fraction[], width = 10): Bin[] {
  const bins: Bin[] = [];
  for (let from = 0; from < 100; from += width)
    bins.push({ from, to: Math.min(100, from + width), count: 0 });
  for (const p of percents) {
    const index = bins.findIndex(
      (b, i) =>
        compareFractions(p, fraction(b.to)) < 0 ||
        (i === bins.length - 1 && compareFractions(p, fraction(b.to)) <= 0),
    );
    const bin = bins[index < 0 ? bins.length - 1 : index];
    if (bin) bin.count += 1;
  }
  return bins;
}

/** The exact mean of percentages; null for none. */
export function meanOf(values: readonly Fraction[]): Fraction | null {
  return values.length === 0 ? null : divideFraction(sumFractions(values), BigInt(values.length));
}
