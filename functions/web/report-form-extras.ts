/**
 * Reading the rest of a posted report form: initiatives, the 05T/05K self-check (with the
 * confirmation a submit needs when a message has no item ticked) and nominations. As for the
 * criteria, a value with a problem stays out, with its message.
 */

import type { CommendationForm, DisciplineStatus, Initiative, Nomination, Report } from '#domain/model';
import { namesOnePerson } from '#domain/person-names';
import { MESSAGE_05K, MESSAGE_05T } from '#domain/report';
import type { FieldProblem } from './http.ts';
import {
  DISCIPLINE_LABELS,
  field,
  LIMITS,
  NOMINATION_FORMS,
  ROWS,
  rowIndexes,
  SELF_CHECK_CONFIRM,
  SLUG,
  text,
  tooLong,
} from './report-fields.ts';

type Add = (fieldName: string, message: string) => void;

const adder =
  (problems: FieldProblem[]): Add =>
  (name, message) =>
    problems.push({ field: name, message });

/** Gives every item without a usable id the next free `<prefix>-n`. */
function assignIds(items: { id: string }[], used: Set<string>, prefix: string): void {
  let next = 1;
  for (const item of items) {
    if (item.id) continue;
    while (used.has(`${prefix}-${next}`)) next++;
    item.id = `${prefix}-${next}`;
    used.add(item.id);
  }
}

/** The row's posted id when it is a slug not taken by an earlier row, else '' (one is assigned). */
function rowId(form: URLSearchParams, name: string, used: Set<string>): string {
  const id = text(form, name);
  if (!SLUG.test(id) || used.has(id)) return '';
  used.add(id);
  return id;
}

