/**
 * Scores, bands, ranks and results versions, with exactly the arithmetic DOMAIN.md decides
 * (see docs/scoring.md). Every sum and comparison is exact: Points are integer hundredths,
 * anything a division makes fractional is a bigint Fraction, and rounding happens only when a
 * value is shown or written to JSON.
 */

import { type CriterionIndex, indexCriteria } from '#domain/criteria-tree';
import type { Band, CriteriaSet, Fraction, Points, ResultFlag, Unit, UnitGroup } from '#domain/model';
import { BAND_LABELS, FLAG_LABELS, UNIT_GROUPS } from '#domain/model';
import {
  addFractions,
  clampFraction,
  compareFractions,
  decimalToFraction,
  divideFraction,
  formatFraction,
  formatPoints,
  fraction,
  fractionFromPoints,
  fractionsEqual,
  fractionToPoints,
  multiplyFraction,
  parseFraction,
  parsePoints,
  percentToNumber,
  pointsToNumber,
  subtractFractions,
  sumFractions,
  ZERO,
} from '#domain/points';
import { checkId, checkScore, type Problem } from '#domain/report';

/** Thrown when scoring input is invalid; `problems` lists every problem found, not just the first. */
export class ScoringError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `Không thể tính điểm: ${problems
        .slice(0, 5)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}${problems.length > 5 ? ` (và ${problems.length - 5} lỗi khác)` : ''}`,
    );
    this.name = 'ScoringError';
  }
}

// ---------------------------------------------------------------- one unit's score

export interface ScoreUnitInput {
  set: CriteriaSet;
  /** Appraised score per leaf of the assessed areas (every leaf, none of the survey area). */
  appraised: Readonly<Record<string, Points>>;
  /** The satisfaction-survey result the admin recorded, or null when the unit has none. */
  survey: Points | null;
  bonus: Points;
  penalty: Points;
  bonusCap: Points;
  penaltyCap: Points;
}

export type Clamp = 'none' | 'to-zero' | 'to-max';

export interface UnitScore {
  /** Sum of the appraised leaf scores (survey area excluded). */
  assessed: Points;
  surveyScore: Points | null;
  /** True when there was no survey result and the assessed sum was rescaled to the set's scale. */
  rescaled: boolean;
  /** The final total, in hundredths of a point, exact (a rescaled total is a fraction). */
  total: Fraction;
  bonusCounted: Points;
  penaltyCounted: Points;
  /** Whether the clamp to 0..setMax changed the total. */
  clamped: Clamp;
  /** total × 100 / setMax, in percent (90 means 90 %), exact. */
  percent: Fraction;
}

/** Every problem with one unit's scoring input; `field` paths start with `prefix`. */
export function checkScoreInput(input: ScoreUnitInput, prefix = ''): Problem[] {
  return checkScoreInputWith(input, indexCriteria(input.set), prefix);
}

