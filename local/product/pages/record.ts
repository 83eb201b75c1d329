/**
 * Recording scoring inputs (survey results, bonus, penalty) from the home page's form or
 * `npm start -- record --file`: checked whole by `recordAdjustments`, then shown line by line
 * from what the store holds; a bad file is a 422 page with every problem and nothing stored.
 */
import { ConfigError, type ConfigProblem, formatProblem } from '#domain/config';
import type { Points } from '#domain/model';
import { formatPoints } from '#domain/points';
import type { Actor } from '#ports/actor';
import { results } from '#ports/dynamo/results';
import { FormError, type HttpRequest, type HttpResponse } from '#web/http';
import { e, type Html, layout, problemMap, problemSummary, textArea, withoutGloss } from '#web/pages';
import type { ProductControl, RecordOutcome, RecordProblems } from '../control.ts';
import { EXTRA_CSS, json, page, wantsJson } from './common.ts';

/** The textarea's form field; also the field every problem of the pasted file is shown under. */
const RECORD_FIELD = 'adjustments';
/** The name a pasted file is reported under (YAML; JSON is YAML too). */
const PASTED_FILE = 'adjustments.yaml';

/**
 * The form on the home page. Pasting only: an urlencoded form (the only encoding the pages take)
 * sends a chosen file's name, not its content, and no script runs under the pages' CSP — a file
 * on disk goes through `npm start -- record --file <tệp>`, which posts its content here.
 */
export function recordForm(value: string, problems: readonly ConfigProblem[]): Html {
  const field = problems.map((p) => ({ field: RECORD_FIELD, message: withoutGloss(formatProblem(p)) }));
  return `<h2 id="so-lieu">Số liệu chấm điểm: khảo sát, điểm thưởng, điểm trừ</h2>
<p class="muted">Dán nội dung tệp số liệu (YAML hoặc JSON; định dạng: docs/cli.md, mục <code>thidua record</code>; ví dụ cho huyện mẫu: <code>examples/adjustments-2022Q3.yaml</code>; mã kỳ và mã đơn vị xem ở trang quản trị). Tệp được kiểm tra toàn bộ trước khi ghi: có lỗi thì không ghi gì. Ghi lại cùng số liệu không thay đổi gì. Từ terminal: <code>npm start -- record --file &lt;tệp&gt;</code>.</p>
${field.length ? problemSummary(field) : ''}
<form method="post" action="/local/record">
${textArea({
  name: RECORD_FIELD,
  label: 'Nội dung tệp',
  value,
  rows: 12,
  required: true,
  problems: problemMap(field),
  placeholder: 'periods:\n  "<mã kỳ>":\n    <mã đơn vị>:\n      survey: 26.25\n      bonus: 1.5',
})}
<p><button type="submit">Ghi nhận số liệu</button></p>
</form>`;
}

const points = (p: Points) => formatPoints(p);

function recordedPage(control: ProductControl, r: RecordOutcome): HttpResponse {
  const changed = r.recorded.filter((x) => x.changed).length;
  const rows = r.recorded
    .map(
      (x) =>
        `<tr><td>${e(x.periodId)}</td><td>${e(x.unitName)} <span class="muted">(${e(x.unitId)})</span></td><td>${
          x.survey === null ? 'không có khảo sát (quy đổi)' : e(points(x.survey))
        }</td><td>${e(points(x.bonus))}</td><td>${e(points(x.penalty))}</td><td>${e(x.note ?? '')}</td><td>${
          x.changed ? 'đã thay đổi' : 'không đổi'
        }, phiên bản ${e(x.version)}</td></tr>`,
    )
    .join('');
  const warnings = r.published
    .map(
      (p) =>
        `<div class="notice warn" role="alert"><p>Kỳ ${e(p.periodId)} đã có kết quả công bố (phiên bản ${e(p.version)}): kết quả đã công bố; chạy lại tính điểm để có phiên bản mới (quy trình scoring, tên ${e(p.rerunAs)}).</p></div>`,
    )
    .join('\n');
  const body = `
<p><a href="/">← Trang chủ</a></p>
<h1>Đã ghi nhận số liệu chấm điểm</h1>
<div class="notice ok" role="status"><p>${e(r.recorded.length)} dòng từ ${e(r.file)}: ${e(changed)} thay đổi, ${e(r.recorded.length - changed)} không đổi.</p></div>
${warnings}
<div class="table-wrap"><table><thead><tr><th>Kỳ</th><th>Đơn vị</th><th>Khảo sát</th><th>Thưởng</th><th>Trừ</th><th>Ghi chú</th><th>Kết quả</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  return page(control, 'Đã ghi nhận số liệu — thi đua CCHC', body);
}

/** A posted file's name: its base name, printable, short; the pasted default otherwise. */
function postedFileName(value: string | null): string {
  const base = (value ?? '').split(/[\\/]/).pop()?.trim() ?? '';
  return /^[\p{L}\p{N} ._-]{1,120}$/u.test(base) ? base : PASTED_FILE;
}

export async function recordAction(control: ProductControl, request: HttpRequest): Promise<HttpResponse> {
  const text = request.form.get(RECORD_FIELD) ?? '';
  const file = postedFileName(request.form.get('file'));
  const actor: Actor = {
    kind: 'admin',
    id: 'local',
    ...(request.sourceIp ? { ip: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent } : {}),
  };
  let outcome: RecordOutcome;
  try {
    if (text.trim() === '') {
      throw new ConfigError([{ file, path: '', message: 'tệp trống: hãy dán nội dung tệp số liệu' }]);
    }
    outcome = await control.record({ file, text }, actor);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (wantsJson(request)) return json(422, { problems: error.problems } satisfies RecordProblems);
    const problems = error.problems.map((p) => ({ field: RECORD_FIELD, message: formatProblem(p) }));
    const html = layout({
      title: 'Số liệu chưa hợp lệ — thi đua CCHC',
      header: `${control.district.authority} · chạy trên máy này`,
      body: `${EXTRA_CSS}
<p><a href="/">← Trang chủ</a></p>
<h1>Số liệu chưa hợp lệ — chưa ghi gì</h1>
<p>Hãy sửa các lỗi dưới đây rồi gửi lại; số liệu đã ghi trước đó không thay đổi.</p>
${recordForm(text, error.problems)}`,
    });
    throw new FormError(problems, html);
  }
  return wantsJson(request) ? json(200, outcome) : recordedPage(control, outcome);
}

/** The outcome of a record, from what the store holds now. */
export async function recordOutcome(
  unitNames: ReadonlyMap<string, string>,
  file: string,
  result: {
    recorded: { unitId: string; periodId: string; changed: boolean }[];
    latestResults: Record<string, number>;
    rerunAs: Record<string, string>;
  },
): Promise<RecordOutcome> {
  const recorded: RecordOutcome['recorded'] = [];
  for (const r of result.recorded) {
    const stored = await results().getAdjustments(r.unitId, r.periodId);
    if (!stored) throw new Error(`adjustments of ${r.unitId} ${r.periodId} were not stored`);
    recorded.push({
      periodId: r.periodId,
      unitId: r.unitId,
      unitName: unitNames.get(r.unitId) ?? r.unitId,
      survey: stored.survey,
      bonus: stored.bonus,
      penalty: stored.penalty,
      ...(stored.note !== undefined ? { note: stored.note } : {}),
      changed: r.changed,
      version: stored.version,
    });
  }
  const published = Object.entries(result.latestResults).map(([periodId, version]) => ({
    periodId,
    version,
    rerunAs: result.rerunAs[periodId] ?? '',
  }));
  return { file, recorded, published };
}
