/**
 * What the campaign-year test expects, computed here from what people entered — independently of
 * domain/scoring.ts, in exact integer arithmetic, straight from DOMAIN.md's "Arithmetic": the sum
 * of the appraised leaves, plus the survey result or rescaled to the set's scale without one,
 * plus the capped bonus, minus the capped penalty, clamped, as a percentage of the set's maximum;
 * bands by exact comparison; competition ranks (1, 2, 2, 4) within each group; a unit without a
 * report last in its group, an unappraised one unranked.
 */
import type { Band, CriteriaSet, UnitGroup } from '#domain/model';
import type { Scores } from './campaign-harness.ts';

/** An exact non-negative fraction. */
export interface Frac {
  num: bigint;
  den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));
export function frac(num: bigint, den: bigint): Frac {
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}
export const fracText = (f: Frac) => `${f.num}/${f.den}`;
export const cmp = (a: Frac, b: Frac) => {
  const d = a.num * b.den - b.num * a.den;
  return d > 0n ? 1 : d < 0n ? -1 : 0;
};
/** Half-up to two decimals, as a number (what the results JSON shows). */
export function rounded(f: Frac): number {
  const hundredths = (f.num * 100n * 2n + f.den) / (2n * f.den);
  return Number(hundredths) / 100;
}

export interface AdjustmentsInput {
  /** Hundredths; null: no survey (the assessed sum is rescaled). */
  survey: number | null;
  bonus: number;
  penalty: number;
}

export type Status = 'approved' | 'submitted-not-appraised' | 'not-submitted';

export interface UnitOutcome {
  status: Status;
  /** Appraised leaf scores in hundredths (approved only). */
  scores?: Scores;
  adjustments?: AdjustmentsInput;
}

export interface ExpectedLine {
  unitId: string;
  group: UnitGroup;
  status: Status;
  /** Percent as an exact fraction (0 for not-submitted, null for unappraised). */
  percent: Frac | null;
  band: Band | null;
  rank: number | null;
  flags: string[];
}

export function bandOf(percent: Frac): Band {
  const atLeast = (p: bigint) => percent.num >= p * percent.den;
  return atLeast(90n)
    ? 'xuat-sac'
    : atLeast(80n)
      ? 'tot'
      : atLeast(70n)
        ? 'kha'
        : atLeast(50n)
          ? 'trung-binh'
          : 'yeu';
}

/** The percentage of one approved unit, in percent (100 = the set's maximum). */
export function percentOf(set: CriteriaSet, scores: Scores, adj?: AdjustmentsInput): Frac {
  const max = BigInt(set.max);
  const surveyMax = BigInt(set.areas.filter((a) => a.kind === 'survey').reduce((s, a) => s + a.max, 0));
  const assessed = BigInt(Object.values(scores).reduce((s, x) => s + x, 0));
  const bonus = BigInt(Math.min(adj?.bonus ?? 0, set.bonusCap));
  const penalty = BigInt(Math.min(adj?.penalty ?? 0, set.penaltyCap));
  // total in hundredths = base + bonus − penalty, as num/den
  let num: bigint;
  let den: bigint;
  if (adj?.survey != null) {
    num = assessed + BigInt(adj.survey) + bonus - penalty;
    den = 1n;
  } else {
    num = assessed * max + (bonus - penalty) * (max - surveyMax);
    den = max - surveyMax;
  }
  if (num < 0n) num = 0n;
  if (num > max * den) num = max * den;
  // percent = total × 100 / max
  return frac(num * 100n, den * max);
}

/** Ranks within each group: approved by percent (ties share), then not-submitted last, unappraised unranked. */
export function expectedLines(
  units: readonly { id: string; group: UnitGroup }[],
  outcomes: ReadonlyMap<string, UnitOutcome>,
  setOf: (group: UnitGroup) => CriteriaSet,
): ExpectedLine[] {
  const lines: ExpectedLine[] = units.map((u) => {
    const o = outcomes.get(u.id) ?? { status: 'not-submitted' as const };
    const percent =
      o.status === 'approved'
        ? percentOf(setOf(u.group), o.scores ?? {}, o.adjustments)
        : o.status === 'not-submitted'
          ? frac(0n, 1n)
          : null;
    return {
      unitId: u.id,
      group: u.group,
      status: o.status,
      percent,
      band: percent ? bandOf(percent) : null,
      rank: null,
      flags:
        o.status === 'not-submitted'
          ? ['khong-nop-bao-cao']
          : o.status === 'submitted-not-appraised'
            ? ['chua-tham-dinh']
            : [],
    };
  });
  rank(lines);
  return lines;
}

/** Competition ranks within each group (a year's lines use the same rule). */
export function rank(lines: ExpectedLine[]): void {
  for (const group of new Set(lines.map((l) => l.group))) {
    const approved = lines
      .filter((l) => l.group === group && l.status === 'approved')
      .sort((a, b) => cmp(b.percent as Frac, a.percent as Frac));
    approved.forEach((l, i) => {
      const prev = approved[i - 1];
      l.rank = prev && cmp(prev.percent as Frac, l.percent as Frac) === 0 ? prev.rank : i + 1;
    });
    for (const l of lines.filter((x) => x.group === group && x.status === 'not-submitted')) {
      l.rank = approved.length + 1;
    }
  }
}

/** A year's line per unit: the mean of its periods' percentages (a missed period counts 0). */
export function yearLines(periods: readonly ExpectedLine[][]): ExpectedLine[] {
  const first = periods[0] ?? [];
  const lines: ExpectedLine[] = first.map((l) => {
    const mine = periods.map((p) => p.find((x) => x.unitId === l.unitId) as ExpectedLine);
    const pending = mine.some((x) => x.status === 'submitted-not-appraised');
    const missed = mine.filter((x) => x.status === 'not-submitted').length;
    const status: Status = pending
      ? 'submitted-not-appraised'
      : missed === mine.length
        ? 'not-submitted'
        : 'approved';
    let percent: Frac | null = null;
    if (!pending) {
      let sum = frac(0n, 1n);
      for (const x of mine) {
        const p = x.percent as Frac;
        sum = frac(sum.num * p.den + p.num * sum.den, sum.den * p.den);
      }
      percent = frac(sum.num, sum.den * BigInt(mine.length));
    }
    const flags = [...(missed > 0 ? ['khong-nop-bao-cao'] : []), ...(pending ? ['chua-tham-dinh'] : [])];
    return {
      unitId: l.unitId,
      group: l.group,
      status,
      percent,
      band: percent ? bandOf(percent) : null,
      rank: null,
      flags,
    };
  });
  rank(lines);
  return lines;
}
