/**
 * `GET|HEAD|POST /d?k&id&a&e&s`: a decision link (DESIGN.md, "Approval by email link").
 *
 * The link is checked before anything is read (forged, tampered, unknown key → 403; expired →
 * 410). GET and HEAD only show the page of the approval's kind; they never change anything (mail
 * scanners fetch links before people do). POST decides, in two presses (functions/web/confirm.ts;
 * the appraisal's page functions/web/review-confirm.ts, the ballot's functions/web/vote-page.ts):
 *
 *   validate the form (nothing written on a problem: 422 with the form as typed)
 *   → without `confirm=yes`: the confirmation page, the form carried hidden, nothing written (its
 *     `back`: the form again as typed)
 *   → the decision's payload (the appraisal, the ballot) put as an immutable item, then the claim:
 *     `pending → decided` with the payload's hash — the only write that decides, so a losing or
 *     replayed POST changes nothing that is read (409; functions/steps/decisions.ts)
 *   → SendTaskSuccess({decision, round}) with the token that claim returned → `markDelivered`.
 *
 * A decided link reopened (GET/HEAD) shows its decision read-only — the report as appraised, the
 * ballot as cast (`DecisionPage.decided`); another POST there is 409.
 *
 * A delivery that fails leaves the decision recorded and queued; the page says it is recorded and
 * will be passed on, and the sweep re-sends it. The payload is the round's appraisal: the review
 * and scoring steps read it through the decision (functions/steps/records.ts).
 *
 * Kinds: `appraise` (the reviewer's page), `vote` (the council member's ballot,
 * functions/web/vote-page.ts); `explain` links lead to the unit's report page, where
 * explanations are given.
 */
import type { CriteriaSet, Period, Person, Unit } from '#domain/model';
import { reportChanges } from '#domain/report';
import { now } from '#ports/clock';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { NotFoundError } from '#ports/errors';
import { handlerLogger } from '#ports/log';
import type { StoredReport } from '#ports/reports';
import type { Approval, ApprovalKind, DecideOutcome } from '#ports/reviews';
import { approvalUrl } from '#ports/signing';
import { askForSweep } from '#ports/sweep-trigger';
import { loadCampaign } from '#steps/campaign';
import { type AppraiseDecisionPayload, auditDecision, claimDecision, ownDecision } from '#steps/decisions';
import { type DeliveryOutcome, deliverDecision } from '#steps/delivery';
import { REVIEW_FORM_ASSETS } from '#web/assets';
import { isBack, isConfirmed, resentNote } from '#web/confirm';
import type { DownloadLinks } from '#web/evidence-files';
import {
  actorOf,
  contentSecurityPolicy,
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  LinkError,
  PageError,
  redirect,
} from '#web/http';
import { claimRefused, isExpired, linkQuery, openLink, reviewRounds } from '#web/link-pages';
import { DECISION_LABELS, dateTime, statusPage } from '#web/pages';
import { renderDecisionConfirmation } from '#web/review-confirm';
import { renderDecidedReviewPage } from '#web/review-decided';
import { parseAppraisalForm, type ReviewPageModel, renderReviewPage } from '#web/review-page';
import { votePage } from '#web/vote-page';
import { newWriteId, writeIdOf } from '#web/write-id';

/** What a decision page of one approval kind does. */
export interface DecisionPage {
  /** GET/HEAD on a pending approval: the page (reads only). */
  render(request: HttpRequest, approval: Approval): Promise<HttpResponse>;
  /** POST on a pending approval: validate, claim (the only write that decides), deliver; the result page. */
  decide(request: HttpRequest, approval: Approval): Promise<HttpResponse>;
  /** The same POST again (its write id made the decision): follow-ups finished, the first answer. */
  replay?(request: HttpRequest, approval: Approval): Promise<HttpResponse>;
  /**
   * A decided link again: GET/HEAD show the decision read-only (200); another POST is refused
   * (409) with a way to that view. Without it, the generic 409 answers both.
   */
  decided?(request: HttpRequest, approval: Approval): Promise<HttpResponse>;
}

// ---------------------------------------------------------------- appraise

interface AppraiseContext {
  authority: string;
  unit: Unit;
  period: Period;
  stored: StoredReport;
  set: CriteriaSet;
  reviewer: Person;
  round: number;
  /** The evidence files' download links carry the reviewer's own link. */
  downloads: DownloadLinks;
  /** When the appraisal is expected, as the review-request mail said it. */
  reviewBy: string;
}

