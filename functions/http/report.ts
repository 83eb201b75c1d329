/**
 * `GET|HEAD|POST /r?k&id&a&e&s`: the unit's report page behind its signed access grant (kind
 * `report`, one per unit-period, valid until the period's late-appraisal deadline), with its
 * script's CSP; and `GET|HEAD /assets/{name}`, the form's own script and style sheet.
 *
 * GET/HEAD render and change nothing (once published, the page shows the unit's results). POST `action`:
 * - `save`: the draft, with the `version` the page was rendered from (someone saved since → 409);
 *   sent by the page's script with `autosave=1` and `Accept: application/json`, the valid part is
 *   stored and every outcome answered as JSON (docs/unit-pages.md, "Autosave");
 * - `save-valid`: after a refused form, its valid part stored as the draft, the form kept as typed;
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
 * its field, with 422 and the offer to save its valid part, and nothing is stored. A success
 * answers 303 back to the page (GET).
 */
import { isDeepStrictEqual } from 'node:util';
import { criteriaSetFor } from '#domain/calendar';
import type { CriteriaSet, Period, Report, Unit } from '#domain/model';
import { evidenceRound, uploadOrigin } from '#functions/http/evidence-access';
import { unitPublishedResults } from '#functions/scoring/unit-results';
import { callbacks } from '#ports/callbacks';
import { now } from '#ports/clock';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { ConflictError, ItemTooLargeError, NotFoundError } from '#ports/errors';
import { handlerLogger } from '#ports/log';
import { EDITABLE_REPORT_STATUSES, type ReportStatus, type StoredReport } from '#ports/reports';
import type { Approval } from '#ports/reviews';
import { stateMachineArn } from '#ports/settings';
import { askForSweep } from '#ports/sweep-trigger';
import { type CampaignContext, loadCampaign } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { finishExplanation } from '#steps/explanations';
import { auditSubmission } from '#steps/records';
import { unitHref } from '#web/admin-routes';
import { ASSET_PATH, assetResponse, REPORT_FORM_ASSETS } from '#web/assets';
import {
  actorOf,
  contentSecurityPolicy,
  type FieldProblem,
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  LinkError,
  PageError,
  type PageLink,
  redirect,
} from '#web/http';
import { claimRefused, isExpired, linkQuery, openLink, reviewRounds } from '#web/link-pages';
import { e, statusPage } from '#web/pages';
import { type ParsedReportForm, parseReportForm } from '#web/report-form';
import { SELF_CHECK_FIELDS } from '#web/report-form-extras';
import {
  isLate,
  type ReportPageModel,
  type ReviewRound,
  renderReportPage,
  reportNotice,
} from '#web/report-page';
import { autosaveResponse, isAutosave } from '#web/report-save';
import { newWriteId, writeIdOf } from '#web/write-id';
import { reviewExecution } from '#workflows/executions';

interface ReportContext {
  grant: Approval;
  campaign: CampaignContext;
  authority: string;
  unit: Unit;
  period: Period;
  set: CriteriaSet;
  stored: StoredReport | undefined;
  /** The round whose uploaded files the form may cite (docs/evidence.md, "Keys"). */
  round: number;
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
  const round = await evidenceRound(unitId, periodId, stored?.status);
  return { grant, campaign, authority: campaign.config.district.authority, unit, period, set, stored, round };
}

/** The report page's query for its view of only the commented criteria. */
const COMMENTED_VIEW = { name: 'xem', value: 'nhan-xet' } as const;

