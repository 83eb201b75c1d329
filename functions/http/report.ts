/**
 * `GET|HEAD|POST /r?k&id&a&e&s`: the unit's report page behind its signed access grant (kind
 * `report`, one per unit-period, valid until the period's late-appraisal deadline).
 *
 * GET/HEAD render and change nothing. POST `action`:
 * - `save`: the draft, with the `version` the page was rendered from (someone saved since → 409);
 * - `submit`: every leaf and the self-check required; stores `draft → submitted`, then starts the
 *   unit-period's `review` execution (`review-<unit>-<period>-<attempt>`, workflows/executions.ts;
 *   already existing is success). A submit of a report already submitted only (re)starts the
 *   execution, so a start that failed can be retried from the page;
 * - `explain` (after a return): the claim is the revised report with the explanation
 *   (`returned → explained`, the revision naming the `explain` approval it answers); its follow-up
 *   decides that approval with the explanation as its payload and delivers it to the waiting review
 *   execution (functions/steps/explanations.ts; the sweep finishes it when the request cannot).
 * Every form carries a write id (a nonce per rendering) that the revision stores: the same POST
 * again finds its own claim, finishes its follow-ups and answers as the first did (docs/reliability.md).
 * Every field is checked first: a form with problems is shown again as typed, each problem beside
 * its field, with 422, and nothing is stored. A success answers 303 back to the page (GET).
 */
import { criteriaSetFor } from '#domain/calendar';
import type { CriteriaSet, Period, Report, Unit } from '#domain/model';
import { callbacks } from '#ports/callbacks';
import { now } from '#ports/clock';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { ConflictError, NotFoundError } from '#ports/errors';
import { handlerLogger } from '#ports/log';
import { EDITABLE_REPORT_STATUSES, type StoredReport } from '#ports/reports';
import type { Approval } from '#ports/reviews';
import { stateMachineArn } from '#ports/settings';
import { loadCampaign } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { finishExplanation } from '#steps/explanations';
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
import { actorOf, claimRefused, isExpired, linkQuery, openLink, reviewRounds } from '#web/link-pages';
import { e, statusPage } from '#web/pages';
import { parseReportForm } from '#web/report-form';
import { type ReportPageModel, renderReportPage } from '#web/report-page';
import { reviewExecution } from '#workflows/executions';
import { newWriteId, writeIdOf } from './write-id.ts';

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
  period: Period;
  set: CriteriaSet;
  stored: StoredReport | undefined;
}

async function loadContext(grant: Approval): Promise<ReportContext> {
  const { unitId, periodId } = grant;
  if (!unitId || !periodId) throw new LinkError(403, 'not-found');
  const [campaign, stored] = await Promise.all([loadCampaign(), reports().get(unitId, periodId)]);
  const unit = campaign.unit(unitId);
  const period = campaign.period(periodId);
  // A report keeps the set it was written against; a new one takes the set in force for the period.
  const set = stored
    ? campaign.criteriaSet(stored.report.criteriaSetId)
    : criteriaSetFor(campaign.config, campaign.criteriaSets, unit.group, period);
  if (!set) throw new NotFoundError('criteria set', stored?.report.criteriaSetId ?? '?');
  return { grant, authority: campaign.config.district.authority, unit, period, set, stored };
}

