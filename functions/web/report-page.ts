/**
 * The unit's report page, a pure function of its view model: a sticky bar with the running total
 * and "đã chấm n/m" (on screen at every scroll position, phone included), a table of contents
 * with each reform area's subtotal, one section per area (report-criteria.ts), initiatives, the
 * 05T/05K self-check and nominations (report-sections.ts); Save / Submit. After the deadline a
 * late banner; after a return the reviewer's scores and comments beside each criterion, a view of
 * only the commented criteria, the explanation field, and the criteria the reviewer left alone
 * folded (their evidence under its count, a long explanation under its first words); after a refused post the form as typed,
 * each problem beside its field, and an offer to save the valid part as a draft. Read-only (with
 * its status, and the results once published) when it can no longer be edited.
 *
 * Works without JavaScript; the page's own script (assets/report-form.js, CSP `script-src 'self'`)
 * keeps the figures up to date while typing, autosaves the draft and uploads evidence files.
 */

import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, Period, Report, Unit } from '#domain/model';
import { formatPoints } from '#domain/points';
import { missingEvidence, reportChanges } from '#domain/report';
import { EDITABLE_REPORT_STATUSES, type ReportStatus } from '#ports/reports';
import type { StoredAppraisal } from '#steps/records';
import type { DownloadLinks } from './evidence-files.ts';
import type { FieldProblem } from './http.ts';
import {
  dateTime,
  e,
  type Html,
  hidden,
  layout,
  NO_IMPLICIT_SUBMIT,
  type ProblemMap,
  periodLabel,
  periodMeta,
  problemMap,
  problemSummary,
  REPORT_STATUS_LABELS,
  readOnlyText,
  statusBadge,
  textArea,
} from './pages.ts';
import { areaAnchor, areaSummary, criteriaSections, returnedFolds } from './report-criteria.ts';
import { LIMITS } from './report-fields.ts';
import {
  commentedLeaves,
  type FormProgress,
  formProgress,
  selfTotalText,
  surveyPoints,
} from './report-progress.ts';
import { initiativesSection, nominationsSection, selfCheckSection } from './report-sections.ts';
import { type Values, valuesOf } from './report-values.ts';
import { resultsSection, type UnitResultsView } from './results-page.ts';

export { evidenceList } from './report-criteria.ts';

export interface ReviewRound {
  round: number;
  appraisal?: StoredAppraisal;
  /** The reviewer's general comment when returning the report. */
  generalComment?: string;
  decidedAt?: string;
  /** The unit's explanation answering it, when given. */
  explanation?: string;
  explainedAt?: string;
  /** A return still awaiting the unit's explanation: until when it is accepted (its link's expiry). */
  explainBy?: string;
}

/** The stored report as the page needs it. */
export interface ReportState {
  status: ReportStatus;
  version: number;
  updatedAt: string;
  submittedAt?: string;
  report: Report;
}

export interface ReportPageModel {
  authority: string;
  unit: Unit;
  period: Period;
  set: CriteriaSet;
  stored?: ReportState;
  /** The report the page describes: the stored one, or the one read from a refused post. */
  report?: Report;
  /** The posted form after a refusal: the fields show exactly what the person typed. */
  raw?: URLSearchParams;
  /** The version the form carries (the stored one, or the one the refused post was made from). */
  version: number;
  /** The request's write id (a nonce per rendering): a retried post is recognised as the same one. */
  writeId?: string;
  problems?: FieldProblem[];
  notice?: { tone: 'ok' | 'warn' | 'error' | 'info'; text: string };
  /** Earlier rounds of review, oldest first; the last one's appraisal is shown beside each leaf. */
  rounds?: ReviewRound[];
  /** The page's instant: after the period's deadline an unsubmitted report shows the late banner. */
  now?: Date;
  /** After a return: every criterion, or only those the reviewer commented on (and any with a problem). */
  view?: 'all' | 'commented';
  /** The page's own URLs for the two views (they carry the signed link). */
  viewLinks?: { all: string; commented: string };
  /** After a refused post: offer to save what is valid as a draft (action `save-valid`). */
  offerValidDraft?: boolean;
  /** The valid part was just saved: the problems listed are what was not. */
  partlySaved?: boolean;
  /** The page's script and style sheet (served by the product: CSP `'self'`). */
  assets?: { script: string; style: string };
  /** Evidence files: where the script asks to sign an upload and to check it (docs/evidence.md). */
  upload?: { presignUrl: string; verifyUrl: string };
  /** How the page links downloads of the uploaded files it lists (none: names only). */
  downloads?: DownloadLinks;
  /** The unit's published results of the period. */
  results?: UnitResultsView;
  /**
   * After a return: the report as the returning reviewer saw it (the revision the last appraisal
   * names). What the unit changed since opens its folds on the criteria the reviewer left alone;
   * without it, only problems open them.
   */
  returnedReport?: Report;
}