async function pageModel(
  request: HttpRequest,
  ctx: ReportContext,
  extra: Partial<ReportPageModel> = {},
): Promise<ReportPageModel> {
  const rounds =
    ctx.stored && ctx.stored.status !== 'draft' && ctx.stored.status !== 'submitted'
      ? await reviewRounds(ctx.unit.id, ctx.period.id)
      : [];
  const seen = await returnedReport(ctx, rounds);
  const query = linkQuery(request.query);
  const self = `${request.path}?${query}`;
  const editable = !ctx.stored || EDITABLE_REPORT_STATUSES.includes(ctx.stored.status);
  // The results mail links this page: once published, it shows them (a read, so only on GET).
  const published = request.isRead
    ? await unitPublishedResults(ctx.campaign, ctx.unit.id, ctx.period.id)
    : undefined;
  return {
    authority: ctx.authority,
    unit: ctx.unit,
    period: ctx.period,
    set: ctx.set,
    ...(ctx.stored ? { stored: ctx.stored, report: ctx.stored.report } : {}),
    version: ctx.stored?.version ?? 0,
    rounds,
    now: now(),
    assets: REPORT_FORM_ASSETS,
    view: request.query.get(COMMENTED_VIEW.name) === COMMENTED_VIEW.value ? 'commented' : 'all',
    viewLinks: { all: self, commented: `${self}&${COMMENTED_VIEW.name}=${COMMENTED_VIEW.value}` },
    writeId: newWriteId(),
    downloads: { query },
    // Files go straight to the evidence bucket, while the report may still change.
    ...(editable && uploadOrigin()
      ? { upload: { presignUrl: `/evidence/presign?${query}`, verifyUrl: `/evidence/verify?${query}` } }
      : {}),
    ...(published ? { results: published } : {}),
    ...(seen ? { returnedReport: seen } : {}),
    ...extra,
  };
}

/**
 * A returned report as its reviewer saw it: the revision the last appraisal names (the stored one
 * while the unit has saved nothing since). The page opens the folds of what the unit changed since.
 */
async function returnedReport(ctx: ReportContext, rounds: ReviewRound[]): Promise<Report | undefined> {
  if (ctx.stored?.status !== 'returned') return undefined;
  const seen = rounds.at(-1)?.appraisal?.reportVersion;
  if (seen === undefined) return undefined;
  if (seen === ctx.stored.version) return ctx.stored.report;
  return (await reports().getRevision(ctx.unit.id, ctx.period.id, seen))?.report;
}

/**
 * The report page with its script's policy (the page works without the script too); while it
 * offers uploads, the evidence bucket's origin is the one place besides the product it may post to.
 */
function reportPage(status: number, model: ReportPageModel): HttpResponse {
  const origin = model.upload ? uploadOrigin() : undefined;
  return htmlResponse(status, renderReportPage(model), {
    csp: contentSecurityPolicy({ script: true, ...(origin ? { connect: [origin] } : {}) }),
  });
}

const OK_KINDS = ['saved', 'submitted', 'explained'] as const;
type OkKind = (typeof OK_KINDS)[number];