/** checkScoreInput with the set's index already built (one index per set, not per unit). */
function checkScoreInputWith(input: ScoreUnitInput, index: CriterionIndex, prefix: string): Problem[] {
  const { set } = input;
  const problems: Problem[] = [];
  // Object.keys, not Object.entries: the same ids in the same order, without a pair per id.
  for (const id of Object.keys(input.appraised)) {
    const score = input.appraised[id];
    // A valid score of a leaf, the common case, needs no field path (built only for a problem).
    const info = index.leafById.get(id);
    if (
      info &&
      typeof score === 'number' &&
      Number.isSafeInteger(score) &&
      score >= 0 &&
      score <= info.leaf.max
    )
      continue;
    const field = `${prefix}appraised.${id}`;
    if (checkId(id, field, index, problems)) checkScore(score, id, field, 'Điểm thẩm định', index, problems);
  }
  for (const { leaf } of index.leaves) {
    if (!(leaf.id in input.appraised)) {
      problems.push({
        criterionId: leaf.id,
        field: `${prefix}appraised.${leaf.id}`,
        code: 'missing-criterion',
        message: `Thiếu điểm thẩm định của tiêu chí ${leaf.id} "${leaf.name}".`,
      });
    }
  }
  if (input.survey !== null) {
    if (!index.survey) {
      problems.push({
        field: `${prefix}survey`,
        code: 'no-survey-area',
        message: `Bộ tiêu chí "${set.id}" không có lĩnh vực khảo sát sự hài lòng nên không ghi nhận điểm khảo sát.`,
      });
    } else if (!isNonNegativePoints(input.survey) || input.survey > index.survey.max) {
      problems.push({
        field: `${prefix}survey`,
        code: isNonNegativePoints(input.survey) ? 'score-out-of-range' : 'invalid-score',
        message: `Điểm khảo sát ${describe(input.survey)} ngoài khoảng 0–${formatPoints(index.survey.max)} điểm.`,
      });
    }
  }
  for (const [key, label] of [
    ['bonus', 'Điểm thưởng'],
    ['penalty', 'Điểm trừ'],
    ['bonusCap', 'Mức trần điểm thưởng'],
    ['penaltyCap', 'Mức trần điểm trừ'],
  ] as const) {
    if (!isNonNegativePoints(input[key])) {
      problems.push({
        field: `${prefix}${key}`,
        code: 'invalid-score',
        message: `${label} ${describe(input[key])} không hợp lệ (phải là số điểm không âm, tối đa hai chữ số thập phân).`,
      });
    }
  }
  const surveyMax = index.survey?.max ?? 0;
  if (set.max - surveyMax <= 0) {
    problems.push({
      field: `${prefix}set`,
      code: 'missing-criteria-set',
      message: `Bộ tiêu chí "${set.id}" không có điểm tối đa cho các lĩnh vực được thẩm định.`,
    });
  }
  return problems;
}

/**
 * DOMAIN.md's order, exactly: sum of appraised leaves (survey excluded) → add the survey result,
 * or without one rescale the sum × setMax / (setMax − surveyMax) → add the capped bonus, subtract
 * the capped penalty → clamp to 0..setMax → percent = total × 100 / setMax.
 */
export function scoreUnit(input: ScoreUnitInput): UnitScore {
  const index = indexCriteria(input.set);
  const problems = checkScoreInputWith(input, index, '');
  if (problems.length > 0) throw new ScoringError(problems);
  return scoreCheckedUnit(input, index);
}

/** scoreUnit's arithmetic, for an input checkScoreInputWith found no problem with. */
function scoreCheckedUnit(input: ScoreUnitInput, index: CriterionIndex): UnitScore {
  const { set } = input;
  const surveyMax = index.survey?.max ?? 0;

  let assessed = 0;
  for (const { leaf } of index.leaves) assessed += input.appraised[leaf.id] ?? 0;

  let base: Fraction;
  let rescaled = false;
  if (input.survey !== null) {
    base = fractionFromPoints(assessed + input.survey);
  } else if (surveyMax > 0) {
    base = fraction(BigInt(assessed) * BigInt(set.max), BigInt(set.max - surveyMax));
    rescaled = true;
  } else {
    base = fractionFromPoints(assessed);
  }

  const bonusCounted = Math.min(input.bonus, input.bonusCap);
  const penaltyCounted = Math.min(input.penalty, input.penaltyCap);
  const raw = subtractFractions(
    addFractions(base, fractionFromPoints(bonusCounted)),
    fractionFromPoints(penaltyCounted),
  );
  const max = fractionFromPoints(set.max);
  const total = clampFraction(raw, ZERO, max);
  const clamped: Clamp =
    compareFractions(raw, ZERO) < 0 ? 'to-zero' : compareFractions(raw, max) > 0 ? 'to-max' : 'none';
  const percent = divideFraction(multiplyFraction(total, 100n), BigInt(set.max));
  return {
    assessed,
    surveyScore: input.survey,
    rescaled,
    total,
    bonusCounted,
    penaltyCounted,
    clamped,
    percent,
  };
}

function isNonNegativePoints(value: unknown): value is Points {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  return typeof value === 'number' && Number.isSafeInteger(value)
    ? formatPoints(value)
    : `"${String(value)}"`;
}

// ---------------------------------------------------------------- bands

export interface BandThreshold {
  band: Band;
  /** Lowest percentage (inclusive) of the band, at most two decimals. */
  minPercent: number;
}

