/**
 * The campaign dashboard (`GET /admin`) and a period's progress (`GET /admin/periods/<p>`): gather
 * the facts through the ports (docs/admin.md, "What each page reads": the period's progress items
 * and approvals, one Query each — never the reports, never a Scan), build the view models, render.
 */
import type { Period, Unit } from '#domain/model';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { reviews } from '#ports/dynamo/reviews';
import type { UnitProgress } from '#ports/reports';
import type { Approval } from '#ports/reviews';
import type { CampaignContext } from '#steps/campaign';
import type { AttentionModel, DecisionKind, GoneDecision, OverdueReview } from '#web/admin-attention';
import { renderCampaignDashboard, renderPeriodProgress } from '#web/admin-dashboard';
import {
  countRows,
  type PeriodState,
  parseUnitQuery,
  type UnitProgressFacts,
  type UnitRow,
  unitRow,
} from '#web/admin-progress';
import { adminHref } from '#web/admin-routes';
import { type HttpRequest, type HttpResponse, htmlResponse } from '#web/http';
import { DECISION_LABELS } from '#web/pages';
import { type AdminContext, periodOf, periodStates } from './admin-session.ts';

export const ATTENTION_MAIL_LIMIT = 50;

const ACTOR_WORDS: Record<string, string> = {
  unit: 'Đơn vị',
  reviewer: 'Người thẩm định',
  council: 'Thành viên hội đồng',
  admin: 'Quản trị',
  leadership: 'Lãnh đạo',
  system: 'Hệ thống',
};

/** The review round each unit is in, from the period's appraisal approvals (the highest round). */
function roundsOf(approvals: readonly Approval[]): Map<string, number> {
  const rounds = new Map<string, number>();
  for (const a of approvals) {
    if (a.kind !== 'appraise' || !a.unitId || a.round === undefined) continue;
    rounds.set(a.unitId, Math.max(rounds.get(a.unitId) ?? 0, a.round));
  }
  return rounds;
}

/** The facts of each unit of the period, from its progress item (absent: not invited yet). */
function factsOf(
  campaign: CampaignContext,
  progress: readonly UnitProgress[],
  rounds: ReadonlyMap<string, number>,
): UnitProgressFacts[] {
  const byUnit = new Map(progress.map((p) => [p.unitId, p]));
  return campaign.units.map((unit: Unit): UnitProgressFacts => {
    const p = byUnit.get(unit.id);
    const reviewer = p?.reviewerId ? campaign.findPerson('reviewer', p.reviewerId) : undefined;
    const round = rounds.get(unit.id);
    return {
      unit,
      ...(p?.reportStatus ? { reportStatus: p.reportStatus } : {}),
      ...(p?.statusChangedAt ? { statusChangedAt: p.statusChangedAt } : {}),
      ...(p?.submittedAt ? { submittedAt: p.submittedAt } : {}),
      ...(p?.invitedAt ? { invitedAt: p.invitedAt } : {}),
      ...(p?.lateAt ? { lateAt: p.lateAt } : {}),
      ...(p?.reviewerId
        ? {
            reviewer: {
              name: reviewer?.name ?? p.reviewerId,
              ...(p.assignedAt ? { assignedAt: p.assignedAt } : {}),
            },
          }
        : {}),
      ...(round !== undefined ? { round } : {}),
    };
  });
}

async function periodRows(
  campaign: CampaignContext,
  periodId: string,
  state: PeriodState,
): Promise<{ rows: UnitRow[]; approvals: Approval[] }> {
  const [progress, approvals] = await Promise.all([
    reports().listProgress(periodId),
    reviews().listPeriodApprovals(periodId),
  ]);
  const rows = factsOf(campaign, progress, roundsOf(approvals)).map((f) => unitRow(f, state));
  return { rows, approvals };
}

/** Appraisals still pending after the reviewer was chased (the remind-waiting step counted a reminder). */
function overdueOf(campaign: CampaignContext, approvals: readonly Approval[]): OverdueReview[] {
  return approvals
    .filter(
      (a) => a.kind === 'appraise' && a.status === 'pending' && a.reminders > 0 && a.unitId && a.periodId,
    )
    .map((a) => {
      const unitId = a.unitId ?? '';
      const periodId = a.periodId ?? '';
      const reviewClosesAt = campaign.periods.find((p) => p.id === periodId)?.reviewClosesAt;
      return {
        unitName: campaign.findUnit(unitId)?.name ?? unitId,
        periodId,
        reviewerName: (a.subjectId && campaign.findPerson('reviewer', a.subjectId)?.name) || '',
        round: a.round ?? 1,
        since: a.createdAt,
        ...(reviewClosesAt ? { reviewClosesAt } : {}),
        reassignHref: adminHref.reassign(periodId, unitId),
      };
    });
}