function backToPage(request: HttpRequest, ok: OkKind): HttpResponse {
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

type PostAction = 'save' | 'save-valid' | 'submit' | 'explain';

const NOT_EDITABLE = 'Báo cáo đã nộp nên không sửa được nữa (trừ khi được trả lại để giải trình).';

/** A report submitted and moved on by its review (a returned one is explained, not submitted). */
const SUBMITTED_ONWARD: readonly ReportStatus[] = ['in-review', 'explained', 'approved'];

/** What the POST asks, once the report's status allows it; otherwise the page that says why not. */
function allowedAction(request: HttpRequest, ctx: ReportContext): PostAction {
  const action = request.form.get('action');
  const status = ctx.stored?.status;
  if (status && !EDITABLE_REPORT_STATUSES.includes(status)) {
    throw conflictPage(request, ctx, new ConflictError('status', NOT_EDITABLE));
  }
  if (action !== 'save' && action !== 'save-valid' && action !== 'submit' && action !== 'explain') {
    throw new FormError([{ field: '', message: 'Hãy bấm “Lưu nháp” hoặc “Nộp báo cáo”.' }], undefined, 400);
  }
  if (action === 'explain' && status !== 'returned') {
    throw conflictPage(
      request,
      ctx,
      new ConflictError('status', 'Báo cáo không ở trạng thái chờ giải trình.'),
    );
  }
  if (status === 'returned' && action === 'submit') {
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

/** Where a report link past its time leads: the unit's own history, its reports and results. */
const UNIT_HISTORY: readonly PageLink[] = [
  {
    href: unitHref.request(),
    label: 'Xem lịch sử báo cáo và kết quả của đơn vị (nhận liên kết đăng nhập qua email)',
  },
];

/** The grant of the request's link, checked, and what its page reads. */
async function openReport(request: HttpRequest): Promise<ReportContext> {
  const grant = await openLink(request, ['report'], now(), UNIT_HISTORY);
  if (grant.status === 'closed') throw new LinkError(410, 'closed', UNIT_HISTORY);
  if (isExpired(grant, now())) throw new LinkError(410, 'expired', UNIT_HISTORY);
  return loadContext(grant);
}

function parseFor(request: HttpRequest, ctx: ReportContext, mode: 'draft' | 'submit'): ParsedReportForm {
  return parseReportForm(request.form, {
    unitId: ctx.unit.id,
    periodId: ctx.period.id,
    set: ctx.set,
    ...(ctx.stored ? { previous: ctx.stored.report } : {}),
    evidenceRound: ctx.round,
    now: now(),
    mode,
  });
}

const NO_VERSION = 'Trang thiếu số phiên bản của báo cáo; hãy mở lại liên kết trong email.';

async function handle(request: HttpRequest): Promise<HttpResponse> {
  if (request.path.startsWith(`${ASSET_PATH}/`)) return assetResponse(request);
  if (!request.isRead && isAutosave(request)) return autosave(request);
  const ctx = await openReport(request);

  if (request.isRead) {
    const ok = OK_KINDS.find((k) => k === request.query.get('ok'));
    const late = isLate(ctx.period, now());
    const notice = ok
      ? reportNotice(ok, { late, ...(ok === 'saved' ? { version: ctx.stored?.version } : {}) })
      : undefined;
    return reportPage(200, await pageModel(request, ctx, notice ? { notice } : {}));
  }

  const writeId = writeIdOf(request.form);
  // The same request again (a retry after a lost answer or a crash): its claim is stored, so the
  // follow-ups are finished and the answer is the first one's, never 409.
  if (ctx.stored && isOwnRetry(request, ctx, ctx.stored)) return finishOwnWrite(request, ctx, ctx.stored);
  // A submit of a report already submitted only (re)starts its review: a failed start is retried from the page.
  if (request.form.get('action') === 'submit' && ctx.stored?.status === 'submitted') {
    return startReview(request, ctx, ctx.stored);
  }
  // …and once its review moved it on, a submit again (another tab, a page shown again) only says
  // it was submitted: the same answer whether or not the review has started yet.
  if (request.form.get('action') === 'submit' && ctx.stored && SUBMITTED_ONWARD.includes(ctx.stored.status)) {
    return backToPage(request, 'submitted');
  }
  const action = allowedAction(request, ctx);
  const draft = action === 'save' || action === 'save-valid';
  const parsed = parseFor(request, ctx, draft ? 'draft' : 'submit');
  const problems = [...parsed.problems];
  if (parsed.version === undefined) problems.unshift({ field: '', message: NO_VERSION });
  if (action === 'explain' && !parsed.report.response) {
    problems.unshift({ field: 'response', message: 'Hãy viết nội dung giải trình trước khi gửi.' });
  }
  const explainApproval = action === 'explain' ? await pendingExplanation(ctx) : undefined;
  const actor = actorOf(request, { kind: 'unit', id: ctx.unit.id, email: ctx.unit.focalPoint.email });
  if (parsed.version === undefined || (problems.length > 0 && action !== 'save-valid')) {
    const model = await pageModel(request, ctx, {
      report: parsed.report,
      raw: request.form,
      version: parsed.version ?? ctx.stored?.version ?? 0,
      problems,
      offerValidDraft: parsed.version !== undefined,
      ...(writeId ? { writeId } : {}),
    });
    return reportPage(parsed.version === undefined ? 400 : 422, model);
  }

  const report: Report = parsed.report;
  let stored: StoredReport;
  try {
    // The claim: one revision, carrying the write id and, for an explanation, the approval it answers.
    stored = await reports().writeRevision(ctx.unit.id, ctx.period.id, {
      report,
      expectedVersion: parsed.version,
      actor,
      kind: draft ? 'save' : 'submit',
      ...(explainApproval ? { approvalId: explainApproval.id } : {}),
      ...(writeId ? { writeId } : {}),
      readBefore: ctx.stored ?? null,
    });
  } catch (error) {
    if (error instanceof ConflictError) throw conflictPage(request, ctx, error);
    if (error instanceof ItemTooLargeError) {
      // Nothing stored: the form again as typed, the longest parts marked (never a bare page that
      // loses everything the person wrote).
      const model = await pageModel(request, ctx, {
        report,
        raw: request.form,
        version: parsed.version,
        problems: tooLargeProblems(request.form, error),
        ...(writeId ? { writeId } : {}),
      });
      return reportPage(413, model);
    }
    throw error;
  }
  // A submit or an explanation leaves follow-ups (its FOLLOWUP mark): the sweep is asked for first.
  if (!draft) await askForSweep();
  crashPoint(`${action}.after-revision`);
  if (draft && problems.length > 0) return validPartSaved(request, { ...ctx, stored }, problems);
  return finishOwnWrite(request, ctx, stored);
}

/** Fields of the form that carry no text of the person's (ids, choices, scores). */
const NOT_TEXT =
  /^(?:version|writeId|action|autosave|selfcheck|t05|k05|score\[.*\]|.*\[(?:id|date|form|initiative|status|file)\])$/;

/** How much text a report may hold, and how much this one would, in KB for the person. */
function tooLargeMessage(error: ItemTooLargeError): string {
  const kb = (bytes: number) => Math.ceil(bytes / 1000).toLocaleString('vi-VN');
  const size =
    error.bytes !== undefined && error.limit !== undefined
      ? ` (khoảng ${kb(error.bytes)} KB, tối đa ${kb(error.limit)} KB)`
      : '';
  return `Báo cáo quá dài để lưu${size}: chưa lưu gì. Hãy rút gọn các phần dài nhất (được đánh dấu bên dưới) rồi lưu lại.`;
}

/**
 * A report over what one stored item holds: what is wrong as a whole, and the three longest texts
 * of the form marked beside their fields, where shortening helps most. Each field is within its own
 * limit; together they are not.
 */
function tooLargeProblems(form: URLSearchParams, error: ItemTooLargeError): FieldProblem[] {
  const longest = [...form]
    .filter(([name, value]) => !NOT_TEXT.test(name) && value.length > 0)
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, 3);
  return [
    { field: '', message: tooLargeMessage(error) },
    ...longest.map(([field, value]) => ({
      field,
      message: `Phần này dài ${value.length.toLocaleString('vi-VN')} ký tự; hãy rút gọn để báo cáo lưu được.`,
    })),
  ];
}

/**
 * The stored claim is this request's: the same write id, kind and content. A form the browser
 * shows again (Back) carries the same id but may hold other content or another button: that is a
 * new write, checked against the version like any other.
 */
function isOwnRetry(request: HttpRequest, ctx: ReportContext, stored: StoredReport): boolean {
  const claim = stored.lastWrite;
  if (!claim || claim.writeId !== writeIdOf(request.form)) return false;
  const action = request.form.get('action');
  const kind = action === 'submit' || action === 'explain' ? 'submit' : 'save';
  if (kind !== claim.kind) return false;
  const parsed = parseFor(request, ctx, kind === 'submit' ? 'submit' : 'draft');
  return isDeepStrictEqual(parsed.report, stored.report);
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

/**
 * The valid part of a refused form was saved on request: the page as typed (what was not stored
 * stays on it, so this is not a redirect), carrying the new version, with what was left out.
 */
async function validPartSaved(
  request: HttpRequest,
  ctx: ReportContext & { stored: StoredReport },
  problems: ReportPageModel['problems'],
): Promise<HttpResponse> {
  const model = await pageModel(request, ctx, {
    raw: request.form,
    ...(problems ? { problems } : {}),
    partlySaved: true,
    notice: reportNotice('saved-valid', { version: ctx.stored.version, late: isLate(ctx.period, now()) }),
  });
  return reportPage(200, model);
}

/**
 * The page's script saving the draft (docs/unit-pages.md, "Autosave"): the valid part is stored
 * like a Save click, and every outcome — refusals included — is answered as JSON, because the
 * script must keep what was typed on the page whatever happens.
 */
async function autosave(request: HttpRequest): Promise<HttpResponse> {
  let ctx: ReportContext | undefined;
  try {
    ctx = await openReport(request);
    const status = ctx.stored?.status;
    if (status && !EDITABLE_REPORT_STATUSES.includes(status)) return autosaveResponse({ kind: 'locked' });
    const parsed = parseFor(request, ctx, 'draft');
    if (parsed.version === undefined)
      return autosaveResponse({ kind: 'refused', status: 400, message: NO_VERSION });
    const actor = actorOf(request, { kind: 'unit', id: ctx.unit.id, email: ctx.unit.focalPoint.email });
    const stored = await reports().writeRevision(ctx.unit.id, ctx.period.id, {
      report: parsed.report,
      expectedVersion: parsed.version,
      actor,
      kind: 'save',
      ...(parsed.writeId ? { writeId: parsed.writeId } : {}),
    });
    return autosaveResponse({
      kind: 'saved',
      version: stored.version,
      savedAt: stored.updatedAt,
      problems: parsed.problems,
    });
  } catch (error) {
    if (error instanceof LinkError) {
      return autosaveResponse({
        kind: 'refused',
        status: error.status === 410 ? 410 : 403,
        message: error.detail,
      });
    }
    if (error instanceof ConflictError && error.reason === 'version' && ctx) {
      const current = await reports().get(ctx.unit.id, ctx.period.id);
      return autosaveResponse({ kind: 'conflict', ...(current ? { currentVersion: current.version } : {}) });
    }
    if (error instanceof ConflictError) return autosaveResponse({ kind: 'locked' });
    // An answer the script stops on and shows (not a page it would retry every few minutes).
    if (error instanceof ItemTooLargeError) {
      return autosaveResponse({ kind: 'refused', status: 413, message: tooLargeMessage(error) });
    }
    throw error;
  }
}

/** The pending `explain` approval of the latest round, or a page saying why there is none. */
async function pendingExplanation(ctx: ReportContext): Promise<Approval> {
  const approvals = await reviews().listUnitPeriodApprovals(ctx.unit.id, ctx.period.id);
  const latest = approvals
    .filter((a) => a.kind === 'explain')
    .sort((a, b) => (b.round ?? 0) - (a.round ?? 0))[0];
  if (!latest || latest.status === 'closed') throw new LinkError(410, 'closed');
  if (latest.status !== 'pending') {
    throw new PageError(409, 'Đã gửi giải trình', 'Giải trình của vòng thẩm định này đã được gửi trước đó.');
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
    await auditSubmission(stored);
    await callbacks().startExecution(stateMachineArn('review'), name, input);
    // Started (or already running): the submit's mark has nothing left to drive.
    if (stored.lastWrite?.kind === 'submit') {
      await reports().clearFollowUp(stored.unitId, stored.periodId, stored.lastWrite.writeId, stored.version);
    }
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
          'Báo cáo đã được lưu ở trạng thái đã nộp, nhưng hệ thống chưa chuyển được sang bước thẩm định. Hãy bấm “Thử lại” sau ít phút; nếu vẫn không được, báo Phòng Nội vụ.',
        extra: retry,
      }),
    );
  }
  return backToPage(request, 'submitted');
}

export const handler = httpHandler(handle, { name: 'report-page', repeatableFields: SELF_CHECK_FIELDS });
