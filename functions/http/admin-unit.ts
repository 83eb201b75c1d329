/**
 * A unit's history and one unit-period in full (docs/admin.md, "A unit's history"), read from
 * storage — never through a signed link, so they stay readable after every link expired. The
 * same gathering serves the admin (`/admin/units/<u>…`) and the unit's own focal point
 * (`/u/<u>…`, a session scoped to the unit); only the frame differs.
 */
import type { Period, Unit } from '#domain/model';
import type { UnitResultJson } from '#domain/results-json';
import { periodResultsFromJson } from '#domain/results-json';
import type { TrendPoint } from '#functions/documents/charts';
import { latestHeader, type PeriodResultsHeader } from '#functions/scoring/results';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { reviews } from '#ports/dynamo/reviews';
import type { UnitProgress } from '#ports/reports';
import type { Approval } from '#ports/reviews';
import type { CampaignContext } from '#steps/campaign';
import type { AppraiseDecisionPayload, ExplainDecisionPayload } from '#steps/decisions';
import type { AdminFrame } from '#web/admin-frame';
import { type PeriodState, unitRow } from '#web/admin-progress';
import {
  type PublishedLine,
  type ReviewRoundView,
  renderUnitHistory,
  renderUnitPeriod,
  type UnitPeriodSummary,
} from '#web/admin-unit';
import { type HttpResponse, htmlResponse } from '#web/http';
import { periodOf, periodStates } from './admin-session.ts';

/** The unit's line of a version, as the domain reads it, with the ranked units of its group. */
async function publishedLine(
  header: PeriodResultsHeader | undefined,
  unit: Unit,
): Promise<PublishedLine | undefined> {
  if (!header) return undefined;
  const json = await results()
    .getLine<UnitResultJson>(header, unit.id)
    .catch(() => undefined);
  if (!json) return undefined;
  const line = periodResultsFromJson({ ...header.body, units: [json] }).units[0];
  if (!line) return undefined;
  // As the unit's email and results page count (functions/scoring/unit-results.ts).
  return { version: header.version, line, rankedInGroup: header.counts[unit.group]?.ranked ?? 0 };
}

/** What a unit-period's row reads: its state (as the dashboard decides it) and lateness. */
function stateOf(unit: Unit, progress: UnitProgress | undefined, state: PeriodState) {
  return unitRow(
    {
      unit,
      ...(progress?.reportStatus ? { reportStatus: progress.reportStatus } : {}),
      ...(progress?.invitedAt ? { invitedAt: progress.invitedAt } : {}),
      ...(progress?.lateAt ? { lateAt: progress.lateAt } : {}),
      ...(progress?.submittedAt ? { submittedAt: progress.submittedAt } : {}),
    },
    state,
  );
}

export async function unitHistoryPage(
  frame: AdminFrame,
  campaign: CampaignContext,
  unit: Unit,
): Promise<HttpResponse> {
  const states = await periodStates(campaign);
  const admin = frame.viewer.kind === 'admin';
  const opened = campaign.periods.filter((p) => states.get(p.id) !== 'scheduled');
  const periods = await Promise.all(
    opened.map(async (period: Period): Promise<UnitPeriodSummary & { header?: PeriodResultsHeader }> => {
      const [progress, approvals, header] = await Promise.all([
        reports().getProgress(unit.id, period.id),
        reviews().listUnitPeriodApprovals(unit.id, period.id),
        latestHeader(period.id),
      ]);
      const row = stateOf(unit, progress, states.get(period.id) ?? 'scheduled');
      // Who appraises a unit is the Phòng Nội vụ's to tell: never on the unit's own pages.
      const reviewer =
        admin && progress?.reviewerId ? campaign.findPerson('reviewer', progress.reviewerId) : undefined;
      const result = await publishedLine(header, unit);
      const rounds = Math.max(0, ...approvals.filter((a) => a.kind === 'appraise').map((a) => a.round ?? 0));
      return {
        period,
        state: row.state,
        ...(row.lateness ? { lateness: row.lateness } : {}),
        ...(reviewer ? { reviewerName: reviewer.name } : {}),
        rounds,
        ...(result ? { result } : {}),
      };
    }),
  );
  const trend: TrendPoint[] = periods.flatMap((p) =>
    p.result ? [{ periodId: p.period.id, status: p.result.line.status, percent: p.result.line.percent }] : [],
  );
  const { bands } = campaign.config;
  return htmlResponse(200, renderUnitHistory({ frame, unit, periods, trend, ...(bands ? { bands } : {}) }));
}

