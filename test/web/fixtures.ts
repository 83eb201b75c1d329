/**
 * The demo district as the unit pages see it: its period 2022Q3, the office criteria set in force
 * then (criteria/huyen-co-quan-2022.yaml), its units, and reports and results made with the
 * domain's own functions, so the page tests render what the product would.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { criteriaSetFor, periodById } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, Period, Points, Report, Unit } from '#domain/model';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export const demo = loadDistrict(join(root, 'districts/demo.yaml'), {
  now: new Date('2022-10-05T03:00:00Z'),
});
export const config = demo.config;

/** The value, or a failed test naming what was missing (the fixtures depend on the demo data). */
export function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`demo fixture: ${what} not found`);
  return value;
}

export const period: Period = must(periodById(config, '2022Q3'), 'period 2022Q3');
export const officeSet: CriteriaSet = criteriaSetFor(config, demo.criteriaSets, 'office', period);
export const unit: Unit = must(
  config.units.find((u) => u.id === 'phong-tu-phap'),
  'unit phong-tu-phap',
);
export const officeUnits: Unit[] = config.units.filter((u) => u.group === 'office');

export const leaves = indexCriteria(officeSet).leaves;

/** A report scoring the given leaves (the others left out: a partial draft). */
export function reportWith(scores: Readonly<Record<string, Points>>, extra: Partial<Report> = {}): Report {
  return {
    unitId: unit.id,
    periodId: period.id,
    criteriaSetId: officeSet.id,
    entries: Object.fromEntries(
      Object.entries(scores).map(([id, selfScore]) => [id, { selfScore, explanation: '', evidence: [] }]),
    ),
    initiatives: [],
    nominations: [],
    ...extra,
  };
}

/** Every leaf at its maximum. */
export function fullScores(): Record<string, Points> {
  return Object.fromEntries(leaves.map(({ leaf }) => [leaf.id, leaf.max]));
}

/** The posted form of the page for a report (the fields the page's form carries). */
export function formOf(fields: Record<string, string | string[]>): URLSearchParams {
  const form = new URLSearchParams({ version: '3', selfcheck: '1' });
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
  }
  return form;
}
