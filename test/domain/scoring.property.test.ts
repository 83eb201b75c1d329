import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Area, CriteriaSet, Fraction, Unit, UnitGroup } from '#domain/model';
import {
  compareFractions,
  fraction,
  fractionFromPoints,
  fractionsEqual,
  multiplyFraction,
  ZERO,
} from '#domain/points';
import { BAND_ORDER, bandOf, compareBands, type RankEntry, rankGroup } from '#domain/ranking';
import { periodResultsToJson } from '#domain/results-json';
import { computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { ScoringError, scoreUnit } from '#domain/unit-score';

// ---------------------------------------------------------------- generators

/** A criteria set of 1–5 assessed areas with 1–3 leaves each, with or without a survey area. */
const criteriaSetArb: fc.Arbitrary<CriteriaSet> = fc
  .record({
    areas: fc.array(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 5,
    }),
    survey: fc.option(fc.integer({ min: 1, max: 4000 }), { nil: null }),
    bonusCap: fc.integer({ min: 0, max: 1000 }),
    penaltyCap: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ areas, survey, bonusCap, penaltyCap }) => {
    const assessed: Area[] = areas.map((leaves, i) => ({
      id: String(i + 1),
      name: `Lĩnh vực ${i + 1}`,
      kind: 'assessed',
      max: leaves.reduce((a, b) => a + b, 0),
      criteria: leaves.map((max, j) => ({ id: `${i + 1}.${j + 1}`, name: 'x', max, evidenceRequired: true })),
    }));
    const all: Area[] =
      survey === null
        ? assessed
        : [...assessed, { id: 'ks', name: 'Khảo sát', kind: 'survey', max: survey, criteria: [] }];
    return {
      id: 'prop',
      version: '1',
      name: 'prop',
      effectiveFrom: '2022-01-01',
      source: 'fast-check',
      max: all.reduce((a, b) => a + b.max, 0),
      bonusCap,
      penaltyCap,
      areas: all,
    };
  });

const leavesOf = (set: CriteriaSet) =>
  set.areas.filter((a) => a.kind === 'assessed').flatMap((a) => a.criteria);
const surveyMaxOf = (set: CriteriaSet) => set.areas.find((a) => a.kind === 'survey')?.max ?? null;

/** A set with valid appraised scores, survey (or none), bonus and penalty. */
const scoredArb = criteriaSetArb.chain((set) =>
  fc.record({
    set: fc.constant(set),
    appraised: fc.tuple(...leavesOf(set).map((l) => fc.integer({ min: 0, max: l.max }))),
    survey:
      surveyMaxOf(set) === null
        ? fc.constant(null)
        : fc.option(fc.integer({ min: 0, max: surveyMaxOf(set)! }), { nil: null }),
    bonus: fc.integer({ min: 0, max: 3000 }),
    penalty: fc.integer({ min: 0, max: 3000 }),
  }),
);

function toInput(s: {
  set: CriteriaSet;
  appraised: number[];
  survey: number | null;
  bonus: number;
  penalty: number;
}) {
  const leaves = leavesOf(s.set);
  return {
    set: s.set,
    appraised: Object.fromEntries(leaves.map((l, i) => [l.id, s.appraised[i]!])),
    survey: s.survey,
    bonus: s.bonus,
    penalty: s.penalty,
    bonusCap: s.set.bonusCap,
    penaltyCap: s.set.penaltyCap,
  };
}

/** Percentages from a small pool so that ties happen often, plus some arbitrary fractions. */
const percentArb: fc.Arbitrary<Fraction> = fc.oneof(
  fc.constantFrom(
    fraction(90),
    fraction(6300, 70),
    fraction(6299, 70),
    fraction(80),
    fraction(0),
    fraction(100),
  ),
  fc
    .record({ num: fc.integer({ min: 0, max: 10000 }), den: fc.integer({ min: 1, max: 97 }) })
    .map(({ num, den }) => {
      const f = fraction(num, den);
      return compareFractions(f, fraction(100)) > 0 ? fraction(100) : f;
    }),
);

const rankEntriesArb: fc.Arbitrary<RankEntry[]> = fc
  .uniqueArray(
    fc.record({
      unitId: fc.stringMatching(/^[a-z]{1,6}$/),
      group: fc.constantFrom<UnitGroup>('office', 'commune'),
      status: fc.constantFrom('approved', 'approved', 'approved', 'submitted-not-appraised', 'not-submitted'),
      percent: percentArb,
    }),
    { selector: (e) => e.unitId, maxLength: 25 },
  )
  .map((entries) =>
    entries.map((e): RankEntry => ({ ...e, percent: e.status === 'approved' ? e.percent : null })),
  );

