import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  criteriaSetFor,
  formatDate,
  formatDateTime,
  periodById,
  periodsOf,
  periodsOfYear,
  zonedInstant,
} from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import type { DistrictConfig, Frequency } from '#domain/model';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { config: demo, criteriaSets } = loadDistrict(join(root, 'districts/demo.yaml'), {
  now: new Date('2024-07-15T03:00:00Z'),
});

function withCalendar(
  frequency: Frequency,
  phase: { start: string; end: string } = { start: demo.campaign.phaseStart, end: demo.campaign.phaseEnd },
  timeZone = demo.district.timeZone,
): DistrictConfig {
  return {
    ...demo,
    district: { ...demo.district, timeZone },
    campaign: { ...demo.campaign, phaseStart: phase.start, phaseEnd: phase.end },
    calendar: { ...demo.calendar, frequency },
  };
}

describe('periods of the demo campaign (quarterly, 02/08/2022 – 31/12/2025)', () => {
  const periods = periodsOf(demo);

  it('2022, launched on 02/08, has only its Q3 (from the launch day) and Q4', () => {
    expect(periodsOfYear(demo, 2022).map((p) => [p.id, p.start, p.end])).toEqual([
      ['2022Q3', '2022-08-02', '2022-09-30'],
      ['2022Q4', '2022-10-01', '2022-12-31'],
    ]);
  });

  it('runs 2022Q3 … 2025Q4: 2 + 4 + 4 + 4 = 14 quarters', () => {
    expect(periods.length).toBe(14);
    expect(periods[0]?.id).toBe('2022Q3');
    expect(periods.at(-1)?.id).toBe('2025Q4');
    expect(periodsOfYear(demo, 2024).map((p) => p.id)).toEqual(['2024Q1', '2024Q2', '2024Q3', '2024Q4']);
    expect(periodsOfYear(demo, 2026)).toEqual([]);
  });

  it('2024Q3: opens the day after the quarter, reminder 3 days before the deadline, review and grace after', () => {
    expect(periodById(demo, '2024Q3')).toEqual({
      id: '2024Q3',
      frequency: 'quarterly',
      year: 2024,
      start: '2024-07-01',
      end: '2024-09-30',
      opensAt: '2024-10-01T08:00:00+07:00',
      remindAt: '2024-10-08T08:00:00+07:00',
      deadlineAt: '2024-10-11T17:00:00+07:00',
      reviewClosesAt: '2024-10-21T17:00:00+07:00',
      lateAppraisalUntil: '2024-11-05T17:00:00+07:00',
    });
    expect(periodById(demo, '2024Q5')).toBeUndefined();
  });

  it('events are real instants in Việt Nam time', () => {
    const q3 = periodById(demo, '2024Q3')!;
    expect(new Date(q3.opensAt).toISOString()).toBe('2024-10-01T01:00:00.000Z');
    expect(formatDateTime(q3.deadlineAt, 'Asia/Ho_Chi_Minh')).toBe('17:00 11/10/2024');
    // Every period's events come in order.
    for (const p of periods) {
      const t = [p.opensAt, p.remindAt, p.deadlineAt, p.reviewClosesAt, p.lateAppraisalUntil].map(Date.parse);
      expect([...t].sort((a, b) => a - b)).toEqual(t);
      expect(Date.parse(p.opensAt)).toBeGreaterThan(Date.parse(`${p.end}T23:59:59+07:00`));
    }
  });

  it('opensAfterDays, windows and times come from the calendar settings', () => {
    const config = {
      ...demo,
      calendar: {
        ...demo.calendar,
        opensAfterDays: 4,
        submissionDays: 7,
        reminderLeadDays: 2,
        openTime: '07:30',
      },
    };
    expect(periodById(config, '2024Q3')).toMatchObject({
      opensAt: '2024-10-05T07:30:00+07:00',
      remindAt: '2024-10-10T07:30:00+07:00',
      deadlineAt: '2024-10-12T17:00:00+07:00',
    });
  });
});

