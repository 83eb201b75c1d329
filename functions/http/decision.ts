/**
 * `GET|HEAD|POST /d?k&id&a&e&s`: a decision link (DESIGN.md, "Approval by email link").
 *
 * The link is checked before anything is read (forged, tampered, unknown key → 403; expired →
 * 410). GET and HEAD only show the page of the approval's kind; they never change anything (mail
 * scanners fetch links before people do). POST decides:
 *
 *   validate the form (nothing written on a problem: 422 with the form as typed)
 *   → `decideApproval`: `pending → decided` carrying the payload — the first and only write of
 *     the request, so a losing or replayed POST changes nothing (409)
 *   → SendTaskSuccess({decision, round}) with the token that claim returned → `markDelivered`.
 *
 * A delivery that fails leaves the decision recorded and queued; the page says it is recorded and
 * will be passed on, and the sweep re-sends it. The round's appraisal record is written by the
 * review steps from the recorded payload (functions/review/records.ts), not here.
 *
 * Kinds: `appraise` (the reviewer's page) now; `explain` links lead to the unit's report page,
 * where explanations are given; `vote` (issue 4) plugs into `PAGES` with its own render/decide.
 */
import type { CriteriaSet, Person, Unit } from '#domain/model';
import { type Deps, getDeps } from '#ports/deps';
import {
  type Approval,
  type ApprovalKind,
  NotFoundError,
  type StoredPeriod,
  type StoredReport,
} from '#ports/store';
import { type DeliveryOutcome, deliverDecision } from '#steps/delivery';
import {
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  LinkError,
  PageError,
  redirect,
} from '#web/http';
import { actorOf, claimRefused, isExpired, openLink, reviewRounds } from '#web/link-pages';
import { DECISION_LABELS, dateTime, statusPage } from '#web/pages';
import { parseAppraisalForm, renderReviewPage } from '#web/review-page';
import { votePage } from '#web/vote-page';

/** What a decision page of one approval kind does. */
export interface DecisionPage {
  /** GET/HEAD on a pending approval: the page (reads only). */
  render(deps: Deps, request: HttpRequest, approval: Approval): Promise<HttpResponse>;
  /** POST on a pending approval: validate, claim (the only write), deliver; the result page. */
  decide(deps: Deps, request: HttpRequest, approval: Approval): Promise<HttpResponse>;
}

// ---------------------------------------------------------------- appraise

interface AppraiseContext {
  authority: string;
  unit: Unit;
  period: StoredPeriod;
  stored: StoredReport;
  set: CriteriaSet;
  reviewer: Person;
  round: number;
}

async function appraiseContext(deps: Deps, approval: Approval): Promise<AppraiseContext> {
  const { unitId, periodId } = approval;
  if (!unitId || !periodId) throw new LinkError(403, 'not-found');
  const [campaign, unit, period, stored, assignment] = await Promise.all([
    deps.store.getCampaign(),
    deps.store.getUnit(unitId),
    deps.store.getPeriod(periodId),
    deps.store.getReport(unitId, periodId),
    deps.store.getAssignment(periodId, unitId),
  ]);
  if (!campaign) throw new NotFoundError('campaign', 'CAMPAIGN');
  if (!unit) throw new NotFoundError('unit', unitId);
  if (!period) throw new NotFoundError('period', periodId);
  if (!stored) throw new NotFoundError('report', `${unitId}/${periodId}`);
  const setId = stored.report.criteriaSetId;
  const set = campaign.criteriaSets.find((s) => s.id === setId) ?? (await deps.store.getCriteriaSet(setId));
  if (!set) throw new NotFoundError('criteria set', setId);
  const reviewerId = assignment?.reviewerId ?? approval.subjectId;
  const reviewer = reviewerId ? await deps.store.getPerson('reviewer', reviewerId) : undefined;
  if (!reviewer) throw new NotFoundError('reviewer', reviewerId ?? '?');
  return {
    authority: campaign.config.district.authority,
    unit,
    period,
    stored,
    set,
    reviewer,
    round: approval.round ?? 1,
  };
}

const appraisePage: DecisionPage = {
  async render(deps, _request, approval) {
    const ctx = await appraiseContext(deps, approval);
    const rounds = (await reviewRounds(deps.store, ctx.unit.id, ctx.period.period.id)).filter(
      (r) => r.round < ctx.round,
    );
    return htmlResponse(200, renderReviewPage({ ...ctx, period: ctx.period.period, rounds }));
  },

  async decide(deps, request, approval) {
    const ctx = await appraiseContext(deps, approval);
    const parsed = parseAppraisalForm(request.form, {
      stored: ctx.stored,
      set: ctx.set,
      reviewer: ctx.reviewer,
    });
    if (!parsed.ok) {
      const rounds = (await reviewRounds(deps.store, ctx.unit.id, ctx.period.period.id)).filter(
        (r) => r.round < ctx.round,
      );
      const html = renderReviewPage({
        ...ctx,
        period: ctx.period.period,
        rounds,
        raw: request.form,
        problems: parsed.problems,
      });
      throw new FormError(parsed.problems, html, parsed.decision ? 422 : 400);
    }
    if (parsed.payload.reportVersion !== ctx.stored.version) {
      throw new PageError(
        409,
        'Báo cáo đã thay đổi',
        'Báo cáo đã có phiên bản mới kể từ khi trang được mở; chưa ghi nhận gì. Hãy mở lại liên kết trong email để thẩm định bản mới nhất. (The report changed since the page was opened.)',
      );
    }
    const decision = parsed.decision;
    const actor = actorOf(request, { kind: 'reviewer', id: ctx.reviewer.id, email: ctx.reviewer.email });
    const outcome = await deps.store.decideApproval(
      approval.id,
      { action: decision, payload: parsed.payload },
      actor,
    );
    return afterClaim(deps, outcome, ctx.authority);
  },
};

