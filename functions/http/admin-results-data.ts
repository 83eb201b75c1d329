/**
 * What the results pages and the downloads read (docs/admin.md, "Results of a period"): a
 * period's versions (headers), one version's lines, the criteria sets it was scored with, the
 * appraised leaves of its approved units, and a year's or the phase's aggregate over the latest
 * version of each period in scope. Shared by the page handler and the download handler, which
 * read exactly what their page reads.
 */

import type { AggregateResults } from '#domain/aggregate';
import { aggregateResults } from '#domain/aggregate';
import { criteriaSetFor, periodsOfYear } from '#domain/calendar';
import type { CriteriaSet, Period, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { appraisedScores } from '#domain/report';
import type { PeriodResults } from '#domain/scoring';
import type { AppraisalsByUnit } from '#functions/documents/types';
import {
  latestHeader,
  type PeriodResultsHeader,
  type ResultsBody,
  readPeriodResults,
} from '#functions/scoring/results';
import { results } from '#ports/dynamo/results';
import type { CampaignContext } from '#steps/campaign';
import { mapLimited } from '#steps/concurrency';
import { finalAppraisal } from '#steps/records';
import { missingResultsText, type VersionInfo, type VersionReason } from '#web/admin-results';
import { notFound } from './admin-session.ts';

/** Units whose appraisal is read at once. */
const CONCURRENCY = 16;

export function versionInfo(campaign: CampaignContext, h: PeriodResultsHeader): VersionInfo {
  const reason: VersionReason =
    h.reason?.trigger === 'close'
      ? { kind: 'close' }
      : h.reason?.trigger === 'late'
        ? {
            kind: 'late',
            unitName: campaign.findUnit(h.reason.unitId)?.name ?? h.reason.unitId,
            round: h.reason.round,
          }
        : h.reason?.trigger === 'admin'
          ? { kind: 'admin', n: h.reason.n }
          : { kind: 'unknown' };
  return {
    version: h.version,
    publishedAt: h.publishedAt,
    changed: h.changed === 'all' ? 'all' : h.changed.map((u) => campaign.findUnit(u)?.name ?? u),
    reason,
  };
}

export interface PeriodResultsData {
  headers: PeriodResultsHeader[];
  header: PeriodResultsHeader;
  results: PeriodResults;
}

/** The version asked (`?version=n`), else the latest; 404 when the period has none or not that one. */
export async function periodResultsData(
  periodId: string,
  versionParam: string | null,
): Promise<PeriodResultsData> {
  const headers = await results().listHeaders<ResultsBody>(periodId);
  const wanted = versionParam === null || versionParam === '' ? undefined : Number(versionParam);
  const header =
    wanted === undefined ? headers.at(-1) : headers.find((h) => String(h.version) === versionParam);
  if (!header) {
    throw notFound(
      'Chưa có kết quả',
      wanted === undefined
        ? 'Kỳ này chưa công bố kết quả.'
        : `Kỳ này không có phiên bản kết quả số ${String(versionParam).slice(0, 8)}.`,
    );
  }
  return { headers, header, results: await readPeriodResults(header) };
}

/** The criteria set each group of the period was scored with. */
/**
 * The criteria set of each group: the one the results name (what they were scored with, whatever
 * the rule in force when they were computed), else the set in force for the period.
 */
export function setsOf(
  campaign: CampaignContext,
  period: Period,
  scoredWith: PeriodResults['criteriaSets'] = {},
): Partial<Record<UnitGroup, CriteriaSet>> {
  const sets: Partial<Record<UnitGroup, CriteriaSet>> = {};
  for (const group of UNIT_GROUPS) {
    if (campaign.units.some((u) => u.group === group)) {
      const named = scoredWith[group]?.id;
      sets[group] =
        (named ? campaign.criteriaSet(named) : undefined) ??
        criteriaSetFor(campaign.config, campaign.criteriaSets, group, period);
    }
  }
  return sets;
}

/** The appraised leaves of every approved unit of the results (the appraisal that made each final). */
export async function appraisalsOf(r: PeriodResults): Promise<AppraisalsByUnit> {
  const out: Record<string, { appraised: Record<string, number> }> = {};
  const approved = r.units.filter((u) => u.status === 'approved');
  await mapLimited(approved, CONCURRENCY, async (u) => {
    const stored = await finalAppraisal(u.unitId, r.periodId);
    if (stored) out[u.unitId] = { appraised: appraisedScores(stored.appraisal) };
  });
  return out;
}

export type Scope = { kind: 'year'; year: number } | { kind: 'phase' };

/** The periods of a year or of the phase. */
export function periodsIn(campaign: CampaignContext, scope: Scope): Period[] {
  return scope.kind === 'year' ? periodsOfYear(campaign.config, scope.year) : [...campaign.periods];
}

/**
 * A year's or the phase's results over the latest version of each period in scope; while a period
 * has none, those periods (`missing`, read from the headers alone: no line is read then). The
 * domain refuses to aggregate without every period (domain/aggregate.ts); the page says which.
 */
export async function aggregateOrMissing(campaign: CampaignContext, scope: Scope): Promise<AggregateData> {
  const periods = periodsIn(campaign, scope);
  if (periods.length === 0) {
    throw notFound('Không có kỳ báo cáo', 'Không có kỳ báo cáo nào trong phạm vi này.');
  }
  const headers = await Promise.all(periods.map((p) => latestHeader(p.id)));
  const missing = periods.filter((_, i) => headers[i] === undefined);
  if (missing.length > 0) return { periods, missing };
  const perPeriod = await Promise.all(
    headers.flatMap((h) => (h === undefined ? [] : [readPeriodResults(h)])),
  );
  return {
    periods,
    results: aggregateResults(
      scope.kind,
      periods.map((p) => p.id),
      perPeriod,
      campaign.units,
      { bands: campaign.config.bands },
    ),
  };
}

export type AggregateData =
  | { periods: Period[]; results: AggregateResults; missing?: undefined }
  | { periods: Period[]; missing: Period[]; results?: undefined };

/** For the downloads: the aggregate, else 404 naming in words the periods still without results. */
export async function aggregateData(
  campaign: CampaignContext,
  scope: Scope,
): Promise<{ periods: Period[]; results: AggregateResults }> {
  const data = await aggregateOrMissing(campaign, scope);
  if (data.missing) throw notFound('Chưa đủ kết quả để tổng hợp', missingResultsText(data.missing));
  return data;
}
