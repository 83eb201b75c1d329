import { describe, expect, it } from 'vitest';
import { aggregateResults } from '#domain/aggregate';
import type { Unit } from '#domain/model';
import { formatPercent, fraction, parsePoints } from '#domain/points';
import { bandAtLeast, bandOf, rankGroup } from '#domain/ranking';
import {
  aggregateResultsFromJson,
  aggregateResultsToJson,
  periodResultsFromJson,
  periodResultsToJson,
} from '#domain/results-json';
import { publishResults } from '#domain/results-versions';
import {
  type ComputePeriodResultsInput,
  computePeriodResults,
  type PeriodResults,
  type UnitPeriodInput,
} from '#domain/scoring';
import { ScoringError, scoreUnit } from '#domain/unit-score';
import { appraisedFrom, DEFAULT_AREA_MAXIMA, defaultAreasSet, nestedSet, unit } from './scoring-fixtures.ts';

const set = defaultAreasSet();
const full = [...DEFAULT_AREA_MAXIMA];

function score(over: Partial<Parameters<typeof scoreUnit>[0]> = {}) {
  return scoreUnit({
    set,
    appraised: appraisedFrom(full),
    survey: 3000,
    bonus: 0,
    penalty: 0,
    bonusCap: 500,
    penaltyCap: 500,
    ...over,
  });
}

/** Appraised scores for the default set summing to `total` hundredths (filled area by area). */
function appraisedSumming(total: number): Record<string, number> {
  let left = total;
  return appraisedFrom(
    DEFAULT_AREA_MAXIMA.map((max) => {
      const s = Math.min(max, left);
      left -= s;
      return s;
    }),
  );
}

