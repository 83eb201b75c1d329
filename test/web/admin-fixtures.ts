/**
 * View models of the admin's pages built from the demo district's 2024 as the domain computes it
 * (test/documents/fixture.ts: the example appraisals scored quarter by quarter, the year, the
 * commendation), plus a handful of unit-periods in every state of a review. What storage would
 * hold is written here as plain facts; everything derived comes from the pages' own functions.
 */
import { type AggregateResults, aggregateResults } from '#domain/aggregate';
import { periodsOf } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import type { Proposal } from '#domain/commendation-model';
import { finalList } from '#domain/final-list';
import type { Period, Report } from '#domain/model';
import { computePeriodResults } from '#domain/scoring';
import type { AuditRow } from '#functions/documents/audit';
import { trendFrom } from '#functions/documents/charts';
import { type ActionPageModel, type AdminAction, eligibleReviewers } from '#web/admin-actions';
import type { AdjustmentsPageModel, AdjustmentUnit } from '#web/admin-adjustments';
import type { AttentionModel } from '#web/admin-attention';
import type { AuditPageModel } from '#web/admin-audit';
import { withLastPlaceWords } from '#web/admin-candidates';
import type { CommendationIndexModel, CycleModel } from '#web/admin-commendation';
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
import type {
  AggregatePendingModel,
  ResultsIndexModel,
  ResultsPageModel,
  VersionInfo,
} from '#web/admin-results';
import type { UnitHistoryModel, UnitPeriodModel } from '#web/admin-unit';
import { demo2024, type ScoredPeriod } from '../documents/fixture.ts';

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
    if (i === 4)
      return { ...base, reportStatus: 'submitted', submittedAt: '2025-01-14T09:30:00.000Z', lateAt };
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
        reviewClosesAt: '2025-01-21T10:00:00.000Z',
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

/**
 * The year page before its last quarter is published: 2024Q3 has results, 2024Q4 is in review
 * (the demo's 2022 on the day its quarter IV had not been published).
 */
export function yearPendingModel(): AggregatePendingModel {
  const d = demo2024();
  const periods = d.yearPeriods.slice(2);
  return {
    frame: FRAME,
    scope: { kind: 'year', year: 2024, periods },
    missing: periods.slice(1).map((p) => ({ period: p, state: 'open' })),
  };
}

/**
 * A year as the demo's 2022 was (two quarters): of the offices, two reported both quarters, a
 * third only the first, and the other nine neither; the communes as in 2024Q3 and 2024Q4.
 */
export interface SparseYear {
  periods: Period[];
  year: AggregateResults;
  proposal: Proposal;
  /** The offices that reported in both quarters, in the first only, in neither. */
  both: string[];
  firstOnly: string;
  never: string[];
}

export function sparseYear(): SparseYear {
  const d = demo2024();
  const { config } = d.loaded;
  const quarters = d.quarters.slice(2);
  const offices = config.units.filter((u) => u.group === 'office').map((u) => u.id);
  const approvedBoth = offices.filter((id) => quarters.every((q) => q.inputs[id]?.status === 'approved'));
  const [a, b, c] = approvedBoth;
  if (!a || !b || !c) throw new Error('too few offices approved in both quarters');
  const kept = (id: string, i: number) =>
    !offices.includes(id) || id === a || id === b || (id === c && i === 0);
  const scored = quarters.map((q, i) =>
    computePeriodResults({
      periodId: q.period.id,
      units: config.units,
      inputs: Object.fromEntries(Object.entries(q.inputs).filter(([id]) => kept(id, i))),
      setsByGroup: q.setsByGroup,
      caps: config.groups,
    }),
  );
  const year = aggregateResults(
    'year',
    quarters.map((q) => q.period.id),
    scored,
    config.units,
  );
  const proposal = proposeCommendations({
    results: year.units,
    units: config.units,
    nominations: [],
    settings: config.commendation,
    issuerLevel: config.commendation.issuerLevel,
    onDate: '2025-01-20',
    timeZone: config.district.timeZone,
  });
  return {
    periods: quarters.map((q) => q.period),
    year,
    proposal,
    both: [a, b],
    firstOnly: c,
    never: offices.filter((id) => id !== a && id !== b && id !== c),
  };
}

export function sparseYearModel(): ResultsPageModel {
  const s = sparseYear();
  return {
    frame: FRAME,
    scope: { kind: 'year', year: 2024, periods: s.periods },
    results: s.year,
    versions: [],
  };
}

