/**
 * `GET|HEAD|POST /r?k&id&a&e&s`: the unit's report page behind its signed access grant (kind
 * `report`, one per unit-period, valid until the period's late-appraisal deadline).
 *
 * GET/HEAD render and change nothing. POST `action`:
 * - `save`: the draft, with the `version` the page was rendered from (someone saved since → 409);
 * - `submit`: every leaf and the self-check required; stores `draft → submitted`, then starts the
 *   unit-period's `review` execution (`review-<unit>-<period>-<attempt>`; already existing is
 *   success). A submit of a report already submitted only (re)starts the execution, so a start
 *   that failed can be retried from the page;
 * - `explain` (after a return): stores the revised report with the explanation
 *   (`returned → explained`), then decides the pending `explain` approval of the current round and
 *   delivers it to the waiting review execution.
 * Every field is checked first: a form with problems is shown again as typed, each problem beside
 * its field, with 422, and nothing is stored. A success answers 303 back to the page (GET).
 */
import { criteriaSetFor } from '#domain/calendar';
import type { CriteriaSet, Report, Unit } from '#domain/model';
import { type Deps, getDeps } from '#ports/deps';
import {
  type Approval,
  ConflictError,
  EDITABLE_REPORT_STATUSES,
  NotFoundError,
  type StoredPeriod,
  type StoredReport,
} from '#ports/store';
import { deliverDecision } from '#steps/delivery';
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
import {
  actorOf,
  claimRefused,
  type ExplainDecisionPayload,
  isExpired,
  linkQuery,
  openLink,
  reviewRounds,
} from '#web/link-pages';
import { e, statusPage } from '#web/pages';
import { parseReportForm } from '#web/report-form';
import { type ReportPageModel, renderReportPage } from '#web/report-page';

/** docs/review.md: one execution per unit-period; only an admin's restart raises the attempt. */
export function reviewExecutionName(unitId: string, periodId: string, attempt = 1): string {
  return `review-${unitId}-${periodId}-${attempt}`;
}

const NOTICES: Record<string, { tone: 'ok' | 'info'; text: (r?: StoredReport) => string }> = {
  saved: {
    tone: 'ok',
    text: (r) =>
      `Đã lưu bản nháp${r ? ` (phiên bản ${r.version})` : ''}. Có thể tiếp tục sửa và nộp trước hạn.`,
  },
  submitted: {
    tone: 'ok',
    text: () =>
      'Đã nộp báo cáo. Báo cáo sẽ được phân công thẩm định; đơn vị sẽ nhận email khi có kết quả hoặc khi cần giải trình.',
  },
  explained: {
    tone: 'ok',
    text: () => 'Đã gửi giải trình. Người thẩm định sẽ xem xét lại báo cáo; đơn vị sẽ nhận email về kết quả.',
  },
};

interface ReportContext {
  grant: Approval;
  authority: string;
  unit: Unit;
  period: StoredPeriod;
  set: CriteriaSet;
  stored: StoredReport | undefined;
}

async function loadContext(deps: Deps, grant: Approval): Promise<ReportContext> {
  const { unitId, periodId } = grant;
  if (!unitId || !periodId) throw new LinkError(403, 'not-found');
  const [campaign, unit, period, stored] = await Promise.all([
    deps.store.getCampaign(),
    deps.store.getUnit(unitId),
    deps.store.getPeriod(periodId),
    deps.store.getReport(unitId, periodId),
  ]);
  if (!campaign) throw new NotFoundError('campaign', 'CAMPAIGN');
  if (!unit) throw new NotFoundError('unit', unitId);
  if (!period) throw new NotFoundError('period', periodId);
  // A report keeps the set it was written against; a new one takes the set in force for the period.
  const set = stored
    ? (campaign.criteriaSets.find((s) => s.id === stored.report.criteriaSetId) ??
      (await deps.store.getCriteriaSet(stored.report.criteriaSetId)))
    : criteriaSetFor(campaign.config, campaign.criteriaSets, unit.group, period.period);
  if (!set) throw new NotFoundError('criteria set', stored?.report.criteriaSetId ?? '?');
  return { grant, authority: campaign.config.district.authority, unit, period, set, stored };
}

