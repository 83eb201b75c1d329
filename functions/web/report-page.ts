/**
 * The unit's report page: the criteria tree with maxima and, per leaf, the self-score, the
 * explanation and the evidence references; initiatives; the 05T/05K self-check; nominations;
 * Save / Submit. After a return it shows the reviewer's score and comment beside each criterion
 * and takes the unit's explanation. Read-only (with its status) once submitted.
 */
import type { CriteriaSet, Criterion, EvidenceRef, Period, Report, Unit } from '#domain/model';
import { formatPoints } from '#domain/points';
import { MESSAGE_05K, MESSAGE_05T, missingEvidence } from '#domain/report';
import { EDITABLE_REPORT_STATUSES, type StoredReport } from '#ports/reports';
import type { StoredAppraisal } from '#steps/records';
import type { FieldProblem } from './http.ts';
import {
  dateTime,
  e,
  externalLink,
  fieldId,
  fieldProblems,
  type Html,
  hidden,
  layout,
  type ProblemMap,
  periodLabel,
  periodMeta,
  problemMap,
  problemSummary,
  readOnlyText,
  select,
  statusBadge,
  textArea,
  textInput,
} from './pages.ts';
import {
  DISCIPLINE_LABELS,
  dateForInput,
  FORM_LABELS,
  field,
  LIMITS,
  NOMINATION_FORMS,
  ROWS,
} from './report-form.ts';

export interface ReviewRound {
  round: number;
  appraisal?: StoredAppraisal;
  /** The reviewer's general comment when returning the report. */
  generalComment?: string;
  decidedAt?: string;
  /** The unit's explanation answering it, when given. */
  explanation?: string;
  explainedAt?: string;
}

export interface ReportPageModel {
  authority: string;
  unit: Unit;
  period: Period;
  set: CriteriaSet;
  stored?: StoredReport;
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
}

const ACTION_HINT =
  'Lưu nháp để tiếp tục sau; Nộp báo cáo khi đã chấm đủ mọi tiêu chí và tự kiểm tra 05T/05K. Sau khi nộp, báo cáo không sửa được nữa (trừ khi được trả lại để giải trình).';

export function renderReportPage(m: ReportPageModel): Html {
  const status = m.stored?.status;
  const editable = !status || EDITABLE_REPORT_STATUSES.includes(status);
  const returned = status === 'returned';
  const report = m.report ?? m.stored?.report;
  const problems = problemMap(m.problems ?? []);
  const lastRound = m.rounds?.at(-1);
  const flagged = new Set(report ? missingEvidence(report, m.set) : []);
  const v = valuesOf(m.raw);

  const head = `<h1>Báo cáo kết quả thi đua cải cách hành chính</h1>
<p><strong>${e(m.unit.name)}</strong></p>
<div class="meta">${periodMeta(m.period)}
<span>Trạng thái: ${status ? statusBadge(status) : statusBadge('new')}${
    m.stored
      ? ` <span class="muted">(phiên bản ${e(m.stored.version)}, cập nhật ${e(dateTime(m.stored.updatedAt))})</span>`
      : ''
  }</span></div>
${m.notice ? `<div class="notice ${m.notice.tone}" role="${m.notice.tone === 'error' ? 'alert' : 'status'}"><p>${e(m.notice.text)}</p></div>` : ''}
${m.problems?.length ? problemSummary(m.problems) : ''}
${!editable ? `<div class="notice info"><p>${e(readOnlyReason(status))}</p></div>` : ''}
${returned ? returnNotice(lastRound) : ''}
${m.rounds?.length ? historySection(m.rounds, returned) : ''}`;

  const tree = m.set.areas
    .map((area) => {
      if (area.kind === 'survey') {
        return `<section><h2>${e(area.id)}. ${e(area.name)} <span class="muted">(tối đa ${e(formatPoints(area.max))} điểm)</span></h2>
<p class="muted">Điểm lĩnh vực này lấy từ kết quả khảo sát sự hài lòng do Phòng Nội vụ ghi nhận; đơn vị không tự chấm.</p></section>`;
      }
      return `<section><h2>${e(area.id)}. ${e(area.name)} <span class="muted">(tối đa ${e(formatPoints(area.max))} điểm)</span></h2>
${area.criteria.map((c) => criterionHtml(c, { report, editable, problems, flagged, appraisal: lastRound?.appraisal, v })).join('\n')}</section>`;
    })
    .join('\n');

  const body = editable
    ? `${head}
<form method="post" action="" novalidate>
${hidden('version', m.version)}
${m.writeId ? hidden('writeId', m.writeId) : ''}
${hidden('selfcheck', '1')}
${returned ? responseField(report, problems, v) : ''}
<section><h2>Tóm tắt kết quả thực hiện trong kỳ</h2>
${textArea({ name: 'summary', label: 'Tóm tắt (không bắt buộc)', value: v('summary', report?.summary), problems, maxlength: LIMITS.summary, rows: 4 })}
</section>
${tree}
${initiativesSection(report, problems, true, v)}
${selfCheckSection(report, problems, true, v)}
${nominationsSection(report, problems, true, v)}
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
${tree}
${initiativesSection(report, problems, false, v)}
${selfCheckSection(report, problems, false, v)}
${nominationsSection(report, problems, false, v)}`;

  return layout({ title: `Báo cáo ${periodLabel(m.period.id)} – ${m.unit.name}`, header: m.authority, body });
}