// ---------------------------------------------------------------- a unit, its history and one period

export const UNIT_ID = 'phong-tu-phap';

export function unitInfo() {
  const unit = demo2024().loaded.config.units.find((u) => u.id === UNIT_ID);
  if (!unit) throw new Error(`no unit ${UNIT_ID}`);
  return unit;
}

function publishedLine(q: ScoredPeriod) {
  const line = q.results.units.find((u) => u.unitId === UNIT_ID);
  if (!line) throw new Error('no line');
  const ranked = q.results.units.filter((u) => u.group === line.group && u.rank !== null);
  return { version: 1, line, rankedInGroup: ranked.length };
}

export function unitHistoryModel(frame: AdminFrame = FRAME): UnitHistoryModel {
  const d = demo2024();
  return {
    frame,
    unit: unitInfo(),
    periods: d.quarters.map((q, i) => ({
      period: q.period,
      state: i === 3 ? 'returned' : 'approved',
      ...(i === 3 ? {} : { result: publishedLine(q) }),
      reviewerName: 'Nguyễn Văn Thành',
      rounds: i === 1 ? 2 : 1,
    })),
    trend: trendFrom(
      d.quarters.slice(0, 3).map((q) => q.results),
      UNIT_ID,
    ),
  };
}

/** The unit's 2024Q3 report: self-scores a little above the appraisal, one criterion with markup. */
export function unitPeriodModel(frame: AdminFrame = FRAME): UnitPeriodModel {
  const q = demo2024().quarters[2];
  if (!q) throw new Error('no 2024Q3');
  const unit = unitInfo();
  const set = q.setsByGroup[unit.group];
  const appraised = q.inputs[UNIT_ID]?.appraised;
  if (!set || !appraised) throw new Error('no appraisal');
  const entries: Report['entries'] = {};
  const appraisal: Record<string, { score: number; comment: string }> = {};
  for (const [leaf, score] of Object.entries(appraised)) {
    entries[leaf] = {
      selfScore: score,
      explanation: leaf === '1.1.1' ? 'Kế hoạch <b>số 05</b> ban hành đúng hạn' : '',
      evidence:
        leaf === '1.1.1'
          ? [{ number: '05/KH-TP', date: '2024-01-10', url: 'https://vanban.example.org/05' }]
          : [],
    };
    appraisal[leaf] = { score, comment: leaf === '1.1.1' ? 'Đạt' : '' };
  }
  return {
    frame,
    unit,
    period: q.period,
    set,
    state: 'approved',
    report: {
      version: 3,
      submittedAt: '2024-10-08T02:00:00.000Z',
      report: {
        unitId: UNIT_ID,
        periodId: q.period.id,
        criteriaSetId: set.id,
        entries,
        initiatives: [{ id: 'mot-cua-so', title: 'Một cửa số', description: 'Số hóa hồ sơ một cửa' }],
        nominations: [],
        summary: 'Hoàn thành kế hoạch cải cách hành chính quý III.',
      },
    },
    appraisal,
    rounds: [
      {
        round: 1,
        reviewerName: 'Nguyễn Văn Thành',
        decision: 'return',
        decidedAt: '2024-10-12T03:00:00.000Z',
        generalComment: 'Bổ sung minh chứng tiêu chí 1.1.1',
        explanation: 'Đã bổ sung văn bản 05/KH-TP',
        explainedAt: '2024-10-14T03:00:00.000Z',
      },
      {
        round: 2,
        reviewerName: 'Nguyễn Văn Thành',
        decision: 'approve',
        decidedAt: '2024-10-16T03:00:00.000Z',
      },
    ],
    adjustments: {
      survey: q.inputs[UNIT_ID]?.survey ?? null,
      bonus: q.inputs[UNIT_ID]?.bonus ?? 0,
      penalty: q.inputs[UNIT_ID]?.penalty ?? 0,
      note: 'Báo cáo khảo sát 12/BC-UBND',
    },
    result: publishedLine(q),
  };
}

/** The focal point of Phòng Tư pháp, signed in by a fresh link to the unit's own history. */
export const UNIT_FRAME: AdminFrame = {
  ...FRAME,
  viewer: {
    kind: 'unit',
    unitId: UNIT_ID,
    unitName: 'Phòng Tư pháp',
    email: 'namtv.tuphap@song-lam.example.org',
    sessionExpiresAt: '2025-01-15T03:00:00.000Z',
  },
};