/** How long the script waits after the last keystroke before it saves the draft. */
export const AUTOSAVE_DELAY_MS = 2_000;

const ACTION_HINT =
  'Lưu nháp để tiếp tục sau; Nộp báo cáo khi đã chấm đủ mọi tiêu chí và tự kiểm tra 05T/05K. Sau khi nộp, báo cáo không sửa được nữa, trừ khi được trả lại để giải trình.';

/** Past the deadline: the report may still be submitted until review close, and is late. */
export function isLate(period: Pick<Period, 'deadlineAt'>, now: Date | undefined): boolean {
  return now !== undefined && now.getTime() >= Date.parse(period.deadlineAt);
}

/** What the page says after a successful action (the `ok` of the redirect). */
export function reportNotice(
  kind: 'saved' | 'saved-valid' | 'submitted' | 'explained',
  ctx: { version?: number; late: boolean },
): { tone: 'ok'; text: string } {
  const version = ctx.version === undefined ? '' : ` (phiên bản ${ctx.version})`;
  const next = ctx.late
    ? 'Đã quá hạn nộp: báo cáo nộp bây giờ được ghi nhận là nộp muộn.'
    : 'Có thể tiếp tục sửa và nộp trước hạn.';
  const text = {
    saved: `Đã lưu bản nháp${version}. ${next}`,
    'saved-valid': `Đã lưu phần hợp lệ thành bản nháp${version}. Các mục còn lỗi dưới đây chưa được lưu; nội dung bạn nhập vẫn còn trên trang.`,
    submitted: `Đã nộp báo cáo${version}. Đơn vị sẽ nhận email xác nhận khi báo cáo được chuyển thẩm định, và email khi có kết quả hoặc khi cần giải trình.`,
    explained: 'Đã gửi giải trình. Người thẩm định sẽ xem xét lại báo cáo; đơn vị sẽ nhận email về kết quả.',
  }[kind];
  return { tone: 'ok', text };
}

function lateBanner(m: ReportPageModel, status: ReportStatus | undefined): Html {
  if ((status && status !== 'draft') || !isLate(m.period, m.now)) return '';
  const closed = m.now !== undefined && m.now.getTime() >= Date.parse(m.period.reviewClosesAt);
  const text = closed
    ? `Đã quá hạn nộp báo cáo (${dateTime(m.period.deadlineAt)}) và đã kết thúc thời gian thẩm định (${dateTime(m.period.reviewClosesAt)}). Báo cáo nộp bây giờ được tính là không nộp báo cáo trong kỳ.`
    : `Đã quá hạn nộp báo cáo (${dateTime(m.period.deadlineAt)}). Đơn vị vẫn nộp được đến ${dateTime(m.period.reviewClosesAt)}, khi kết thúc thời gian thẩm định, nhưng báo cáo được ghi nhận là nộp muộn.`;
  return `<div class="notice error late" role="alert"><h2>Báo cáo nộp muộn</h2><p>${e(text)}</p></div>`;
}

/**
 * A report submitted after the deadline says so, as the admin's progress page does (*Nộp muộn*):
 * the banner that warned before submitting is gone, and the unit should not read the silence as
 * on time.
 */
function lateFlag(m: Pick<ReportPageModel, 'stored' | 'period'>): Html {
  const at = m.stored?.submittedAt;
  if (!at || Date.parse(at) < Date.parse(m.period.deadlineAt)) return '';
  return `<span class="flag">Nộp muộn: nộp lúc ${e(dateTime(at))}, sau hạn nộp</span>`;
}

function readOnlyReason(status: ReportStatus | undefined, published: boolean): string {
  switch (status) {
    case 'submitted':
      return 'Báo cáo đã được nộp và đang chờ phân công thẩm định; nội dung không sửa được nữa.';
    case 'in-review':
      return 'Báo cáo đang được thẩm định; nội dung không sửa được. Đơn vị sẽ nhận email nếu cần giải trình.';
    case 'explained':
      return 'Đơn vị đã gửi giải trình; báo cáo đang chờ thẩm định lại.';
    case 'approved':
      return published
        ? 'Báo cáo đã được phê duyệt.'
        : 'Báo cáo đã được phê duyệt. Kết quả chính thức được công bố sau khi kết thúc đợt thẩm định.';
    default:
      return 'Báo cáo không sửa được ở trạng thái này.';
  }
}

