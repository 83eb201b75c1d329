/**
 * View models of the admin's pages built from the demo district's 2024 as the domain computes it
 * (test/documents/fixture.ts: the example appraisals scored quarter by quarter, the year, the
 * commendation), plus a handful of unit-periods in every state of a review. What storage would
 * hold is written here as plain facts; everything derived comes from the pages' own functions.
 */
import { periodsOf } from '#domain/calendar';
import type { Period } from '#domain/model';
import type { AttentionModel } from '#web/admin-attention';
import type { CampaignDashboardModel, PeriodProgressModel } from '#web/admin-dashboard';
import type { AdminFrame } from '#web/admin-frame';
import {
  countRows,
  type PeriodState,
  parseUnitQuery,
  type UnitProgressFacts,
  type UnitRow,
  unitRow,
} from '#web/admin-progress';
import type { ResultsIndexModel, ResultsPageModel, VersionInfo } from '#web/admin-results';
import { demo2024 } from '../documents/fixture.ts';

/** 15/01/2025 09:00 in Hồ Chí Minh City: after 2024Q4's deadline, before its review closes. */
export const NOW = '2025-01-15T02:00:00.000Z';

export const FRAME: AdminFrame = {
  authority: 'UBND huyện Sông Lam',
  viewer: {
    kind: 'admin',
    name: 'Lê Thị Mai',
    email: 'mailt.noivu@song-lam.example.org',
    sessionExpiresAt: '2025-01-15T10:00:00.000Z',
  },
  now: NOW,
};

export function period(id: string): Period {
  const p = periodsOf(demo2024().loaded.config).find((x) => x.id === id);
  if (!p) throw new Error(`no period ${id}`);
  return p;
}

/**
 * Facts of 2024Q4 per unit: the example file's approved units approved, its not-appraised ones
 * in review, its missing ones invited and late; then a few units moved to the other states.
 */
export function q4Facts(): UnitProgressFacts[] {
  const d = demo2024();
  const q4 = d.quarters[3];
  if (!q4) throw new Error('no 2024Q4');
  const reviewers = d.loaded.config.reviewers;
  const invitedAt = '2025-01-01T01:00:00.000Z';
  const lateAt = '2025-01-11T10:00:00.000Z';
  return d.loaded.config.units.map((unit, i): UnitProgressFacts => {
    const reviewer = reviewers[i % reviewers.length];
    const assigned = reviewer ? { name: reviewer.name, assignedAt: '2025-01-08T03:00:00.000Z' } : undefined;
    const line = q4.results.units.find((u) => u.unitId === unit.id);
    const base = { unit, invitedAt };
    if (i === 1) return { ...base, reportStatus: 'draft' };
    if (i === 2)
      return {
        ...base,
        reportStatus: 'returned',
        statusChangedAt: '2025-01-09T08:00:00.000Z',
        submittedAt: '2025-01-06T02:00:00.000Z',
        round: 1,
        ...(assigned ? { reviewer: assigned } : {}),
      };
    if (i === 3)
      return {
        ...base,
        reportStatus: 'explained',
        statusChangedAt: '2025-01-12T04:00:00.000Z',
        submittedAt: '2025-01-05T02:00:00.000Z',
        round: 2,
        ...(assigned ? { reviewer: assigned } : {}),
      };
    if (i === 4) return { ...base, reportStatus: 'submitted', submittedAt: '2025-01-14T09:30:00.000Z', lateAt };
    if (line?.status === 'approved')
      return {
        ...base,
        reportStatus: 'approved',
        statusChangedAt: '2025-01-10T03:00:00.000Z',
        submittedAt: '2025-01-07T02:00:00.000Z',
        round: 1,
        ...(assigned ? { reviewer: assigned } : {}),
      };
    if (line?.status === 'submitted-not-appraised')
      return {
        ...base,
        reportStatus: 'in-review',
        statusChangedAt: '2025-01-08T03:00:00.000Z',
        submittedAt: '2025-01-08T02:00:00.000Z',
        round: 1,
        ...(assigned ? { reviewer: assigned } : {}),
      };
    return { ...base, lateAt };
  });
}

export function q4Rows(state: PeriodState = 'open'): UnitRow[] {
  return q4Facts().map((f) => unitRow(f, state));
}