function goneOf(campaign: CampaignContext, gone: readonly Approval[]): GoneDecision[] {
  return gone.map((a) => ({
    kind: a.kind as DecisionKind,
    ...(a.unitId ? { unitName: campaign.findUnit(a.unitId)?.name ?? a.unitId } : {}),
    ...(a.periodId ? { periodId: a.periodId } : {}),
    ...(a.round !== undefined ? { round: a.round } : {}),
    ...(a.decision ? { decision: DECISION_LABELS[a.decision.action] ?? a.decision.action } : {}),
    ...(a.decidedBy
      ? {
          decidedBy: `${ACTOR_WORDS[a.decidedBy.kind] ?? a.decidedBy.kind}: ${a.decidedBy.email ?? a.decidedBy.id}`,
        }
      : {}),
    ...(a.decidedAt ? { decidedAt: a.decidedAt } : {}),
    ...(a.lastError ? { error: a.lastError } : {}),
    ...((a.kind === 'appraise' || a.kind === 'explain') && a.unitId && a.periodId
      ? { restartHref: adminHref.restart(a.periodId, a.unitId) }
      : {}),
  }));
}

/** *Cần chú ý*: overdue reviews of the periods given, decisions whose task was gone, mail problems. */
async function attentionOf(
  campaign: CampaignContext,
  approvals: readonly Approval[],
  onlyPeriod?: string,
): Promise<AttentionModel> {
  const [gone, mail] = await Promise.all([
    reviews().listTaskGone(),
    outbox().listAttention(ATTENTION_MAIL_LIMIT, { newestFirst: true }),
  ]);
  const periodIds = new Set(campaign.periods.map((p) => p.id));
  // A decision of another period stays on that period's page; one of no period (a vote) shows everywhere.
  const shown = gone.filter(
    (a) => !onlyPeriod || !a.periodId || !periodIds.has(a.periodId) || a.periodId === onlyPeriod,
  );
  return {
    overdue: overdueOf(campaign, approvals),
    gone: goneOf(campaign, shown),
    mail: mail.slice(0, ATTENTION_MAIL_LIMIT).flatMap((r) =>
      r.status === 'failed' || r.status === 'ambiguous'
        ? [
            {
              to: r.to,
              subject: r.subject,
              status: r.status,
              at: r.claimedAt ?? r.createdAt,
              ...(r.lastError ? { error: r.lastError } : {}),
              ...(r.status === 'ambiguous' ? { resendKey: r.key } : {}),
            },
          ]
        : [],
    ),
    mailLimit: ATTENTION_MAIL_LIMIT,
  };
}

async function latestResults(
  periodId: string,
): Promise<{ version: number; publishedAt: string } | undefined> {
  const header = (await results().listHeaders(periodId)).at(-1);
  return header ? { version: header.version, publishedAt: header.publishedAt } : undefined;
}

export async function dashboardPage(ctx: AdminContext): Promise<HttpResponse> {
  const { campaign } = ctx;
  const states = await periodStates(campaign);
  const opened = campaign.periods.filter((p) => states.get(p.id) !== 'scheduled');
  const gathered = await Promise.all(
    opened.map(async (p) => {
      const state = states.get(p.id) ?? 'scheduled';
      const [{ rows, approvals }, results] = await Promise.all([
        periodRows(campaign, p.id, state),
        latestResults(p.id),
      ]);
      return { period: p, state, rows, approvals, results };
    }),
  );
  const byId = new Map(gathered.map((g) => [g.period.id, g]));
  const overview = campaign.periods.map((p: Period) => {
    const g = byId.get(p.id);
    const rows = g?.rows ?? campaign.units.map((unit) => unitRow({ unit }, 'scheduled'));
    return {
      period: p,
      state: g?.state ?? 'scheduled',
      counts: countRows(rows),
      ...(g?.results ? { results: g.results } : {}),
    };
  });
  const c = campaign.config.campaign;
  const attention = await attentionOf(
    campaign,
    gathered.filter((g) => g.state === 'open').flatMap((g) => g.approvals),
  );
  return htmlResponse(
    200,
    renderCampaignDashboard({
      frame: ctx.frame,
      campaign: {
        title: c.title,
        planNumber: c.planNumber,
        planDate: c.planDate,
        phaseStart: c.phaseStart,
        phaseEnd: c.phaseEnd,
      },
      periods: overview,
      attention,
    }),
  );
}

export async function periodPage(
  ctx: AdminContext,
  request: HttpRequest,
  periodId: string,
): Promise<HttpResponse> {
  const { campaign } = ctx;
  const period = periodOf(campaign, periodId);
  const state = (await periodStates(campaign)).get(period.id) ?? 'scheduled';
  const [{ rows, approvals }, results] = await Promise.all([
    periodRows(campaign, period.id, state),
    latestResults(period.id),
  ]);
  const { query, ignored } = parseUnitQuery(request.query);
  return htmlResponse(
    200,
    renderPeriodProgress({
      frame: ctx.frame,
      period,
      state,
      periods: campaign.periods,
      rows,
      query,
      ignored,
      ...(results ? { results: { version: results.version } } : {}),
      attention: await attentionOf(campaign, state === 'open' ? approvals : [], period.id),
    }),
  );
}