function readOnlyReason(status: StoredReport['status'] | undefined): string {
  switch (status) {
    case 'submitted':
      return 'Báo cáo đã được nộp và đang chờ phân công thẩm định; nội dung không sửa được nữa.';
    case 'in-review':
      return 'Báo cáo đang được thẩm định; nội dung không sửa được. Đơn vị sẽ nhận email nếu cần giải trình.';
    case 'explained':
      return 'Đơn vị đã gửi giải trình; báo cáo đang chờ thẩm định lại.';
    case 'approved':
      return 'Báo cáo đã được phê duyệt. Kết quả chính thức được công bố sau khi kết thúc đợt thẩm định.';
    default:
      return 'Báo cáo không sửa được ở trạng thái này.';
  }
}

function returnNotice(round: ReviewRound | undefined): Html {
  return `<div class="notice warn" role="status"><h2>Báo cáo được trả lại để giải trình${round ? ` (vòng ${e(round.round)})` : ''}</h2>
<p>Người thẩm định đã ghi điểm thẩm định và nhận xét bên cạnh từng tiêu chí. Hãy bổ sung giải thích, minh chứng ở các tiêu chí liên quan, viết nội dung giải trình rồi bấm <strong>Gửi giải trình</strong>.</p>
${round?.generalComment ? `<p><strong>Nhận xét chung của người thẩm định:</strong></p>${readOnlyText(round.generalComment)}` : ''}
</div>`;
}

function historySection(rounds: ReviewRound[], returned: boolean): Html {
  const earlier = returned ? rounds.slice(0, -1) : rounds;
  const shown = earlier.filter((r) => r.generalComment || r.explanation);
  if (shown.length === 0) return '';
  return `<details><summary>Các vòng thẩm định trước (${shown.length})</summary>${shown
    .map(
      (r) => `<h3>Vòng ${e(r.round)}</h3>
${r.generalComment ? `<p><strong>Nhận xét chung (${e(dateTime(r.decidedAt))}):</strong></p>${readOnlyText(r.generalComment)}` : ''}
${r.explanation ? `<p><strong>Giải trình của đơn vị (${e(dateTime(r.explainedAt))}):</strong></p>${readOnlyText(r.explanation)}` : ''}`,
    )
    .join('')}</details>`;
}

