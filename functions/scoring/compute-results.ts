/**
 * ComputeResults `{periodId}` → `{version, isNew, created, unitIds}` (scoring workflow).
 *
 * Each unit's situation at review close, from what is stored:
 * - report `approved` → its latest appraisal's scores (the approving round's), `approved`;
 * - report submitted (`submitted`, `in-review`, `returned`, `explained`) by review close →
 *   `submitted-not-appraised` (*Chưa thẩm định*);
 * - no report, a draft, or a report first submitted after review close → `not-submitted`
 *   (*Không nộp báo cáo*);
 * with the survey result, bonus and penalty the admin recorded (`getAdjustments`), the criteria
 * set in force for the period per group (`criteriaSetFor`), the district's caps, and the previous
 * period's latest results for the change column. `computePeriodResults` then `publishResults`
 * against the stored versions: identical → no new version; otherwise v(n+1) is stored
 * (`putResults`, immutable).
 *
 * Output: `created` — a version was stored by this call; `isNew` — the version still has to be
 * published (created now, or created by an earlier run that did not get as far as announcing it:
 * a restarted execution then publishes it; the outbox keeps every mail to one);
 * `unitIds` — the units whose line is new in that version (every unit for v1; the late unit and
 * those it moved for later versions), empty when there is nothing to publish.
 */
import { criteriaSetFor } from '#domain/calendar';
import type { CriteriaSet, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { appraisedScores } from '#domain/report';
import { publishResults } from '#domain/results-versions';
import { computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { roundAppraisal } from '#functions/review/records';
import { NotFoundError, type ReportSummary, type StoredAppraisal } from '#ports/store';
import { mapLimited } from '#steps/concurrency';
import { periodInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { requirePeriod } from '#steps/steps';
import {
  changedIn,
  isAnnounced,
  latestPeriodResults,
  listPeriodResults,
  storePeriodResults,
} from './results.ts';

const STEP = 'compute-results';
/** Units read at once (two queries each). */
const CONCURRENCY = 10;

/** Reports in these states were submitted and wait for (or are in) review. */
const SUBMITTED = new Set(['submitted', 'in-review', 'returned', 'explained']);

/** The appraisal that counts for an approved report: the latest round's (recorded from its decision if needed). */
async function finalAppraisal(
  ctx: StepContext,
  unitId: string,
  periodId: string,
): Promise<StoredAppraisal | undefined> {
  const stored = await ctx.store.listAppraisals(unitId, periodId);
  const approvals = await ctx.store.listUnitPeriodApprovals(unitId, periodId);
  const decidedRounds = approvals
    .filter((a) => a.kind === 'appraise' && a.decision?.action === 'approve')
    .map((a) => a.round ?? 0);
  const approvingRound = decidedRounds.length > 0 ? Math.max(...decidedRounds) : undefined;
  const latestStored = stored.at(-1);
  if (approvingRound !== undefined && (!latestStored || latestStored.round < approvingRound)) {
    return (await roundAppraisal(ctx, unitId, periodId, approvingRound)) ?? latestStored;
  }
  return latestStored;
}

export async function computeResults(
  input: { periodId: string },
  ctx: StepContext,
): Promise<{ version: number; isNew: boolean; created: boolean; unitIds: string[] }> {
  const { periodId } = input;
  const campaign = await ctx.store.getCampaign();
  if (!campaign) throw new NotFoundError('campaign', 'CAMPAIGN');
  const { config, criteriaSets } = campaign;
  const { period } = await requirePeriod(ctx, periodId);
  const closesAt = Date.parse(period.reviewClosesAt);

  const [reports, adjustments, periods] = await Promise.all([
    ctx.store.listPeriodReports(periodId),
    ctx.store.listPeriodAdjustments(periodId),
    ctx.store.listPeriods(),
  ]);
  const reportOf = new Map<string, ReportSummary>(reports.map((r) => [r.unitId, r]));
  const adjustmentsOf = new Map(adjustments.map((a) => [a.unitId, a]));

  const inputs: Record<string, UnitPeriodInput> = {};
  const lines = await mapLimited(config.units, CONCURRENCY, async (unit) => {
    const report = reportOf.get(unit.id);
    const submittedAt = report?.submittedAt ? Date.parse(report.submittedAt) : undefined;
    if (!report || report.status === 'draft' || (submittedAt !== undefined && submittedAt > closesAt))
      return undefined;
    const adj = adjustmentsOf.get(unit.id);
    const recorded = adj ? { survey: adj.survey, bonus: adj.bonus, penalty: adj.penalty } : {};
    if (report.status === 'approved') {
      const appraisal = await finalAppraisal(ctx, unit.id, periodId);
      if (appraisal) {
        const line: UnitPeriodInput = {
          status: 'approved',
          appraised: appraisedScores(appraisal.appraisal),
          ...recorded,
        };
        return [unit.id, line] as const;
      }
      ctx.log.error('approved report without an appraisal: counted as not appraised', { unitId: unit.id });
    } else if (!SUBMITTED.has(report.status)) {
      return undefined;
    }
    const line: UnitPeriodInput = { status: 'submitted-not-appraised', ...recorded };
    return [unit.id, line] as const;
  });
  for (const line of lines) if (line) inputs[line[0]] = line[1];

  const setsByGroup: Partial<Record<UnitGroup, CriteriaSet>> = {};
  for (const group of UNIT_GROUPS) {
    if (config.units.some((u) => u.group === group)) {
      setsByGroup[group] = criteriaSetFor(config, criteriaSets, group, period);
    }
  }
  const ordered = periods
    .map((p) => p.period)
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const index = ordered.findIndex((p) => p.id === periodId);
  const previousPeriod = index > 0 ? ordered[index - 1] : undefined;
  const previous = previousPeriod ? await latestPeriodResults(ctx.store, previousPeriod.id) : undefined;

  const recomputed = computePeriodResults({
    periodId,
    units: config.units,
    inputs,
    setsByGroup,
    caps: config.groups,
    ...(previous ? { previous } : {}),
  });
  const existing = await listPeriodResults(ctx.store, periodId);
  const published = publishResults(existing, recomputed);
  if (published.isNew) {
    await storePeriodResults(ctx.store, published.results);
    ctx.log.info('results version stored', { version: published.version, changed: published.changed.length });
    return { version: published.version, isNew: true, created: true, unitIds: published.changed };
  }
  if (await isAnnounced(ctx.store, periodId, published.version)) {
    ctx.log.info('results unchanged and already published', { version: published.version });
    return { version: published.version, isNew: false, created: false, unitIds: [] };
  }
  // Stored by an earlier run that stopped before announcing it: publish it now.
  const unitIds = changedIn(existing, published.version);
  ctx.log.info('results unchanged, not yet published: publishing', { version: published.version });
  return { version: published.version, isNew: true, created: false, unitIds };
}

export const handler = stepHandler({ name: STEP, input: periodInput }, computeResults);