// ---------------------------------------------------------------- audit, actions, adjustments

export function auditRows(): AuditRow[] {
  return [
    {
      at: '2025-01-14T03:00:00.000Z',
      who: { role: 'admin', name: 'Lê Thị Mai', email: 'mailt.noivu@song-lam.example.org' },
      via: { kind: 'session' },
      action: 'admin.reassign',
      unitId: 'phong-y-te',
      unitName: 'Phòng Y tế',
      periodId: '2024Q4',
      detail: 'Người thẩm định: Trương Thị Lan → Nguyễn Văn Thành',
      ip: '203.0.113.7',
    },
    {
      at: '2025-01-09T08:00:00.000Z',
      who: { role: 'reviewer', name: 'Nguyễn Văn Thành', email: 'thanhnv.noivu@song-lam.example.org' },
      via: { kind: 'link', link: 'appraise' },
      action: 'appraise.return',
      unitId: UNIT_ID,
      unitName: 'Phòng Tư pháp',
      periodId: '2024Q4',
      detail: 'Vòng 1',
    },
    {
      at: '2025-01-06T02:00:00.000Z',
      who: {
        role: 'unit',
        name: '=HYPERLINK("http://x";"a") <script>',
        email: 'namtv.tuphap@song-lam.example.org',
      },
      via: { kind: 'link', link: 'report' },
      action: 'report.submitted',
      unitId: UNIT_ID,
      unitName: 'Phòng Tư pháp',
      periodId: '2024Q4',
    },
  ];
}

export function auditModel(): AuditPageModel {
  const config = demo2024().loaded.config;
  return {
    frame: FRAME,
    filter: { periodId: '2024Q4' },
    periods: periodsOf(config),
    units: config.units,
    rows: auditRows(),
    olderHref: '/admin/audit?period=2024Q4&after=eyJ0IjoxfQ',
  };
}

export function reassignAction(): AdminAction {
  const config = demo2024().loaded.config;
  return {
    kind: 'reassign',
    unit: { id: 'phong-noi-vu', name: 'Phòng Nội vụ' },
    period: period('2024Q4'),
    current: { id: 'le-thi-mai', name: 'Lê Thị Mai' },
    round: 1,
    since: '2025-01-08T03:00:00.000Z',
    candidates: eligibleReviewers(config.reviewers, 'phong-noi-vu', 'le-thi-mai', { 'tran-thi-lan': 3 }),
  };
}

export function actionModels(): [string, ActionPageModel][] {
  const config = demo2024().loaded.config;
  const unit = config.units.find((u) => u.id === UNIT_ID);
  if (!unit) throw new Error('no unit');
  const p = period('2024Q4');
  return [
    ['reassign', { frame: FRAME, action: reassignAction(), nonce: 'n-1' }],
    [
      'reassign-problems',
      {
        frame: FRAME,
        action: reassignAction(),
        nonce: 'n-1',
        problems: [{ field: 'reviewer', message: 'Chọn một người thẩm định trong danh sách.' }],
        values: { reason: 'Người cũ <nghỉ phép>' },
      },
    ],
    [
      'reassign-conflict',
      {
        frame: FRAME,
        action: reassignAction(),
        nonce: 'n-1',
        outcome: {
          kind: 'conflict',
          text: 'Trần Quốc Huy đã giao cho Nguyễn Văn Thành lúc 09:58 15/01/2025.',
        },
      },
    ],
    [
      'restart',
      {
        frame: FRAME,
        action: {
          kind: 'restart',
          unit,
          period: p,
          state: 'in-review',
          reviewerName: 'Lê Thị Mai',
          nextAttempt: 2,
        },
        nonce: 'n-2',
      },
    ],
    [
      'remind',
      {
        frame: FRAME,
        action: { kind: 'remind', unit, period: p, state: 'draft' },
        nonce: 'n-3',
        outcome: { kind: 'done', text: 'Đã gửi email nhắc tới Trần Văn Nam.' },
      },
    ],
    [
      'recompute',
      {
        frame: FRAME,
        action: {
          kind: 'recompute',
          period: period('2024Q3'),
          latestVersion: 2,
          changedSince: ['Phòng Tư pháp'],
        },
        nonce: 'n-4',
      },
    ],
    [
      'revote',
      {
        frame: FRAME,
        action: { kind: 'revote', cycleId: '2024', nextCycleId: '2024-2', present: 5, members: 8, quorum: 6 },
        nonce: 'n-5',
      },
    ],
    [
      'remind-vote',
      {
        frame: FRAME,
        action: {
          kind: 'remind-vote',
          cycleId: '2024',
          cycleLabel: 'Năm 2024',
          member: { id: 'le-van-hung', name: 'Lê Văn Hùng', email: 'hunglv.vp@song-lam.example.org' },
          closesAt: '2025-02-04T10:00:00.000Z',
        },
        nonce: 'n-8',
      },
    ],
    [
      'standing',
      {
        frame: FRAME,
        action: {
          kind: 'standing',
          unit: { id: 'xa-dai-dong', name: 'Xã Đại Đồng' },
          current: { status: 'none' },
          version: 0,
        },
        nonce: 'n-7',
      },
    ],
    [
      'standing-problems',
      {
        frame: FRAME,
        action: {
          kind: 'standing',
          unit: { id: 'xa-dai-dong', name: 'Xã Đại Đồng' },
          current: {
            status: 'inspection',
            reason: 'Quyết định thanh tra số 12/QĐ-TTr',
            updatedAt: '2024-11-04T03:00:00.000Z',
            by: 'huy.tq@song-lam.example.org',
          },
          version: 1,
        },
        nonce: 'n-8',
        problems: [{ field: 'reason', message: 'Ghi căn cứ (số quyết định thanh tra, kỷ luật, số đơn…).' }],
        values: { status: 'complaint', reason: '' },
      },
    ],
  ];
}

