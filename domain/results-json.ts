/**
 * The results JSON (docs/scoring.md "Results JSON"): what is published, stored and written by
 * `thidua score --out`. Numbers are rounded half-up to two decimals for reading; the `…Exact`
 * fields carry the exact values as "num/den" (domain/json.ts), from which bands and ranks follow.
 */

import type { AggregateResults, AggregateUnitResult } from '#domain/aggregate';
import { fractionFromJson, fractionToJson } from '#domain/json';
import type { Band, Fraction, ResultFlag, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS } from '#domain/model';
import {
  divideFraction,
  multiplyFraction,
  parsePoints,
  percentToNumber,
  pointsToNumber,
} from '#domain/points';
import type { UnitChange, UnitStatus } from '#domain/ranking';
import type { PeriodResults, UnitPeriodResult } from '#domain/scoring';
import type { Clamp } from '#domain/unit-score';

/**
 * JSON numbers are rounded half-up to two decimals for reading; the `…Exact` strings are the
 * exact values as "num/den" in the same unit (points, percent, percentage points), for
 * auditors who recompute a ranking by hand.
 */
export interface UnitChangeJson {
  previousId: string;
  previousPercent: number | null;
  previousPercentExact: string | null;
  percentPoints: number | null;
  percentPointsExact: string | null;
  previousBand: Band | null;
  previousRank: number | null;
  rankChange: number | null;
}

export interface UnitResultJson {
  unitId: string;
  name: string;
  group: UnitGroup;
  status: UnitStatus;
  /** Points, two decimals. */
  total: number | null;
  totalExact: string | null;
  /** Percent, two decimals half-up. */
  percent: number | null;
  percentExact: string | null;
  band: Band | null;
  bandLabel: string | null;
  rank: number | null;
  flags: ResultFlag[];
  flagLabels: string[];
  breakdown: {
    assessed: number;
    survey: number | null;
    rescaled: boolean;
    bonus: number;
    penalty: number;
    clamped: Clamp;
  } | null;
  change: UnitChangeJson | null;
}

export interface PeriodResultsJson {
  kind: 'period';
  periodId: string;
  version: number;
  criteriaSets: Partial<Record<UnitGroup, { id: string; version: string }>>;
  units: UnitResultJson[];
}

export interface AggregateUnitResultJson {
  unitId: string;
  name: string;
  group: UnitGroup;
  percent: number | null;
  percentExact: string | null;
  band: Band | null;
  bandLabel: string | null;
  rank: number | null;
  flags: ResultFlag[];
  flagLabels: string[];
  periods: { periodId: string; status: UnitStatus; percent: number | null; percentExact: string | null }[];
  missedPeriods: string[];
  pendingPeriods: string[];
  change: UnitChangeJson | null;
}

export interface AggregateResultsJson {
  kind: 'year' | 'phase';
  scopeId: string;
  periodIds: string[];
  sources: { periodId: string; version: number }[];
  version: number;
  units: AggregateUnitResultJson[];
}

const exact = (f: Fraction | null): string | null => (f ? fractionToJson(f) : null);
const rounded = (f: Fraction | null): number | null => (f ? percentToNumber(f) : null);
const readExact = (s: string | null): Fraction | null => (s === null ? null : fractionFromJson(s));

function changeToJson(c: UnitChange | null): UnitChangeJson | null {
  if (!c) return null;
  return {
    previousId: c.previousId,
    previousPercent: rounded(c.previousPercent),
    previousPercentExact: exact(c.previousPercent),
    percentPoints: rounded(c.percentPoints),
    percentPointsExact: exact(c.percentPoints),
    previousBand: c.previousBand,
    previousRank: c.previousRank,
    rankChange: c.rankChange,
  };
}

function changeFromJson(c: UnitChangeJson | null): UnitChange | null {
  if (!c) return null;
  return {
    previousId: c.previousId,
    previousPercent: readExact(c.previousPercentExact),
    percentPoints: readExact(c.percentPointsExact),
    previousBand: c.previousBand,
    previousRank: c.previousRank,
    rankChange: c.rankChange,
  };
}