function responseField(report: Report | undefined, problems: ProblemMap, v: Values): Html {
  return `<section><h2>Nội dung giải trình</h2>
${textArea({
  name: 'response',
  label: 'Giải trình của đơn vị (bắt buộc khi gửi giải trình)',
  hint: 'Trả lời từng nội dung người thẩm định nêu; có thể bổ sung minh chứng ở từng tiêu chí bên dưới.',
  value: v('response', report?.response),
  problems,
  maxlength: LIMITS.response,
  rows: 6,
})}</section>`;
}

interface LeafContext {
  report: Report | undefined;
  editable: boolean;
  problems: ProblemMap;
  flagged: Set<string>;
  appraisal: StoredAppraisal | undefined;
  v: Values;
}

function criterionHtml(c: Criterion, ctx: LeafContext, depth = 0): Html {
  if (c.children && c.children.length > 0) {
    return `<h3>${e(c.id)}. ${e(c.name)} <span class="muted">(tối đa ${e(formatPoints(c.max))} điểm)</span></h3>
${c.guidance ? `<p class="muted">${e(c.guidance)}</p>` : ''}
${c.children.map((child) => criterionHtml(child, ctx, depth + 1)).join('\n')}`;
  }
  return leafHtml(c, ctx);
}

function leafHtml(leaf: Criterion, ctx: LeafContext): Html {
  const entry = ctx.report?.entries[leaf.id];
  const appraised = ctx.appraisal?.appraisal.entries[leaf.id];
  const leafProblem = [...ctx.problems.keys()].some(
    (k) =>
      k === field.score(leaf.id) || k === field.explanation(leaf.id) || k.startsWith(`evidence[${leaf.id}]`),
  );
  const head = `<div class="leaf-head"><span>${e(leaf.id)}. ${e(leaf.name)}</span><span class="max">Tối đa ${e(
    formatPoints(leaf.max),
  )} điểm</span></div>
${leaf.evidenceRequired ? '<span class="tag">Cần minh chứng</span>' : ''}
${leaf.guidance ? `<p class="muted">${e(leaf.guidance)}</p>` : ''}
${
  appraised
    ? `<div class="appraised"><strong>Điểm thẩm định: ${e(formatPoints(appraised.score))}</strong> / ${e(formatPoints(leaf.max))}${
        appraised.comment ? `<br>Nhận xét: ${e(appraised.comment)}` : ''
      }</div>`
    : ''
}
${ctx.flagged.has(leaf.id) ? '<p class="flag">⚠ Có tự chấm điểm nhưng chưa có minh chứng</p>' : ''}`;

  if (!ctx.editable) {
    return `<div class="leaf" id="leaf-${e(leaf.id)}">${head}
<p>Điểm tự chấm: <strong>${entry ? e(formatPoints(entry.selfScore)) : '(chưa chấm)'}</strong></p>
${entry?.explanation ? `<p><strong>Giải thích:</strong></p>${readOnlyText(entry.explanation)}` : ''}
${evidenceList(entry?.evidence)}
</div>`;
  }
  const rows = rowCount(
    ctx.v,
    new RegExp(`^evidence\\[${leaf.id.replace(/\./g, '\\.')}\\]\\[(\\d+)\\]`),
    entry?.evidence.length ?? 0,
    ROWS.evidenceMin,
    ROWS.evidenceMax,
  );
  const evidenceRows = Array.from({ length: rows }, (_, i) =>
    evidenceRow(leaf.id, i, entry?.evidence[i], ctx.problems, ctx.v),
  ).join('');
  return `<div class="leaf${leafProblem ? ' has-problem' : ''}" id="leaf-${e(leaf.id)}">${head}
${textInput({
  name: field.score(leaf.id),
  label: `Điểm tự chấm (0 – ${formatPoints(leaf.max)})`,
  value: ctx.v(field.score(leaf.id), entry ? formatPoints(entry.selfScore) : ''),
  problems: ctx.problems,
  inputmode: 'decimal',
  className: 'score',
  placeholder: 'ví dụ 0,75',
  maxlength: LIMITS.score,
})}
${textArea({ name: field.explanation(leaf.id), label: 'Giải thích', value: ctx.v(field.explanation(leaf.id), entry?.explanation), problems: ctx.problems, maxlength: LIMITS.explanation, rows: 2 })}
<fieldset><legend>Minh chứng (văn bản, đường dẫn)</legend>
<p class="muted">Dòng để trống được bỏ qua. Ngày viết dd/mm/yyyy; đường dẫn bắt đầu bằng http:// hoặc https://.</p>
${evidenceRows}</fieldset>
</div>`;
}

