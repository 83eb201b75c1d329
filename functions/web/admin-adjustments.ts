/**
 * Survey results, bonuses and penalties of a period through a form, one row per unit, checked by
 * the very rules `thidua record` applies (parseAdjustments: the survey at most the maximum of the
 * set in force, points with two decimals at most …) and previewed — each unit changed or
 * unchanged, before and after — before anything is recorded. Three states: the form (pre-filled
 * with what is stored), the preview (nothing stored yet; the values travel in hidden fields), and
 * after recording.
 */
import type { ConfigProblem } from '#domain/config';
import type { CriteriaSet, DistrictConfig, Period, Points, UnitGroup } from '#domain/model';
import { formatPoints } from '#domain/points';
import {
  type AdjustmentsEntry,
  cappedText,
  type OverCap,
  overCapText,
  parseAdjustments,
} from '#functions/scoring/adjustments';
import { type AdminFrame, adminPage, groupTitles, scrollTable } from './admin-frame.ts';
import { adminHref } from './admin-routes.ts';
import { type SearchableUnit, unitMatches, unitSearch } from './admin-units.ts';
import type { FieldProblem } from './http.ts';
import {
  dateTime,
  e,
  fieldId,
  fieldProblems,
  type Html,
  hidden,
  periodLabel,
  problemMap,
  problemSummary,
  textArea,
  withoutGloss,
} from './pages.ts';

export interface StoredValues {
  survey: Points | null;
  bonus: Points;
  penalty: Points;
  note?: string;
}

export interface AdjustmentUnit extends SearchableUnit {
  group: UnitGroup;
  stored?: StoredValues;
  /** The stored version (0 or absent: none), carried by the form so a change elsewhere is seen. */
  version?: number;
}

/** A unit whose values another writer changed after this form was opened. */
export interface EditedElsewhere {
  unitId: string;
  unitName: string;
  current?: StoredValues;
  /** Who changed them (a name, or "dòng lệnh") and when. */
  by?: string;
  at?: string;
}

export interface PreviewRow {
  unitId: string;
  unitName: string;
  before?: StoredValues;
  after: StoredValues;
  changed: boolean;
}

export interface AdjustmentsPageModel {
  frame: AdminFrame;
  period: Period;
  units: AdjustmentUnit[];
  groupLabels?: Record<UnitGroup, string>;
  nonce: string;
  /**
   * The search (`?q=`, as on the units page): only the matching units' rows are shown, and so
   * posted; a unit whose row is not posted keeps its stored values. Empty: every unit.
   */
  query?: string;
  /** What the admin pasted, back in its box (with `problems`, or after Sửa lại). */
  pasted?: string;
  /** The form as posted, when it comes back with problems or is previewed. */
  posted?: URLSearchParams;
  problems?: FieldProblem[];
  /** Present once the form checked clean: what recording would change. */
  preview?: PreviewRow[];
  /**
   * With the preview: each bonus or penalty above its cap (`overCaps`, the check `thidua record`
   * makes), said before anything is recorded — recorded as written, counted as the cap.
   */
  overCaps?: OverCap[];
  /** Nothing recorded: these units were changed elsewhere since the form was opened (409). */
  conflicts?: EditedElsewhere[];
  /** After recording: how many changed and whether results need a recompute. */
  recorded?: { changed: number; unchanged: number; latestResults?: number };
  /** Per group, what the set in force for the period allows: the survey's maximum and the caps. */
  limits?: Partial<Record<UnitGroup, GroupLimits>>;
}

/** The survey area's maximum (null: the set has none) and the bonus and penalty caps. */
export interface GroupLimits {
  survey: Points | null;
  bonusCap: Points;
  penaltyCap: Points;
}

/**
 * A column's heading with what it allows, so nobody types 35 for a 30-point survey to learn it
 * (the range kept on one line: no-break spaces around its dash).
 */
function limitHeadings(limits: GroupLimits | undefined): [string, string, string] {
  if (!limits) return ['Khảo sát', 'Điểm thưởng', 'Điểm trừ'];
  return [
    limits.survey === null
      ? 'Khảo sát (bộ tiêu chí không có)'
      : `Khảo sát (0\u00a0–\u00a0${formatPoints(limits.survey)})`,
    `Điểm thưởng (tính tối đa ${formatPoints(limits.bonusCap)})`,
    `Điểm trừ (tính tối đa ${formatPoints(limits.penaltyCap)})`,
  ];
}