// ---------------------------------------------------------------- explain

/**
 * Explanations are given on the unit's report page (with the revised report); a link to an
 * `explain` approval leads there through the unit's report grant.
 */
const explainPage: DecisionPage = {
  async render(deps, _request, approval) {
    return toReportPage(deps, approval);
  },
  async decide(deps, _request, approval) {
    return toReportPage(deps, approval);
  },
};

async function toReportPage(deps: Deps, approval: Approval): Promise<HttpResponse> {
  const { unitId, periodId } = approval;
  if (!unitId || !periodId) throw new LinkError(403, 'not-found');
  const approvals = await deps.store.listUnitPeriodApprovals(unitId, periodId);
  const grant = approvals.find((a) => a.kind === 'report');
  if (!grant) throw new LinkError(403, 'not-found');
  return redirect(await deps.approvalUrl(grant));
}

// ---------------------------------------------------------------- the kinds

/** Decision pages by approval kind. Issue 4 adds `vote: votePage` (the council member's ballot). */
export const PAGES: Partial<Record<ApprovalKind, DecisionPage>> = {
  appraise: appraisePage,
  explain: explainPage,
  vote: votePage,
};

const DECISION_KINDS: readonly ApprovalKind[] = ['appraise', 'explain', 'vote'];

// ---------------------------------------------------------------- outcomes

function decidedBefore(approval: Approval, authority?: string): PageError {
  const what = approval.decision
    ? (DECISION_LABELS[approval.decision.action] ?? approval.decision.action)
    : '';
  const title = 'Quyết định đã được ghi nhận trước đó';
  const detail = `Liên kết này đã được dùng để ra quyết định${what ? ` “${what}”` : ''}${
    approval.decidedAt ? ` lúc ${dateTime(approval.decidedAt)}` : ''
  }. Mỗi liên kết chỉ ghi nhận một quyết định; lần bấm này không thay đổi gì. (A decision was already recorded for this link; nothing changed.)`;
  return new PageError(
    409,
    title,
    detail,
    statusPage({ status: 409, title, detail, tone: 'info', ...(authority ? { header: authority } : {}) }),
  );
}

/** After the claim: deliver what this request recorded, or say why nothing was recorded. */
async function afterClaim(
  deps: Deps,
  outcome: Awaited<ReturnType<Deps['store']['decideApproval']>>,
  authority: string,
): Promise<HttpResponse> {
  switch (outcome.outcome) {
    case 'decided':
      break;
    case 'already-decided':
      throw decidedBefore(outcome.approval, authority);
    default:
      throw claimRefused(outcome.outcome);
  }
  const approval = outcome.approval;
  let delivery: DeliveryOutcome;
  try {
    delivery = await deliverDecision(
      { store: deps.store, callbacks: deps.callbacks, log: deps.log },
      approval,
    );
  } catch (error) {
    // Even the failure mark failed: the decision is recorded and stays in the sweep's queue.
    deps.log.error('decision recorded; delivery and its mark failed', { approvalId: approval.id, error });
    delivery = 'failed';
  }
  const label = approval.decision
    ? (DECISION_LABELS[approval.decision.action] ?? approval.decision.action)
    : '';
  const delivered = delivery === 'delivered' || delivery === 'superseded';
  const title = 'Đã ghi nhận quyết định';
  const detail = delivered
    ? `Quyết định “${label}” đã được ghi nhận lúc ${dateTime(approval.decidedAt)} và chuyển sang bước tiếp theo. Đơn vị sẽ được thông báo qua email. Có thể đóng trang này.`
    : `Quyết định “${label}” đã được ghi nhận lúc ${dateTime(approval.decidedAt)}. Hệ thống sẽ tự động chuyển tiếp sang bước tiếp theo trong ít phút; không cần bấm lại. (Recorded; it will be passed on shortly.)`;
  return htmlResponse(
    delivered ? 200 : 202,
    statusPage({ status: delivered ? 200 : 202, title, detail, header: authority, tone: 'ok' }),
  );
}

// ---------------------------------------------------------------- the handler

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const deps = getDeps();
  const approval = await openLink(deps, request, DECISION_KINDS);
  const page = PAGES[approval.kind];
  if (!page) {
    throw new PageError(
      404,
      'Trang chưa sẵn sàng',
      'Loại quyết định này chưa được hỗ trợ. (This kind of decision is not available yet.)',
    );
  }
  if (approval.kind !== 'explain') {
    if (approval.status === 'closed') throw new LinkError(410, 'closed');
    if (approval.status !== 'pending') throw decidedBefore(approval);
    if (isExpired(approval, deps.clock())) throw new LinkError(410, 'expired');
  }
  return request.isRead ? page.render(deps, request, approval) : page.decide(deps, request, approval);
}

export const handler = httpHandler(handle, { name: 'decision-page' });
