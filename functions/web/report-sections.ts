/**
 * The unit's report page after the criteria: initiatives, the 05T/05K self-check (with the
 * confirmation box a submit asks for when a message has nothing ticked) and the nominations.
 * Editable or read-only.
 */
import type { Report } from '#domain/model';
import { MESSAGE_05K, MESSAGE_05T } from '#domain/report';
import {
  e,
  fieldId,
  fieldProblems,
  type Html,
  hidden,
  type ProblemMap,
  readOnlyText,
  select,
  textArea,
  textInput,
} from './pages.ts';
import {
  DISCIPLINE_LABELS,
  FORM_LABELS,
  field,
  LIMITS,
  NOMINATION_FORMS,
  ROWS,
  SELF_CHECK_CONFIRM,
} from './report-fields.ts';
import { rowCount, type Values } from './report-values.ts';

export interface SectionContext {
  report: Report | undefined;
  problems: ProblemMap;
  editable: boolean;
  v: Values;
}

export function initiativesSection({ report, problems, editable, v }: SectionContext): Html {
  const list = report?.initiatives ?? [];
  if (!editable) {
    return `<section id="sang-kien"><h2>Sáng kiến, giải pháp, mô hình mới</h2>${
      list.length
        ? list
            .map(
              (i) =>
                `<div class="leaf"><div class="leaf-head"><span>${e(i.title)}</span></div>${readOnlyText(i.description, '')}${
                  i.effect ? `<p><strong>Hiệu quả:</strong></p>${readOnlyText(i.effect)}` : ''
                }</div>`,
            )
            .join('')
        : '<p class="muted">Không có.</p>'
    }</section>`;
  }
  const rows = rowCount(v, /^initiative\[(\d+)\]/, list.length, ROWS.initiativesMin, ROWS.initiativesMax);
  return `<section id="sang-kien"><h2>Sáng kiến, giải pháp, mô hình mới</h2>
<p class="muted">Mỗi dòng một sáng kiến; dòng để trống được bỏ qua.</p>
${Array.from({ length: rows }, (_, i) => {
  const item = list[i];
  const name = (part: Parameters<typeof field.initiative>[1]) => field.initiative(i, part);
  const id = v(name('id'), item?.id);
  return `<fieldset><legend>Sáng kiến ${i + 1}</legend>
${id ? hidden(name('id'), id) : ''}
${textInput({ name: name('title'), label: 'Tên sáng kiến', value: v(name('title'), item?.title), problems, maxlength: LIMITS.initiativeTitle })}
${textArea({ name: name('description'), label: 'Mô tả', value: v(name('description'), item?.description), problems, maxlength: LIMITS.initiativeText, rows: 2 })}
${textArea({ name: name('effect'), label: 'Hiệu quả mang lại', value: v(name('effect'), item?.effect), problems, maxlength: LIMITS.initiativeText, rows: 2 })}
</fieldset>`;
}).join('')}</section>`;
}

/** The confirmation a submit asks for; shown once asked, and kept while the form comes back. */
function confirmBox(problems: ProblemMap, v: Values): Html {
  const asked = problems.has(SELF_CHECK_CONFIRM) || v.raw?.get(SELF_CHECK_CONFIRM) === '1';
  if (!asked) return '';
  const p = fieldProblems(problems, SELF_CHECK_CONFIRM);
  const checked = v.raw?.get(SELF_CHECK_CONFIRM) === '1' ? ' checked' : '';
  return `<div class="notice warn confirm">${p.html}<label class="inline"><input type="checkbox" id="${e(fieldId(SELF_CHECK_CONFIRM))}" name="${SELF_CHECK_CONFIRM}" value="1"${checked}${p.attrs}><span>Đơn vị xác nhận: các nội dung chưa đánh dấu ở trên là chưa thực hiện trong kỳ; nộp báo cáo như vậy.</span></label></div>`;
}