function returnNotice(round: ReviewRound | undefined): Html {
  return `<div class="notice warn" role="status"><h2>Báo cáo được trả lại để giải trình${round ? `, vòng ${e(round.round)}` : ''}</h2>
<p>Người thẩm định đã ghi điểm thẩm định và nhận xét bên cạnh từng tiêu chí. Hãy bổ sung giải thích, minh chứng ở các tiêu chí liên quan, viết nội dung giải trình rồi bấm <strong>Gửi giải trình</strong>.</p>
${round?.explainBy ? `<p>Hạn gửi giải trình: <strong>${e(dateTime(round.explainBy))}</strong>.</p>` : ''}
${round?.generalComment ? `<p><strong>Nhận xét chung của người thẩm định:</strong></p>${readOnlyText(round.generalComment)}` : ''}
</div>`;
}

/**
 * An approved report: the appraised total beside the unit's own (what the approval mail said) and
 * the reviewer's general comment, above the criteria that carry each appraised score.
 */
function approvedNotice(round: ReviewRound | undefined, p: FormProgress, set: CriteriaSet): Html {
  const entries = round?.appraisal?.appraisal.entries;
  if (!entries) return '';
  const appraised = indexCriteria(set).leaves.reduce((s, { leaf }) => s + (entries[leaf.id]?.score ?? 0), 0);
  const survey = p.areas.filter((a) => a.survey).reduce((s, a) => s + a.max, 0);
  return `<div class="notice ok" role="status"><h2>Kết quả thẩm định${round && round.round > 1 ? ` (vòng ${e(round.round)})` : ''}</h2>
<p>Tổng điểm thẩm định: <strong>${e(formatPoints(appraised))}</strong>/${e(formatPoints(p.max))} điểm; đơn vị tự chấm ${e(
    formatPoints(p.total),
  )} điểm${survey > 0 ? ` (chưa kể ${e(formatPoints(survey))} điểm khảo sát)` : ''}. Điểm thẩm định và nhận xét của từng tiêu chí hiện bên dưới.</p>
${round?.generalComment ? `<p><strong>Nhận xét chung của người thẩm định:</strong></p>${readOnlyText(round.generalComment)}` : ''}
</div>`;
}

/** Earlier rounds' comments and explanations; the last round's are shown on their own when `lastShown`. */
function historySection(rounds: ReviewRound[], lastShown: boolean): Html {
  const earlier = lastShown ? rounds.slice(0, -1) : rounds;
  const shown = earlier.filter((r) => r.generalComment || r.explanation);
  if (shown.length === 0) return '';
  return `<details><summary>Các vòng thẩm định trước: ${shown.length}</summary>${shown
    .map(
      (r) => `<h3>Vòng ${e(r.round)}</h3>
${r.generalComment ? `<p><strong>Nhận xét chung, ${e(dateTime(r.decidedAt))}:</strong></p>${readOnlyText(r.generalComment)}` : ''}
${r.explanation ? `<p><strong>Giải trình của đơn vị, ${e(dateTime(r.explainedAt))}:</strong></p>${readOnlyText(r.explanation)}` : ''}`,
    )
    .join('')}</details>`;
}

/** The bar that stays on screen: running total, "đã chấm n/m", a way back to the contents. */
function progressBar(p: FormProgress): Html {
  const survey = surveyPoints(p);
  return `<div class="progress-bar" id="tien-do">
<span>Tổng tự chấm: <strong data-total>${e(formatPoints(p.total))}</strong>/${e(formatPoints(p.max))} điểm${
    survey > 0 ? ` (chưa kể ${e(formatPoints(survey))} điểm khảo sát)` : ''
  }</span>
<span>Đã chấm <strong data-scored>${e(p.scored)}</strong>/${e(p.leaves)} tiêu chí</span>
<span class="invalid" data-invalid-wrap${p.invalid ? '' : ' hidden'}><strong data-invalid>${e(p.invalid)}</strong> ô điểm chưa hợp lệ</span>
<a href="#muc-luc">Mục lục</a>
<span class="autosave" data-autosave-status aria-live="polite"></span>
</div>`;
}

