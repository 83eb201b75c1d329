/**
 * ComputeResults `{periodId, executionName?}` → `{version, isNew, created, unitIds}` (scoring workflow).
 *
 * Each unit's situation at review close, from what is stored:
 * - report `approved` → the appraisal its final approval carries (named on the unit-period's
 *   progress), `approved`;
 * - report submitted (`submitted`, `in-review`, `returned`, `explained`) by review close →
 *   `submitted-not-appraised` (*Chưa thẩm định*);
 * - no report, a draft, or a report first submitted after review close → `not-submitted`
 *   (*Không nộp báo cáo*);
 * with the survey result, bonus and penalty the admin recorded, the criteria set in force for the
 * period per group (`criteriaSetFor`), the district's caps, and the previous period's latest
 * results for the change column. `computePeriodResults` then `publishResults` against the latest
 * stored version: identical → no new version; otherwise v(n+1) is stored, lines then header, with
 * its reason — the trigger its execution is named by (workflows/executions.ts). A computation that
 * loses the header's race fails (Conflict, retried) and computes v(n+2) on its retry.
 *
 * A version is stored only over an announced one. When the latest version was stored by a run
 * that has not announced it (the run stopped, or is still publishing) and the results have moved
 * on since (a late approval landed meanwhile), this call answers that version to be published
 * first, with `again`: the execution computes again once it is announced. Storing the next
 * version over it instead would list only the newest changes, and the units that changed in the
 * unannounced version would never get its letter (each letter compares with the version before).
 *
 * Output: `created` — a version was stored by this call; `isNew` — the version still has to be
 * published (created now, or created by an earlier run that did not get as far as announcing it:
 * a restarted execution then publishes it; the outbox keeps every mail to one);
 * `unitIds` — the units whose line is new in that version (every unit for v1; the late unit and
 * those it moved for later versions), empty when there is nothing to publish; `again` — compute
 * once more after announcing it.
 */
import { criteriaSetFor } from '#domain/calendar';
import type { CriteriaSet, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { appraisedScores } from '#domain/report';
import { publishResults } from '#domain/results-versions';
import { computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { IN_REVIEW_LOOP, type ReportSummary } from '#ports/reports';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { type ComputeResultsInput, computeResultsInput } from '#steps/inputs';
import { finalAppraisals } from '#steps/records';
import { parseExecutionName } from '#workflows/executions';
import {
  changedUnits,
  isAnnounced,
  latestHeader,
  latestPeriodResults,
  readPeriodResults,
  storePeriodResults,
} from './results.ts';

const STEP = 'compute-results';

/** Every unit's situation at review close (units absent from the map did not report). */
async function unitInputs(
  ctx: CampaignStepContext,
  periodId: string,
  closesAt: number,
): Promise<Record<string, UnitPeriodInput>> {
  const [summaries, adjustments] = await Promise.all([
    reports().listPeriod(periodId),
    results().listPeriodAdjustments(periodId),
  ]);
  const reportOf = new Map<string, ReportSummary>(summaries.map((r) => [r.unitId, r]));
  const adjustmentsOf = new Map(adjustments.map((a) => [a.unitId, a]));
  const counted = ctx.campaign.units.flatMap((unit) => {
    const report = reportOf.get(unit.id);
    const submittedAt = report?.submittedAt ? Date.parse(report.submittedAt) : undefined;
    if (!report || report.status === 'draft' || (submittedAt !== undefined && submittedAt > closesAt))
      return [];
    return [{ unit, report }];
  });
  const appraisals = await finalAppraisals(
    counted.filter((c) => c.report.status === 'approved').map((c) => c.unit.id),
    periodId,
  );
  const inputs: Record<string, UnitPeriodInput> = {};
  for (const { unit, report } of counted) {
    const adj = adjustmentsOf.get(unit.id);
    const recorded = adj ? { survey: adj.survey, bonus: adj.bonus, penalty: adj.penalty } : {};
    if (report.status === 'approved') {
      const appraisal = appraisals.get(unit.id);
      if (appraisal) {
        inputs[unit.id] = {
          status: 'approved',
          appraised: appraisedScores(appraisal.appraisal),
          ...recorded,
        };
        continue;
      }
      ctx.log.error('approved report without an appraisal: counted as not appraised', { unitId: unit.id });
    } else if (!IN_REVIEW_LOOP.has(report.status)) {
      continue;
    }
    inputs[unit.id] = { status: 'submitted-not-appraised', ...recorded };
  }
  return inputs;
}

export interface ComputedResults {
  version: number;
  isNew: boolean;
  created: boolean;
  unitIds: string[];
  again: boolean;
}

export async function computeResults(
  input: ComputeResultsInput,
  ctx: CampaignStepContext,
): Promise<ComputedResults> {
  const { periodId } = input;
  const { campaign } = ctx;
  const { config } = campaign;
  const period = campaign.period(periodId);
  // The latest version before the inputs: a version stored after this read is found by the
  // conditional put of the next one (Conflict, retried); one stored before it was computed from
  // inputs no fresher than these. Read after, a late approval's version could be overwritten by
  // one computed from reports read before that approval.
  const header = await latestHeader(periodId);
  const inputs = await unitInputs(ctx, periodId, Date.parse(period.reviewClosesAt));

  const setsByGroup: Partial<Record<UnitGroup, CriteriaSet>> = {};
  for (const group of UNIT_GROUPS) {
    if (config.units.some((u) => u.group === group)) {
      setsByGroup[group] = criteriaSetFor(config, campaign.criteriaSets, group, period);
    }
  }
  const index = campaign.periods.findIndex((p) => p.id === periodId);
  const previousPeriod = index > 0 ? campaign.periods[index - 1] : undefined;
  const previous = previousPeriod ? await latestPeriodResults(previousPeriod.id) : undefined;

  const recomputed = computePeriodResults({
    periodId,
    units: config.units,
    inputs,
    setsByGroup,
    caps: config.groups,
    bands: config.bands,
    ...(previous ? { previous } : {}),
  });
  const latest = header ? await readPeriodResults(header) : undefined;
  const published = publishResults(latest ? [latest] : [], recomputed);
  const announced = header ? await isAnnounced(periodId, header.version) : false;
  if (published.isNew && header && latest && !announced) {
    const unitIds = changedUnits(
      header,
      latest.units.map((u) => u.unitId),
    );
    ctx.log.info('latest version not yet announced: publishing it before computing again', {
      version: header.version,
    });
    return { version: header.version, isNew: true, created: false, unitIds, again: true };
  }
  if (published.isNew) {
    const parsed = parseExecutionName(input.executionName);
    const changed = published.version === 1 ? 'all' : published.changed;
    await storePeriodResults(published.results, {
      changed,
      reason: parsed?.workflow === 'scoring' ? parsed.trigger : null,
      campaign: campaign.header,
    });
    ctx.log.info('results version stored', { version: published.version, changed: published.changed.length });
    return {
      version: published.version,
      isNew: true,
      created: true,
      unitIds: published.changed,
      again: false,
    };
  }
  if (!header || announced) {
    ctx.log.info('results unchanged and already published', { version: published.version });
    return { version: published.version, isNew: false, created: false, unitIds: [], again: false };
  }
  // Stored by an earlier run that stopped before announcing it: publish it now.
  const unitIds = changedUnits(
    header,
    recomputed.units.map((u) => u.unitId),
  );
  ctx.log.info('results unchanged, not yet published: publishing', { version: published.version });
  return { version: published.version, isNew: true, created: false, unitIds, again: false };
}

export const handler = campaignStep({ name: STEP, input: computeResultsInput }, computeResults);