export function selfCheckSection({ report, problems, editable, v }: SectionContext): Html {
  const check = report?.selfCheck;
  const group = (name: 't05' | 'k05', title: string, items: readonly string[]) => {
    const posted = v.raw ? new Set(v.raw.getAll(name)) : undefined;
    const answers = posted ? items.map((_, i) => posted.has(String(i))) : (check?.[name] ?? []);
    if (!editable) {
      return `<h3>${e(title)}</h3><ul>${items
        .map((item, i) => `<li>${answers[i] ? '☑ Đã thực hiện' : '☐ Chưa thực hiện'}: ${e(item)}</li>`)
        .join('')}</ul>`;
    }
    return `<fieldset><legend>${e(title)}</legend>${items
      .map(
        (item, i) =>
          `<label class="inline"><input type="checkbox" name="${name}" value="${i}"${answers[i] ? ' checked' : ''}><span>${e(item)}</span></label>`,
      )
      .join('')}</fieldset>`;
  };
  const p = fieldProblems(problems, 'selfcheck');
  const note = editable
    ? textArea({
        name: 'selfcheck-note',
        label: 'Ghi chú, không bắt buộc',
        value: v('selfcheck-note', check?.note),
        problems,
        maxlength: LIMITS.note,
        rows: 2,
      })
    : check?.note
      ? `<p><strong>Ghi chú:</strong></p>${readOnlyText(check.note)}`
      : '';
  return `<section id="${e(fieldId('selfcheck'))}"><h2>Tự kiểm tra thực hiện Thông điệp 05T, 05K</h2>
${editable ? '<p class="muted">Đánh dấu những nội dung đơn vị đã thực hiện trong kỳ.</p>' : ''}
${p.html}
${group('t05', 'Thông điệp 05T – năm nội dung cần thực hiện', MESSAGE_05T)}
${group('k05', 'Thông điệp 05K – năm điều không được làm', MESSAGE_05K)}
${editable ? confirmBox(problems, v) : ''}
${note}
</section>`;
}

function nominationsTable(report: Report | undefined): Html {
  const list = report?.nominations ?? [];
  if (!list.length) return '<p class="muted">Không có.</p>';
  const initiatives = report?.initiatives ?? [];
  return `<div class="table-wrap"><table><thead><tr><th>Họ tên</th><th>Chức vụ</th><th>Hình thức</th><th>Thành tích</th><th>Sáng kiến</th><th>Tình trạng</th></tr></thead><tbody>${list
    .map(
      (n) =>
        `<tr><td>${e(n.name)}</td><td>${e(n.position ?? '')}</td><td>${e(FORM_LABELS[n.form])}</td><td>${e(n.achievements)}</td><td>${e(
          initiatives.find((i) => i.id === n.initiativeId)?.title ?? '',
        )}</td><td>${e(DISCIPLINE_LABELS[n.status])}</td></tr>`,
    )
    .join('')}</tbody></table></div>`;
}

export function nominationsSection({ report, problems, editable, v }: SectionContext): Html {
  if (!editable)
    return `<section id="de-nghi"><h2>Đề nghị khen thưởng cá nhân</h2>${nominationsTable(report)}</section>`;
  const list = report?.nominations ?? [];
  const rows = rowCount(v, /^nomination\[(\d+)\]/, list.length, ROWS.nominationsMin, ROWS.nominationsMax);
  const initiativeOptions: [string, string][] = [
    ['', 'Không nêu sáng kiến'],
    ...(report?.initiatives ?? []).map((i): [string, string] => [i.id, i.title]),
  ];
  return `<section id="de-nghi"><h2>Đề nghị khen thưởng cá nhân</h2>
<p class="muted">Cá nhân đang bị kỷ luật, điều tra, thanh tra hoặc có khiếu nại chưa giải quyết không được đề nghị. Mỗi sáng kiến chỉ làm căn cứ cho một đề nghị. Sáng kiến mới thêm sẽ có trong danh sách chọn sau khi lưu nháp.</p>
${Array.from({ length: rows }, (_, i) => {
  const n = list[i];
  const name = (part: Parameters<typeof field.nomination>[1]) => field.nomination(i, part);
  const id = v(name('id'), n?.id);
  return `<fieldset><legend>Cá nhân ${i + 1}</legend>
${id ? hidden(name('id'), id) : ''}
${textInput({ name: name('name'), label: 'Họ và tên', value: v(name('name'), n?.name), problems, maxlength: LIMITS.name })}
${textInput({ name: name('position'), label: 'Chức vụ', value: v(name('position'), n?.position), problems, maxlength: LIMITS.position })}
${select({
  name: name('form'),
  label: 'Hình thức đề nghị',
  value: v(name('form'), n?.form ?? 'giay-khen'),
  options: NOMINATION_FORMS.map((f): [string, string] => [f, FORM_LABELS[f]]),
  problems,
})}
${textArea({ name: name('achievements'), label: 'Thành tích', value: v(name('achievements'), n?.achievements), problems, maxlength: LIMITS.achievements, rows: 2 })}
${select({ name: name('initiative'), label: 'Sáng kiến làm căn cứ', value: v(name('initiative'), n?.initiativeId), options: initiativeOptions, problems })}
${select({
  name: name('status'),
  label: 'Tình trạng kỷ luật, thanh tra, khiếu nại',
  value: v(name('status'), n?.status ?? 'none'),
  options: Object.entries(DISCIPLINE_LABELS),
  problems,
})}
</fieldset>`;
}).join('')}</section>`;
}