export function adjustmentUnits(): AdjustmentUnit[] {
  return demo2024().loaded.config.units.map((u, i) => ({
    id: u.id,
    name: u.name,
    group: u.group,
    ...(i < 3 ? { stored: { survey: 2500 + i * 100, bonus: i === 1 ? 100 : 0, penalty: 0 } } : {}),
  }));
}

export function adjustmentsModel(extra: Partial<AdjustmentsPageModel> = {}): AdjustmentsPageModel {
  return { frame: FRAME, period: period('2024Q4'), units: adjustmentUnits(), nonce: 'n-6', ...extra };
}

// ---------------------------------------------------------------- commendation

/** The sparse year's cycle while the council votes, as the page shows it (the last place in words). */
export function sparseCycleModel(): CycleModel {
  const s = sparseYear();
  return {
    ...votingCycleModel(),
    cycle: { cycleId: '2024', label: 'Năm 2024', state: 'voting', closesAt: demo2024().closesAt },
    proposal: withLastPlaceWords(s.proposal, s.never),
  };
}

export function cycleModel(tally = demo2024().tally): CycleModel {
  const d = demo2024();
  return {
    frame: FRAME,
    cycle: {
      cycleId: '2024',
      label: 'Năm 2024',
      state: tally.quorumMet ? 'tallied' : 'no-quorum',
      closesAt: d.closesAt,
    },
    proposal: d.proposal,
    tally,
    final: finalList(d.proposal, tally),
    members: d.loaded.config.council,
  };
}

/** The same cycle while the council votes: five of its members have cast a ballot. */
export function votingCycleModel(): CycleModel {
  const d = demo2024();
  const members = d.loaded.config.council;
  return {
    frame: FRAME,
    cycle: { cycleId: '2024', label: 'Năm 2024', state: 'voting', closesAt: d.closesAt },
    proposal: d.proposal,
    members,
    turnout: {
      members: members.map((m, i) => ({
        id: m.id,
        name: m.name,
        ...(i < 5 ? { castAt: `2025-01-2${i}T02:3${i}:00.000Z` } : {}),
        ...(i === 7 ? { remindedAt: '2025-01-26T03:00:00.000Z' } : {}),
      })),
      quorumRequired: 6,
      remindAt: '2025-01-27T10:00:00.000Z',
    },
  };
}

export function commendationIndexModel(): CommendationIndexModel {
  return {
    frame: FRAME,
    cycles: [
      { cycleId: '2023', label: 'Năm 2023', state: 'no-quorum' },
      { cycleId: '2023-2', label: 'Năm 2023, bỏ phiếu lần 2', state: 'tallied' },
      { cycleId: '2024', label: 'Năm 2024', state: 'voting', closesAt: '2025-01-28T10:00:00.000Z' },
    ],
  };
}