async function pageModel(
  deps: Deps,
  ctx: ReportContext,
  extra: Partial<ReportPageModel> = {},
): Promise<ReportPageModel> {
  const rounds =
    ctx.stored && ctx.stored.status !== 'draft' && ctx.stored.status !== 'submitted'
      ? await reviewRounds(deps.store, ctx.unit.id, ctx.period.period.id)
      : [];
  return {
    authority: ctx.authority,
    unit: ctx.unit,
    period: ctx.period.period,
    set: ctx.set,
    ...(ctx.stored ? { stored: ctx.stored, report: ctx.stored.report } : {}),
    version: ctx.stored?.version ?? 0,
    rounds,
    ...extra,
  };
}

function backToPage(request: HttpRequest, ok: keyof typeof NOTICES): HttpResponse {
  return redirect(`${request.path}?${linkQuery(request.query)}&ok=${ok}`);
}

function reloadLink(request: HttpRequest): string {
  return `<p><a href="${e(`${request.path}?${linkQuery(request.query)}`)}">Mở lại báo cáo (bản mới nhất)</a></p>`;
}

/** 409 with the store's message and a way back to the current report. */
function conflictPage(request: HttpRequest, ctx: ReportContext, error: ConflictError): PageError {
  const stale = error.reason === 'version';
  const title = stale ? 'Báo cáo đã được người khác lưu' : 'Báo cáo không sửa được nữa';
  return new PageError(
    409,
    title,
    error.message,
    statusPage({
      status: 409,
      title,
      header: ctx.authority,
      detail: stale
        ? `${error.message} Nội dung bạn vừa nhập chưa được lưu; hãy mở lại báo cáo, xem bản mới nhất rồi nhập lại phần thay đổi.`
        : error.message,
      extra: reloadLink(request),
    }),
  );
}

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const deps = getDeps();
  const grant = await openLink(deps, request, ['report']);
  if (grant.status === 'closed') throw new LinkError(410, 'closed');
  if (isExpired(grant, deps.clock())) throw new LinkError(410, 'expired');
  const ctx = await loadContext(deps, grant);

  if (request.isRead) {
    const ok = request.query.get('ok');
    const notice = ok && Object.hasOwn(NOTICES, ok) ? NOTICES[ok] : undefined;
    const model = await pageModel(
      deps,
      ctx,
      notice ? { notice: { tone: notice.tone, text: notice.text(ctx.stored) } } : {},
    );
    return htmlResponse(200, renderReportPage(model));
  }

  const action = request.form.get('action');
  const status = ctx.stored?.status;
  if (action === 'submit' && status === 'submitted')
    return startReview(deps, request, ctx, ctx.stored as StoredReport);
  if (status && !EDITABLE_REPORT_STATUSES.includes(status)) {
    throw conflictPage(
      request,
      ctx,
      new ConflictError(
        'status',
        'Báo cáo đã nộp nên không sửa được nữa (trừ khi được trả lại để giải trình). (The report was submitted and cannot be changed.)',
      ),
    );
  }
  if (action !== 'save' && action !== 'submit' && action !== 'explain') {
    throw new FormError([{ field: '', message: 'Hãy bấm “Lưu nháp” hoặc “Nộp báo cáo”.' }], undefined, 400);
  }
  if (action === 'explain' && status !== 'returned') {
    throw conflictPage(
      request,
      ctx,
      new ConflictError(
        'status',
        'Báo cáo không ở trạng thái chờ giải trình. (The report is not awaiting an explanation.)',
      ),
    );
  }
  if (action !== 'explain' && status === 'returned' && action === 'submit') {
    // A returned report goes back with its explanation, never as a second submission.
    throw new FormError(
      [
        {
          field: 'response',
          message: 'Báo cáo đã được trả lại: hãy viết nội dung giải trình rồi bấm “Gửi giải trình”.',
        },
      ],
      undefined,
      400,
    );
  }

  const now = deps.clock();
  const parsed = parseReportForm(request.form, {
    unitId: ctx.unit.id,
    periodId: ctx.period.period.id,
    set: ctx.set,
    ...(ctx.stored ? { previous: ctx.stored.report } : {}),
    now,
    mode: action === 'save' ? 'draft' : 'submit',
  });
  const problems = [...parsed.problems];
  if (parsed.version === undefined) {
    problems.unshift({
      field: '',
      message: 'Trang thiếu số phiên bản của báo cáo; hãy mở lại liên kết trong email.',
    });
  }
  if (action === 'explain' && !parsed.report.response) {
    problems.unshift({ field: 'response', message: 'Hãy viết nội dung giải trình trước khi gửi.' });
  }
  let explainApproval: Approval | undefined;
  if (action === 'explain') {
    explainApproval = await pendingExplanation(deps, ctx);
  }
  if (problems.length > 0) {
    const model = await pageModel(deps, ctx, {
      report: parsed.report,
      raw: request.form,
      version: parsed.version ?? ctx.stored?.version ?? 0,
      problems,
    });
    throw new FormError(problems, renderReportPage(model), parsed.version === undefined ? 400 : 422);
  }

  const actor = actorOf(request, { kind: 'unit', id: ctx.unit.id, email: ctx.unit.focalPoint.email });
  const version = parsed.version as number;
  const report: Report = parsed.report;
  try {
    if (action === 'save') {
      await deps.store.saveReportDraft(ctx.unit.id, ctx.period.period.id, report, version, actor);
      return backToPage(request, 'saved');
    }
    const submitted = await deps.store.submitReport(
      ctx.unit.id,
      ctx.period.period.id,
      report,
      version,
      actor,
    );
    if (action === 'submit') return startReview(deps, request, ctx, submitted);
    return explain(deps, request, explainApproval as Approval, submitted, actor);
  } catch (error) {
    if (error instanceof ConflictError) throw conflictPage(request, ctx, error);
    throw error;
  }
}