/** A shuffle driven by fast-check, so that failures shrink and replay. */
function shuffled<T>(items: readonly T[], keys: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: keys[i] ?? i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

// ---------------------------------------------------------------- properties

describe('scoring invariants', () => {
  it('never gives a total above the set maximum or below 0', () => {
    fc.assert(
      fc.property(scoredArb, (s) => {
        const args = toInput(s);
        const r = scoreUnit(args);
        expect(compareFractions(r.total, ZERO)).toBeGreaterThanOrEqual(0);
        expect(compareFractions(r.total, fractionFromPoints(s.set.max))).toBeLessThanOrEqual(0);
        expect(compareFractions(r.percent, ZERO)).toBeGreaterThanOrEqual(0);
        expect(compareFractions(r.percent, fraction(100))).toBeLessThanOrEqual(0);
        expect(r.bonusCounted).toBeLessThanOrEqual(s.set.bonusCap);
        expect(r.penaltyCounted).toBeLessThanOrEqual(s.set.penaltyCap);
      }),
    );
  });

  it('refuses any leaf above its maximum or below 0', () => {
    fc.assert(
      fc.property(
        scoredArb,
        fc.nat(),
        fc.integer({ min: 1, max: 500 }),
        fc.boolean(),
        (s, pick, excess, above) => {
          const args = toInput(s);
          const leaves = leavesOf(s.set);
          const leaf = leaves[pick % leaves.length]!;
          const bad = {
            ...args,
            appraised: { ...args.appraised, [leaf.id]: above ? leaf.max + excess : -excess },
          };
          expect(() => scoreUnit(bad)).toThrow(ScoringError);
          try {
            scoreUnit(bad);
          } catch (e) {
            expect((e as ScoringError).problems).toContainEqual(
              expect.objectContaining({ criterionId: leaf.id, code: 'score-out-of-range' }),
            );
          }
        },
      ),
    );
  });

  it('rescales exactly: without survey, total × (max − surveyMax) = assessed × max', () => {
    fc.assert(
      fc.property(
        scoredArb.filter((s) => surveyMaxOf(s.set) !== null),
        (s) => {
          const args = toInput(s);
          const r = scoreUnit({ ...args, survey: null, bonus: 0, penalty: 0 });
          const surveyMax = surveyMaxOf(s.set)!;
          expect(r.rescaled).toBe(true);
          expect(multiplyFraction(r.total, s.set.max - surveyMax)).toEqual(fraction(r.assessed * s.set.max));
          // A full score rescales to exactly 100 %.
          const full = Object.fromEntries(leavesOf(s.set).map((l) => [l.id, l.max]));
          expect(scoreUnit({ ...args, appraised: full, survey: null, bonus: 0, penalty: 0 }).percent).toEqual(
            fraction(100),
          );
        },
      ),
    );
  });

  it('bands are monotonic in the percentage', () => {
    fc.assert(
      fc.property(percentArb, percentArb, (a, b) => {
        const [low, high] = compareFractions(a, b) <= 0 ? [a, b] : [b, a];
        expect(compareBands(bandOf(high), bandOf(low))).toBeLessThanOrEqual(0);
        expect(BAND_ORDER).toContain(bandOf(a));
      }),
    );
  });
});

describe('ranking invariants', () => {
  it('is consistent with percentages: higher ranks better, equal shares, ranks count those strictly ahead', () => {
    fc.assert(
      fc.property(rankEntriesArb, (entries) => {
        const ranked = new Map(rankGroup(entries).map((r) => [r.unitId, r]));
        expect(ranked.size).toBe(entries.length);
        for (const a of entries) {
          const ra = ranked.get(a.unitId)!;
          const sameGroup = entries.filter((e) => e.group === a.group);
          const approved = sameGroup.filter((e) => e.status === 'approved');
          if (a.status === 'submitted-not-appraised') {
            expect(ra.rank).toBeNull();
            expect(ra.flags).toEqual(['chua-tham-dinh']);
            continue;
          }
          if (a.status === 'not-submitted') {
            expect(ra.rank).toBe(approved.length + 1);
            expect(ra.flags).toEqual(['khong-nop-bao-cao']);
            continue;
          }
          const ahead = approved.filter((e) => compareFractions(e.percent!, a.percent!) > 0).length;
          expect(ra.rank).toBe(ahead + 1);
          for (const b of approved) {
            const rb = ranked.get(b.unitId)!;
            const c = compareFractions(a.percent!, b.percent!);
            if (c > 0) expect(ra.rank!).toBeLessThan(rb.rank!);
            if (c === 0) expect(ra.rank).toBe(rb.rank);
          }
        }
      }),
    );
  });

  it('never ranks offices and communes together', () => {
    fc.assert(
      fc.property(rankEntriesArb, (entries) => {
        const all = rankGroup(entries);
        const officesOnly = rankGroup(entries.filter((e) => e.group === 'office'));
        expect(all.filter((r) => r.group === 'office')).toEqual(officesOnly);
      }),
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(
        rankEntriesArb,
        fc.array(fc.double({ noNaN: true }), { maxLength: 25 }),
        (entries, keys) => {
          expect(rankGroup(shuffled(entries, keys))).toEqual(rankGroup(entries));
        },
      ),
    );
  });
});

describe('period results invariants', () => {
  const setArb = criteriaSetArb;
  const periodArb = setArb.chain((set) => {
    const leaves = leavesOf(set);
    const surveyMax = surveyMaxOf(set);
    const unitInput: fc.Arbitrary<UnitPeriodInput> = fc.oneof(
      fc.record({
        status: fc.constant('approved' as const),
        appraised: fc
          .tuple(...leaves.map((l) => fc.integer({ min: 0, max: l.max })))
          .map((scores) => Object.fromEntries(leaves.map((l, i) => [l.id, scores[i]!]))),
        survey:
          surveyMax === null
            ? fc.constant(null)
            : fc.option(fc.integer({ min: 0, max: surveyMax }), { nil: null }),
        bonus: fc.integer({ min: 0, max: 2000 }),
        penalty: fc.integer({ min: 0, max: 2000 }),
      }),
      fc.constant({ status: 'submitted-not-appraised' as const }),
      fc.constant({ status: 'not-submitted' as const }),
    );
    return fc.record({
      set: fc.constant(set),
      units: fc.uniqueArray(
        fc.record({
          id: fc.stringMatching(/^[a-z]{1,5}$/),
          group: fc.constantFrom<UnitGroup>('office', 'commune'),
        }),
        { selector: (u) => u.id, minLength: 1, maxLength: 12 },
      ),
      inputs: fc.array(unitInput, { minLength: 12, maxLength: 12 }),
      keys: fc.array(fc.double({ noNaN: true }), { minLength: 12, maxLength: 12 }),
    });
  });

  it('permuting the units changes nothing; every line stays within its bounds', () => {
    fc.assert(
      fc.property(periodArb, ({ set, units, inputs, keys }) => {
        const unitList: Unit[] = units.map((u) => ({
          id: u.id,
          name: u.id,
          group: u.group,
          focalPoint: { name: 'x', email: 'x@example.org' },
        }));
        const inputMap = Object.fromEntries(unitList.map((u, i) => [u.id, inputs[i]!]));
        const compute = (list: Unit[], map: Record<string, UnitPeriodInput>) =>
          computePeriodResults({
            periodId: '2024Q1',
            units: list,
            inputs: map,
            setsByGroup: { office: set, commune: set },
          });
        const r = compute(unitList, inputMap);
        const permutedMap = Object.fromEntries(shuffled(Object.entries(inputMap), keys));
        const p = compute(shuffled(unitList, keys), permutedMap);
        expect(periodResultsToJson(p)).toEqual(periodResultsToJson(r));

        for (const line of r.units) {
          if (line.totalExact) {
            expect(compareFractions(line.totalExact, ZERO)).toBeGreaterThanOrEqual(0);
            expect(compareFractions(line.totalExact, fractionFromPoints(set.max))).toBeLessThanOrEqual(0);
            expect(line.total!).toBeLessThanOrEqual(set.max);
          }
          if (line.percent) expect(line.band).toBe(bandOf(line.percent));
          // Ranked lines: a better percentage never has a worse rank.
          for (const other of r.units) {
            if (other.group !== line.group || line.status !== 'approved' || other.status !== 'approved')
              continue;
            if (fractionsEqual(line.percent!, other.percent!)) expect(line.rank).toBe(other.rank);
            else if (compareFractions(line.percent!, other.percent!) > 0)
              expect(line.rank!).toBeLessThan(other.rank!);
          }
        }
      }),
    );
  });
});