/** A unit's standing as both results JSONs write it: percentage, band, rank and flags. */
function standingJson(u: {
  percent: Fraction | null;
  band: Band | null;
  rank: number | null;
  flags: ResultFlag[];
}) {
  return {
    percent: rounded(u.percent),
    percentExact: exact(u.percent),
    band: u.band,
    bandLabel: u.band ? BAND_LABELS[u.band] : null,
    rank: u.rank,
    flags: u.flags,
    flagLabels: u.flags.map((f) => FLAG_LABELS[f]),
  };
}

export function periodResultsToJson(r: PeriodResults): PeriodResultsJson {
  return {
    kind: 'period',
    periodId: r.periodId,
    version: r.version,
    criteriaSets: r.criteriaSets,
    units: r.units.map(
      (u): UnitResultJson => ({
        unitId: u.unitId,
        name: u.name,
        group: u.group,
        status: u.status,
        total: u.total === null ? null : pointsToNumber(u.total),
        totalExact: u.totalExact ? fractionToJson(divideFraction(u.totalExact, 100n)) : null,
        ...standingJson(u),
        breakdown: u.breakdown
          ? {
              assessed: pointsToNumber(u.breakdown.assessed),
              survey: u.breakdown.survey === null ? null : pointsToNumber(u.breakdown.survey),
              rescaled: u.breakdown.rescaled,
              bonus: pointsToNumber(u.breakdown.bonusCounted),
              penalty: pointsToNumber(u.breakdown.penaltyCounted),
              clamped: u.breakdown.clamped,
            }
          : null,
        change: changeToJson(u.change),
      }),
    ),
  };
}

/** Reads stored results back (e.g. the previous period, or published versions). */
export function periodResultsFromJson(j: PeriodResultsJson): PeriodResults {
  return {
    kind: 'period',
    periodId: j.periodId,
    version: j.version,
    criteriaSets: j.criteriaSets,
    units: j.units.map(
      (u): UnitPeriodResult => ({
        unitId: u.unitId,
        name: u.name,
        group: u.group,
        status: u.status,
        total: u.total === null ? null : parsePoints(u.total),
        totalExact: u.totalExact === null ? null : multiplyFraction(fractionFromJson(u.totalExact), 100n),
        percent: readExact(u.percentExact),
        band: u.band,
        rank: u.rank,
        flags: u.flags,
        breakdown: u.breakdown
          ? {
              assessed: parsePoints(u.breakdown.assessed),
              survey: u.breakdown.survey === null ? null : parsePoints(u.breakdown.survey),
              rescaled: u.breakdown.rescaled,
              bonusCounted: parsePoints(u.breakdown.bonus),
              penaltyCounted: parsePoints(u.breakdown.penalty),
              clamped: u.breakdown.clamped,
            }
          : null,
        change: changeFromJson(u.change),
      }),
    ),
  };
}

export function aggregateResultsToJson(r: AggregateResults): AggregateResultsJson {
  return {
    kind: r.kind,
    scopeId: r.scopeId,
    periodIds: r.periodIds,
    sources: r.sources,
    version: r.version,
    units: r.units.map(
      (u): AggregateUnitResultJson => ({
        unitId: u.unitId,
        name: u.name,
        group: u.group,
        ...standingJson(u),
        periods: u.periods.map((p) => ({
          periodId: p.periodId,
          status: p.status,
          percent: rounded(p.percent),
          percentExact: exact(p.percent),
        })),
        missedPeriods: u.missedPeriods,
        pendingPeriods: u.pendingPeriods,
        change: changeToJson(u.change),
      }),
    ),
  };
}

export function aggregateResultsFromJson(j: AggregateResultsJson): AggregateResults {
  return {
    kind: j.kind,
    scopeId: j.scopeId,
    periodIds: j.periodIds,
    sources: j.sources,
    version: j.version,
    units: j.units.map(
      (u): AggregateUnitResult => ({
        unitId: u.unitId,
        name: u.name,
        group: u.group,
        percent: readExact(u.percentExact),
        band: u.band,
        rank: u.rank,
        flags: u.flags,
        periods: u.periods.map((p) => ({
          periodId: p.periodId,
          status: p.status,
          percent: readExact(p.percentExact),
        })),
        missedPeriods: u.missedPeriods,
        pendingPeriods: u.pendingPeriods,
        change: changeFromJson(u.change),
      }),
    ),
  };
}