/** The rounds of review: each appraisal's decision and comment, and the explanation answering it. */
async function roundsOf(
  campaign: CampaignContext,
  approvals: readonly Approval[],
  withReviewers: boolean,
): Promise<ReviewRoundView[]> {
  const appraisals = approvals
    .filter((a) => a.kind === 'appraise')
    .sort((a, b) => (a.round ?? 0) - (b.round ?? 0));
  return Promise.all(
    appraisals.map(async (a): Promise<ReviewRoundView> => {
      const payload = a.decision ? await reviews().getDecisionPayload<AppraiseDecisionPayload>(a) : undefined;
      const explain = approvals.find((x) => x.kind === 'explain' && x.round === a.round && x.decision);
      const explanation = explain
        ? await reviews().getDecisionPayload<ExplainDecisionPayload>(explain)
        : undefined;
      const action = a.decision?.action;
      const reviewer =
        withReviewers && a.subjectId ? campaign.findPerson('reviewer', a.subjectId) : undefined;
      return {
        round: a.round ?? 0,
        ...(reviewer ? { reviewerName: reviewer.name } : {}),
        ...(action === 'approve' || action === 'return' ? { decision: action } : {}),
        ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
        ...(payload?.generalComment ? { generalComment: payload.generalComment } : {}),
        ...(explanation ? { explanation: explanation.explanation } : {}),
        ...(explain?.decidedAt ? { explainedAt: explain.decidedAt } : {}),
      };
    }),
  );
}

export async function unitPeriodPage(
  frame: AdminFrame,
  campaign: CampaignContext,
  unit: Unit,
  periodId: string,
): Promise<HttpResponse> {
  const period = periodOf(campaign, periodId);
  const [states, report, progress, approvals, adjustments, header] = await Promise.all([
    periodStates(campaign),
    reports().get(unit.id, period.id),
    reports().getProgress(unit.id, period.id),
    reviews().listUnitPeriodApprovals(unit.id, period.id),
    results().getAdjustments(unit.id, period.id),
    latestHeader(period.id),
  ]);
  const row = stateOf(unit, progress, states.get(period.id) ?? 'scheduled');
  const rounds = await roundsOf(campaign, approvals, frame.viewer.kind === 'admin');
  const latest = [...approvals]
    .filter((a) => a.kind === 'appraise' && a.decision)
    .sort((a, b) => (b.round ?? 0) - (a.round ?? 0))[0];
  const appraisal = latest ? await reviews().getDecisionPayload<AppraiseDecisionPayload>(latest) : undefined;
  const set = campaign.criteriaSet(report?.report.criteriaSetId ?? '') ?? campaign.criteriaSets[0];
  const result = await publishedLine(header, unit);
  if (!set) throw new Error('The campaign has no criteria set');
  return htmlResponse(
    200,
    renderUnitPeriod({
      frame,
      unit,
      period,
      set,
      state: row.state,
      ...(row.lateness ? { lateness: row.lateness } : {}),
      ...(report
        ? {
            report: {
              version: report.version,
              ...(report.submittedAt ? { submittedAt: report.submittedAt } : {}),
              report: report.report,
            },
          }
        : {}),
      ...(appraisal ? { appraisal: appraisal.appraisal.entries } : {}),
      rounds,
      ...(adjustments
        ? {
            adjustments: {
              survey: adjustments.survey,
              bonus: adjustments.bonus,
              penalty: adjustments.penalty,
              ...(adjustments.note ? { note: adjustments.note } : {}),
            },
          }
        : {}),
      ...(result ? { result } : {}),
    }),
  );
}
