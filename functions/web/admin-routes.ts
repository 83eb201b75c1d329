/**
 * Every address of the admin's pages, downloads and actions, built in one place so the pages, the
 * route table and docs/admin.md agree. Ids are slugs (unit, period, cycle); they are still encoded,
 * so a bad one can never break out of its path segment.
 */

const s = encodeURIComponent;

function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

/** The audit's `period` for the entries of no period (sign-ins, commendation). */
export const CAMPAIGN_AUDIT = 'chung';

/** Which entries the audit page lists: a period (or `chung`), a unit, or both. */
export interface AuditFilter {
  periodId?: string;
  unitId?: string;
}

export type SummaryFormat = 'xlsx' | 'csv' | 'html';
export type DocumentFormat = 'docx' | 'html';

export const adminHref = {
  home: () => '/admin',
  period: (periodId: string) => `/admin/periods/${s(periodId)}`,
  attention: () => '/admin/attention',
  units: () => '/admin/units',
  unit: (unitId: string) => `/admin/units/${s(unitId)}`,
  unitPeriod: (unitId: string, periodId: string) => `/admin/units/${s(unitId)}/periods/${s(periodId)}`,

  results: () => '/admin/results',
  periodResults: (periodId: string, version?: number) =>
    withQuery(`/admin/periods/${s(periodId)}/results`, { version }),
  yearResults: (year: number | string) => `/admin/years/${s(String(year))}/results`,
  phaseResults: () => '/admin/phase/results',
  /** The scoring summary of a period (a version) or a year or the phase. */
  periodSummary: (periodId: string, format: SummaryFormat, version?: number) =>
    withQuery(`/admin/periods/${s(periodId)}/summary.${format}`, { version }),
  yearSummary: (year: number | string, format: SummaryFormat) =>
    `/admin/years/${s(String(year))}/summary.${format}`,
  phaseSummary: (format: SummaryFormat) => `/admin/phase/summary.${format}`,
  /** The results report (báo cáo kết quả) of a period's version. */
  periodReport: (periodId: string, format: DocumentFormat, version?: number) =>
    withQuery(`/admin/periods/${s(periodId)}/report.${format}`, { version }),

  commendation: () => '/admin/commendation',
  cycle: (cycleId: string) => `/admin/commendation/${s(cycleId)}`,
  proposal: (cycleId: string, format: DocumentFormat) =>
    `/admin/commendation/${s(cycleId)}/proposal.${format}`,
  voteRecord: (cycleId: string, format: DocumentFormat) =>
    `/admin/commendation/${s(cycleId)}/vote-record.${format}`,

  audit: (filter: AuditFilter = {}, after?: string) =>
    withQuery('/admin/audit', { period: filter.periodId, unit: filter.unitId, after }),
  auditCsv: (filter: AuditFilter = {}) =>
    withQuery('/admin/audit.csv', { period: filter.periodId, unit: filter.unitId }),

  remind: (periodId: string, unitId: string) => `/admin/periods/${s(periodId)}/units/${s(unitId)}/remind`,
  reassign: (periodId: string, unitId: string) => `/admin/periods/${s(periodId)}/units/${s(unitId)}/reassign`,
  restart: (periodId: string, unitId: string) => `/admin/periods/${s(periodId)}/units/${s(unitId)}/restart`,
  /** `q`: the units shown (the units page's search); `recorded`: "<changed>-<unchanged>" after recording. */
  adjustments: (periodId: string, params: { q?: string; recorded?: string } = {}) =>
    withQuery(`/admin/periods/${s(periodId)}/adjustments`, {
      q: params.q?.trim() || undefined,
      recorded: params.recorded,
    }),
  recompute: (periodId: string) => `/admin/periods/${s(periodId)}/recompute`,
  revote: (cycleId: string) => `/admin/commendation/${s(cycleId)}/revote`,
  remindVote: (cycleId: string, memberId: string) =>
    `/admin/commendation/${s(cycleId)}/members/${s(memberId)}/remind`,
  standing: (unitId: string) => `/admin/units/${s(unitId)}/standing`,
};

/** The pages a unit's focal point reaches with its own session (a fresh emailed link). */
export const unitHref = {
  request: () => '/u',
  history: (unitId: string) => `/u/${s(unitId)}`,
  period: (unitId: string, periodId: string) => `/u/${s(unitId)}/periods/${s(periodId)}`,
};
