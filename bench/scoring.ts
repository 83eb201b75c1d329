/**
 * Scoring at district scale: computePeriodResults for 1,000 units (500 offices, 500 communes) with
 * the demo's criteria sets over the demo's 14 quarterly periods (2022Q3–2025Q4, each period scored
 * with the set in force for it and against the previous period), then aggregateResults for the
 * year 2024 and for the whole phase. Scores are synthetic and seeded: the same figures' inputs on
 * every run. Prints ms per period, per aggregate and the memory figures.
 *
 *   node bench/scoring.ts [--per-group 500] [--seed 2022]
 */
import { aggregateResults } from '#domain/aggregate';
import { criteriaSetFor, periodsOf, periodsOfYear } from '#domain/calendar';
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, Period, Unit, UnitGroup } from '#domain/model';
import { periodResultsToJson } from '#domain/results-json';
import { computePeriodResults, type PeriodResults, type UnitPeriodInput } from '#domain/scoring';
import {
  fmtMemory,
  fmtMs,
  fmtSpread,
  intOption,
  loadDemo,
  memory,
  msSince,
  now,
  printBlock,
  printSummary,
  randomInt,
  seededRandom,
  spread,
  syntheticDistrictUnits,
  timed,
} from './lib.ts';

const started = now();
const perGroup = intOption('per-group', 500);
const random = seededRandom(intOption('seed', 2022));
const { config, criteriaSets } = loadDemo();
const units = syntheticDistrictUnits(perGroup);
const periods = periodsOf(config);
const lastPeriodId = periods[periods.length - 1]!.id;

// Each unit has a steady level (0.45–1.0 of the maximum) around which its period scores vary.
const level = new Map(units.map((u) => [u.id, 0.45 + random() * 0.55]));

/** One period's scoring input for every unit: ~3 % not submitted, ~1 % of the last period not appraised. */
function periodInputs(period: Period, sets: Record<UnitGroup, CriteriaSet>): Record<string, UnitPeriodInput> {
  const inputs: Record<string, UnitPeriodInput> = {};
  for (const unit of units) {
    const draw = random();
    if (draw < 0.03) continue; // Không nộp báo cáo
    if (period.id === lastPeriodId && draw < 0.04) {
      inputs[unit.id] = { status: 'submitted-not-appraised' };
      continue;
    }
    const index = indexCriteria(sets[unit.group]);
    const appraised: Record<string, number> = {};
    for (const { leaf } of index.leaves) {
      const share = Math.min(1, Math.max(0, level.get(unit.id)! + (random() - 0.5) * 0.3));
      appraised[leaf.id] = Math.round(leaf.max * share);
    }
    const surveyMax = index.survey?.max ?? 0;
    inputs[unit.id] = {
      status: 'approved',
      appraised,
      survey:
        surveyMax > 0 && random() < 0.7 ? randomInt(random, Math.floor(surveyMax / 2), surveyMax) : null,
      bonus: random() < 0.3 ? randomInt(random, 0, 700) : 0,
      penalty: random() < 0.2 ? randomInt(random, 0, 700) : 0,
    };
  }
  return inputs;
}

const caps = Object.fromEntries(
  (['office', 'commune'] as const).map((g) => [
    g,
    {
      ...(config.groups[g].bonusCap !== undefined ? { bonusCap: config.groups[g].bonusCap } : {}),
      ...(config.groups[g].penaltyCap !== undefined ? { penaltyCap: config.groups[g].penaltyCap } : {}),
    },
  ]),
);

const memBefore = memory();
const perPeriodMs: number[] = [];
const toJsonMs: number[] = [];
const results: PeriodResults[] = [];
const setsUsed = new Set<string>();
let previous: PeriodResults | undefined;
for (const period of periods) {
  const sets = {
    office: criteriaSetFor(config, criteriaSets, 'office', period),
    commune: criteriaSetFor(config, criteriaSets, 'commune', period),
  };
  for (const s of Object.values(sets)) setsUsed.add(s.id);
  const inputs = periodInputs(period, sets); // not timed: the synthetic input
  const { result, ms } = timed(() =>
    computePeriodResults({
      periodId: period.id,
      units,
      inputs,
      setsByGroup: sets,
      caps,
      ...(previous ? { previous } : {}),
    }),
  );
  perPeriodMs.push(ms);
  toJsonMs.push(timed(() => JSON.stringify(periodResultsToJson(result))).ms);
  results.push(result);
  previous = result;
}
const memAfterPeriods = memory();

const yearPeriodIds = periodsOfYear(config, 2024).map((p) => p.id);
const year = timed(() => aggregateResults('year', yearPeriodIds, results, units));
const phasePeriodIds = periods.map((p) => p.id);
const phase = timed(() =>
  aggregateResults('phase', phasePeriodIds, results, units, { scopeId: '2022-2025' }),
);
const memAfterAggregates = memory();

const byBand = (units: readonly { band: string | null }[]): string => {
  const counts = new Map<string, number>();
  for (const u of units) counts.set(u.band ?? 'none', (counts.get(u.band ?? 'none') ?? 0) + 1);
  return [...counts].map(([b, n]) => `${b} ${n}`).join(', ');
};
const countUnits = (u: readonly Unit[], g: UnitGroup) => u.filter((x) => x.group === g).length;
const periodSpread = spread(perPeriodMs);
const warmSpread = spread(perPeriodMs.slice(1));

printBlock(
  `Scoring: ${units.length} units (${countUnits(units, 'office')} offices, ${countUnits(units, 'commune')} communes)`,
  [
    ['periods', `${periods.length} (${periods[0]!.id} … ${lastPeriodId})`],
    ['criteria sets', [...setsUsed].join(', ')],
    ['computePeriodResults', fmtSpread(periodSpread)],
    ['  first period (cold)', fmtMs(perPeriodMs[0]!)],
    ['  periods 2..n (warm)', `median ${fmtMs(warmSpread.median)}`],
    ['  all periods', fmtMs(perPeriodMs.reduce((a, b) => a + b, 0))],
    ['results to JSON', fmtSpread(spread(toJsonMs))],
    [`aggregate year 2024`, `${fmtMs(year.ms)} (${yearPeriodIds.length} periods)`],
    ['aggregate phase', `${fmtMs(phase.ms)} (${phasePeriodIds.length} periods)`],
    ['phase bands', byBand(phase.result.units)],
    ['memory before', fmtMemory(memBefore)],
    ['memory after periods', fmtMemory(memAfterPeriods)],
    ['memory after aggregates', fmtMemory(memAfterAggregates)],
  ],
);

printSummary({
  bench: 'scoring',
  totalMs: msSince(started),
  figures: {
    units: String(units.length),
    'ms/period (median)': periodSpread.median.toFixed(1),
    'ms/period (first)': perPeriodMs[0]!.toFixed(1),
    'ms year aggregate': year.ms.toFixed(1),
    'ms phase aggregate': phase.ms.toFixed(1),
    'peak RSS MiB': String(memAfterAggregates.peakRssMiB),
    'heapUsed MiB': String(memAfterAggregates.heapUsedMiB),
  },
});
