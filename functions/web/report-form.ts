/**
 * The unit report form: field names (shared by the page that renders it and the handler that
 * reads it), and the reading of a posted form into a `Report` with every problem named by its
 * field. Nothing here touches storage: a form with problems is re-rendered, never stored.
 *
 * Field names:
 *   version, action (save | submit | explain), summary, response (the explanation after a return)
 *   score[<leaf>], explanation[<leaf>], evidence[<leaf>][<row>][number|date|issuer|url|title]
 *   initiative[<row>][id|title|description|effect]
 *   selfcheck (marker), t05 / k05 (checked item indexes 0..4), selfcheck-note
 *   nomination[<row>][id|name|position|form|achievements|initiative|status]
 * Blank rows (every field empty) are ignored.
 */
import { type CriterionIndex, indexCriteria } from '#domain/criteria-tree';
import { FORM_LABELS } from '#domain/issuers';
import type {
  CommendationForm,
  CriteriaSet,
  CriterionEntry,
  DisciplineStatus,
  EvidenceRef,
  Initiative,
  Nomination,
  Report,
} from '#domain/model';
import { formatPoints, tryParsePoints } from '#domain/points';
import { MESSAGE_05K, MESSAGE_05T, type Problem, validateReport } from '#domain/report';
import type { FieldProblem } from './http.ts';

export const LIMITS = {
  summary: 10_000,
  explanation: 5_000,
  response: 10_000,
  evidenceNumber: 100,
  evidenceIssuer: 300,
  evidenceTitle: 500,
  url: 2_000,
  initiativeTitle: 300,
  initiativeText: 5_000,
  name: 200,
  position: 200,
  achievements: 5_000,
  note: 2_000,
  score: 20,
} as const;

/** Row counts: what the page shows (existing rows + blanks) and the most a post may carry. */
export const ROWS = {
  evidenceMin: 3,
  evidenceMax: 10,
  initiativesMin: 3,
  initiativesMax: 20,
  nominationsMin: 2,
  nominationsMax: 30,
} as const;

export const DISCIPLINE_LABELS: Record<DisciplineStatus, string> = {
  none: 'Không bị kỷ luật, điều tra, thanh tra, khiếu nại',
  discipline: 'Đang bị xem xét, xử lý kỷ luật',
  investigation: 'Đang bị điều tra',
  inspection: 'Đang bị thanh tra, kiểm tra',
  complaint: 'Có đơn khiếu nại, tố cáo đang được xác minh',
};

/** Forms a unit may ask for in this movement: its own Giấy khen, or a proposal upward. */
export const NOMINATION_FORMS: readonly CommendationForm[] = ['giay-khen', 'bang-khen-tinh'];
export { FORM_LABELS };

export const field = {
  score: (leaf: string) => `score[${leaf}]`,
  explanation: (leaf: string) => `explanation[${leaf}]`,
  evidence: (leaf: string, row: number, part: keyof EvidenceRef) => `evidence[${leaf}][${row}][${part}]`,
  initiative: (row: number, part: 'id' | 'title' | 'description' | 'effect') => `initiative[${row}][${part}]`,
  nomination: (
    row: number,
    part: 'id' | 'name' | 'position' | 'form' | 'achievements' | 'initiative' | 'status',
  ) => `nomination[${row}][${part}]`,
};

export type ReportAction = 'save' | 'submit' | 'explain';

export interface ParsedReportForm {
  action: ReportAction | undefined;
  /** The version the page was rendered with; undefined when missing or malformed. */
  version: number | undefined;
  report: Report;
  problems: FieldProblem[];
}

/** Text as typed: line ends normalised, surrounding blanks trimmed. */
function text(form: URLSearchParams, name: string): string {
  return (form.get(name) ?? '').replace(/\r\n?/g, '\n').trim();
}

function tooLong(value: string, max: number): boolean {
  return [...value].length > max;
}