export function parseInitiatives(form: URLSearchParams, problems: FieldProblem[]): Initiative[] {
  const add = adder(problems);
  const initiatives: Initiative[] = [];
  const used = new Set<string>();
  for (const row of rowIndexes(form, /^initiative\[(\d+)\]\[/, ROWS.initiativesMax)) {
    const name = (part: 'id' | 'title' | 'description' | 'effect') => field.initiative(row, part);
    const title = text(form, name('title'));
    let description = text(form, name('description'));
    let effect = text(form, name('effect'));
    if (!title && !description && !effect) continue;
    const n = row + 1;
    if (tooLong(description, LIMITS.initiativeText)) {
      add(name('description'), `Sáng kiến ${n}: phần mô tả dài quá ${LIMITS.initiativeText} ký tự.`);
      description = '';
    }
    if (tooLong(effect, LIMITS.initiativeText)) {
      add(name('effect'), `Sáng kiến ${n}: phần hiệu quả dài quá ${LIMITS.initiativeText} ký tự.`);
      effect = '';
    }
    if (!title) {
      add(name('title'), `Sáng kiến ${n}: chưa có tên sáng kiến.`);
      continue;
    }
    if (tooLong(title, LIMITS.initiativeTitle)) {
      add(name('title'), `Sáng kiến ${n}: tên dài quá ${LIMITS.initiativeTitle} ký tự.`);
      continue;
    }
    const id = rowId(form, name('id'), used);
    initiatives.push({ id, title, description, ...(effect ? { effect } : {}) });
  }
  assignIds(initiatives, used, 'sk');
  return initiatives;
}

/** The self-check's checkbox groups: the only report fields a form sends more than once. */
export const SELF_CHECK_FIELDS = ['t05', 'k05'] as const;

function checked(form: URLSearchParams, name: string, count: number): boolean[] {
  const values = new Set(form.getAll(name));
  return Array.from({ length: count }, (_, i) => values.has(String(i)));
}

/**
 * The self-check, when the form carries its marker (the marker tells "nothing ticked" from "not on
 * the form"). On submit, a message with no item ticked may be an oversight: the unit confirms it.
 */
export function parseSelfCheck(
  form: URLSearchParams,
  mode: 'draft' | 'submit',
  problems: FieldProblem[],
): Report['selfCheck'] {
  if (!form.has('selfcheck')) return undefined;
  const add = adder(problems);
  let note = text(form, 'selfcheck-note');
  if (tooLong(note, LIMITS.note)) {
    add('selfcheck-note', `Ghi chú phần tự kiểm tra 05T/05K dài quá ${LIMITS.note} ký tự.`);
    note = '';
  }
  const [t05Field, k05Field] = SELF_CHECK_FIELDS;
  const t05 = checked(form, t05Field, MESSAGE_05T.length);
  const k05 = checked(form, k05Field, MESSAGE_05K.length);
  const empty = [!t05.includes(true) ? '05T' : '', !k05.includes(true) ? '05K' : ''].filter(Boolean);
  if (mode === 'submit' && empty.length > 0 && form.get(SELF_CHECK_CONFIRM) !== '1') {
    add(
      SELF_CHECK_CONFIRM,
      `Phần tự kiểm tra ${empty.join(' và ')} chưa đánh dấu nội dung nào. Hãy đánh dấu những nội dung đơn vị đã thực hiện, hoặc đánh dấu ô xác nhận đơn vị chưa thực hiện nội dung nào rồi nộp lại.`,
    );
  }
  return { t05, k05, ...(note ? { note } : {}) };
}

function isForm(value: string): value is CommendationForm {
  return NOMINATION_FORMS.some((f) => f === value);
}

function isDiscipline(value: string): value is DisciplineStatus {
  return Object.hasOwn(DISCIPLINE_LABELS, value);
}

interface NominationContext {
  unitId: string;
  now: Date;
  mode: 'draft' | 'submit';
  previous: readonly Nomination[];
  initiatives: readonly Initiative[];
}

function nominationRow(
  form: URLSearchParams,
  row: number,
  ctx: NominationContext,
  add: Add,
): Omit<Nomination, 'id' | 'submittedAt'> | undefined {
  type Part = Parameters<typeof field.nomination>[1];
  const name = (part: Part) => field.nomination(row, part);
  const person = text(form, name('name'));
  let position = text(form, name('position'));
  let achievements = text(form, name('achievements'));
  let initiativeId = text(form, name('initiative'));
  const formValue = text(form, name('form')) || 'giay-khen';
  const statusValue = text(form, name('status')) || 'none';
  if (!person && !position && !achievements && !initiativeId) return undefined;
  const n = row + 1;
  let ok = true;
  if (!person) {
    add(name('name'), `Đề nghị khen thưởng ${n}: chưa có họ tên cá nhân.`);
    ok = false;
  } else if (tooLong(person, LIMITS.name)) {
    add(name('name'), `Đề nghị khen thưởng ${n}: họ tên dài quá ${LIMITS.name} ký tự.`);
    ok = false;
  }
  if (tooLong(position, LIMITS.position)) {
    add(name('position'), `Đề nghị khen thưởng ${n}: chức vụ dài quá ${LIMITS.position} ký tự.`);
    position = '';
  }
  if (tooLong(achievements, LIMITS.achievements)) {
    add(
      name('achievements'),
      `Đề nghị khen thưởng ${n}: phần thành tích dài quá ${LIMITS.achievements} ký tự.`,
    );
    achievements = '';
  } else if (!achievements && ctx.mode === 'submit') {
    add(name('achievements'), `Đề nghị khen thưởng ${n} (${person || 'chưa có tên'}): chưa nêu thành tích.`);
  }
  if (!isForm(formValue)) {
    add(name('form'), `Đề nghị khen thưởng ${n}: hình thức khen thưởng không hợp lệ.`);
    ok = false;
  }
  if (!isDiscipline(statusValue)) {
    add(name('status'), `Đề nghị khen thưởng ${n}: tình trạng kỷ luật không hợp lệ.`);
    ok = false;
  }
  if (initiativeId && !ctx.initiatives.some((i) => i.id === initiativeId)) {
    add(
      name('initiative'),
      `Đề nghị khen thưởng ${n}: sáng kiến được nêu không còn trong báo cáo; hãy chọn lại.`,
    );
    initiativeId = '';
  }
  if (!ok || !isForm(formValue) || !isDiscipline(statusValue)) return undefined;
  return {
    name: person,
    ...(position ? { position } : {}),
    unitId: ctx.unitId,
    form: formValue,
    achievements,
    ...(initiativeId ? { initiativeId } : {}),
    status: statusValue,
  };
}

/** Nominations keep the time they were first saved, found by id in the stored report. */
export function parseNominations(
  form: URLSearchParams,
  ctx: NominationContext,
  problems: FieldProblem[],
): Nomination[] {
  const add = adder(problems);
  const before = new Map(ctx.previous.map((n) => [n.id, n]));
  const nominations: Nomination[] = [];
  const used = new Set<string>();
  const added: Nomination[] = [];
  const rows: { row: number; name: string; position?: string | undefined }[] = [];
  for (const row of rowIndexes(form, /^nomination\[(\d+)\]\[/, ROWS.nominationsMax)) {
    const parsed = nominationRow(form, row, ctx, add);
    if (!parsed) continue;
    // One person, one award (domain/commendation-rules.ts): the same person twice in one report
    // would only be refused at the proposal; here the unit can still tell namesakes apart.
    const first = rows.find((r) => namesOnePerson(r, parsed));
    if (first) {
      add(
        field.nomination(row, 'name'),
        `Đề nghị khen thưởng ${row + 1}: ${parsed.name} đã có ở đề nghị ${first.row + 1}. Mỗi người chỉ được đề nghị ` +
          'một lần: nếu là hai người trùng tên, hãy ghi chức vụ của từng người; nếu không, hãy bỏ một đề nghị.',
      );
      continue;
    }
    rows.push({ row, name: parsed.name, position: parsed.position });
    const id = rowId(form, field.nomination(row, 'id'), used);
    const submittedAt = (id ? before.get(id)?.submittedAt : undefined) ?? ctx.now.toISOString();
    const nomination = { id, ...parsed, submittedAt };
    nominations.push(nomination);
    if (!id) added.push(nomination);
  }
  assignIds(nominations, used, 'cn');
  // A row the page still shows without its id (saved since it loaded: an autosave, a retry) gets
  // the same id again; when that id names the same person already stored, it keeps the stored
  // time — which decides a contested initiative — instead of taking the time of this save.
  for (const n of added) {
    const stored = before.get(n.id);
    if (stored && stored.name === n.name) n.submittedAt = stored.submittedAt;
  }
  return nominations;
}