export const ADJUSTMENT_FIELDS = ['survey', 'bonus', 'penalty', 'note'] as const;
/** The search's field, carried through the form and the preview. */
export const QUERY_FIELD = 'q';
/** The spreadsheet box's field (admin-adjustments-paste.ts; its problems are listed beside it). */
export const PASTE_FIELD = 'paste';
/** At most this many characters pasted (a province's 170 units take about 10,000). */
export const PASTE_MAX_CHARS = 100_000;
type Field = (typeof ADJUSTMENT_FIELDS)[number];
/** Each box's name in a problem and in a pasted line's: "Sở Tư pháp – khảo sát: …". */
export const FIELD_LABELS: Record<Field, string> = {
  survey: 'khảo sát',
  bonus: 'điểm thưởng',
  penalty: 'điểm trừ',
  note: 'nguồn số liệu',
};
const name = (field: Field, unitId: string) => `${field}[${unitId}]`;
const versionName = (unitId: string) => `version[${unitId}]`;

/** The stored version each unit had when the form was opened (0 when none, or not sent). */
export function formVersions(form: URLSearchParams, unitIds: readonly string[]): Map<string, number> {
  return new Map(
    unitIds.map((id) => {
      const v = Number(form.get(versionName(id)) ?? '0');
      return [id, Number.isSafeInteger(v) && v >= 0 ? v : 0];
    }),
  );
}

/**
 * A message of the shared checks as the page shows it: without the English gloss the CLI prints
 * after it (a closing parenthesis whose letters are all ASCII), starting with a capital.
 */