const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `dd/mm/yyyy` or `yyyy-mm-dd` → `yyyy-mm-dd`, or undefined when it is not a real date. */
export function parseDate(value: string): string | undefined {
  let y: number;
  let m: number;
  let d: number;
  const dmy = DMY.exec(value);
  const ymd = YMD.exec(value);
  if (dmy) [d, m, y] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
  else if (ymd) [y, m, d] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  if (y < 1900 || y > 2200) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** An absolute http(s) URL, or undefined. */
export function parseHttpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    if (!url.hostname) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

/** `yyyy-mm-dd` → `dd/mm/yyyy` for an input's value. */
export function dateForInput(iso: string | undefined): string {
  if (!iso) return '';
  const m = YMD.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Row indexes present in the form for a prefix like `initiative[`. */
function rowIndexes(form: URLSearchParams, pattern: RegExp, max: number): number[] {
  const rows = new Set<number>();
  for (const key of form.keys()) {
    const m = pattern.exec(key);
    if (m) {
      const i = Number(m[1]);
      if (Number.isSafeInteger(i) && i >= 0 && i < max) rows.add(i);
    }
  }
  return [...rows].sort((a, b) => a - b);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Reads the posted form. `previous` is the stored report (for nominations' first-submitted times);
 * `mode` decides how complete the report must be (`submit`: every leaf and the self-check).
 */
export function parseReportForm(
  form: URLSearchParams,
  ctx: {
    unitId: string;
    periodId: string;
    set: CriteriaSet;
    previous?: Report;
    now: Date;
    mode: 'draft' | 'submit';
  },
): ParsedReportForm {
  const { set } = ctx;
  const problems: FieldProblem[] = [];
  const add = (fieldName: string, message: string) => problems.push({ field: fieldName, message });
  const index = indexCriteria(set);

  const actionRaw = form.get('action');
  const action =
    actionRaw === 'save' || actionRaw === 'submit' || actionRaw === 'explain' ? actionRaw : undefined;
  const versionRaw = form.get('version') ?? '';
  const version = /^\d{1,9}$/.test(versionRaw) ? Number(versionRaw) : undefined;

  const entries = parseEntries(form, index, add);
  const { initiatives, initiativeRows } = parseInitiatives(form, add);
  const selfCheck = parseSelfCheck(form, add);
  const nominations = parseNominations(form, ctx, initiatives, add);
  const summary = text(form, 'summary');
  if (tooLong(summary, LIMITS.summary)) add('summary', `Phần tóm tắt dài quá ${LIMITS.summary} ký tự.`);
  const response = text(form, 'response');
  if (tooLong(response, LIMITS.response))
    add('response', `Nội dung giải trình dài quá ${LIMITS.response} ký tự.`);

  const report: Report = {
    unitId: ctx.unitId,
    periodId: ctx.periodId,
    criteriaSetId: set.id,
    entries,
    initiatives,
    ...(selfCheck ? { selfCheck } : {}),
    nominations,
    ...(summary ? { summary } : {}),
    ...(response ? { response } : {}),
  };

  // ---- the domain's checks (ranges naming the criterion, completeness on submit)
  const fieldOfProblem = (p: Problem): string => {
    const m = /^entries\.(.+?)(?:\.selfScore)?$/.exec(p.field);
    if (m?.[1] && index.leafById.has(m[1])) return field.score(m[1]);
    if (p.field.startsWith('selfCheck')) return 'selfcheck';
    const ini = /^initiatives\.(\d+)\./.exec(p.field);
    if (ini) return field.initiative(initiativeRows[Number(ini[1])] ?? 0, 'title');
    return '';
  };
  const seen = new Set(problems.map((p) => p.field));
  for (const p of validateReport(report, set, { mode: ctx.mode })) {
    const name = fieldOfProblem(p);
    if (name && seen.has(name)) continue; // already named by the form's own reading
    problems.push({ field: name, message: p.message });
  }
  return { action, version, report, problems };
}

/** Names a problem of the form's own reading, by the field it belongs to. */
type Add = (fieldName: string, message: string) => void;

/** The self-scores, explanations and evidence of the set's leaves. */
function parseEntries(
  form: URLSearchParams,
  index: CriterionIndex,
  add: Add,
): Record<string, CriterionEntry> {
  const entries: Record<string, CriterionEntry> = {};
  for (const { leaf } of index.leaves) {
    const id = leaf.id;
    const scoreText = text(form, field.score(id));
    const explanation = text(form, field.explanation(id));
    if (tooLong(explanation, LIMITS.explanation)) {
      add(field.explanation(id), `Tiêu chí ${id}: phần giải thích dài quá ${LIMITS.explanation} ký tự.`);
    }
    const evidence = parseEvidence(form, id, add);
    if (scoreText === '') {
      if (explanation || evidence.length > 0) {
        add(
          field.score(id),
          `Tiêu chí ${id}: nhập điểm tự chấm (có thể là 0) để lưu phần giải thích và minh chứng của tiêu chí này.`,
        );
      }
      continue;
    }
    if (scoreText.length > LIMITS.score) {
      add(field.score(id), `Tiêu chí ${id}: điểm tự chấm không hợp lệ.`);
      continue;
    }
    const parsed = tryParsePoints(scoreText);
    if (!parsed.ok) {
      add(field.score(id), `Tiêu chí ${id} (tối đa ${formatPoints(leaf.max)} điểm): ${parsed.message}`);
      continue;
    }
    entries[id] = { selfScore: parsed.value, explanation, evidence };
  }
  return entries;
}

/** A criterion's evidence rows (blank rows skipped), each field checked. */
function parseEvidence(form: URLSearchParams, id: string, add: Add): EvidenceRef[] {
  const evidence: EvidenceRef[] = [];
  const evPattern = new RegExp(`^evidence\\[${escapeRegExp(id)}\\]\\[(\\d+)\\]\\[`);
  for (const row of rowIndexes(form, evPattern, ROWS.evidenceMax)) {
    const raw = {
      number: text(form, field.evidence(id, row, 'number')),
      date: text(form, field.evidence(id, row, 'date')),
      issuer: text(form, field.evidence(id, row, 'issuer')),
      url: text(form, field.evidence(id, row, 'url')),
      title: text(form, field.evidence(id, row, 'title')),
    };
    if (!raw.number && !raw.date && !raw.issuer && !raw.url && !raw.title) continue;
    const ref: EvidenceRef = {};
    const n = row + 1;
    if (raw.number) {
      if (tooLong(raw.number, LIMITS.evidenceNumber)) {
        add(
          field.evidence(id, row, 'number'),
          `Tiêu chí ${id}, minh chứng ${n}: số hiệu văn bản dài quá ${LIMITS.evidenceNumber} ký tự.`,
        );
      }
      ref.number = raw.number;
    }
    if (raw.date) {
      const iso = parseDate(raw.date);
      if (!iso) {
        add(
          field.evidence(id, row, 'date'),
          `Tiêu chí ${id}, minh chứng ${n}: ngày "${raw.date.slice(0, 40)}" không hợp lệ (viết dd/mm/yyyy, ví dụ 30/09/2024).`,
        );
      } else ref.date = iso;
    }
    if (raw.issuer) {
      if (tooLong(raw.issuer, LIMITS.evidenceIssuer)) {
        add(
          field.evidence(id, row, 'issuer'),
          `Tiêu chí ${id}, minh chứng ${n}: tên cơ quan ban hành dài quá ${LIMITS.evidenceIssuer} ký tự.`,
        );
      }
      ref.issuer = raw.issuer;
    }
    if (raw.url) {
      const url = raw.url.length <= LIMITS.url ? parseHttpUrl(raw.url) : undefined;
      if (!url) {
        add(
          field.evidence(id, row, 'url'),
          `Tiêu chí ${id}, minh chứng ${n}: đường dẫn phải là địa chỉ web bắt đầu bằng http:// hoặc https:// (tối đa ${LIMITS.url} ký tự).`,
        );
      } else ref.url = url;
    }
    if (raw.title) {
      if (tooLong(raw.title, LIMITS.evidenceTitle)) {
        add(
          field.evidence(id, row, 'title'),
          `Tiêu chí ${id}, minh chứng ${n}: trích yếu dài quá ${LIMITS.evidenceTitle} ký tự.`,
        );
      }
      ref.title = raw.title;
    }
    evidence.push(ref);
  }
  return evidence;
}

/** The initiative rows (blank rows skipped), with ids kept or given, and each row's form index. */
function parseInitiatives(
  form: URLSearchParams,
  add: Add,
): { initiatives: Initiative[]; initiativeRows: number[] } {
  const initiatives: Initiative[] = [];
  const initiativeRows: number[] = [];
  const usedInitiativeIds = new Set<string>();
  for (const row of rowIndexes(form, /^initiative\[(\d+)\]\[/, ROWS.initiativesMax)) {
    const title = text(form, field.initiative(row, 'title'));
    const description = text(form, field.initiative(row, 'description'));
    const effect = text(form, field.initiative(row, 'effect'));
    if (!title && !description && !effect) continue;
    const n = row + 1;
    if (!title) add(field.initiative(row, 'title'), `Sáng kiến ${n}: chưa có tên sáng kiến.`);
    else if (tooLong(title, LIMITS.initiativeTitle))
      add(field.initiative(row, 'title'), `Sáng kiến ${n}: tên dài quá ${LIMITS.initiativeTitle} ký tự.`);
    if (tooLong(description, LIMITS.initiativeText)) {
      add(
        field.initiative(row, 'description'),
        `Sáng kiến ${n}: phần mô tả dài quá ${LIMITS.initiativeText} ký tự.`,
      );
    }
    if (tooLong(effect, LIMITS.initiativeText)) {
      add(
        field.initiative(row, 'effect'),
        `Sáng kiến ${n}: phần hiệu quả dài quá ${LIMITS.initiativeText} ký tự.`,
      );
    }
    let id = text(form, field.initiative(row, 'id'));
    if (!SLUG.test(id) || usedInitiativeIds.has(id)) id = '';
    if (id) usedInitiativeIds.add(id);
    initiatives.push({ id, title, description, ...(effect ? { effect } : {}) });
    initiativeRows.push(row);
  }
  let next = 1;
  for (const initiative of initiatives) {
    if (initiative.id) continue;
    while (usedInitiativeIds.has(`sk-${next}`)) next++;
    initiative.id = `sk-${next}`;
    usedInitiativeIds.add(initiative.id);
  }
  return { initiatives, initiativeRows };
}

/** The 05T / 05K self-check; undefined when not on the form (its marker tells "all unchecked" from absent). */
function parseSelfCheck(form: URLSearchParams, add: Add): Report['selfCheck'] {
  if (form.has('selfcheck')) {
    const checked = (name: string, count: number) => {
      const values = new Set(form.getAll(name));
      return Array.from({ length: count }, (_, i) => values.has(String(i)));
    };
    const note = text(form, 'selfcheck-note');
    if (tooLong(note, LIMITS.note))
      add('selfcheck-note', `Ghi chú phần tự kiểm tra 05T/05K dài quá ${LIMITS.note} ký tự.`);
    return {
      t05: checked('t05', MESSAGE_05T.length),
      k05: checked('k05', MESSAGE_05K.length),
      ...(note ? { note } : {}),
    };
  }
  return undefined;
}

/** The nomination rows (blank rows skipped), ids kept or given, first-submitted times kept from `previous`. */
function parseNominations(
  form: URLSearchParams,
  ctx: { unitId: string; previous?: Report; now: Date; mode: 'draft' | 'submit' },
  initiatives: readonly Initiative[],
  add: Add,
): Nomination[] {
  const previousNominations = new Map((ctx.previous?.nominations ?? []).map((n) => [n.id, n]));
  const nominations: Nomination[] = [];
  const usedNominationIds = new Set<string>();
  for (const row of rowIndexes(form, /^nomination\[(\d+)\]\[/, ROWS.nominationsMax)) {
    const name = text(form, field.nomination(row, 'name'));
    const position = text(form, field.nomination(row, 'position'));
    const achievements = text(form, field.nomination(row, 'achievements'));
    const initiativeId = text(form, field.nomination(row, 'initiative'));
    const formValue = text(form, field.nomination(row, 'form')) || 'giay-khen';
    const statusValue = text(form, field.nomination(row, 'status')) || 'none';
    if (!name && !position && !achievements && !initiativeId) continue;
    const n = row + 1;
    if (!name) add(field.nomination(row, 'name'), `Đề nghị khen thưởng ${n}: chưa có họ tên cá nhân.`);
    else if (tooLong(name, LIMITS.name))
      add(field.nomination(row, 'name'), `Đề nghị khen thưởng ${n}: họ tên dài quá ${LIMITS.name} ký tự.`);
    if (tooLong(position, LIMITS.position))
      add(
        field.nomination(row, 'position'),
        `Đề nghị khen thưởng ${n}: chức vụ dài quá ${LIMITS.position} ký tự.`,
      );
    if (tooLong(achievements, LIMITS.achievements)) {
      add(
        field.nomination(row, 'achievements'),
        `Đề nghị khen thưởng ${n}: phần thành tích dài quá ${LIMITS.achievements} ký tự.`,
      );
    } else if (!achievements && ctx.mode === 'submit') {
      add(
        field.nomination(row, 'achievements'),
        `Đề nghị khen thưởng ${n} (${name || 'chưa có tên'}): chưa nêu thành tích.`,
      );
    }
    const formOk = (NOMINATION_FORMS as readonly string[]).includes(formValue);
    if (!formOk)
      add(field.nomination(row, 'form'), `Đề nghị khen thưởng ${n}: hình thức khen thưởng không hợp lệ.`);
    const statusOk = Object.hasOwn(DISCIPLINE_LABELS, statusValue);
    if (!statusOk)
      add(field.nomination(row, 'status'), `Đề nghị khen thưởng ${n}: tình trạng kỷ luật không hợp lệ.`);
    if (initiativeId && !initiatives.some((i) => i.id === initiativeId)) {
      add(
        field.nomination(row, 'initiative'),
        `Đề nghị khen thưởng ${n}: sáng kiến được nêu không còn trong báo cáo; hãy chọn lại.`,
      );
    }
    let id = text(form, field.nomination(row, 'id'));
    if (!SLUG.test(id) || usedNominationIds.has(id)) id = '';
    if (id) usedNominationIds.add(id);
    const before = id ? previousNominations.get(id) : undefined;
    nominations.push({
      id,
      name,
      ...(position ? { position } : {}),
      unitId: ctx.unitId,
      form: (formOk ? formValue : 'giay-khen') as CommendationForm,
      achievements,
      ...(initiativeId ? { initiativeId } : {}),
      status: (statusOk ? statusValue : 'none') as DisciplineStatus,
      submittedAt: before?.submittedAt ?? ctx.now.toISOString(),
    });
  }
  let nextNomination = 1;
  for (const nomination of nominations) {
    if (nomination.id) continue;
    while (usedNominationIds.has(`cn-${nextNomination}`)) nextNomination++;
    nomination.id = `cn-${nextNomination}`;
    usedNominationIds.add(nomination.id);
  }
  return nominations;
}
