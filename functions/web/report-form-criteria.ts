/**
 * Reading the criteria part of a posted report form: per leaf the self-score, the explanation and
 * the evidence references. Every value with a problem stays out of the entries (with its message),
 * so what comes back is always a valid, possibly partial, draft.
 */
import type { CriterionIndex } from '#domain/criteria-tree';
import type { CriterionEntry, EvidenceRef } from '#domain/model';
import { formatPoints, tryParsePoints } from '#domain/points';
import type { FieldProblem } from './http.ts';
import {
  escapeRegExp,
  field,
  LIMITS,
  parseDate,
  parseHttpUrl,
  ROWS,
  rowIndexes,
  text,
  tooLong,
} from './report-fields.ts';
import { type FileOwner, parseFiles } from './report-form-files.ts';

type Add = (fieldName: string, message: string) => void;

/** A text part of an evidence row: kept when short enough, else left out with its message. */
function shortPart(
  raw: string,
  max: number,
  name: string,
  what: string,
  where: string,
  add: Add,
): string | undefined {
  if (!raw) return undefined;
  if (!tooLong(raw, max)) return raw;
  add(name, `${where}: ${what} dài quá ${max} ký tự.`);
  return undefined;
}

function evidenceRow(form: URLSearchParams, id: string, row: number, add: Add): EvidenceRef | 'blank' {
  const name = (part: keyof EvidenceRef) => field.evidence(id, row, part);
  const raw = {
    number: text(form, name('number')),
    date: text(form, name('date')),
    issuer: text(form, name('issuer')),
    url: text(form, name('url')),
    title: text(form, name('title')),
  };
  if (!raw.number && !raw.date && !raw.issuer && !raw.url && !raw.title) return 'blank';
  const where = `Tiêu chí ${id}, minh chứng ${row + 1}`;
  const ref: EvidenceRef = {};
  const number = shortPart(raw.number, LIMITS.evidenceNumber, name('number'), 'số hiệu văn bản', where, add);
  if (number) ref.number = number;
  if (raw.date) {
    const iso = parseDate(raw.date);
    if (iso) ref.date = iso;
    else
      add(
        name('date'),
        `${where}: ngày "${raw.date.slice(0, 40)}" không hợp lệ (viết dd/mm/yyyy, ví dụ 30/09/2024).`,
      );
  }
  const issuer = shortPart(
    raw.issuer,
    LIMITS.evidenceIssuer,
    name('issuer'),
    'tên cơ quan ban hành',
    where,
    add,
  );
  if (issuer) ref.issuer = issuer;
  if (raw.url) {
    const url = raw.url.length <= LIMITS.url ? parseHttpUrl(raw.url) : undefined;
    if (url) ref.url = url;
    else
      add(
        name('url'),
        `${where}: đường dẫn phải là địa chỉ web bắt đầu bằng http:// hoặc https:// (tối đa ${LIMITS.url} ký tự).`,
      );
  }
  const title = shortPart(raw.title, LIMITS.evidenceTitle, name('title'), 'trích yếu', where, add);
  if (title) ref.title = title;
  return ref;
}

/**
 * The evidence rows of a leaf that hold anything valid, in row order. Rows may have gaps (a blank
 * row between filled ones is skipped). A filled row numbered from `ROWS.evidenceMax` on is refused,
 * named on the leaf's rows as a whole: the page's script never numbers one there.
 */
function evidenceOf(
  form: URLSearchParams,
  id: string,
  add: Add,
): { evidence: EvidenceRef[]; typed: boolean } {
  const evidence: EvidenceRef[] = [];
  let typed = false;
  let over = 0;
  /** What the rows past the maximum hold, quoted in the problem: the page does not draw them. */
  const unsaved: string[] = [];
  const pattern = new RegExp(`^evidence\\[${escapeRegExp(id)}\\]\\[(\\d+)\\]\\[`);
  for (const row of rowIndexes(form, pattern, Number.MAX_SAFE_INTEGER)) {
    if (row >= ROWS.evidenceMax) {
      // Only whether it holds anything: its own problems would name fields the page cannot show.
      if (evidenceRow(form, id, row, () => {}) === 'blank') continue;
      over++;
      const parts = (['number', 'date', 'issuer', 'title', 'url'] as const).map((part) =>
        (form.get(field.evidence(id, row, part)) ?? '').trim(),
      );
      unsaved.push(parts.filter(Boolean).join(', '));
      continue;
    }
    const ref = evidenceRow(form, id, row, add);
    if (ref === 'blank') continue;
    typed = true;
    if (Object.keys(ref).length > 0) evidence.push(ref);
  }
  if (over > 0) {
    typed = true;
    add(
      field.evidenceRows(id),
      `Tiêu chí ${id}: mỗi tiêu chí ghi được tối đa ${ROWS.evidenceMax} dòng minh chứng; ${over} dòng nhập thêm sau dòng thứ ${ROWS.evidenceMax} chưa được lưu. Hãy gộp bớt các dòng rồi lưu lại. Nội dung chưa lưu: ${unsaved
        .map((text) => `“${text.length > 200 ? `${text.slice(0, 200)}…` : text}”`)
        .join('; ')}.`,
    );
  }
  return { evidence, typed };
}

/**
 * The entries of every assessed leaf. A leaf enters only with a readable self-score; its
 * explanation and evidence come along without the parts that have problems. Ranges (0..max) are
 * the domain's check, made afterwards on the whole report.
 */
export function parseEntries(
  form: URLSearchParams,
  index: CriterionIndex,
  problems: FieldProblem[],
  files: FileOwner,
): Record<string, CriterionEntry> {
  const add: Add = (name, message) => problems.push({ field: name, message });
  const entries: Record<string, CriterionEntry> = {};
  for (const { leaf } of index.leaves) {
    const id = leaf.id;
    let explanation = text(form, field.explanation(id));
    if (tooLong(explanation, LIMITS.explanation)) {
      add(field.explanation(id), `Tiêu chí ${id}: phần giải thích dài quá ${LIMITS.explanation} ký tự.`);
      explanation = '';
    }
    const refs = evidenceOf(form, id, add);
    const uploaded = parseFiles(form, id, files, add);
    const evidence = [...refs.evidence, ...uploaded.files];
    const typed = refs.typed || uploaded.typed;
    const scoreText = text(form, field.score(id));
    if (scoreText === '') {
      if (explanation || typed) {
        add(
          field.score(id),
          `Tiêu chí ${id}: nhập điểm tự chấm (có thể là 0) để lưu phần giải thích và minh chứng của tiêu chí này.`,
        );
      }
      continue;
    }
    const parsed = scoreText.length <= LIMITS.score ? tryParsePoints(scoreText) : undefined;
    if (!parsed) {
      add(field.score(id), `Tiêu chí ${id}: điểm tự chấm không hợp lệ.`);
      continue;
    }
    if (!parsed.ok) {
      add(field.score(id), `Tiêu chí ${id} (tối đa ${formatPoints(leaf.max)} điểm): ${parsed.message}`);
      continue;
    }
    entries[id] = { selfScore: parsed.value, explanation, evidence };
  }
  return entries;
}