async function appraiseContext(approval: Approval, request: HttpRequest): Promise<AppraiseContext> {
  const { unitId, periodId } = approval;
  if (!unitId || !periodId) throw new LinkError(403, 'not-found');
  // An appraisal link is its reviewer's (RequestAppraisal and a reassignment arm it with
  // `subjectId`); the unit-period's assignment is read only for a point that names no one.
  const [campaign, stored, reviewerId] = await Promise.all([
    loadCampaign(),
    reports().get(unitId, periodId),
    approval.subjectId ??
      reviews()
        .getAssignment(periodId, unitId)
        .then((a) => a?.reviewerId),
  ]);
  if (!stored) throw new NotFoundError('report', `${unitId}/${periodId}`);
  const setId = stored.report.criteriaSetId;
  const set = campaign.criteriaSet(setId);
  if (!set) throw new NotFoundError('criteria set', setId);
  const reviewer = reviewerId ? campaign.findPerson('reviewer', reviewerId) : undefined;
  if (!reviewer) throw new NotFoundError('reviewer', reviewerId ?? '?');
  return {
    authority: campaign.config.district.authority,
    unit: campaign.unit(unitId),
    period: campaign.period(periodId),
    stored,
    set,
    reviewer,
    round: approval.round ?? 1,
    downloads: { query: linkQuery(request.query) },
    reviewBy: reviewDeadline(campaign.period(periodId), now()),
  };
}

/** The review-request mail's rule: review close, and once it is past, the late-appraisal deadline. */
function reviewDeadline(period: Period, at: Date): string {
  return at.getTime() < Date.parse(period.reviewClosesAt) ? period.reviewClosesAt : period.lateAppraisalUntil;
}

async function earlierRounds(ctx: AppraiseContext) {
  // Review rounds are numbered from 1: round 1 has none before it, and its page reads nothing more.
  if (ctx.round <= 1) return [];
  return (await reviewRounds(ctx.unit.id, ctx.period.id)).filter((r) => r.round < ctx.round);
}

/**
 * The review page's history: the earlier rounds, and what the unit changed since the last round's
 * reviewer saw the report (that version read back; none when it cannot be).
 */
async function reviewHistory(ctx: AppraiseContext): Promise<Pick<ReviewPageModel, 'rounds' | 'changes'>> {
  const rounds = await earlierRounds(ctx);
  // The last round that was appraised (a round can end unappraised): the version its reviewer saw.
  const last = rounds.findLast((r) => r.appraisal !== undefined);
  const seen = last?.appraisal?.reportVersion;
  if (!last || seen === undefined || seen >= ctx.stored.version) return { rounds };
  const before = await reports().getRevision(ctx.unit.id, ctx.period.id, seen);
  if (!before) return { rounds };
  const changes = reportChanges(before.report, ctx.stored.report, ctx.set);
  return { rounds, changes: { ...changes, round: last.round, version: seen } };
}

const SINCE: Partial<Record<StoredReport['status'], string>> = {
  returned: 'Báo cáo đã được trả lại; đơn vị đang giải trình.',
  explained: 'Đơn vị đã gửi giải trình; báo cáo chờ thẩm định lại.',
  approved: 'Báo cáo đã được phê duyệt.',
};

/**
 * A reviewer reopening a decided link: the report as it was appraised (the revision the decision
 * names) and the decision, read-only — never a decision page.
 */
async function decidedAppraisal(approval: Approval, request: HttpRequest): Promise<HttpResponse> {
  const ctx = await appraiseContext(approval, request);
  const payload = await reviews().getDecisionPayload<AppraiseDecisionPayload>(approval);
  const seen =
    payload && payload.reportVersion !== ctx.stored.version
      ? await reports().getRevision(ctx.unit.id, ctx.period.id, payload.reportVersion)
      : undefined;
  const stored = seen ? { ...ctx.stored, version: seen.version, report: seen.report } : ctx.stored;
  const after = SINCE[ctx.stored.status];
  const html = renderDecidedReviewPage({
    ...ctx,
    stored,
    rounds: await earlierRounds(ctx),
    decision: {
      action: approval.decision?.action ?? '',
      ...(approval.decidedAt ? { decidedAt: approval.decidedAt } : {}),
      decidedBy: ctx.reviewer.name,
      ...(payload ? { appraisal: payload.appraisal } : {}),
      ...(payload?.generalComment ? { generalComment: payload.generalComment } : {}),
    },
    ...(after ? { after } : {}),
  });
  return htmlResponse(200, html);
}