describe('other frequencies and phases', () => {
  it('half-yearly periods are named yyyyH1 / yyyyH2', () => {
    const config = withCalendar('half-yearly');
    expect(periodsOf(config).map((p) => p.id)).toEqual([
      '2022H2',
      '2023H1',
      '2023H2',
      '2024H1',
      '2024H2',
      '2025H1',
      '2025H2',
    ]);
    expect(periodById(config, '2024H2')).toMatchObject({
      start: '2024-07-01',
      end: '2024-12-31',
      opensAt: '2025-01-01T08:00:00+07:00',
    });
  });

  it('yearly periods are named by the year', () => {
    const config = withCalendar('yearly');
    expect(periodsOf(config).map((p) => [p.id, p.start, p.end])).toEqual([
      ['2022', '2022-08-02', '2022-12-31'],
      ['2023', '2023-01-01', '2023-12-31'],
      ['2024', '2024-01-01', '2024-12-31'],
      ['2025', '2025-01-01', '2025-12-31'],
    ]);
  });

  it('a phase ending mid-quarter clips the last period, which opens right after the phase', () => {
    const config = withCalendar('quarterly', { start: '2025-02-10', end: '2025-11-15' });
    const periods = periodsOf(config);
    expect(periods.map((p) => p.id)).toEqual(['2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    expect(periods[0]?.start).toBe('2025-02-10');
    expect(periods.at(-1)).toMatchObject({ end: '2025-11-15', opensAt: '2025-11-16T08:00:00+07:00' });
  });

  it('a zone with daylight saving time gets the offset in force on each date', () => {
    const config = withCalendar('quarterly', { start: '2024-01-01', end: '2024-12-31' }, 'Europe/Paris');
    expect(periodById(config, '2024Q1')?.opensAt).toBe('2024-04-01T08:00:00+02:00');
    expect(periodById(config, '2024Q3')?.lateAppraisalUntil).toBe('2024-11-05T17:00:00+01:00');
    // 02:30 on 31/03/2024 does not exist in Paris: it is read as 03:30 summer time.
    expect(zonedInstant('2024-03-31', '02:30', 'Europe/Paris')).toBe('2024-03-31T03:30:00+02:00');
    // 02:30 on 27/10/2024 happens twice: the first one is taken.
    expect(zonedInstant('2024-10-27', '02:30', 'Europe/Paris')).toBe('2024-10-27T02:30:00+02:00');
    expect(zonedInstant('2024-07-01', '08:00', 'America/New_York')).toBe('2024-07-01T08:00:00-04:00');
  });
});

describe('the criteria set in force for a period', () => {
  it('a period is scored with the set in force when it opened: 2024Q4, opening on 01/01/2025, takes the 2025 set', () => {
    const q3 = periodById(demo, '2024Q3')!;
    const q4 = periodById(demo, '2024Q4')!;
    // DOMAIN.md: "a period is scored with the set in force when it opened"; the 2025 office set
    // takes effect on 01/01/2025, the day 2024Q4's submission window opens.
    expect(q4.opensAt.startsWith('2025-01-01')).toBe(true);
    expect(criteriaSetFor(demo, criteriaSets, 'office', q4).id).toBe('huyen-co-quan-2025');
    expect(criteriaSetFor(demo, criteriaSets, 'office', q3).id).toBe('huyen-co-quan-2022');
    expect(criteriaSetFor(demo, criteriaSets, 'office', periodById(demo, '2022Q3')!).id).toBe(
      'huyen-co-quan-2022',
    );
    for (const p of periodsOfYear(demo, 2025)) {
      expect(criteriaSetFor(demo, criteriaSets, 'office', p).id).toBe('huyen-co-quan-2025');
    }
  });

  it("the opening date is read in the district's time zone: a set effective the next day does not apply", () => {
    const q4 = periodById(demo, '2024Q4')!;
    // 23:30 on 31/12/2024 in Hà Nội is 16:30 UTC: still 2024 there.
    const lateEve = { ...q4, opensAt: '2024-12-31T16:30:00Z' };
    expect(criteriaSetFor(demo, criteriaSets, 'office', lateEve).id).toBe('huyen-co-quan-2022');
    const utcNextDay = { ...q4, opensAt: '2024-12-31T17:00:00Z' }; // 00:00 on 01/01/2025 in Hà Nội
    expect(criteriaSetFor(demo, criteriaSets, 'office', utcNextDay).id).toBe('huyen-co-quan-2025');
  });

  it('communes keep their own set, and never get an office set', () => {
    for (const p of periodsOf(demo)) {
      expect(criteriaSetFor(demo, criteriaSets, 'commune', p).id).toBe('huyen-xa-2022');
    }
  });

  it('a period before any set of the group took effect is a clear error', () => {
    const config = { ...demo, groups: { ...demo.groups, office: { criteriaSets: ['huyen-co-quan-2025'] } } };
    expect(() => criteriaSetFor(config, criteriaSets, 'office', periodById(demo, '2024Q2')!)).toThrow(
      'Không có bộ tiêu chí nào của nhóm "office" có hiệu lực cho kỳ 2024Q2 (mở ngày 01/07/2024)',
    );
  });
});

describe('formatting', () => {
  it('dates as dd/mm/yyyy', () => {
    expect(formatDate('2022-08-02')).toBe('02/08/2022');
    expect(formatDate('2024-10-01T08:00:00+07:00')).toBe('01/10/2024');
    expect(() => formatDate('02/08/2022')).toThrow();
  });

  it('instants as HH:mm dd/mm/yyyy on the zone wall clock', () => {
    expect(formatDateTime('2024-09-30T18:05:00Z', 'Asia/Ho_Chi_Minh')).toBe('01:05 01/10/2024');
    expect(formatDateTime(new Date('2024-12-31T16:59:00Z'), 'Asia/Ho_Chi_Minh')).toBe('23:59 31/12/2024');
    expect(formatDateTime('2024-10-01T08:00:00+07:00', 'Europe/Paris')).toBe('03:00 01/10/2024');
  });
});
