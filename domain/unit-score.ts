/**
 * One unit's score, with exactly the arithmetic DOMAIN.md decides (docs/scoring.md, "One unit's
 * score"): Points are integer hundredths, anything a division makes fractional is a bigint
 * Fraction, and nothing is rounded here — rounding happens only when a value is shown or written.
 */

import { type CriterionIndex, indexCriteria, surveyArea } from '#domain/criteria-tree';
import type { CriteriaSet, Fraction, Points } from '#domain/model';
import {
  addFractions,
  clampFraction,
  compareFractions,
  divideFraction,
  formatPoints,
  fraction,
  fractionFromPoints,
  multiplyFraction,
  subtractFractions,
  ZERO,
} from '#domain/points';
import { checkId, checkScore, type Problem } from '#domain/report';

/** Thrown when scoring input is invalid; `problems` lists every problem found, not just the first. */
export class ScoringError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(
      `Không thể tính điểm: ${problems
        .slice(0, 5)
        .map((p) => `${p.field}: ${p.message}`)
        .join('; ')}${problems.length > 5 ? ` (và ${problems.length - 5} lỗi khác)` : ''}`,
    );
    this.problems = problems;
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
export function checkScoreInputWith(input: ScoreUnitInput, index: CriterionIndex, prefix: string): Problem[] {
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
export function scoreCheckedUnit(input: ScoreUnitInput, index: CriterionIndex): UnitScore {
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

/** A set's scale as an appraised sum reads against it: the set's maximum and its appraised areas' (100 and 70). */
export interface AssessedScale {
  max: Points;
  /** The set's maximum without the survey area's. */
  assessedMax: Points;
}

/** The most a set's appraised areas give: its maximum without the survey area's (70 of the default 100). */
export function assessedScaleOf(set: CriteriaSet): AssessedScale {
  return { max: set.max, assessedMax: set.max - (surveyArea(set)?.max ?? 0) };
}

/**
 * An appraised sum on the set's scale, as it counts for a unit without a survey result
 * (sum × setMax / (setMax − surveyMax), exact, as scoreCheckedUnit rescales it); before any bonus
 * or penalty. A set without a survey area: the sum itself.
 */
export function rescaledAssessed(assessed: Points, scale: AssessedScale): Fraction {
  if (scale.assessedMax === scale.max || scale.assessedMax <= 0) return fractionFromPoints(assessed);
  return fraction(BigInt(assessed) * BigInt(scale.max), BigInt(scale.assessedMax));
}

function isNonNegativePoints(value: unknown): value is Points {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  return typeof value === 'number' && Number.isSafeInteger(value)
    ? formatPoints(value)
    : `"${String(value)}"`;
}
