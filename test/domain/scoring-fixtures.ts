/** Small criteria sets and units for the scoring and report tests (not the shipped default set). */
import type { Area, CriteriaSet, Criterion, Unit, UnitGroup } from '#domain/model';

/** The default district areas' maxima (DOMAIN.md), in hundredths; area 9 is the survey. */
export const DEFAULT_AREA_MAXIMA = [900, 600, 1400, 500, 900, 500, 1200, 1000] as const;
export const SURVEY_MAX = 3000;

function leaf(id: string, max: number, evidenceRequired = true): Criterion {
  return { id, name: `Tiêu chí ${id}`, max, evidenceRequired };
}

/** The nine default areas, one leaf per assessed area ("1.1" … "8.1"), survey area "9". */
export function defaultAreasSet(overrides: Partial<CriteriaSet> = {}): CriteriaSet {
  const areas: Area[] = DEFAULT_AREA_MAXIMA.map((max, i) => ({
    id: String(i + 1),
    name: `Lĩnh vực ${i + 1}`,
    kind: 'assessed',
    max,
    criteria: [leaf(`${i + 1}.1`, max)],
  }));
  areas.push({ id: '9', name: 'Khảo sát sự hài lòng', kind: 'survey', max: SURVEY_MAX, criteria: [] });
  return {
    id: 'test-huyen',
    version: '1',
    name: 'Bộ tiêu chí thử',
    effectiveFrom: '2022-08-02',
    source: 'test',
    max: 10000,
    bonusCap: 500,
    penaltyCap: 500,
    areas,
    ...overrides,
  };
}

/** The leaf ids of defaultAreasSet, in order. */
export const DEFAULT_LEAVES = DEFAULT_AREA_MAXIMA.map((_, i) => `${i + 1}.1`);

/** Appraised scores for defaultAreasSet from a list in area order. */
export function appraisedFrom(scores: readonly number[]): Record<string, number> {
  return Object.fromEntries(DEFAULT_LEAVES.map((id, i) => [id, scores[i] ?? 0]));
}

/**
 * A set with nested criteria: area 1 (10 points) = group 1.1 (6: leaves 1.1.1 = 4 with evidence
 * required, 1.1.2 = 2 without) + leaf 1.2 (4); area 2 (60) = leaf 2.1; survey area 3 (30).
 */
export function nestedSet(): CriteriaSet {
  return {
    id: 'test-nested',
    version: '1',
    name: 'Bộ tiêu chí lồng nhau',
    effectiveFrom: '2022-08-02',
    source: 'test',
    max: 10000,
    bonusCap: 300,
    penaltyCap: 300,
    areas: [
      {
        id: '1',
        name: 'Chỉ đạo, điều hành',
        kind: 'assessed',
        max: 1000,
        criteria: [
          {
            id: '1.1',
            name: 'Kế hoạch CCHC',
            max: 600,
            evidenceRequired: true,
            children: [leaf('1.1.1', 400, true), leaf('1.1.2', 200, false)],
          },
          leaf('1.2', 400, true),
        ],
      },
      {
        id: '2',
        name: 'Thủ tục hành chính',
        kind: 'assessed',
        max: 6000,
        criteria: [leaf('2.1', 6000, true)],
      },
      { id: '3', name: 'Khảo sát sự hài lòng', kind: 'survey', max: 3000, criteria: [] },
    ],
  };
}

export function unit(id: string, group: UnitGroup = 'office'): Unit {
  return { id, name: `Đơn vị ${id}`, group, focalPoint: { name: 'Đầu mối', email: `${id}@example.org` } };
}