/** Xuất sắc ≥ 90 %, Tốt 80–<90 %, Khá 70–<80 %, Trung bình 50–<70 %, Yếu < 50 % (DOMAIN.md). */
export const DEFAULT_BANDS: readonly BandThreshold[] = [
  { band: 'xuat-sac', minPercent: 90 },
  { band: 'tot', minPercent: 80 },
  { band: 'kha', minPercent: 70 },
  { band: 'trung-binh', minPercent: 50 },
  { band: 'yeu', minPercent: 0 },
];

/** Best first. */
export const BAND_ORDER: readonly Band[] = ['xuat-sac', 'tot', 'kha', 'trung-binh', 'yeu'];

/**
 * The band of an exact percentage: the band with the highest threshold not above it. A
 * percentage below every threshold gets the lowest band. Thresholds are compared exactly, so
 * 89.995 % is Tốt even though it is shown as "90,00".
 */
export function bandOf(percent: Fraction, thresholds: readonly BandThreshold[] = DEFAULT_BANDS): Band {
  const sorted = sortedThresholds(thresholds);
  for (const t of sorted) if (compareFractions(percent, t.min) >= 0) return t.band;
  return sorted[sorted.length - 1]!.band;
}

/**
 * Thresholds as exact fractions, highest first: sorted once per thresholds array (a config's
 * array is never mutated), not once per unit banded.
 */
const SORTED_THRESHOLDS = new WeakMap<readonly BandThreshold[], readonly { band: Band; min: Fraction }[]>();

function sortedThresholds(thresholds: readonly BandThreshold[]): readonly { band: Band; min: Fraction }[] {
  let sorted = SORTED_THRESHOLDS.get(thresholds);
  if (!sorted) {
    if (thresholds.length === 0) throw new RangeError('Chưa cấu hình ngưỡng xếp loại.');
    sorted = thresholds
      .map((t) => ({ band: t.band, min: decimalToFraction(t.minPercent) }))
      .sort((a, b) => compareFractions(b.min, a.min));
    SORTED_THRESHOLDS.set(thresholds, sorted);
  }
  return sorted;
}

/** Negative when `a` is the better band. */
export function compareBands(a: Band, b: Band): number {
  return BAND_ORDER.indexOf(a) - BAND_ORDER.indexOf(b);
}

/** True when `band` is `min` or better. */
export function bandAtLeast(band: Band, min: Band): boolean {
  return compareBands(band, min) <= 0;
}

// ---------------------------------------------------------------- ranking

/** A unit's situation at review close. */
export type UnitStatus = 'approved' | 'submitted-not-appraised' | 'not-submitted';

export interface RankEntry {
  unitId: string;
  group: UnitGroup;
  status: UnitStatus;
  /** Required for 'approved'; ignored otherwise. */
  percent: Fraction | null;
}

export interface RankedEntry {
  unitId: string;
  group: UnitGroup;
  /** null: not ranked (Chưa thẩm định). */
  rank: number | null;
  flags: ResultFlag[];
}

/**
 * Ranks each group apart (offices and communes are never ranked together, whatever the input
 * mixes): appraised units by exact percentage, highest first, equal percentages sharing a rank
 * (1, 2, 2, 4); then every *Không nộp báo cáo* unit, sharing the rank after the last appraised
 * one — below even an appraised unit at 0 % (a unit that reported ranks above one that did
 * not); *Chưa thẩm định* units are not ranked. The output is ordered by group, rank, unit id,
 * so the order of the input changes nothing.
 */
export function rankGroup(entries: readonly RankEntry[]): RankedEntry[] {
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.unitId))
      throw new RangeError(`Đơn vị "${e.unitId}" xuất hiện hai lần trong bảng xếp hạng.`);
    ids.add(e.unitId);
    if (e.status === 'approved' && !e.percent) {
      throw new RangeError(`Đơn vị "${e.unitId}" đã thẩm định nhưng thiếu tỷ lệ điểm.`);
    }
  }
  const out: RankedEntry[] = [];
  const groups = [
    ...UNIT_GROUPS,
    ...new Set(entries.map((e) => e.group).filter((g) => !UNIT_GROUPS.includes(g))),
  ];
  for (const group of groups) {
    const inGroup = entries.filter((e) => e.group === group);
    const approved = inGroup
      .filter((e) => e.status === 'approved')
      .sort((a, b) => compareFractions(b.percent!, a.percent!) || byId(a, b));
    let rank = 0;
    approved.forEach((e, i) => {
      const prev = approved[i - 1];
      if (!prev || !fractionsEqual(prev.percent!, e.percent!)) rank = i + 1;
      out.push({ unitId: e.unitId, group, rank, flags: [] });
    });
    for (const e of inGroup.filter((x) => x.status === 'not-submitted').sort(byId)) {
      out.push({ unitId: e.unitId, group, rank: approved.length + 1, flags: ['khong-nop-bao-cao'] });
    }
    for (const e of inGroup.filter((x) => x.status === 'submitted-not-appraised').sort(byId)) {
      out.push({ unitId: e.unitId, group, rank: null, flags: ['chua-tham-dinh'] });
    }
  }
  return out;
}