async function pageModel(ctx: ReportContext, extra: Partial<ReportPageModel> = {}): Promise<ReportPageModel> {
  const rounds =
    ctx.stored && ctx.stored.status !== 'draft' && ctx.stored.status !== 'submitted'
      ? await reviewRounds(ctx.unit.id, ctx.period.id)
      : [];
  return {
    authority: ctx.authority,
    unit: ctx.unit,
    period: ctx.period,
    set: ctx.set,
    ...(ctx.stored ? { stored: ctx.stored, report: ctx.stored.report } : {}),
    version: ctx.stored?.version ?? 0,
    rounds,
    writeId: newWriteId(),
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

/** What the POST asks, once the report's status allows it; otherwise the page that says why not. */
function allowedAction(request: HttpRequest, ctx: ReportContext): 'save' | 'submit' | 'explain' {
  const action = request.form.get('action');
  const status = ctx.stored?.status;
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
  return action;
}

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const grant = await openLink(request, ['report'], now());
  if (grant.status === 'closed') throw new LinkError(410, 'closed');
  if (isExpired(grant, now())) throw new LinkError(410, 'expired');
  const ctx = await loadContext(grant);

  if (request.isRead) {
    const ok = request.query.get('ok');
    const notice = ok && Object.hasOwn(NOTICES, ok) ? NOTICES[ok] : undefined;
    const model = await pageModel(
      ctx,
      notice ? { notice: { tone: notice.tone, text: notice.text(ctx.stored) } } : {},
    );
    return htmlResponse(200, renderReportPage(model));
  }

  const writeId = writeIdOf(request.form);
  // The same request again (a retry after a lost answer or a crash): its claim is stored, so the
  // follow-ups are finished and the answer is the first one's, never 409.
  if (writeId && ctx.stored?.lastWrite?.writeId === writeId) return finishOwnWrite(request, ctx, ctx.stored);
  // A submit of a report already submitted only (re)starts its review: a failed start is retried from the page.
  if (request.form.get('action') === 'submit' && ctx.stored?.status === 'submitted') {
    return startReview(request, ctx, ctx.stored);
  }
  const action = allowedAction(request, ctx);

  const parsed = parseReportForm(request.form, {
    unitId: ctx.unit.id,
    periodId: ctx.period.id,
    set: ctx.set,
    ...(ctx.stored ? { previous: ctx.stored.report } : {}),
    now: now(),
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
  const explainApproval = action === 'explain' ? await pendingExplanation(ctx) : undefined;
  if (problems.length > 0 || parsed.version === undefined) {
    const model = await pageModel(ctx, {
      report: parsed.report,
      raw: request.form,
      version: parsed.version ?? ctx.stored?.version ?? 0,
      problems,
      ...(writeId ? { writeId } : {}),
    });
    throw new FormError(problems, renderReportPage(model), parsed.version === undefined ? 400 : 422);
  }

  const actor = actorOf(request, { kind: 'unit', id: ctx.unit.id, email: ctx.unit.focalPoint.email });
  const report: Report = parsed.report;
  let stored: StoredReport;
  try {
    // The claim: one revision, carrying the write id and, for an explanation, the approval it answers.
    stored = await reports().writeRevision(ctx.unit.id, ctx.period.id, {
      report,
      expectedVersion: parsed.version,
      actor,
      kind: action === 'save' ? 'save' : 'submit',
      ...(explainApproval ? { approvalId: explainApproval.id } : {}),
      ...(writeId ? { writeId } : {}),
    });
  } catch (error) {
    if (error instanceof ConflictError) throw conflictPage(request, ctx, error);
    throw error;
  }
  crashPoint(`${action}.after-revision`);
  return finishOwnWrite(request, ctx, stored);
}

/** The follow-ups of a stored write, run by its request or by the same request again. */
async function finishOwnWrite(
  request: HttpRequest,
  ctx: ReportContext,
  stored: StoredReport,
): Promise<HttpResponse> {
  const claim = stored.lastWrite;
  if (claim?.kind !== 'submit') return backToPage(request, 'saved');
  if (claim.approvalId) return explain(request, stored);
  return startReview(request, ctx, stored);
}

/** The pending `explain` approval of the latest round, or a page saying why there is none. */
async function pendingExplanation(ctx: ReportContext): Promise<Approval> {
  const approvals = await reviews().listUnitPeriodApprovals(ctx.unit.id, ctx.period.id);
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
  if (isExpired(latest, now())) throw new LinkError(410, 'expired');
  return latest;
}

/** The explanation's follow-ups: its approval decided and delivered (functions/steps/explanations.ts). */
async function explain(request: HttpRequest, stored: StoredReport): Promise<HttpResponse> {
  const followUp = await finishExplanation(handlerLogger(), stored.unitId, stored.periodId);
  if (followUp.state === 'refused') throw claimRefused(followUp.outcome);
  // A failed delivery stays recorded and queued: the sweep re-sends it.
  return backToPage(request, 'explained');
}

async function startReview(
  request: HttpRequest,
  ctx: ReportContext,
  stored: StoredReport,
): Promise<HttpResponse> {
  const { name, input } = reviewExecution(stored.unitId, stored.periodId);
  try {
    await callbacks().startExecution(stateMachineArn('review'), name, input);
  } catch (error) {
    handlerLogger().error('review execution not started; the unit can retry from its page', {
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
