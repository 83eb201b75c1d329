/**
 * A period's results: every unit of the district scored with the criteria set in force for its
 * group, banded, ranked within its group and compared with the previous period (DOMAIN.md
 * "Arithmetic"; docs/scoring.md). One unit's arithmetic is unit-score.ts's; bands and ranks are
 * ranking.ts's; year and phase means aggregate.ts's; versions results-versions.ts's; the JSON
 * results-json.ts's.
 */

import { type CriterionIndex, indexCriteria } from '#domain/criteria-tree';
import type { Band, CriteriaSet, Fraction, Points, ResultFlag, Unit, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { fractionToPoints, ZERO } from '#domain/points';
import {
  type BandThreshold,
  bandOf,
  changeAgainst,
  type PreviousSide,
  rankGroup,
  type UnitChange,
  type UnitStatus,
} from '#domain/ranking';
import type { Problem } from '#domain/report';
import {
  type Clamp,
  checkScoreInputWith,
  type ScoreUnitInput,
  ScoringError,
  scoreCheckedUnit,
  type UnitScore,
} from '#domain/unit-score';

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
  const problems = unknownOrDuplicateUnits(input);
  const scored = scoreUnits(input, problems);
  if (problems.length > 0) throw new ScoringError(problems);

  const ranked = rankGroup(
    [...scored.values()].map(({ unit, status, score }) => ({
      unitId: unit.id,
      group: unit.group,
      status,
      percent: percentOf(status, score),
    })),
  );
  const previous = new Map((input.previous?.units ?? []).map((u) => [u.unitId, u]));
  const units = ranked.flatMap((r): UnitPeriodResult[] => {
    const line = scored.get(r.unitId);
    if (!line) return [];
    const { unit, status, score } = line;
    const percent = percentOf(status, score);
    const totalExact = score ? score.total : status === 'not-submitted' ? ZERO : null;
    return [
      {
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
        breakdown: score ? breakdownOf(score) : null,
        change: input.previous
          ? changeAgainst(input.previous.periodId, previousLine(previous.get(unit.id)), {
              percent,
              rank: r.rank,
              lastByRule: status === 'not-submitted',
            })
          : null,
      },
    ];
  });
  return {
    kind: 'period',
    periodId: input.periodId,
    version: input.version ?? 1,
    criteriaSets: criteriaSetsUsed(input),
    units,
  };
}

interface ScoredUnit {
  unit: Unit;
  status: UnitStatus;
  /** Present exactly when the unit is approved. */
  score: UnitScore | null;
}

/** Units listed twice, and inputs for units the district does not have. */
function unknownOrDuplicateUnits(input: ComputePeriodResultsInput): Problem[] {
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
  return problems;
}

/** Each approved unit's score; problems are added to `problems` (a unit with one is left out). */
function scoreUnits(input: ComputePeriodResultsInput, problems: Problem[]): Map<string, ScoredUnit> {
  const scored = new Map<string, ScoredUnit>();
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
    if (status !== 'approved' || !given) {
      scored.set(unit.id, { unit, status, score: null });
      continue;
    }
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
    scored.set(unit.id, { unit, status, score: scoreCheckedUnit(scoreInput, index) });
  }
  return scored;
}

/** Approved: its percentage; not submitted: 0 %; submitted but not appraised: none. */
function percentOf(status: UnitStatus, score: UnitScore | null): Fraction | null {
  if (score) return score.percent;
  return status === 'not-submitted' ? ZERO : null;
}

function breakdownOf(score: UnitScore): ScoreBreakdown {
  return {
    assessed: score.assessed,
    survey: score.surveyScore,
    rescaled: score.rescaled,
    bonusCounted: score.bonusCounted,
    penaltyCounted: score.penaltyCounted,
    clamped: score.clamped,
  };
}

/** The set used per group, for the groups that have units. */
function criteriaSetsUsed(input: ComputePeriodResultsInput): PeriodResults['criteriaSets'] {
  const criteriaSets: PeriodResults['criteriaSets'] = {};
  for (const group of UNIT_GROUPS) {
    const set = input.setsByGroup[group];
    if (set && input.units.some((u) => u.group === group))
      criteriaSets[group] = { id: set.id, version: set.version };
  }
  return criteriaSets;
}

/** The previous period's line as one side of a change: a unit without a report is last by rule. */
function previousLine(
  line: { status: UnitStatus; percent: Fraction | null; band: Band | null; rank: number | null } | undefined,
): PreviousSide | undefined {
  return (
    line && {
      percent: line.percent,
      band: line.band,
      rank: line.rank,
      lastByRule: line.status === 'not-submitted',
    }
  );
}