function byId(a: { unitId: string }, b: { unitId: string }): number {
  return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
}

// ---------------------------------------------------------------- period results

export interface UnitPeriodInput {
  status: UnitStatus;
  /** Required when approved: the appraised score of every leaf. */
  appraised?: Readonly<Record<string, Points>>;
  /** The survey result, or null/absent when the unit has none (its score is rescaled). */
  survey?: Points | null;
  bonus?: Points;
  penalty?: Points;
}

export interface GroupCaps {
  bonusCap?: Points;
  penaltyCap?: Points;
}

export interface ComputePeriodResultsInput {
  periodId: string;
  units: readonly Unit[];
  /** Per unit id. A unit without an entry had no report at review close (not-submitted). */
  inputs: Readonly<Record<string, UnitPeriodInput>>;
  /** The criteria set in force for the period, per group. */
  setsByGroup: Partial<Record<UnitGroup, CriteriaSet>>;
  /** Per-group overrides of the set's caps (the district config's `groups` fits here). */
  caps?: Partial<Record<UnitGroup, GroupCaps>>;
  /** The previous period's published results, for the change column. */
  previous?: PeriodResults;
  bands?: readonly BandThreshold[];
  /** Defaults to 1; publishResults gives the published number. */
  version?: number;
}

export interface ScoreBreakdown {
  assessed: Points;
  survey: Points | null;
  rescaled: boolean;
  bonusCounted: Points;
  penaltyCounted: Points;
  clamped: Clamp;
}

export interface UnitChange {
  /** The period (or year, phase) compared against. */
  previousId: string;
  previousPercent: Fraction | null;
  /** Percentage points gained (negative: lost); null when either percentage is missing. */
  percentPoints: Fraction | null;
  previousBand: Band | null;
  previousRank: number | null;
  /**
   * Places gained (previous rank − rank; negative: lost); null when either is unranked or is the
   * last place of a unit without a report (Không nộp báo cáo: not a place earned, not comparable).
   */
  rankChange: number | null;
}

export interface UnitPeriodResult {
  unitId: string;
  name: string;
  group: UnitGroup;
  status: UnitStatus;
  /** Total rounded half-up to hundredths, for display; null when not appraised. */
  total: Points | null;
  /** The exact total in hundredths of a point. */
  totalExact: Fraction | null;
  percent: Fraction | null;
  band: Band | null;
  rank: number | null;
  flags: ResultFlag[];
  breakdown: ScoreBreakdown | null;
  change: UnitChange | null;
}

export interface PeriodResults {
  kind: 'period';
  periodId: string;
  version: number;
  /** The criteria set used per group. */
  criteriaSets: Partial<Record<UnitGroup, { id: string; version: string }>>;
  /** Ordered by group (offices, then communes), rank, unit id; unranked units last in their group. */
  units: UnitPeriodResult[];
}