function viewToggle(m: ReportPageModel, p: FormProgress, commented: boolean): Html {
  if (!m.viewLinks || p.commented === 0) return '';
  const link = (href: string, label: string, view: string, current: boolean) =>
    `<a href="${e(href)}" data-view="${view}"${current ? ' aria-current="true"' : ''}>${e(label)}</a>`;
  return `<p class="view-toggle">Hiện: ${link(m.viewLinks.all, 'tất cả tiêu chí', 'all', !commented)} · ${link(
    m.viewLinks.commented,
    `chỉ các tiêu chí có nhận xét (${p.commented})`,
    'commented',
    commented,
  )}</p>`;
}

function contents(m: ReportPageModel, p: FormProgress, commented: boolean, editable: boolean): Html {
  const areas = p.areas
    .map(
      (a) =>
        `<li data-area-link="${e(a.id)}"${commented && !a.survey && a.commented === 0 ? ' hidden' : ''}><a href="#${e(areaAnchor(a.id))}">${e(a.id)}. ${e(a.name)}</a><br><span class="area-sum">${areaSummary(a)}</span></li>`,
    )
    .join('');
  const rest = [
    ['sang-kien', 'Sáng kiến, giải pháp, mô hình mới'],
    ['f-selfcheck', 'Tự kiểm tra 05T, 05K'],
    ['de-nghi', 'Đề nghị khen thưởng cá nhân'],
  ]
    .map(([id, label]) => `<li><a href="#${id}">${e(label)}</a></li>`)
    .join('');
  return `<nav id="muc-luc" class="contents" aria-labelledby="muc-luc-tieu-de"><h2 id="muc-luc-tieu-de">Mục lục</h2>
${editable ? viewToggle(m, p, commented) : ''}
${
  editable && m.viewLinks && p.commented > 0
    ? `<p class="notice info" data-view-note${commented ? '' : ' hidden'}>Đang hiện ${e(p.commented)} tiêu chí có nhận xét của người thẩm định. Các tiêu chí khác vẫn được giữ nguyên khi lưu.</p>`
    : ''
}
<ul class="toc">${areas}${rest}</ul></nav>`;
}

function responseField(report: Report | undefined, problems: ProblemMap, v: Values): Html {
  return `<section><h2>Nội dung giải trình</h2>
${textArea({
  name: 'response',
  label: 'Giải trình của đơn vị, bắt buộc khi gửi giải trình',
  hint: 'Trả lời từng nội dung người thẩm định nêu; có thể bổ sung minh chứng ở từng tiêu chí bên dưới.',
  value: v('response', report?.response),
  problems,
  maxlength: LIMITS.response,
  rows: 6,
})}</section>`;
}

function validDraftOffer(m: ReportPageModel): Html {
  if (!m.offerValidDraft || m.partlySaved || !m.problems?.length) return '';
  return `<div class="notice warn offer"><p>Những gì bạn nhập vẫn còn trên trang này nhưng chưa được lưu. Có thể lưu ngay phần hợp lệ thành bản nháp; các mục còn lỗi giữ nguyên trên trang để sửa tiếp.</p>
<button type="submit" name="action" value="save-valid" class="secondary">Lưu phần hợp lệ thành bản nháp</button></div>`;
}

function formAttributes(m: ReportPageModel): Html {
  const upload = m.upload
    ? ` data-presign-url="${e(m.upload.presignUrl)}" data-verify-url="${e(m.upload.verifyUrl)}"`
    : '';
  return `method="post" action="" novalidate id="bao-cao" data-autosave-delay="${AUTOSAVE_DELAY_MS}"${upload}`;
}