function evidenceRow(
  leafId: string,
  row: number,
  ref: EvidenceRef | undefined,
  problems: ProblemMap,
  v: Values,
): Html {
  const n = row + 1;
  const input = (
    part: keyof EvidenceRef,
    label: string,
    value: string | undefined,
    extra: Partial<Parameters<typeof textInput>[0]> = {},
  ) =>
    `<div${part === 'title' ? ' class="wide"' : ''}>${textInput({ name: field.evidence(leafId, row, part), label: `${label} (${n})`, value: v(field.evidence(leafId, row, part), value), problems, ...extra })}</div>`;
  return `<div class="row ev">
${input('number', 'Số hiệu văn bản', ref?.number, { placeholder: '45/BC-UBND', maxlength: LIMITS.evidenceNumber })}
${input('date', 'Ngày ban hành', dateForInput(ref?.date), { placeholder: 'dd/mm/yyyy', maxlength: 10 })}
${input('issuer', 'Cơ quan ban hành', ref?.issuer, { maxlength: LIMITS.evidenceIssuer })}
${input('url', 'Đường dẫn', ref?.url, { type: 'url', inputmode: 'url', placeholder: 'https://', maxlength: LIMITS.url })}
${input('title', 'Trích yếu / tên minh chứng', ref?.title, { maxlength: LIMITS.evidenceTitle })}
</div>`;
}

/** Evidence as a list; links are http(s) only and leak no referrer. */
export function evidenceList(evidence: readonly EvidenceRef[] | undefined): Html {
  if (!evidence?.length) return '<p class="muted">Minh chứng: (không có)</p>';
  return `<p><strong>Minh chứng:</strong></p><ul class="evidence">${evidence
    .map((ref) => {
      const parts = [
        ref.number ? `Số ${e(ref.number)}` : '',
        ref.date ? `ngày ${e(dateForInput(ref.date))}` : '',
        ref.issuer ? `của ${e(ref.issuer)}` : '',
      ].filter(Boolean);
      const title = ref.title ? `${parts.length ? ': ' : ''}${e(ref.title)}` : '';
      const link = ref.url ? ` — ${externalLink(ref.url)}` : '';
      return `<li>${parts.join(' ')}${title}${link}</li>`;
    })
    .join('')}</ul>`;
}

