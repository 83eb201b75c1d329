/**
 * Year and phase results (DOMAIN.md "Arithmetic"; docs/scoring.md "Year and phase results"): the
 * exact mean of each unit's period percentages over the calendar's own periods in scope, banded
 * and ranked as a period is.
 */

import type { Band, Fraction, ResultFlag, Unit, UnitGroup } from '#domain/model';
import { FLAG_LABELS } from '#domain/model';
import { divideFraction, sumFractions, ZERO } from '#domain/points';
import {
  type BandThreshold,
  bandOf,
  changeAgainst,
  type PreviousSide,
  rankGroup,
  type UnitChange,
  type UnitStatus,
} from '#domain/ranking';
import type { PeriodResults, UnitPeriodResult } from '#domain/scoring';

export interface AggregateUnitPeriod {
  periodId: string;
  /** The unit's status in that period (a unit absent from a period's results counts as not-submitted). */
  status: UnitStatus;
  percent: Fraction | null;
}

export interface AggregateUnitResult {
  unitId: string;
  name: string;
  group: UnitGroup;
  /** Exact mean of the period percentages (missed periods count 0); null while one is pending. */
  percent: Fraction | null;
  band: Band | null;
  rank: number | null;
  flags: ResultFlag[];
  periods: AggregateUnitPeriod[];
  /** Periods the unit did not report (each counted 0). */
  missedPeriods: string[];
  /** Periods submitted but not yet appraised: the unit is not ranked until they are. */
  pendingPeriods: string[];
  change: UnitChange | null;
}

export interface AggregateResults {
  kind: 'year' | 'phase';
  /** "2024" for a year, "2022-2025" for a phase. */
  scopeId: string;
  /** The calendar's own periods in scope, in order. */
  periodIds: string[];
  /** The version of each period's results that was used. */
  sources: { periodId: string; version: number }[];
  version: number;
  units: AggregateUnitResult[];
}

export interface AggregateOptions {
  scopeId?: string;
  previous?: AggregateResults;
  bands?: readonly BandThreshold[];
  version?: number;
}

/**
 * Year or phase results: the exact mean of each unit's percentages over the calendar's own
 * periods in scope (2022 has only Q3 and Q4). A missed period counts 0 (the unit is flagged
 * *Không nộp báo cáo* and the period listed in missedPeriods). A period still *Chưa thẩm định*
 * for the unit is not averaged as 0 nor left out: the unit gets no mean, band or rank until it
 * is appraised (flagged *Chưa thẩm định*, pendingPeriods lists it) — a mean over fewer periods
 * would not be comparable with the others'; the appraisal republishes the period, then this.
 * A unit that missed every period ranks last, as in a period. Of several versions of a
 * period's results, the highest is used.
 */
export function aggregateResults(
  kind: 'year' | 'phase',
  periodIds: readonly string[],
  perPeriod: readonly PeriodResults[],
  units: readonly Unit[],
  options: AggregateOptions = {},
): AggregateResults {
  if (periodIds.length === 0) throw new RangeError('Không có kỳ báo cáo nào trong phạm vi tổng hợp.');
  const latest = latestVersions(periodIds, perPeriod);
  const scopeId = options.scopeId ?? defaultScopeId(kind, periodIds);
  const summaries = units.map((unit) => summarize(unit, periodIds, latest));
  const ranked = rankGroup(
    summaries.map((s) => ({ unitId: s.unit.id, group: s.unit.group, status: s.status, percent: s.percent })),
  );
  const byUnit = new Map(summaries.map((s) => [s.unit.id, s]));
  const previous = new Map((options.previous?.units ?? []).map((u) => [u.unitId, u]));
  const result = ranked.flatMap((r): AggregateUnitResult[] => {
    const s = byUnit.get(r.unitId);
    if (!s) return [];
    const flags = new Set<ResultFlag>(r.flags);
    if (s.missedPeriods.length > 0) flags.add('khong-nop-bao-cao');
    return [
      {
        unitId: s.unit.id,
        name: s.unit.name,
        group: s.unit.group,
        percent: s.percent,
        band: s.percent ? bandOf(s.percent, options.bands) : null,
        rank: r.rank,
        flags: RESULT_FLAGS.filter((f) => flags.has(f)),
        periods: s.periods,
        missedPeriods: s.missedPeriods,
        pendingPeriods: s.pendingPeriods,
        change: options.previous
          ? changeAgainst(options.previous.scopeId, previousAggregateLine(previous.get(s.unit.id)), {
              percent: s.percent,
              rank: r.rank,
              lastByRule: s.status === 'not-submitted',
            })
          : null,
      },
    ];
  });
  return {
    kind,
    scopeId,
    periodIds: [...periodIds],
    sources: periodIds.map((periodId) => ({ periodId, version: latest.get(periodId)?.version ?? 0 })),
    version: options.version ?? 1,
    units: result,
  };
}