export function renderReportPage(m: ReportPageModel): Html {
  const status = m.stored?.status;
  const editable = !status || EDITABLE_REPORT_STATUSES.includes(status);
  const returned = status === 'returned';
  const approved = status === 'approved';
  const report = m.report ?? m.stored?.report;
  const problems = problemMap(m.problems ?? []);
  const lastRound = m.rounds?.at(-1);
  const appraisal = lastRound?.appraisal?.appraisal;
  const commented = commentedLeaves(appraisal);
  const progress = formProgress(m.set, { ...(m.raw ? { raw: m.raw } : { report }), commented });
  const commentedView = returned && m.view === 'commented' && progress.commented > 0;
  const leafProblem = (id: string) =>
    [...problems.keys()].some(
      (k) =>
        k === `score[${id}]` ||
        k === `explanation[${id}]` ||
        k.startsWith(`evidence[${id}]`) ||
        k.startsWith(`file[${id}]`),
    );
  const v = valuesOf(m.raw);
  const ctx = {
    set: m.set,
    report,
    editable,
    problems,
    flagged: new Set(report ? missingEvidence(report, m.set) : []),
    appraisal,
    v,
    progress,
    shown: commentedView ? (id: string) => commented.has(id) || leafProblem(id) : () => true,
    ...(m.downloads ? { downloads: m.downloads } : {}),
    // A returned report's form folds what the reviewer left alone (report-criteria.ts ReturnedFolds).
    ...(returned && editable && appraisal
      ? {
          folds: returnedFolds(
            report,
            appraisal,
            m.returnedReport && report ? reportChanges(m.returnedReport, report, m.set) : undefined,
          ),
        }
      : {}),
  };
  const sections = { report, problems, editable, v };

  const head = `${editable ? progressBar(progress) : ''}<h1>Báo cáo kết quả thi đua cải cách hành chính</h1>
<p><strong>${e(m.unit.name)}</strong></p>
<div class="meta">${periodMeta(m.period)}${editable || !report ? '' : `<span>${e(selfTotalText(progress))}</span>`}
<span>Trạng thái: ${
    status
      ? statusBadge(status)
      : // Never saved: the script turns it into a draft at its first autosave.
        `<span class="badge new" data-saved-label="${e(REPORT_STATUS_LABELS.draft)}">Chưa lưu lần nào</span>`
  } <span class="muted" data-stored${m.stored ? '' : ' hidden'}>(phiên bản <span data-stored-version>${
    m.stored ? e(m.stored.version) : ''
  }</span>, cập nhật <span data-stored-at>${m.stored ? e(dateTime(m.stored.updatedAt)) : ''}</span>)</span></span>${lateFlag(m)}</div>
${lateBanner(m, status)}
${m.notice ? `<div class="notice ${m.notice.tone}" role="${m.notice.tone === 'error' ? 'alert' : 'status'}"><p>${e(m.notice.text)}</p></div>` : ''}
${m.problems?.length ? problemSummary(m.problems, m.partlySaved) : ''}
${!editable ? `<div class="notice info"><p>${e(readOnlyReason(status, Boolean(m.results)))}</p></div>` : ''}
${m.results ? resultsSection(m.results) : ''}
${returned ? returnNotice(lastRound) : ''}
${approved ? approvedNotice(lastRound, progress, m.set) : ''}
${m.rounds?.length ? historySection(m.rounds, returned || approved) : ''}
${contents(m, progress, commentedView, editable)}`;

  const body = editable
    ? `${head}
<form ${formAttributes(m)}>
${NO_IMPLICIT_SUBMIT}
${hidden('version', m.version)}
${m.writeId ? hidden('writeId', m.writeId) : ''}
${hidden('selfcheck', '1')}
${validDraftOffer(m)}
<div class="notice info" data-without-script><p>Trình duyệt đang tắt JavaScript: trang vẫn dùng được. Mỗi tiêu chí có một dòng minh chứng trống; cần thêm dòng thì bấm Lưu nháp, sau khi lưu sẽ có thêm một dòng trống.</p></div>
${returned ? responseField(report, problems, v) : ''}
<section><h2>Tóm tắt kết quả thực hiện trong kỳ</h2>
${textArea({ name: 'summary', label: 'Tóm tắt, không bắt buộc', value: v('summary', report?.summary), problems, maxlength: LIMITS.summary, rows: 4 })}
</section>
${criteriaSections(ctx)}
${initiativesSection(sections)}
${selfCheckSection(sections)}
${nominationsSection(sections)}
<p class="muted">${e(ACTION_HINT)}</p>
<div class="actions">
<button type="submit" name="action" value="save" class="secondary">Lưu nháp</button>
${
  returned
    ? '<button type="submit" name="action" value="explain">Gửi giải trình</button>'
    : '<button type="submit" name="action" value="submit">Nộp báo cáo</button>'
}
</div>
</form>`
    : `${head}
${report?.response ? `<section><h2>Nội dung giải trình của đơn vị</h2>${readOnlyText(report.response)}</section>` : ''}
<section><h2>Tóm tắt kết quả thực hiện trong kỳ</h2>${readOnlyText(report?.summary)}</section>
${criteriaSections(ctx)}
${initiativesSection(sections)}
${selfCheckSection(sections)}
${nominationsSection(sections)}`;

  return layout({
    title: `Báo cáo ${periodLabel(m.period.id)} – ${m.unit.name}`,
    header: m.authority,
    body,
    ...(m.assets ? { assets: editable ? m.assets : { style: m.assets.style } } : {}),
  });
}