describe('scoreUnit', () => {
  it('gives exactly 90,00 % and Xuất sắc for the DOMAIN.md example', () => {
    const scores = ['8.73', '3.83', '13.97', '4.36', '8.3', '3.94', '11.33', '9.6'].map((s) =>
      parsePoints(s),
    );
    const result = score({ appraised: appraisedFrom(scores), survey: parsePoints('25.94') });
    expect(result.assessed).toBe(6406);
    expect(result.rescaled).toBe(false);
    expect(result.total).toEqual(fraction(9000));
    expect(result.percent).toEqual(fraction(90));
    expect(formatPercent(result.percent)).toBe('90,00');
    expect(bandOf(result.percent)).toBe('xuat-sac');
  });

  it('rescales a unit without survey to the set scale: 63/70 is exactly 90 %', () => {
    const result = score({ appraised: appraisedSumming(6300), survey: null });
    expect(result.rescaled).toBe(true);
    expect(result.surveyScore).toBeNull();
    expect(result.total).toEqual(fraction(9000));
    expect(result.percent).toEqual(fraction(90));
    expect(bandOf(result.percent)).toBe('xuat-sac');
  });

  it('keeps a rescaled total exact and bands it before rounding', () => {
    // 62.99 / 70 × 100 = 89.9857… %: shown 89,99, Tốt.
    const below = score({ appraised: appraisedSumming(6299), survey: null });
    expect(below.percent).toEqual(fraction(6299, 70));
    expect(formatPercent(below.percent)).toBe('89,99');
    expect(bandOf(below.percent)).toBe('tot');
    // 62.9965 / 70 would show as 90,00 yet is below 90: bands use the exact value.
    expect(bandOf(fraction(179993, 2000))).toBe('tot');
    expect(formatPercent(fraction(179993, 2000))).toBe('90,00');
  });

  it('counts bonus and penalty up to their caps', () => {
    const result = score({
      appraised: appraisedSumming(5000),
      survey: 2000,
      bonus: 800,
      penalty: 300,
      penaltyCap: 200,
    });
    expect(result.bonusCounted).toBe(500);
    expect(result.penaltyCounted).toBe(200);
    expect(result.total).toEqual(fraction(7300));
    expect(result.clamped).toBe('none');
  });

  it('applies bonus and penalty after rescaling', () => {
    const result = score({ appraised: appraisedSumming(3500), survey: null, bonus: 100, penalty: 0 });
    // 35/70 × 100 = 50, + 1
    expect(result.total).toEqual(fraction(5100));
  });

  it('clamps the total to 0..max', () => {
    const top = score({ bonus: 400 });
    expect(top.total).toEqual(fraction(10000));
    expect(top.percent).toEqual(fraction(100));
    expect(top.clamped).toBe('to-max');
    const bottom = score({ appraised: appraisedSumming(100), survey: 0, penalty: 500 });
    expect(bottom.total).toEqual(fraction(0));
    expect(bottom.clamped).toBe('to-zero');
  });

  it('refuses a score above its leaf maximum, a missing leaf, a survey out of range', () => {
    const { '8.1': _missing, ...partial } = appraisedFrom(full);
    const error = (() => {
      try {
        score({ appraised: { ...partial, '3.1': 1401, '8.1': Number.NaN }, survey: 3001 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ScoringError);
    const problems = (error as ScoringError).problems.map((p) => [p.field, p.code]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['appraised.3.1', 'score-out-of-range'],
        ['appraised.8.1', 'invalid-score'],
        ['survey', 'score-out-of-range'],
      ]),
    );
    expect(() => score({ appraised: partial })).toThrow(/Thiếu điểm thẩm định của tiêu chí 8.1/);
    expect(() => score({ appraised: { ...appraisedFrom(full), '9': 2500 } })).toThrow(/khảo sát/);
  });

  it('refuses a survey result for a set without a survey area', () => {
    const noSurvey = defaultAreasSet({ areas: defaultAreasSet().areas.slice(0, 8), max: 7000 });
    expect(() => score({ set: noSurvey })).toThrow(ScoringError);
    // Without a survey area there is nothing to rescale.
    const r = score({ set: noSurvey, survey: null, appraised: appraisedSumming(6300) });
    expect(r.rescaled).toBe(false);
    expect(r.percent).toEqual(fraction(90));
  });

  it('sums nested leaves', () => {
    const nested = nestedSet();
    const r = scoreUnit({
      set: nested,
      appraised: { '1.1.1': 400, '1.1.2': 150, '1.2': 250, '2.1': 5500 },
      survey: 2500,
      bonus: 0,
      penalty: 0,
      bonusCap: 300,
      penaltyCap: 300,
    });
    expect(r.assessed).toBe(6300);
    expect(r.percent).toEqual(fraction(88));
  });
});

describe('bandOf', () => {
  it('follows the default thresholds with inclusive lower bounds', () => {
    const cases: [number, number, string][] = [
      [100, 1, 'xuat-sac'],
      [90, 1, 'xuat-sac'],
      [8999, 100, 'tot'],
      [80, 1, 'tot'],
      [7999, 100, 'kha'],
      [70, 1, 'kha'],
      [6999, 100, 'trung-binh'],
      [50, 1, 'trung-binh'],
      [4999, 100, 'yeu'],
      [0, 1, 'yeu'],
    ];
    for (const [num, den, band] of cases) expect(bandOf(fraction(num, den)), `${num}/${den}`).toBe(band);
  });

  it('takes configured thresholds, in any order, with decimals', () => {
    const thresholds = [
      { band: 'yeu' as const, minPercent: 0 },
      { band: 'xuat-sac' as const, minPercent: 87.5 },
      { band: 'kha' as const, minPercent: 60 },
    ];
    expect(bandOf(fraction(175, 2), thresholds)).toBe('xuat-sac');
    expect(bandOf(fraction(8749, 100), thresholds)).toBe('kha');
    expect(bandOf(fraction(59), thresholds)).toBe('yeu');
  });

  it('compares bands', () => {
    expect(bandAtLeast('xuat-sac', 'tot')).toBe(true);
    expect(bandAtLeast('tot', 'tot')).toBe(true);
    expect(bandAtLeast('kha', 'tot')).toBe(false);
  });
});

describe('rankGroup', () => {
  it('shares ranks on equal exact percentages: 1, 2, 2, 4', () => {
    const ranked = rankGroup([
      { unitId: 'd', group: 'office', status: 'approved', percent: fraction(70) },
      { unitId: 'b', group: 'office', status: 'approved', percent: fraction(6300, 70) },
      { unitId: 'a', group: 'office', status: 'approved', percent: fraction(95) },
      { unitId: 'c', group: 'office', status: 'approved', percent: fraction(90) },
    ]);
    expect(ranked.map((r) => [r.unitId, r.rank])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 2],
      ['d', 4],
    ]);
  });

  it('does not tie percentages that only round alike', () => {
    const ranked = rankGroup([
      { unitId: 'a', group: 'office', status: 'approved', percent: fraction(6299, 70) }, // 89.9857
      { unitId: 'b', group: 'office', status: 'approved', percent: fraction(8999, 100) }, // 89.99
    ]);
    expect(ranked.map((r) => [r.unitId, r.rank])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
  });
});

// ---------------------------------------------------------------- period results

const offices: Unit[] = [
  unit('phong-noi-vu'),
  unit('phong-tu-phap'),
  unit('phong-tai-chinh'),
  unit('van-phong'),
];
const communes: Unit[] = [
  unit('xa-an-hoa', 'commune'),
  unit('xa-binh-minh', 'commune'),
  unit('thi-tran', 'commune'),
];

function approved(
  total: number,
  survey: number | null = null,
  extra: Partial<UnitPeriodInput> = {},
): UnitPeriodInput {
  const surveyPart = survey ?? 0;
  return { status: 'approved', appraised: appraisedSumming(total - surveyPart), survey, ...extra };
}

function period(inputs: ComputePeriodResultsInput['inputs'], over: Partial<ComputePeriodResultsInput> = {}) {
  return computePeriodResults({
    periodId: '2024Q3',
    units: [...offices, ...communes],
    inputs,
    setsByGroup: { office: set, commune: set },
    ...over,
  });
}

const line = (r: PeriodResults, id: string) => r.units.find((u) => u.unitId === id)!;

describe('computePeriodResults', () => {
  const inputs: ComputePeriodResultsInput['inputs'] = {
    'phong-noi-vu': approved(9000, 2594),
    'phong-tu-phap': approved(8500, 2500),
    'phong-tai-chinh': { status: 'submitted-not-appraised' },
    'van-phong': { status: 'not-submitted' },
    'xa-an-hoa': approved(9200, 2800),
    'xa-binh-minh': approved(6300, null),
    // thi-tran: no entry at all — no report at review close
  };

  it('ranks offices and communes apart, each from 1', () => {
    const r = period(inputs);
    expect(r.units.map((u) => [u.group, u.unitId, u.rank])).toEqual([
      ['office', 'phong-noi-vu', 1],
      ['office', 'phong-tu-phap', 2],
      ['office', 'van-phong', 3],
      ['office', 'phong-tai-chinh', null],
      ['commune', 'xa-an-hoa', 1],
      ['commune', 'xa-binh-minh', 2],
      ['commune', 'thi-tran', 3],
    ]);
  });

  it('gives Không nộp báo cáo 0, the last rank and the flag', () => {
    const vp = line(period(inputs), 'van-phong');
    expect(vp).toMatchObject({
      total: 0,
      rank: 3,
      band: 'yeu',
      flags: ['khong-nop-bao-cao'],
      status: 'not-submitted',
    });
    expect(vp.percent).toEqual(fraction(0));
    expect(line(period(inputs), 'thi-tran')).toMatchObject({
      total: 0,
      rank: 3,
      flags: ['khong-nop-bao-cao'],
    });
  });

  it('ranks a unit that did not report below one appraised at 0 %', () => {
    const r = period(
      { 'phong-noi-vu': { status: 'approved', appraised: appraisedFrom([]), survey: 0 } },
      { units: offices },
    );
    expect(r.units.map((u) => [u.unitId, u.rank, u.flags])).toEqual([
      ['phong-noi-vu', 1, []],
      ['phong-tai-chinh', 2, ['khong-nop-bao-cao']],
      ['phong-tu-phap', 2, ['khong-nop-bao-cao']],
      ['van-phong', 2, ['khong-nop-bao-cao']],
    ]);
  });

  it('leaves a Chưa thẩm định unit unranked, without total or band, flagged', () => {
    expect(line(period(inputs), 'phong-tai-chinh')).toMatchObject({
      total: null,
      totalExact: null,
      percent: null,
      band: null,
      rank: null,
      flags: ['chua-tham-dinh'],
    });
  });

  it('uses per-group caps from the district over the set default', () => {
    const r = period(
      {
        'phong-noi-vu': approved(8000, 2500, { bonus: 500 }),
        'xa-an-hoa': approved(8000, 2500, { bonus: 500 }),
      },
      { caps: { office: { bonusCap: 200 } } },
    );
    expect(line(r, 'phong-noi-vu').total).toBe(8200);
    expect(line(r, 'xa-an-hoa').total).toBe(8500);
  });

  it('reports the change against the previous period', () => {
    const previous = period({
      'phong-noi-vu': approved(8000, 2500),
      'phong-tu-phap': approved(8800, 2500),
      'xa-an-hoa': { status: 'submitted-not-appraised' },
    });
    const r = period(inputs, { previous });
    expect(line(r, 'phong-noi-vu').change).toEqual({
      previousId: '2024Q3',
      previousPercent: fraction(80),
      percentPoints: fraction(10),
      previousBand: 'tot',
      previousRank: 2,
      rankChange: 1,
    });
    expect(line(r, 'phong-tu-phap').change).toMatchObject({ percentPoints: fraction(-3), rankChange: -1 });
    expect(line(r, 'xa-an-hoa').change).toMatchObject({
      previousPercent: null,
      percentPoints: null,
      rankChange: null,
    });
  });

  it('does not compare places against a Không nộp báo cáo rank (shared last place), only percentages', () => {
    // Nobody reported: all four offices share rank 1.
    const nobody = period({}, { units: offices });
    expect(nobody.units.map((u) => u.rank)).toEqual([1, 1, 1, 1]);
    const r = period(
      {
        'phong-noi-vu': approved(9000, 2500),
        'phong-tai-chinh': approved(8000, 2500),
        'phong-tu-phap': approved(7000, 2500),
      },
      { units: offices, previous: nobody },
    );
    // 2nd now is not "down 1 place" from that shared 1; the 80 percentage points still count.
    expect(line(r, 'phong-tai-chinh').change).toEqual({
      previousId: '2024Q3',
      previousPercent: fraction(0),
      percentPoints: fraction(80),
      previousBand: 'yeu',
      previousRank: 1,
      rankChange: null,
    });
    // …nor is missing this period (last by rule) a place lost against an earned rank.
    const again = period(
      { 'phong-noi-vu': approved(9000, 2500), 'phong-tu-phap': approved(7000, 2500) },
      { units: offices, previous: r },
    );
    expect(line(again, 'phong-tai-chinh').change).toMatchObject({
      previousRank: 2,
      percentPoints: fraction(-80),
      rankChange: null,
    });
    // Two earned ranks still compare.
    expect(line(again, 'phong-tu-phap').change).toMatchObject({ previousRank: 3, rankChange: 1 });
  });

  it('refuses inputs for units that are not in the config, and incomplete appraisals', () => {
    expect(() => period({ 'phong-khong-co': approved(8000) })).toThrow(/Không có đơn vị "phong-khong-co"/);
    try {
      period({ 'phong-noi-vu': { status: 'approved', appraised: { '1.1': 900 } } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScoringError);
      expect((e as ScoringError).problems.map((p) => p.field)).toContain('inputs.phong-noi-vu.appraised.2.1');
    }
  });

  it('writes the documented JSON, with exact fractions as strings, and reads it back', () => {
    const r = period(inputs);
    const json = periodResultsToJson(r);
    const text = JSON.stringify(json);
    const noiVu = json.units.find((u) => u.unitId === 'phong-noi-vu')!;
    expect(noiVu).toMatchObject({
      total: 90,
      totalExact: '90/1',
      percent: 90,
      percentExact: '90/1',
      band: 'xuat-sac',
      bandLabel: 'Xuất sắc',
      rank: 1,
      flags: [],
      flagLabels: [],
      breakdown: { assessed: 64.06, survey: 25.94, rescaled: false, bonus: 0, penalty: 0, clamped: 'none' },
    });
    expect(json.units.find((u) => u.unitId === 'van-phong')).toMatchObject({
      flagLabels: ['Không nộp báo cáo'],
      bandLabel: 'Yếu',
    });
    expect(json.units.find((u) => u.unitId === 'phong-tai-chinh')).toMatchObject({
      flagLabels: ['Chưa thẩm định'],
      band: null,
      percent: null,
    });
    expect(periodResultsFromJson(JSON.parse(text))).toEqual(r);
  });

  it('shows a rescaled total rounded, and keeps it exact in JSON', () => {
    const r = period({ 'xa-binh-minh': approved(6301, null) });
    const j = periodResultsToJson(r).units.find((u) => u.unitId === 'xa-binh-minh')!;
    expect(j).toMatchObject({ total: 90.01, totalExact: '6301/70', percent: 90.01, percentExact: '6301/70' });
    expect(line(r, 'xa-binh-minh').total).toBe(9001);
  });
});

describe('publishResults', () => {
  const first = period({
    'phong-noi-vu': approved(9000, 2594),
    'phong-tu-phap': approved(8500, 2500),
    'phong-tai-chinh': { status: 'submitted-not-appraised' },
  });

  it('publishes the first computation as version 1', () => {
    const p = publishResults([], first);
    expect(p).toMatchObject({ version: 1, isNew: true });
    expect(p.results.version).toBe(1);
    expect(p.changed).toHaveLength(first.units.length);
  });

  it('returns the existing version when a recomputation is identical', () => {
    const v1 = publishResults([], first).results;
    const again = period({
      'phong-tai-chinh': { status: 'submitted-not-appraised' },
      'phong-tu-phap': approved(8500, 2500),
      'phong-noi-vu': approved(9000, 2594),
    });
    const p = publishResults([v1], again);
    expect(p).toEqual({ version: 1, results: v1, changed: [], isNew: false });
    // Stored results read back from JSON compare the same.
    const stored = periodResultsFromJson(JSON.parse(JSON.stringify(periodResultsToJson(v1))));
    expect(publishResults([stored], again).isNew).toBe(false);
  });

  it('makes a late appraisal version n+1 and lists what changed', () => {
    const v1 = publishResults([], first).results;
    const late = period({
      'phong-noi-vu': approved(9000, 2594),
      'phong-tu-phap': approved(8500, 2500),
      'phong-tai-chinh': approved(9500, 2900),
    });
    const p = publishResults([v1], late);
    expect(p.version).toBe(2);
    expect(p.isNew).toBe(true);
    expect(p.results.version).toBe(2);
    // The late unit is ranked; the units it overtook, and the one that did not report, moved down.
    expect(p.changed).toEqual(['phong-noi-vu', 'phong-tai-chinh', 'phong-tu-phap', 'van-phong']);
    expect(line(p.results, 'van-phong').rank).toBe(4);
    expect(v1.version).toBe(1);
    expect(line(v1, 'phong-noi-vu').rank).toBe(1);
    // Version 3 builds on the latest, whatever order the versions are given in.
    const later = period({
      'phong-noi-vu': approved(9000, 2594),
      'phong-tu-phap': approved(8500, 2500),
      'phong-tai-chinh': approved(9500, 2900),
      'van-phong': approved(5000, 2000),
    });
    const p3 = publishResults([p.results, v1], later);
    expect(p3.version).toBe(3);
    expect(p3.changed).toEqual(['van-phong']);
    expect(line(p3.results, 'van-phong')).toMatchObject({ rank: 4, flags: [], band: 'trung-binh' });
  });

  it('refuses to compare results of different periods', () => {
    const v1 = publishResults([], first).results;
    expect(() => publishResults([v1], { ...first, periodId: '2024Q4' })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- year and phase

describe('aggregateResults', () => {
  const units = [unit('a'), unit('b'), unit('c'), unit('x', 'commune')];
  const q = (periodId: string, inputs: ComputePeriodResultsInput['inputs']) =>
    computePeriodResults({ periodId, units, inputs, setsByGroup: { office: set, commune: set } });

  it('means the percentages, a missed period counting 0, exactly', () => {
    const quarters = [
      q('2023Q1', { a: approved(9000, 3000), b: approved(8000, 3000), x: approved(6300, null) }),
      q('2023Q2', { a: { status: 'not-submitted' }, b: approved(8000, 3000), x: approved(6301, null) }),
      q('2023Q3', { a: approved(9000, 3000), b: approved(8000, 3000), x: approved(6300, null) }),
      q('2023Q4', { a: approved(9000, 3000), b: approved(8000, 3000), x: approved(6300, null) }),
    ];
    const year = aggregateResults('year', ['2023Q1', '2023Q2', '2023Q3', '2023Q4'], quarters, units);
    expect(year.scopeId).toBe('2023');
    const a = year.units.find((u) => u.unitId === 'a')!;
    expect(a.percent).toEqual(fraction(135, 2)); // (90 + 0 + 90 + 90) / 4
    expect(a).toMatchObject({
      band: 'trung-binh',
      rank: 2,
      flags: ['khong-nop-bao-cao'],
      missedPeriods: ['2023Q2'],
    });
    expect(year.units.find((u) => u.unitId === 'b')).toMatchObject({
      percent: fraction(80),
      band: 'tot',
      rank: 1,
    });
    // c never reported: 0, ranked last.
    expect(year.units.find((u) => u.unitId === 'c')).toMatchObject({ percent: fraction(0), rank: 3 });
    // x: (90 + 6301/70 + 90 + 90) / 4 = 25201/280, exact.
    const x = year.units.find((u) => u.unitId === 'x')!;
    expect(x.percent).toEqual(fraction(25201, 280));
    expect(x).toMatchObject({ rank: 1, band: 'xuat-sac' });
  });

  it('compares a year against the previous one, except a place won from the last place of a unit that missed every period', () => {
    const y2022 = aggregateResults(
      'year',
      ['2022Q3', '2022Q4'],
      [
        q('2022Q3', { a: approved(9000, 3000) }),
        q('2022Q4', { a: approved(9000, 3000), b: approved(8000, 3000) }),
      ],
      units,
    );
    // b missed 2022Q3 (flagged) but is ranked among those who reported; c missed every period: last by rule.
    expect(y2022.units.filter((u) => u.group === 'office').map((u) => [u.unitId, u.rank])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const y2023 = aggregateResults(
      'year',
      ['2023Q1'],
      [q('2023Q1', { a: approved(8000, 3000), b: approved(9000, 3000), c: approved(8500, 3000) })],
      units,
      { previous: y2022 },
    );
    const change = (id: string) => y2023.units.find((u) => u.unitId === id)?.change;
    expect(change('a')).toMatchObject({ previousRank: 1, rankChange: -2 });
    expect(change('b')).toMatchObject({ previousRank: 2, rankChange: 1 });
    expect(change('c')).toMatchObject({ previousRank: 3, percentPoints: fraction(85), rankChange: null });
  });

  it('covers only the calendar periods in scope: 2022 has just Q3 and Q4', () => {
    const year = aggregateResults(
      'year',
      ['2022Q3', '2022Q4'],
      [q('2022Q3', { a: approved(8000, 3000) }), q('2022Q4', { a: approved(9000, 3000) })],
      units,
    );
    expect(year).toMatchObject({ kind: 'year', scopeId: '2022', periodIds: ['2022Q3', '2022Q4'] });
    expect(year.units.find((u) => u.unitId === 'a')).toMatchObject({
      percent: fraction(85),
      band: 'tot',
      rank: 1,
    });
  });

  it('uses the latest version of each period and records it', () => {
    const v1 = q('2022Q3', { a: { status: 'submitted-not-appraised' } });
    const v2 = publishResults([v1], q('2022Q3', { a: approved(9000, 3000) })).results;
    const q4 = q('2022Q4', { a: approved(9000, 3000) });
    const year = aggregateResults('year', ['2022Q3', '2022Q4'], [v2, v1, q4], units);
    expect(year.sources).toEqual([
      { periodId: '2022Q3', version: 2 },
      { periodId: '2022Q4', version: 1 },
    ]);
    expect(year.units.find((u) => u.unitId === 'a')).toMatchObject({ percent: fraction(90), rank: 1 });
  });

  it('does not rank a unit while one of its periods is Chưa thẩm định', () => {
    const year = aggregateResults(
      'year',
      ['2022Q3', '2022Q4'],
      [q('2022Q3', { a: approved(9000, 3000) }), q('2022Q4', { a: { status: 'submitted-not-appraised' } })],
      units,
    );
    expect(year.units.find((u) => u.unitId === 'a')).toMatchObject({
      percent: null,
      band: null,
      rank: null,
      flags: ['chua-tham-dinh'],
      pendingPeriods: ['2022Q4'],
    });
  });

  it('names the phase by its years and refuses periods without results', () => {
    const phase = aggregateResults(
      'phase',
      ['2022Q4', '2023Q1'],
      [q('2022Q4', { a: approved(8000, 3000) }), q('2023Q1', { a: approved(9000, 3000) })],
      units,
    );
    expect(phase.scopeId).toBe('2022-2023');
    expect(() => aggregateResults('year', ['2022Q3', '2022Q4'], [q('2022Q3', {})], units)).toThrow(/2022Q4/);
  });

  it('round-trips through JSON and versions like period results', () => {
    const year = aggregateResults('year', ['2022Q3'], [q('2022Q3', { a: approved(6301, null) })], units);
    const json = aggregateResultsToJson(year);
    expect(json.units.find((u) => u.unitId === 'a')).toMatchObject({
      percent: 90.01,
      percentExact: '6301/70',
      bandLabel: 'Xuất sắc',
      periods: [{ periodId: '2022Q3', status: 'approved', percent: 90.01, percentExact: '6301/70' }],
    });
    const back = aggregateResultsFromJson(JSON.parse(JSON.stringify(json)));
    expect(back).toEqual(year);
    expect(publishResults([publishResults([], year).results], back).isNew).toBe(false);
  });
});