function initiativesSection(
  report: Report | undefined,
  problems: ProblemMap,
  editable: boolean,
  v: Values,
): Html {
  const list = report?.initiatives ?? [];
  if (!editable) {
    return `<section><h2>Sáng kiến, giải pháp, mô hình mới</h2>${
      list.length
        ? list
            .map(
              (i) =>
                `<div class="leaf"><div class="leaf-head"><span>${e(i.title)}</span></div>${readOnlyText(i.description, '')}${
                  i.effect ? `<p><strong>Hiệu quả:</strong></p>${readOnlyText(i.effect)}` : ''
                }</div>`,
            )
            .join('')
        : '<p class="muted">(không có)</p>'
    }</section>`;
  }
  const rows = rowCount(v, /^initiative\[(\d+)\]/, list.length, ROWS.initiativesMin, ROWS.initiativesMax);
  return `<section><h2>Sáng kiến, giải pháp, mô hình mới</h2>
<p class="muted">Mỗi dòng một sáng kiến; dòng để trống được bỏ qua.</p>
${Array.from({ length: rows }, (_, i) => {
  const item = list[i];
  return `<fieldset><legend>Sáng kiến ${i + 1}</legend>
${v(field.initiative(i, 'id'), item?.id) ? hidden(field.initiative(i, 'id'), v(field.initiative(i, 'id'), item?.id)) : ''}
${textInput({ name: field.initiative(i, 'title'), label: 'Tên sáng kiến', value: v(field.initiative(i, 'title'), item?.title), problems, maxlength: LIMITS.initiativeTitle })}
${textArea({ name: field.initiative(i, 'description'), label: 'Mô tả', value: v(field.initiative(i, 'description'), item?.description), problems, maxlength: LIMITS.initiativeText, rows: 2 })}
${textArea({ name: field.initiative(i, 'effect'), label: 'Hiệu quả mang lại', value: v(field.initiative(i, 'effect'), item?.effect), problems, maxlength: LIMITS.initiativeText, rows: 2 })}
</fieldset>`;
}).join('')}</section>`;
}

function selfCheckSection(
  report: Report | undefined,
  problems: ProblemMap,
  editable: boolean,
  v: Values,
): Html {
  const check = report?.selfCheck;
  const group = (name: 't05' | 'k05', title: string, items: readonly string[]) => {
    const posted = v.raw ? new Set(v.raw.getAll(name)) : undefined;
    const answers = posted ? items.map((_, i) => posted.has(String(i))) : (check?.[name] ?? []);
    if (!editable) {
      return `<h3>${e(title)}</h3><ul>${items
        .map((text, i) => `<li>${answers[i] ? '☑ Đã thực hiện' : '☐ Chưa thực hiện'}: ${e(text)}</li>`)
        .join('')}</ul>`;
    }
    return `<fieldset><legend>${e(title)}</legend>${items
      .map(
        (text, i) =>
          `<label class="inline"><input type="checkbox" name="${name}" value="${i}"${answers[i] ? ' checked' : ''}><span>${e(text)}</span></label>`,
      )
      .join('')}</fieldset>`;
  };
  const p = fieldProblems(problems, 'selfcheck');
  return `<section id="${e(fieldId('selfcheck'))}"><h2>Tự kiểm tra thực hiện Thông điệp 05T, 05K</h2>
${editable ? '<p class="muted">Đánh dấu những nội dung đơn vị đã thực hiện trong kỳ.</p>' : ''}
${p.html}
${group('t05', 'Thông điệp 05T (năm tận)', MESSAGE_05T)}
${group('k05', 'Thông điệp 05K (năm không)', MESSAGE_05K)}
${
  editable
    ? textArea({
        name: 'selfcheck-note',
        label: 'Ghi chú (không bắt buộc)',
        value: v('selfcheck-note', check?.note),
        problems,
        maxlength: LIMITS.note,
        rows: 2,
      })
    : check?.note
      ? `<p><strong>Ghi chú:</strong></p>${readOnlyText(check.note)}`
      : ''
}
</section>`;
}