/** The pending `explain` approval of the latest round, or a page saying why there is none. */
async function pendingExplanation(deps: Deps, ctx: ReportContext): Promise<Approval> {
  const approvals = await deps.store.listUnitPeriodApprovals(ctx.unit.id, ctx.period.period.id);
  const latest = approvals
    .filter((a) => a.kind === 'explain')
    .sort((a, b) => (b.round ?? 0) - (a.round ?? 0))[0];
  if (!latest || latest.status === 'closed') throw new LinkError(410, 'closed');
  if (latest.status !== 'pending') {
    throw new PageError(
      409,
      'Đã gửi giải trình',
      'Giải trình của vòng thẩm định này đã được gửi trước đó. (The explanation was already sent.)',
    );
  }
  if (isExpired(latest, deps.clock())) throw new LinkError(410, 'expired');
  return latest;
}

async function explain(
  deps: Deps,
  request: HttpRequest,
  approval: Approval,
  stored: StoredReport,
  actor: ReturnType<typeof actorOf>,
): Promise<HttpResponse> {
  const payload: ExplainDecisionPayload = {
    explanation: stored.report.response ?? '',
    reportVersion: stored.version,
  };
  const outcome = await deps.store.decideApproval(approval.id, { action: 'explained', payload }, actor);
  switch (outcome.outcome) {
    case 'decided':
      // A failed delivery stays recorded and queued: the sweep re-sends it.
      await deliverDecision(
        { store: deps.store, callbacks: deps.callbacks, log: deps.log },
        outcome.approval,
      );
      return backToPage(request, 'explained');
    case 'already-decided':
      throw new PageError(
        409,
        'Đã gửi giải trình',
        'Giải trình của vòng thẩm định này đã được gửi trước đó. (The explanation was already sent.)',
      );
    default:
      throw claimRefused(outcome.outcome);
  }
}

async function startReview(
  deps: Deps,
  request: HttpRequest,
  ctx: ReportContext,
  stored: StoredReport,
): Promise<HttpResponse> {
  const name = reviewExecutionName(stored.unitId, stored.periodId);
  try {
    await deps.callbacks.startExecution(deps.stateMachineArn('review'), name, {
      unitId: stored.unitId,
      periodId: stored.periodId,
    });
  } catch (error) {
    deps.log.error('review execution not started; the unit can retry from its page', {
      unitId: stored.unitId,
      periodId: stored.periodId,
      error,
    });
    const retry = `<form method="post" action="${e(`${request.path}?${linkQuery(request.query)}`)}"><input type="hidden" name="action" value="submit"><div class="actions"><button type="submit">Thử lại</button></div></form>`;
    throw new PageError(
      503,
      'Đã nộp, chưa chuyển thẩm định',
      'Báo cáo đã được lưu ở trạng thái đã nộp, nhưng hệ thống chưa chuyển được sang bước thẩm định.',
      statusPage({
        status: 503,
        title: 'Đã nộp, chưa chuyển thẩm định',
        header: ctx.authority,
        tone: 'warn',
        detail:
          'Báo cáo đã được lưu ở trạng thái đã nộp, nhưng hệ thống chưa chuyển được sang bước thẩm định. Hãy bấm “Thử lại” sau ít phút; nếu vẫn không được, báo Phòng Nội vụ. (Submitted; starting the review failed — retry.)',
        extra: retry,
      }),
    );
  }
  return backToPage(request, 'submitted');
}

export const handler = httpHandler(handle, { name: 'report-page' });