/** Flags in their label order (khong-nop-bao-cao, then chua-tham-dinh). */
const RESULT_FLAGS = Object.keys(FLAG_LABELS).filter((f): f is ResultFlag => f in FLAG_LABELS);

/** The latest version of each period in scope, with its lines by unit id; every period must have one. */
function latestVersions(
  periodIds: readonly string[],
  perPeriod: readonly PeriodResults[],
): Map<string, { version: number; lines: Map<string, UnitPeriodResult> }> {
  const latest = new Map<string, PeriodResults>();
  for (const r of perPeriod) {
    const current = latest.get(r.periodId);
    if (!current || r.version > current.version) latest.set(r.periodId, r);
  }
  const missing = periodIds.filter((id) => !latest.has(id));
  if (missing.length > 0) {
    throw new RangeError(`Chưa có kết quả của kỳ ${missing.join(', ')}: không thể tổng hợp.`);
  }
  const out = new Map<string, { version: number; lines: Map<string, UnitPeriodResult> }>();
  for (const periodId of periodIds) {
    const results = latest.get(periodId);
    if (!results || out.has(periodId)) continue;
    // The first line of a unit, as a search would find.
    const lines = new Map<string, UnitPeriodResult>();
    for (const u of results.units) if (!lines.has(u.unitId)) lines.set(u.unitId, u);
    out.set(periodId, { version: results.version, lines });
  }
  return out;
}

interface UnitSummary {
  unit: Unit;
  periods: AggregateUnitPeriod[];
  missedPeriods: string[];
  pendingPeriods: string[];
  status: UnitStatus;
  percent: Fraction | null;
}

/** One unit over the periods in scope: a period without its line counts as not submitted (0 %). */
function summarize(
  unit: Unit,
  periodIds: readonly string[],
  latest: ReadonlyMap<string, { lines: ReadonlyMap<string, UnitPeriodResult> }>,
): UnitSummary {
  const periods: AggregateUnitPeriod[] = periodIds.map((periodId) => {
    const found = latest.get(periodId)?.lines.get(unit.id);
    if (!found) return { periodId, status: 'not-submitted', percent: ZERO };
    return { periodId, status: found.status, percent: found.percent };
  });
  const missedPeriods = periods.filter((p) => p.status === 'not-submitted').map((p) => p.periodId);
  const pendingPeriods = periods.filter((p) => p.status === 'submitted-not-appraised').map((p) => p.periodId);
  const status: UnitStatus =
    pendingPeriods.length > 0
      ? 'submitted-not-appraised'
      : missedPeriods.length === periods.length
        ? 'not-submitted'
        : 'approved';
  const percent =
    status === 'submitted-not-appraised'
      ? null
      : divideFraction(sumFractions(periods.map((p) => p.percent ?? ZERO)), BigInt(periods.length));
  return { unit, periods, missedPeriods, pendingPeriods, status, percent };
}

/**
 * Whether a year's or the phase's line missed every period: its rank is then the shared last
 * place of units without a report (DOMAIN.md), not a place its mean earned.
 */
export function missedEveryPeriod(line: Pick<AggregateUnitResult, 'periods' | 'missedPeriods'>): boolean {
  return line.periods.length > 0 && line.missedPeriods.length === line.periods.length;
}

/** A previous year's or phase's line: its rank is last place by rule when it missed every period. */
function previousAggregateLine(line: AggregateUnitResult | undefined): PreviousSide | undefined {
  return (
    line && {
      percent: line.percent,
      band: line.band,
      rank: line.rank,
      lastByRule: missedEveryPeriod(line),
    }
  );
}

function defaultScopeId(kind: 'year' | 'phase', periodIds: readonly string[]): string {
  const years = periodIds.map((id) => /^(\d{4})/.exec(id)?.[1]);
  if (years.some((y) => y === undefined)) {
    throw new RangeError(
      `Không xác định được năm của các kỳ ${periodIds.join(', ')}: hãy cho biết mã phạm vi.`,
    );
  }
  const sorted = [...new Set(years.filter((y): y is string => y !== undefined))].sort();
  if (kind === 'year' && sorted.length > 1) {
    throw new RangeError(`Các kỳ ${periodIds.join(', ')} không cùng một năm.`);
  }
  const [first = '', last = first] = [sorted[0], sorted[sorted.length - 1]];
  return kind === 'year' ? first : `${first}-${last}`;
}