/** The reviewer's page runs the product's own script (its running appraised total; it works without). */
const REVIEW_PAGE_CSP = contentSecurityPolicy({ script: true });

function reviewPage(html: string): HttpResponse {
  return htmlResponse(200, html, { csp: REVIEW_PAGE_CSP });
}

const appraisePage: DecisionPage = {
  async decided(request, approval) {
    if (request.isRead) return decidedAppraisal(approval, request);
    throw decidedBefore(approval, (await loadCampaign()).config.district.authority, request);
  },

  async render(request, approval) {
    const ctx = await appraiseContext(approval, request);
    return reviewPage(
      renderReviewPage({
        ...ctx,
        ...(await reviewHistory(ctx)),
        assets: REVIEW_FORM_ASSETS,
        writeId: newWriteId(),
      }),
    );
  },

  async decide(request, approval) {
    const ctx = await appraiseContext(approval, request);
    const writeIdPosted = writeIdOf(request.form);
    if (isBack(request.form)) {
      // From the confirmation: the form again, as it was typed; nothing recorded.
      const html = renderReviewPage({
        ...ctx,
        ...(await reviewHistory(ctx)),
        assets: REVIEW_FORM_ASSETS,
        raw: request.form,
        ...(writeIdPosted ? { writeId: writeIdPosted } : {}),
      });
      return reviewPage(html);
    }
    const parsed = parseAppraisalForm(request.form, {
      stored: ctx.stored,
      set: ctx.set,
      reviewer: ctx.reviewer,
    });
    if (!parsed.ok) {
      const html = renderReviewPage({
        ...ctx,
        ...(await reviewHistory(ctx)),
        assets: REVIEW_FORM_ASSETS,
        raw: request.form,
        problems: parsed.problems,
        ...(writeIdOf(request.form) ? { writeId: writeIdOf(request.form) } : {}),
      });
      throw new FormError(parsed.problems, html, parsed.decision ? 422 : 400, REVIEW_PAGE_CSP);
    }
    if (parsed.payload.reportVersion !== ctx.stored.version) {
      throw new PageError(
        409,
        'Báo cáo đã thay đổi',
        'Báo cáo đã có phiên bản mới kể từ khi trang được mở; chưa ghi nhận gì. Hãy mở lại liên kết trong email để thẩm định bản mới nhất.',
      );
    }
    if (!isConfirmed(request.form)) {
      // The first press shows what will be recorded; only the confirmation's press decides.
      const html = renderDecisionConfirmation({
        ...ctx,
        report: ctx.stored.report,
        decision: parsed.decision,
        payload: parsed.payload,
        form: request.form,
      });
      return htmlResponse(200, html);
    }
    const actor = actorOf(request, { kind: 'reviewer', id: ctx.reviewer.id, email: ctx.reviewer.email });
    const writeId = writeIdPosted;
    const outcome = await claimDecision(
      approval,
      { action: parsed.decision, payload: parsed.payload, ...(writeId ? { writeId } : {}) },
      actor,
      askForSweep,
    );
    return afterClaim(outcome, ctx.authority, request);
  },
};

// ---------------------------------------------------------------- explain

/**
 * Explanations are given on the unit's report page (with the revised report); a link to an
 * `explain` approval leads there through the unit's report grant.
 */
const explainPage: DecisionPage = {
  render: (_request, approval) => toReportPage(approval),
  decide: (_request, approval) => toReportPage(approval),
};

async function toReportPage(approval: Approval): Promise<HttpResponse> {
  const { unitId, periodId } = approval;
  if (!unitId || !periodId) throw new LinkError(403, 'not-found');
  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  const grant = approvals.find((a) => a.kind === 'report');
  if (!grant) throw new LinkError(403, 'not-found');
  return redirect(await approvalUrl(grant));
}

// ---------------------------------------------------------------- the kinds

/** Decision pages by approval kind. */
type DecisionKind = 'appraise' | 'explain' | 'vote';

export const PAGES: Record<DecisionKind, DecisionPage> = {
  appraise: appraisePage,
  explain: explainPage,
  vote: votePage,
};

const DECISION_KINDS: readonly DecisionKind[] = ['appraise', 'explain', 'vote'];

const isDecisionKind = (kind: ApprovalKind): kind is DecisionKind => DECISION_KINDS.some((k) => k === kind);

// ---------------------------------------------------------------- outcomes

/**
 * A second decision on a decided link: 409, nothing changed. An appraisal's link reopened (GET)
 * shows the decision read-only: the page links there.
 */