export function vietnameseOnly(message: string): string {
  const text = withoutGloss(message);
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

/**
 * The posted form as an adjustments file's data (values as typed; the shared checks read
 * "8,5"), for the units whose row has anything in it. An empty survey cell means the unit has no
 * survey result (its appraised score is rescaled), as in the file.
 */
export function adjustmentsData(form: URLSearchParams, periodId: string, unitIds: readonly string[]) {
  const units: Record<string, Record<string, string | null>> = {};
  for (const id of unitIds) {
    const value = (f: Field) => (form.get(name(f, id)) ?? '').trim();
    if (ADJUSTMENT_FIELDS.every((f) => value(f) === '')) continue;
    units[id] = {
      survey: value('survey') === '' ? null : value('survey'),
      ...(value('bonus') ? { bonus: value('bonus') } : {}),
      ...(value('penalty') ? { penalty: value('penalty') } : {}),
      ...(value('note') ? { note: value('note') } : {}),
    };
  }
  return { periods: { [periodId]: units } };
}

/** The shared checks' problems placed beside the form's fields (`periods.<p>.<u>.<field>` → `field[u]`). */
export function formProblems(
  problems: readonly ConfigProblem[],
  periodId: string,
  unitName: (unitId: string) => string | undefined,
): FieldProblem[] {
  const prefix = `periods.${periodId}.`;
  return problems.map((p) => {
    const [unitId, field] = p.path.startsWith(prefix) ? p.path.slice(prefix.length).split('.') : [];
    const f = ADJUSTMENT_FIELDS.find((x) => x === field);
    const message = vietnameseOnly(p.message);
    if (!unitId || !f) return { field: '', message };
    // Named by its unit and box: a summary of 150 rows must say which.
    const named = `${unitName(unitId) ?? unitId} – ${FIELD_LABELS[f]}: ${message.charAt(0).toLocaleLowerCase('vi')}${message.slice(1)}`;
    return { field: name(f, unitId), message: named };
  });
}

/** Checks the form: the entries to record, or every problem beside its field. */
export function checkAdjustmentsForm(
  form: URLSearchParams,
  period: Period,
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
): { entries: AdjustmentsEntry[]; problems: FieldProblem[] } {
  const data = adjustmentsData(
    form,
    period.id,
    district.config.units.map((u) => u.id),
  );
  const { entries, problems } = parseAdjustments(data, district, 'form');
  const names = new Map(district.config.units.map((u) => [u.id, u.name]));
  return { entries, problems: formProblems(problems, period.id, (id) => names.get(id)) };
}

/** Whether the stored values are these (nothing would change). */
export const sameValues = (a: StoredValues | undefined, b: StoredValues) =>
  !!a &&
  a.survey === b.survey &&
  a.bonus === b.bonus &&
  a.penalty === b.penalty &&
  (a.note ?? '') === (b.note ?? '');

/** Each entry against what is stored: changed or unchanged, before and after. */
export function previewAdjustments(
  entries: readonly AdjustmentsEntry[],
  units: readonly AdjustmentUnit[],
): PreviewRow[] {
  const byId = new Map(units.map((u) => [u.id, u]));
  return entries.map((entry) => {
    const unit = byId.get(entry.unitId);
    const after: StoredValues = {
      survey: entry.survey,
      bonus: entry.bonus,
      penalty: entry.penalty,
      ...(entry.note ? { note: entry.note } : {}),
    };
    return {
      unitId: entry.unitId,
      unitName: unit?.name ?? entry.unitId,
      ...(unit?.stored ? { before: unit.stored } : {}),
      after,
      changed: !sameValues(unit?.stored, after),
    };
  });
}

/** The values in words; with the caps, a bonus or penalty above one says what scoring counts. */
function valuesText(v: StoredValues | undefined, caps?: GroupLimits): string {
  if (!v) return 'Chưa ghi nhận';
  const survey = v.survey === null ? 'không có khảo sát' : `khảo sát ${formatPoints(v.survey)}`;
  return `${survey}; thưởng ${cappedText(v.bonus, caps?.bonusCap)}; trừ ${cappedText(v.penalty, caps?.penaltyCap)}${
    v.note ? `; ${v.note}` : ''
  }`;
}

/** A stored value as the form's box shows it: "8,5"; no survey result, no note, nothing stored: empty. */
export function formValueOf(stored: StoredValues | undefined, field: Field): string {
  if (!stored) return '';
  if (field === 'note') return stored.note ?? '';
  const points = stored[field];
  return points === null ? '' : formatPoints(points);
}

function cell(m: AdjustmentsPageModel, unit: AdjustmentUnit, field: Field, label: string): Html {
  const problems = problemMap(m.problems ?? []);
  const n = name(field, unit.id);
  // A field the post lacks (a pasted unit's neighbour) shows what is stored, never an empty box.
  const value = m.posted?.get(n) ?? formValueOf(unit.stored, field);
  const p = fieldProblems(problems, n);
  return `<td><label class="visually-hidden" for="${e(fieldId(n))}">${e(label)} – ${e(unit.name)}</label><input type="text" id="${e(
    fieldId(n),
  )}" name="${e(n)}" value="${e(value)}"${field === 'note' ? ' maxlength="200"' : ' inputmode="decimal" maxlength="8" class="score"'}${
    p.attrs
  }>${p.html}</td>`;
}

/**
 * The version the form carries: the one it was opened on, except for a unit changed elsewhere,
 * which now carries the stored one (sending again is then a deliberate overwrite).
 */
function versionOf(m: AdjustmentsPageModel, u: AdjustmentUnit): string {
  const posted = m.posted?.get(versionName(u.id));
  const conflicted = m.conflicts?.some((c) => c.unitId === u.id);
  return posted !== undefined && posted !== null && !conflicted ? posted : String(u.version ?? 0);
}

function conflictNotice(conflicts: readonly EditedElsewhere[]): Html {
  return `<div class="notice error" role="alert"><h2>Số liệu đã được sửa ở nơi khác</h2><p>Chưa ghi gì. Sau khi trang này được mở, số liệu của ${
    conflicts.length
  } đơn vị đã được người khác ghi nhận:</p><ul>${conflicts
    .map(
      (c) =>
        `<li>${e(c.unitName)}: hiện lưu ${e(valuesText(c.current))}${c.by ? `, do ${e(c.by)}` : ''}${
          c.at ? ` lúc ${e(dateTime(c.at))}` : ''
        }</li>`,
    )
    .join(
      '',
    )}</ul><p>Những gì bạn đã nhập vẫn giữ nguyên bên dưới. Xem lại rồi bấm Xem trước để ghi đè nếu vẫn muốn.</p></div>`;
}

/**
 * The units whose rows the form shows (and so posts): those the search matches, and any other the
 * post carries (pasted rows outside the search, back after a conflict), so nothing typed is lost.
 */
const shownUnits = (m: Pick<AdjustmentsPageModel, 'units' | 'query' | 'posted'>) =>
  m.units.filter((u) => unitMatches(u, m.query ?? '') || m.posted?.has(name('survey', u.id)));

function formTable(m: AdjustmentsPageModel, shown: readonly AdjustmentUnit[]): Html {
  const labels = groupTitles(m.groupLabels ?? m.frame.groupLabels);
  const groups = [...new Set(shown.map((u) => u.group))];
  return groups
    .map((g) => {
      const rows = shown
        .filter((u) => u.group === g)
        .map(
          (u) =>
            `<tr><th scope="row">${e(u.name)}${hidden(versionName(u.id), versionOf(m, u))}</th>${cell(m, u, 'survey', 'Khảo sát')}${cell(m, u, 'bonus', 'Điểm thưởng')}${cell(
              m,
              u,
              'penalty',
              'Điểm trừ',
            )}${cell(m, u, 'note', 'Nguồn số liệu')}</tr>`,
        )
        .join('\n');
      const [survey, bonus, penalty] = limitHeadings(m.limits?.[g]);
      return `<h2>${e(labels[g])}</h2>${scrollTable(
        `Số liệu ${labels[g]}`,
        `<table><caption class="visually-hidden">Khảo sát, điểm thưởng, điểm trừ – ${e(labels[g])}</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">${e(survey)}</th><th scope="col">${e(bonus)}</th><th scope="col">${e(penalty)}</th><th scope="col">Nguồn số liệu</th></tr></thead>
<tbody>${rows}</tbody></table>`,
      )}`;
    })
    .join('\n');
}

/** Each bonus or penalty above its cap, by unit, value and cap: recorded as typed, counted as the cap. */
function overCapNotice(over: readonly OverCap[]): Html {
  if (over.length === 0) return '';
  return `<div class="notice warn" role="alert"><h2>Vượt mức tối đa</h2><ul>${over
    .map((o) => `<li>${e(overCapText(o))}.</li>`)
    .join(
      '',
    )}</ul><p>Số liệu được ghi nhận như đã nhập (để giữ đúng nguồn), nhưng khi tính điểm chỉ tính bằng mức tối đa. Nếu đã nhập nhầm, bấm Sửa lại.</p></div>`;
}

function previewTable(
  rows: readonly PreviewRow[],
  capsOf: (unitId: string) => GroupLimits | undefined,
): Html {
  return scrollTable(
    'Xem trước',
    `<table><caption class="visually-hidden">Những gì sẽ được ghi nhận</caption>
<thead><tr><th scope="col">Đơn vị</th><th scope="col">Hiện lưu</th><th scope="col">Sẽ ghi</th><th scope="col">Thay đổi</th></tr></thead>
<tbody>${rows
      .map(
        (r) =>
          `<tr><th scope="row">${e(r.unitName)}</th><td>${e(valuesText(r.before))}</td><td>${e(valuesText(r.after, capsOf(r.unitId)))}</td><td>${
            r.changed ? '<strong>Thay đổi</strong>' : 'Không đổi'
          }</td></tr>`,
      )
      .join('\n')}</tbody></table>`,
  );
}

/** The posted values again, so confirming records exactly what was previewed. */
function carried(posted: URLSearchParams): Html {
  return [...posted.entries()]
    .filter(
      ([k]) =>
        k === QUERY_FIELD ||
        k === PASTE_FIELD ||
        [...ADJUSTMENT_FIELDS, 'version'].some((f) => k.startsWith(`${f}[`)),
    )
    .map(([k, v]) => hidden(k, v))
    .join('');
}

/** The spreadsheet box: rows copied from Excel or LibreOffice, to the same preview. */
function pasteForm(m: AdjustmentsPageModel, action: string): Html {
  const problems = problemMap(m.problems ?? []);
  const open = m.pasted !== undefined || problems.has(PASTE_FIELD);
  return `<details class="paste"${open ? ' open' : ''}><summary>Dán số liệu từ bảng tính Excel, LibreOffice</summary>
<form method="post" action="${e(action)}" novalidate>${hidden('nonce', m.nonce)}${hidden('step', 'paste')}${hidden(
    QUERY_FIELD,
    m.query ?? '',
  )}
<p>Chọn các ô trong bảng tính, sao chép rồi dán vào đây. Mỗi dòng một đơn vị, các cột theo thứ tự: tên đơn vị (hoặc mã đơn vị), khảo sát, điểm thưởng, điểm trừ, nguồn số liệu. Có thể chỉ chọn các cột đầu (ví dụ tên đơn vị và khảo sát): các cột không chọn giữ nguyên số liệu đang lưu. Trong cột đã chọn, ô khảo sát để trống: đơn vị không có kết quả khảo sát; ô thưởng, trừ để trống: 0; ô nguồn số liệu để trống: xóa ghi chú. Dòng tiêu đề được bỏ qua. Chưa ghi gì cho đến khi bạn xem trước và bấm Ghi nhận; đơn vị không có trong các dòng dán giữ nguyên số liệu.</p>
${textArea({
  name: PASTE_FIELD,
  label: 'Các dòng dán từ bảng tính',
  value: m.pasted ?? '',
  problems,
  rows: 8,
  maxlength: PASTE_MAX_CHARS,
})}
<div class="actions"><button type="submit">Xem trước các dòng đã dán</button></div></form></details>`;
}

export function renderAdjustmentsPage(m: AdjustmentsPageModel): Html {
  const title = `Khảo sát, điểm thưởng, điểm trừ – ${periodLabel(m.period.id)}`;
  const action = adminHref.adjustments(m.period.id);
  const query = (m.query ?? '').trim();
  let main: Html;
  if (m.recorded) {
    const r = m.recorded;
    main = `<div class="notice ok" role="status"><h2>Đã ghi nhận</h2><p>${r.changed} đơn vị thay đổi, ${r.unchanged} đơn vị không đổi.</p>${
      r.latestResults
        ? `<p>Kết quả kỳ này đã công bố (phiên bản ${r.latestResults}): số liệu mới chỉ có hiệu lực khi <a href="${e(
            adminHref.recompute(m.period.id),
          )}">tính lại kết quả</a>.</p>`
        : ''
    }</div><p><a href="${e(adminHref.adjustments(m.period.id, { q: query }))}">Xem lại số liệu</a></p>`;
  } else if (m.preview) {
    const changed = m.preview.filter((r) => r.changed).length;
    main = `<div class="notice info" role="status"><p>Chưa ghi gì. ${changed} đơn vị sẽ thay đổi, ${
      m.preview.length - changed
    } đơn vị không đổi. Kiểm tra rồi bấm Ghi nhận.</p></div>