export function attention(): AttentionModel {
  return {
    overdue: [
      {
        unitName: 'Phòng Y tế',
        periodId: '2024Q4',
        reviewerName: 'Trương Thị Lan',
        round: 1,
        since: '2025-01-08T03:00:00.000Z',
        reassignHref: '/admin/periods/2024Q4/units/phong-y-te/reassign',
      },
    ],
    gone: [
      {
        unitName: 'Xã Đại Đồng',
        periodId: '2024Q3',
        kind: 'appraise',
        round: 1,
        decision: 'Phê duyệt',
        decidedBy: 'Người thẩm định: thanhnv.noivu@song-lam.example.org',
        decidedAt: '2024-10-25T03:00:00.000Z',
        error: 'TaskTimedOut: Task Timed Out: token=AAAAKgAAAAIAAAAAAAAAA',
        restartHref: '/admin/periods/2024Q3/units/xa-dai-dong/restart',
      },
    ],
    mail: [
      {
        to: 'namtv.tuphap@song-lam.example.org',
        subject: 'Nhắc nộp báo cáo quý IV/2024',
        status: 'ambiguous',
        at: '2025-01-09T01:00:00.000Z',
        error: 'TimeoutError: socket hang up',
      },
    ],
    mailLimit: 50,
  };
}

export function campaignModel(): CampaignDashboardModel {
  const d = demo2024();
  const c = d.loaded.config.campaign;
  const periods = periodsOf(d.loaded.config).map((p) => {
    const state: PeriodState = p.id < '2024Q4' ? 'closed' : p.id === '2024Q4' ? 'open' : 'scheduled';
    const rows = p.id === '2024Q4' ? q4Rows() : d.loaded.config.units.map((unit) => unitRow({ unit }, state));
    const published = d.quarters.find((q) => q.period.id === p.id && p.id !== '2024Q4');
    return {
      period: p,
      state,
      counts: countRows(rows),
      ...(published ? { results: { version: 1, publishedAt: p.reviewClosesAt } } : {}),
    };
  });
  return {
    frame: FRAME,
    campaign: {
      title: c.title,
      planNumber: c.planNumber,
      planDate: c.planDate,
      phaseStart: c.phaseStart,
      phaseEnd: c.phaseEnd,
    },
    periods,
    attention: attention(),
  };
}

export function progressModel(query = ''): PeriodProgressModel {
  const { query: q, ignored } = parseUnitQuery(new URLSearchParams(query));
  return {
    frame: FRAME,
    period: period('2024Q4'),
    state: 'open',
    periods: periodsOf(demo2024().loaded.config),
    rows: q4Rows(),
    query: q,
    ignored,
    attention: attention(),
  };
}

/** 2024Q3 published twice: at close, then after a late approval of Phòng Y tế. */
export const Q3_VERSIONS: VersionInfo[] = [
  { version: 1, publishedAt: '2024-10-21T10:00:00.000Z', changed: 'all', reason: { kind: 'close' } },
  {
    version: 2,
    publishedAt: '2024-10-30T03:00:00.000Z',
    changed: ['Phòng Y tế'],
    reason: { kind: 'late', unitName: 'Phòng Y tế', round: 2 },
  },
];

export function periodResultsModel(): ResultsPageModel {
  const q = demo2024().quarters[2];
  if (!q) throw new Error('no 2024Q3');
  return {
    frame: FRAME,
    scope: { kind: 'period', period: q.period },
    results: { ...q.results, version: 2 },
    versions: Q3_VERSIONS,
    areas: { setsByGroup: q.setsByGroup, appraisals: q.inputs },
  };
}

export function yearResultsModel(): ResultsPageModel {
  const d = demo2024();
  return {
    frame: FRAME,
    scope: { kind: 'year', year: 2024, periods: d.yearPeriods },
    results: d.year,
    versions: [],
  };
}

export function resultsIndexModel(): ResultsIndexModel {
  const d = demo2024();
  return {
    frame: FRAME,
    periods: periodsOf(d.loaded.config).map((p) => {
      const latest = p.id === '2024Q3' ? Q3_VERSIONS[1] : undefined;
      return latest ? { period: p, latest } : { period: p };
    }),
    years: [2022, 2023, 2024],
    phaseId: '2022-2025',
  };
}