export function computePeriodResults(input: ComputePeriodResultsInput): PeriodResults {
  const problems: Problem[] = [];
  const unitIds = new Set<string>();
  for (const unit of input.units) {
    if (unitIds.has(unit.id)) {
      problems.push({
        field: `units.${unit.id}`,
        code: 'duplicate-unit',
        message: `Đơn vị "${unit.id}" bị khai báo hai lần.`,
      });
    }
    unitIds.add(unit.id);
  }
  for (const id of Object.keys(input.inputs)) {
    if (!unitIds.has(id)) {
      problems.push({
        field: `inputs.${id}`,
        code: 'unknown-unit',
        message: `Không có đơn vị "${id}" trong cấu hình.`,
      });
    }
  }

  const scored = new Map<string, { unit: Unit; status: UnitStatus; score: UnitScore | null }>();
  // Each set is indexed once per call (not once per unit), and each unit's input checked once.
  const indexes = new Map<CriteriaSet, CriterionIndex>();
  const indexOf = (set: CriteriaSet): CriterionIndex => {
    let index = indexes.get(set);
    if (!index) {
      index = indexCriteria(set);
      indexes.set(set, index);
    }
    return index;
  };
  for (const unit of input.units) {
    const given = input.inputs[unit.id];
    const status: UnitStatus = given?.status ?? 'not-submitted';
    let score: UnitScore | null = null;
    if (status === 'approved' && given) {
      const set = input.setsByGroup[unit.group];
      if (!set) {
        problems.push({
          field: `setsByGroup.${unit.group}`,
          code: 'missing-criteria-set',
          message: `Chưa có bộ tiêu chí cho nhóm ${unit.group === 'office' ? 'cơ quan' : 'xã, thị trấn'}.`,
        });
        continue;
      }
      const caps = input.caps?.[unit.group];
      const scoreInput: ScoreUnitInput = {
        set,
        appraised: given.appraised ?? {},
        survey: given.survey ?? null,
        bonus: given.bonus ?? 0,
        penalty: given.penalty ?? 0,
        bonusCap: caps?.bonusCap ?? set.bonusCap,
        penaltyCap: caps?.penaltyCap ?? set.penaltyCap,
      };
      const index = indexOf(set);
      const unitProblems = checkScoreInputWith(scoreInput, index, `inputs.${unit.id}.`);
      if (unitProblems.length > 0) {
        problems.push(...unitProblems);
        continue;
      }
      score = scoreCheckedUnit(scoreInput, index);
    }
    scored.set(unit.id, { unit, status, score });
  }
  if (problems.length > 0) throw new ScoringError(problems);

  const percentOf = (status: UnitStatus, score: UnitScore | null): Fraction | null =>
    status === 'approved' ? score!.percent : status === 'not-submitted' ? ZERO : null;
  const ranked = rankGroup(
    [...scored.values()].map(({ unit, status, score }) => ({
      unitId: unit.id,
      group: unit.group,
      status,
      percent: percentOf(status, score),
    })),
  );
  const previous = new Map((input.previous?.units ?? []).map((u) => [u.unitId, u]));
  const units = ranked.map((r): UnitPeriodResult => {
    const { unit, status, score } = scored.get(r.unitId)!;
    const percent = percentOf(status, score);
    const totalExact = status === 'approved' ? score!.total : status === 'not-submitted' ? ZERO : null;
    return {
      unitId: unit.id,
      name: unit.name,
      group: unit.group,
      status,
      total: totalExact ? fractionToPoints(totalExact) : null,
      totalExact,
      percent,
      band: percent ? bandOf(percent, input.bands) : null,
      rank: r.rank,
      flags: r.flags,
      breakdown: score
        ? {
            assessed: score.assessed,
            survey: score.surveyScore,
            rescaled: score.rescaled,
            bonusCounted: score.bonusCounted,
            penaltyCounted: score.penaltyCounted,
            clamped: score.clamped,
          }
        : null,
      change: input.previous
        ? changeAgainst(input.previous.periodId, previousLine(previous.get(unit.id)), {
            percent,
            rank: r.rank,
            lastByRule: status === 'not-submitted',
          })
        : null,
    };
  });

  const criteriaSets: PeriodResults['criteriaSets'] = {};
  for (const group of UNIT_GROUPS) {
    const set = input.setsByGroup[group];
    if (set && input.units.some((u) => u.group === group))
      criteriaSets[group] = { id: set.id, version: set.version };
  }
  return { kind: 'period', periodId: input.periodId, version: input.version ?? 1, criteriaSets, units };
}

/** One side of a change: a line's percentage and rank, and whether that rank is *Không nộp báo cáo*'s. */
interface ChangeSide {
  percent: Fraction | null;
  rank: number | null;
  /**
   * The rank is not a place earned but the "last in its group" of a unit without a report (all
   * such units share the rank after the last appraised one: rank 1 when nobody reported).
   */
  lastByRule: boolean;
}