${overCapNotice(m.overCaps ?? [])}
${previewTable(m.preview, (unitId) => {
  const group = m.units.find((u) => u.id === unitId)?.group;
  return group ? m.limits?.[group] : undefined;
})}
<form method="post" action="${e(action)}">${hidden('nonce', m.nonce)}${carried(m.posted ?? new URLSearchParams())}
<div class="actions"><button type="submit" name="step" value="confirm">Ghi nhận</button><button type="submit" name="step" value="edit" class="secondary">Sửa lại</button></div></form>`;
  } else {
    const shown = shownUnits(m);
    main = `<p>Điểm khảo sát là điểm của lĩnh vực khảo sát sự hài lòng; để trống nghĩa là đơn vị không có kết quả khảo sát (điểm thẩm định được quy đổi). Điểm thưởng, điểm trừ vượt mức tối đa chỉ được tính bằng mức tối đa. Số thập phân dùng dấu phẩy, ví dụ 27,45. Hàng để trống hoàn toàn không được ghi.</p>
${m.conflicts?.length ? conflictNotice(m.conflicts) : ''}
${m.problems?.length ? problemSummary(m.problems) : ''}
${unitSearch({
  action,
  query,
  matched: m.units.filter((u) => unitMatches(u, query)).length,
  total: m.units.length,
  narrowed: 'Biểu mẫu chỉ gồm các đơn vị này: số liệu của các đơn vị khác giữ nguyên.',
})}
${pasteForm(m, action)}
${
  shown.length === 0
    ? ''
    : `<form method="post" action="${e(action)}" novalidate>${hidden('nonce', m.nonce)}${hidden('step', 'preview')}${hidden(
        QUERY_FIELD,
        query,
      )}
${formTable(m, shown)}
<div class="actions"><button type="submit">Xem trước</button></div></form>`
}`;
  }
  return adminPage(m.frame, {
    title,
    current: 'campaign',
    crumbs: [
      { label: 'Tiến độ', href: adminHref.home() },
      { label: periodLabel(m.period.id), href: adminHref.period(m.period.id) },
      { label: 'Khảo sát, điểm thưởng, điểm trừ' },
    ],
    body: `<h1>${e(title)}</h1>\n${main}`,
  });
}
