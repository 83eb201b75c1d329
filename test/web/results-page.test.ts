/**
 * A unit's results page, from results computed by the domain for the demo district's offices:
 * score, band, rank, change, the group's spread over the bands, and — after a late approval made
 * a second version — what changed and why.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_LABELS, type Points, type Unit } from '#domain/model';
import { computePeriodResults, type PeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { type ResultsVersionFacts, renderUnitResultsPage, unitResultsView } from '#web/results-page';
import { config, fullScores, must, officeSet, officeUnits, period, unit } from './fixtures.ts';

const LATE_UNIT = 'phong-y-te';
const NOT_SUBMITTED = 'thanh-tra-huyen';

/** Full marks on every criterion; the survey (out of 30) sets the order. */
function approved(survey: Points): UnitPeriodInput {
  return { status: 'approved', appraised: fullScores(), survey };
}

function surveyOf(u: Unit, i: number): Points {
  if (u.id === unit.id) return 2800; // second of the group
  if (u.id === 'phong-noi-vu') return 2900;
  return 1000 + i * 100;
}

function results(version: number, lateApproved: boolean): PeriodResults {
  const inputs: Record<string, UnitPeriodInput> = {};
  officeUnits.forEach((u, i) => {
    if (u.id === NOT_SUBMITTED) return;
    inputs[u.id] =
      u.id === LATE_UNIT
        ? lateApproved
          ? approved(2950)
          : { status: 'submitted-not-appraised' }
        : approved(surveyOf(u, i));
  });
  return computePeriodResults({
    periodId: period.id,
    units: officeUnits,
    inputs,
    setsByGroup: { office: officeSet },
    version,
  });
}

function facts(
  r: PeriodResults,
  reason: ResultsVersionFacts['reason'],
  publishedAt: string,
): ResultsVersionFacts {
  return {
    version: r.version,
    publishedAt,
    reason,
    line: must(
      r.units.find((l) => l.unitId === unit.id),
      'the unit’s line',
    ),
    rankedInGroup: r.units.filter((l) => l.status === 'approved' && l.rank !== null).length,
  };
}

const v1 = results(1, false);
const v2 = results(2, true);
const names = new Map(config.units.map((u) => [u.id, u.name]));
const view = (versions: ResultsVersionFacts[], lines: PeriodResults) =>
  unitResultsView({
    periodLabel: 'Quý III/2022',
    groupLabel: GROUP_LABELS.office,
    setMax: officeSet.max,
    versions,
    groupLines: lines.units.filter((l) => l.group === 'office'),
    unitNames: names,
  });

describe('a unit’s results', () => {
  const first = view([facts(v1, { trigger: 'close' }, '2022-10-21T10:00:00Z')], v1);
  const page = renderUnitResultsPage({
    authority: config.district.authority,
    unitName: unit.name,
    view: first,
  });

  it('show its score, band and rank among the ranked units of its group', () => {
    expect(first.facts).toEqual([
      ['Tổng điểm', '98 / 100 điểm'],
      ['Tỷ lệ', '98,00 %'],
      ['Xếp loại', 'Xuất sắc'],
      ['Xếp hạng trong khối cơ quan', '2/10'],
    ]);
    expect(page).toContain('<dt>Xếp hạng trong khối cơ quan</dt><dd>2/10</dd>');
    expect(page).toContain('Phiên bản 1, công bố 17:00 21/10/2022.');
  });

  it('show how the group spreads over the bands, the unit’s own band marked', () => {
    const counts = Object.fromEntries(first.distribution.map((d) => [d.label, d.count]));
    const bands = v1.units.filter((l) => l.status === 'approved').map((l) => l.band);
    expect(counts['Xuất sắc']).toBe(bands.filter((b) => b === 'xuat-sac').length);
    expect(counts['Không nộp báo cáo']).toBe(1);
    expect(counts['Chưa thẩm định']).toBe(1);
    expect(first.distribution.reduce((s, d) => s + d.count, 0)).toBe(officeUnits.length);
    expect(first.distribution.filter((d) => d.mine).map((d) => d.label)).toEqual(['Xuất sắc']);
    expect(page).toMatch(
      /<tr class="mine"><th scope="row">Xuất sắc <span class="badge">Đơn vị của bạn<\/span>/,
    );
    // Why a percentage is its band: the thresholds, under the spread.
    expect(page).toContain(
      '<p class="muted">Xếp loại: Xuất sắc từ 90 % trở lên; Tốt từ 80 đến dưới 90 %; Khá từ 70 đến dưới 80 %; Trung bình từ 50 đến dưới 70 %; Yếu dưới 50 %.</p>',
    );
  });
});

describe('a later version', () => {
  const second = view(
    [
      facts(v1, { trigger: 'close' }, '2022-10-21T10:00:00Z'),
      facts(v2, { trigger: 'late', unitId: LATE_UNIT, round: 1 }, '2022-10-30T02:15:00Z'),
    ],
    v2,
  );

  it('says why it was made — the late approval of which unit — and what it changed for this unit', () => {
    expect(second.version).toBe(2);
    expect(second.facts).toContainEqual(['Xếp hạng trong khối cơ quan', '3/11']);
    expect(second.history).toEqual([
      {
        version: 2,
        publishedAt: '2022-10-30T02:15:00Z',
        why: 'Tính lại vì báo cáo của Phòng Y tế được phê duyệt sau khi kết thúc thời gian thẩm định, ở vòng thẩm định 1.',
        forUnit: 'Kết quả của đơn vị: 98,00 %, xếp hạng 2/10 → 98,00 %, xếp hạng 3/11.',
      },
    ]);
    const page = renderUnitResultsPage({
      authority: config.district.authority,
      unitName: unit.name,
      view: second,
    });
    expect(page).toContain(
      '<strong>Phiên bản 2</strong>, 09:15 30/10/2022: Tính lại vì báo cáo của Phòng Y tế',
    );
  });
});