function previousLine(
  line: { status: UnitStatus; percent: Fraction | null; band: Band | null; rank: number | null } | undefined,
): (ChangeSide & { band: Band | null }) | undefined {
  return (
    line && {
      percent: line.percent,
      band: line.band,
      rank: line.rank,
      lastByRule: line.status === 'not-submitted',
    }
  );
}

/**
 * The change against the previous period (or year, phase). Places gained compare two earned
 * ranks only: when either side is *Không nộp báo cáo*'s last place, `rankChange` is null (in a
 * period nobody reported in, every unit shares rank 1: coming 2nd next period is not "down 1
 * place"); the percentage points still compare (the missed period's 0 % counts).
 */
function changeAgainst(
  previousId: string,
  before: (ChangeSide & { band: Band | null }) | undefined,
  now: ChangeSide,
): UnitChange | null {
  if (!before) return null;
  const comparable = now.rank !== null && before.rank !== null && !now.lastByRule && !before.lastByRule;
  return {
    previousId,
    previousPercent: before.percent,
    percentPoints: now.percent && before.percent ? subtractFractions(now.percent, before.percent) : null,
    previousBand: before.band,
    previousRank: before.rank,
    rankChange: comparable ? before.rank! - now.rank! : null,
  };
}

// ---------------------------------------------------------------- year and phase results

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
  const latest = new Map<string, PeriodResults>();
  for (const r of perPeriod) {
    const current = latest.get(r.periodId);
    if (!current || r.version > current.version) latest.set(r.periodId, r);
  }
  const missing = periodIds.filter((id) => !latest.has(id));
  if (missing.length > 0) {
    throw new RangeError(`Chưa có kết quả của kỳ ${missing.join(', ')}: không thể tổng hợp.`);
  }
  const scopeId = options.scopeId ?? defaultScopeId(kind, periodIds);
  // Each period's lines by unit id, built once (the first line of a unit, as a search would find).
  const linesOf = new Map<string, Map<string, UnitPeriodResult>>();
  for (const periodId of periodIds) {
    if (linesOf.has(periodId)) continue;
    const lines = new Map<string, UnitPeriodResult>();
    for (const u of latest.get(periodId)!.units) if (!lines.has(u.unitId)) lines.set(u.unitId, u);
    linesOf.set(periodId, lines);
  }

  const summaries = units.map((unit) => {
    const periods: AggregateUnitPeriod[] = periodIds.map((periodId) => {
      const found = linesOf.get(periodId)!.get(unit.id);
      if (!found) return { periodId, status: 'not-submitted', percent: ZERO };
      return { periodId, status: found.status, percent: found.percent };
    });
    const missedPeriods = periods.filter((p) => p.status === 'not-submitted').map((p) => p.periodId);
    const pendingPeriods = periods
      .filter((p) => p.status === 'submitted-not-appraised')
      .map((p) => p.periodId);
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
  });

  const ranked = rankGroup(
    summaries.map((s) => ({ unitId: s.unit.id, group: s.unit.group, status: s.status, percent: s.percent })),
  );
  const byUnit = new Map(summaries.map((s) => [s.unit.id, s]));
  const previous = new Map((options.previous?.units ?? []).map((u) => [u.unitId, u]));
  const result: AggregateUnitResult[] = ranked.map((r) => {
    const s = byUnit.get(r.unitId)!;
    const flags = new Set<ResultFlag>(r.flags);
    if (s.missedPeriods.length > 0) flags.add('khong-nop-bao-cao');
    return {
      unitId: s.unit.id,
      name: s.unit.name,
      group: s.unit.group,
      percent: s.percent,
      band: s.percent ? bandOf(s.percent, options.bands) : null,
      rank: r.rank,
      flags: (Object.keys(FLAG_LABELS) as ResultFlag[]).filter((f) => flags.has(f)),
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
    };
  });
  return {
    kind,
    scopeId,
    periodIds: [...periodIds],
    sources: periodIds.map((periodId) => ({ periodId, version: latest.get(periodId)!.version })),
    version: options.version ?? 1,
    units: result,
  };
}