function nominationsSection(
  report: Report | undefined,
  problems: ProblemMap,
  editable: boolean,
  v: Values,
): Html {
  const list = report?.nominations ?? [];
  const initiatives = report?.initiatives ?? [];
  if (!editable) {
    return `<section><h2>Đề nghị khen thưởng cá nhân</h2>${
      list.length
        ? `<div class="table-wrap"><table><thead><tr><th>Họ tên</th><th>Chức vụ</th><th>Hình thức</th><th>Thành tích</th><th>Sáng kiến</th><th>Tình trạng</th></tr></thead><tbody>${list
            .map(
              (n) =>
                `<tr><td>${e(n.name)}</td><td>${e(n.position ?? '')}</td><td>${e(FORM_LABELS[n.form])}</td><td>${e(n.achievements)}</td><td>${e(
                  initiatives.find((i) => i.id === n.initiativeId)?.title ?? '',
                )}</td><td>${e(DISCIPLINE_LABELS[n.status])}</td></tr>`,
            )
            .join('')}</tbody></table></div>`
        : '<p class="muted">(không có)</p>'
    }</section>`;
  }
  const rows = rowCount(v, /^nomination\[(\d+)\]/, list.length, ROWS.nominationsMin, ROWS.nominationsMax);
  const initiativeOptions: [string, string][] = [
    ['', '(không nêu sáng kiến)'],
    ...initiatives.map((i): [string, string] => [i.id, i.title]),
  ];
  return `<section><h2>Đề nghị khen thưởng cá nhân</h2>
<p class="muted">Cá nhân đang bị kỷ luật, điều tra, thanh tra hoặc có khiếu nại chưa giải quyết không được đề nghị. Mỗi sáng kiến chỉ làm căn cứ cho một đề nghị. Sáng kiến mới thêm sẽ có trong danh sách chọn sau khi lưu nháp.</p>
${Array.from({ length: rows }, (_, i) => {
  const n = list[i];
  return `<fieldset><legend>Cá nhân ${i + 1}</legend>
${v(field.nomination(i, 'id'), n?.id) ? hidden(field.nomination(i, 'id'), v(field.nomination(i, 'id'), n?.id)) : ''}
${textInput({ name: field.nomination(i, 'name'), label: 'Họ và tên', value: v(field.nomination(i, 'name'), n?.name), problems, maxlength: LIMITS.name })}
${textInput({ name: field.nomination(i, 'position'), label: 'Chức vụ', value: v(field.nomination(i, 'position'), n?.position), problems, maxlength: LIMITS.position })}
${select({
  name: field.nomination(i, 'form'),
  label: 'Hình thức đề nghị',
  value: v(field.nomination(i, 'form'), n?.form ?? 'giay-khen'),
  options: NOMINATION_FORMS.map((f): [string, string] => [f, FORM_LABELS[f]]),
  problems,
})}
${textArea({ name: field.nomination(i, 'achievements'), label: 'Thành tích', value: v(field.nomination(i, 'achievements'), n?.achievements), problems, maxlength: LIMITS.achievements, rows: 2 })}
${select({ name: field.nomination(i, 'initiative'), label: 'Sáng kiến làm căn cứ', value: v(field.nomination(i, 'initiative'), n?.initiativeId), options: initiativeOptions, problems })}
${select({
  name: field.nomination(i, 'status'),
  label: 'Tình trạng kỷ luật, thanh tra, khiếu nại',
  value: v(field.nomination(i, 'status'), n?.status ?? 'none'),
  options: Object.entries(DISCIPLINE_LABELS),
  problems,
})}
</fieldset>`;
}).join('')}</section>`;
}

/** Field values: what was posted (after a refusal), else what the report holds. */
interface Values {
  (name: string, fallback: string | undefined): string;
  raw?: URLSearchParams;
}

function valuesOf(raw: URLSearchParams | undefined): Values {
  const v = ((name: string, fallback: string | undefined) =>
    raw ? (raw.get(name) ?? '') : (fallback ?? '')) as Values;
  if (raw) v.raw = raw;
  return v;
}

/** Rows to show: the filled ones and one blank (or what was posted), between min and max. */
function rowCount(v: Values, pattern: RegExp, stored: number, min: number, max: number): number {
  let filled = stored;
  if (v.raw) {
    filled = 0;
    for (const key of v.raw.keys()) {
      const m = pattern.exec(key);
      if (m) filled = Math.max(filled, Number(m[1]) + 1);
    }
    return Math.min(max, Math.max(min, filled));
  }
  return Math.min(max, Math.max(min, filled + 1));
}
