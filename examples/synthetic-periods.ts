/**
 * One period of a synthetic campaign (examples/generate-campaign.ts): each submitting unit's report
 * and what scoring reads at review close. Each unit has a steady level over the campaign and drifts
 * a little per criterion; scores move in quarter points; a few units do not report or are not
 * appraised in time; most have a survey result; some get a bonus or a penalty, a few above the cap.
 */
import { criteriaSetFor } from '#domain/calendar';
import { indexCriteria } from '#domain/criteria-tree';
import {
  type CriteriaSet,
  type DistrictConfig,
  type Period,
  type Points,
  type Report,
  UNIT_GROUPS,
  type Unit,
} from '#domain/model';
import { pointsToNumber } from '#domain/points';
import type { UnitPeriodInput } from '#domain/scoring';
import type { Random } from './synthetic-names.ts';

export interface SyntheticPeriod {
  period: Period;
  /** The report of every unit that submitted one (appraised or not). */
  reports: Report[];
  /** What scoring reads per unit id; a unit without an entry did not report. */
  inputs: Record<string, UnitPeriodInput>;
}

/** Each unit's level: the share of the maximum its reviewers tend to grant (0.55–0.99). */
export function unitLevels(units: readonly Unit[], random: Random): Map<string, number> {
  return new Map(units.map((u) => [u.id, 0.55 + random() * 0.44]));
}

/** A score in quarter points near `share` of `max`, within 0..max. */
function scoreNear(random: Random, max: Points, share: number): Points {
  const raw = max * Math.min(1, Math.max(0, share + (random() - 0.5) * 0.2));
  return Math.min(max, Math.max(0, Math.round(raw / 25) * 25));
}

export function syntheticPeriod(
  config: DistrictConfig,
  criteriaSets: readonly CriteriaSet[],
  period: Period,
  levels: ReadonlyMap<string, number>,
  random: Random,
): SyntheticPeriod {
  const reports: Report[] = [];
  const inputs: Record<string, UnitPeriodInput> = {};
  // The set in force and its index, once per group rather than once per unit.
  const inForce = new Map(
    UNIT_GROUPS.filter((g) => config.units.some((u) => u.group === g)).map((g) => {
      const set = criteriaSetFor(config, criteriaSets, g, period);
      return [g, { set, index: indexCriteria(set) }] as const;
    }),
  );
  for (const unit of config.units) {
    const roll = random();
    if (roll < 0.03) continue; // Không nộp báo cáo
    const found = inForce.get(unit.group);
    if (!found) continue;
    const { set, index } = found;
    const level = levels.get(unit.id) ?? 0.8;
    const appraised: Record<string, Points> = {};
    const entries: Report['entries'] = {};
    index.leaves.forEach(({ leaf }, i) => {
      const score = scoreNear(random, leaf.max, level);
      appraised[leaf.id] = score;
      const claimed = Math.min(leaf.max, score + (random() < 0.2 ? 25 : 0));
      entries[leaf.id] = {
        selfScore: claimed,
        explanation: `Kết quả thực hiện tiêu chí ${leaf.id} trong kỳ ${period.id}.`,
        evidence:
          claimed > 0
            ? [{ number: `${i + 1}/BC-${period.id}`, date: period.end, title: 'Báo cáo kết quả' }]
            : [],
      };
    });
    reports.push({
      unitId: unit.id,
      periodId: period.id,
      criteriaSetId: set.id,
      entries,
      initiatives:
        random() < 0.1
          ? [
              {
                id: 'sang-kien-1',
                title: 'Số hóa hồ sơ một cửa',
                description: 'Số hóa toàn bộ hồ sơ tiếp nhận.',
              },
            ]
          : [],
      selfCheck: { t05: [true, true, true, true, true], k05: [true, true, true, true, true] },
      nominations: [],
    });
    if (roll < 0.04) {
      inputs[unit.id] = { status: 'submitted-not-appraised' }; // Chưa thẩm định
      continue;
    }
    const surveyMax = index.survey?.max ?? 0;
    inputs[unit.id] = {
      status: 'approved',
      appraised,
      survey: surveyMax > 0 && random() < 0.7 ? Math.round(surveyMax * (0.6 + random() * 0.4)) : null,
      bonus: random() < 0.1 ? 25 * Math.floor(random() * 25) : 0,
      penalty: random() < 0.05 ? 25 * Math.floor(random() * 25) : 0,
    };
  }
  return { period, reports, inputs };
}

/** The appraisals file of `thidua score` (docs/cli.md) for these periods. */
export function appraisalsFile(
  config: DistrictConfig,
  periods: readonly SyntheticPeriod[],
): Record<string, unknown> {
  return {
    district: config.district.slug,
    title: `Kết quả thẩm định tổng hợp (${periods.length} kỳ)`,
    periods: Object.fromEntries(
      periods.map((p) => [
        p.period.id,
        {
          units: Object.fromEntries(
            Object.entries(p.inputs).map(([unitId, input]) => [unitId, appraisalEntry(input)]),
          ),
        },
      ]),
    ),
  };
}

function appraisalEntry(input: UnitPeriodInput): Record<string, unknown> {
  if (input.status !== 'approved') return { status: input.status };
  return {
    status: 'approved',
    survey: input.survey == null ? null : pointsToNumber(input.survey),
    bonus: pointsToNumber(input.bonus ?? 0),
    penalty: pointsToNumber(input.penalty ?? 0),
    scores: Object.fromEntries(
      Object.entries(input.appraised ?? {}).map(([id, s]) => [id, pointsToNumber(s)]),
    ),
  };
}

/** The adjustments file of `thidua record` (docs/cli.md): survey, bonus and penalty of each appraised unit. */
export function adjustmentsFile(periods: readonly SyntheticPeriod[]): Record<string, unknown> {
  return {
    title: 'Số liệu khảo sát, điểm thưởng, điểm trừ (tổng hợp)',
    periods: Object.fromEntries(
      periods.map((p) => [
        p.period.id,
        Object.fromEntries(
          Object.entries(p.inputs)
            .filter(([, input]) => input.status === 'approved')
            .map(([unitId, input]) => [
              unitId,
              {
                survey: input.survey == null ? null : pointsToNumber(input.survey),
                bonus: pointsToNumber(input.bonus ?? 0),
                penalty: pointsToNumber(input.penalty ?? 0),
              },
            ]),
        ),
      ]),
    ),
  };
}