/** A previous year's or phase's line: its rank is last place by rule when it missed every period. */
function previousAggregateLine(
  line: AggregateUnitResult | undefined,
): (ChangeSide & { band: Band | null }) | undefined {
  return (
    line && {
      percent: line.percent,
      band: line.band,
      rank: line.rank,
      lastByRule: line.periods.length > 0 && line.missedPeriods.length === line.periods.length,
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
  const sorted = [...new Set(years as string[])].sort();
  if (kind === 'year') {
    if (sorted.length > 1) throw new RangeError(`Các kỳ ${periodIds.join(', ')} không cùng một năm.`);
    return sorted[0]!;
  }
  return `${sorted[0]}-${sorted[sorted.length - 1]}`;
}

// ---------------------------------------------------------------- results versions

export interface PublishedResults<R> {
  version: number;
  results: R;
  /** Unit ids whose published line differs from the previous version (all units for version 1). */
  changed: string[];
  /** False when the recomputation was identical to the latest version (nothing to publish). */
  isNew: boolean;
}

/**
 * A recomputation never silently rewrites published results: if it differs from the latest
 * published version it becomes version n+1, with the units whose line changed; if it is
 * identical, the latest version is returned unchanged (so publishing is idempotent).
 */
export function publishResults<R extends PeriodResults | AggregateResults>(
  existingVersions: readonly R[],
  recomputed: R,
): PublishedResults<R> {
  const scope = scopeOf(recomputed);
  for (const existing of existingVersions) {
    if (scopeOf(existing) !== scope) {
      throw new RangeError(`Không thể so sánh kết quả ${scopeOf(existing)} với kết quả ${scope}.`);
    }
  }
  const latest = existingVersions.reduce<R | undefined>(
    (a, b) => (!a || b.version > a.version ? b : a),
    undefined,
  );
  if (!latest) {
    const results = { ...recomputed, version: 1 };
    return { version: 1, results, changed: recomputed.units.map((u) => u.unitId), isNew: true };
  }
  const before = unitLines(latest);
  const after = unitLines(recomputed);
  const changed = [...new Set([...before.keys(), ...after.keys()])]
    .filter((id) => before.get(id) !== after.get(id))
    .sort();
  if (changed.length === 0 && bodyOf(latest) === bodyOf(recomputed)) {
    return { version: latest.version, results: latest, changed: [], isNew: false };
  }
  const version = latest.version + 1;
  return { version, results: { ...recomputed, version }, changed, isNew: true };
}

function scopeOf(r: PeriodResults | AggregateResults): string {
  return r.kind === 'period' ? `period:${r.periodId}` : `${r.kind}:${r.scopeId}`;
}

function unitLines(r: PeriodResults | AggregateResults): Map<string, string> {
  const json = r.kind === 'period' ? periodResultsToJson(r) : aggregateResultsToJson(r);
  return new Map(json.units.map((u) => [u.unitId, JSON.stringify(u)]));
}

/** Everything but the version number and the units' lines. */
function bodyOf(r: PeriodResults | AggregateResults): string {
  const json = r.kind === 'period' ? periodResultsToJson(r) : aggregateResultsToJson(r);
  const { version: _version, units: _units, ...rest } = json;
  return JSON.stringify(rest);
}

// ---------------------------------------------------------------- JSON

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

const exact = (f: Fraction | null): string | null => (f ? formatFraction(f) : null);
const rounded = (f: Fraction | null): number | null => (f ? percentToNumber(f) : null);
const readExact = (s: string | null): Fraction | null => (s === null ? null : parseFraction(s));

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
        totalExact: u.totalExact ? formatFraction(divideFraction(u.totalExact, 100n)) : null,
        percent: rounded(u.percent),
        percentExact: exact(u.percent),
        band: u.band,
        bandLabel: u.band ? BAND_LABELS[u.band] : null,
        rank: u.rank,
        flags: u.flags,
        flagLabels: u.flags.map((f) => FLAG_LABELS[f]),
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
        totalExact: u.totalExact === null ? null : multiplyFraction(parseFraction(u.totalExact), 100n),
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
        percent: rounded(u.percent),
        percentExact: exact(u.percent),
        band: u.band,
        bandLabel: u.band ? BAND_LABELS[u.band] : null,
        rank: u.rank,
        flags: u.flags,
        flagLabels: u.flags.map((f) => FLAG_LABELS[f]),
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
