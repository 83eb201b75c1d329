/**
 * A small hand-made district for the edge cases the demo data does not have: a 200-point set
 * where one unit scores exactly 89,995 %, unit names a CSV, a spreadsheet and a page must not
 * misread, a unit without a report and one not appraised.
 */
import type { CriteriaSet, Fraction, Unit } from '#domain/model';
import { computePeriodResults, type PeriodResults, type UnitPeriodInput } from '#domain/scoring';
import type { PeriodSummaryInput } from '#functions/documents/index';
import { demoContext } from './fixture.ts';

/** 200 points: one assessed leaf of 140 and a survey area of 60. */
export const SET_200: CriteriaSet = {
  id: 'thu-200',
  version: '1',
  name: 'Bộ tiêu chí thử 200 điểm',
  effectiveFrom: '2024-01-01',
  source: 'kiểm thử',
  max: 20000,
  bonusCap: 500,
  penaltyCap: 500,
  areas: [
    {
      id: '1',
      name: 'Cải cách thủ tục hành chính',
      kind: 'assessed',
      max: 14000,
      criteria: [{ id: '1.1', name: 'Giải quyết hồ sơ đúng hạn', max: 14000, evidenceRequired: false }],
    },
    { id: '2', name: 'Khảo sát sự hài lòng', kind: 'survey', max: 6000, criteria: [] },
  ],
};

const focal = { name: 'Đầu mối', email: 'dau-moi@example.org' };
export const TRICKY_NAME = 'Xã "Tân; Lập" <b>&</b>';
export const FORMULA_NAME = '=HYPERLINK("http://example.org";"bấm")';

export const SMALL_UNITS: Unit[] = [
  { id: 'xa-a', name: 'Xã An Hòa', group: 'commune', focalPoint: focal },
  { id: 'xa-b', name: 'Xã Bình Phú', group: 'commune', focalPoint: focal },
  { id: 'xa-c', name: TRICKY_NAME, group: 'commune', focalPoint: focal },
  { id: 'xa-d', name: FORMULA_NAME, group: 'commune', focalPoint: focal },
  { id: 'xa-e', name: 'Xã Đông Sơn', group: 'commune', focalPoint: focal },
];

export const SMALL_INPUTS: Record<string, UnitPeriodInput> = {
  // 120 + 59,99 = 179,99 of 200 → 89,995 %: shown 90,00, banded Tốt.
  'xa-a': { status: 'approved', appraised: { '1.1': 12000 }, survey: 5999 },
  // 120 + 60 = 180 → exactly 90 %: Xuất sắc.
  'xa-b': { status: 'approved', appraised: { '1.1': 12000 }, survey: 6000 },
  // No survey: 100 × 200/140 + 5 (bonus 7 capped at 5) − 1 = 146,857142… → 73,428571… %.
  'xa-c': { status: 'approved', appraised: { '1.1': 10000 }, survey: null, bonus: 700, penalty: 100 },
  'xa-e': { status: 'submitted-not-appraised' },
};

export function smallResults(): PeriodResults {
  return computePeriodResults({
    periodId: '2024Q4',
    units: SMALL_UNITS,
    inputs: SMALL_INPUTS,
    setsByGroup: { commune: SET_200 },
  });
}

export function smallSummary(): PeriodSummaryInput {
  return {
    context: demoContext(),
    issuer: { parent: 'UBND huyện Sông Lam', name: 'Phòng Nội vụ', abbreviation: 'PNV' },
    period: { id: '2024Q4', year: 2024, start: '2024-10-01', end: '2024-12-31' },
    results: smallResults(),
    setsByGroup: { commune: SET_200 },
    appraisals: SMALL_INPUTS,
  };
}

/** Half-up to hundredths, computed here independently of the code under test: 17999/200 → 9000. */
export function hundredthsOf(f: Fraction): number {
  const scaled = f.num * 100n;
  return Number((2n * scaled + f.den) / (2n * f.den));
}