function decidedBefore(approval: Approval, authority: string, request: HttpRequest): PageError {
  const what = approval.decision
    ? (DECISION_LABELS[approval.decision.action] ?? approval.decision.action)
    : '';
  const title = 'Quyết định đã được ghi nhận trước đó';
  const detail = `Liên kết này đã được dùng để ra quyết định${what ? ` “${what}”` : ''}${
    approval.decidedAt ? ` lúc ${dateTime(approval.decidedAt)}` : ''
  }. Mỗi liên kết chỉ ghi nhận một quyết định; lần bấm này không thay đổi gì.`;
  const links =
    approval.kind === 'appraise'
      ? [
          {
            href: `${request.path}?${linkQuery(request.query)}`,
            label: 'Xem báo cáo và quyết định đã ghi nhận',
          },
        ]
      : [];
  return new PageError(
    409,
    title,
    detail,
    statusPage({ status: 409, title, detail, tone: 'info', header: authority, links }),
    links,
  );
}

/**
 * After the claim: deliver what this request recorded, or say why nothing was recorded.
 * `again`: the same request sent again (a retry, Back and resend): it says so, and that nothing
 * more was recorded.
 */
async function afterClaim(
  outcome: DecideOutcome,
  authority: string,
  request: HttpRequest,
  again = false,
): Promise<HttpResponse> {
  switch (outcome.outcome) {
    case 'decided':
      break;
    case 'already-decided':
      // The same press twice at once (one write id): the loser is the winner's own decision.
      if (ownDecision(outcome.approval, writeIdOf(request.form), request.form.get('decision'))) {
        await auditDecision(outcome.approval);
        return afterClaim({ outcome: 'decided', approval: outcome.approval }, authority, request, true);
      }
      throw decidedBefore(outcome.approval, authority, request);
    default:
      throw claimRefused(outcome.outcome);
  }
  const approval = outcome.approval;
  const log = handlerLogger();
  let delivery: DeliveryOutcome;
  try {
    delivery = approval.deliveredAt ? 'delivered' : await deliverDecision(approval, log);
  } catch (error) {
    // Even the failure mark failed: the decision is recorded and stays in the sweep's queue.
    log.error('decision recorded; delivery and its mark failed', { approvalId: approval.id, error });
    delivery = 'failed';
  }
  const label = approval.decision
    ? (DECISION_LABELS[approval.decision.action] ?? approval.decision.action)
    : '';
  const delivered = delivery === 'delivered' || delivery === 'superseded';
  const title = 'Đã ghi nhận quyết định';
  const resent = again ? resentNote('quyết định') : '';
  const detail = delivered
    ? `Quyết định “${label}” đã được ghi nhận lúc ${dateTime(approval.decidedAt)} và chuyển sang bước tiếp theo.${resent} Đơn vị sẽ được thông báo qua email. Có thể đóng trang này.`
    : `Quyết định “${label}” đã được ghi nhận lúc ${dateTime(approval.decidedAt)}.${resent} Hệ thống sẽ tự động chuyển tiếp sang bước tiếp theo trong ít phút; không cần bấm lại.`;
  return htmlResponse(
    delivered ? 200 : 202,
    statusPage({ status: delivered ? 200 : 202, title, detail, header: authority, tone: 'ok' }),
  );
}

// ---------------------------------------------------------------- the handler

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const approval = await openLink(request, DECISION_KINDS, now());
  // openLink answers only approvals of these kinds; the guard tells the compiler.
  if (!isDecisionKind(approval.kind)) throw new LinkError(403, 'wrong-kind');
  const page = PAGES[approval.kind];
  if (approval.kind !== 'explain') {
    if (approval.status === 'closed') {
      throw new LinkError(410, approval.closedReason === 'reassigned' ? 'reassigned' : 'closed');
    }
    if (!request.isRead && ownDecision(approval, writeIdOf(request.form), request.form.get('decision'))) {
      // The same request again: its claim stands; finish its follow-ups and answer as the first did.
      await auditDecision(approval);
      if (page.replay) return page.replay(request, approval);
      return afterClaim(
        { outcome: 'decided', approval },
        (await loadCampaign()).config.district.authority,
        request,
        true,
      );
    }
    if (isExpired(approval, now())) throw new LinkError(410, 'expired');
    if (approval.status !== 'pending') {
      if (approval.decision && page.decided) return page.decided(request, approval);
      throw decidedBefore(approval, (await loadCampaign()).config.district.authority, request);
    }
  }
  return request.isRead ? page.render(request, approval) : page.decide(request, approval);
}

export const handler = httpHandler(handle, { name: 'decision-page' });
