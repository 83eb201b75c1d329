/**
 * Survey results, bonuses and penalties pasted from a spreadsheet (Excel, LibreOffice: rows of
 * tab-separated cells) onto the adjustments page, turned into the very fields the page's form
 * posts (`survey[<unit>]`, …), so the paste is checked by the same rules (parseAdjustments, as
 * `thidua record` applies them) and leads to the same preview; nothing is stored before the admin
 * confirms it.
 *
 * A line: unit (its id; its name as the campaign spells it, case, Unicode form and the vowel
 * carrying the tone mark aside; or typed with no accent at all, when that names one unit), then
 * survey, bonus, penalty and note. A column the line does not reach keeps what is stored (a sheet
 * of survey results alone leaves bonuses, penalties and notes as they are); a cell it reaches but
 * leaves empty is what an empty box of the form is: no survey result, 0 points, no note. Excel and
 * LibreOffice copy every cell of the selected range, empty ones included. Blank lines and a
 * heading line (a first line that names no unit and holds no number) are skipped. Any line that
 * names no unit, names one twice, has too many cells or a bad value is a problem naming its line,
 * and then nothing goes on to the preview.
 */
import type { CriteriaSet, DistrictConfig, Period } from '#domain/model';
import { nameKey } from '#domain/person-names';
import {
  ADJUSTMENT_FIELDS,
  type AdjustmentUnit,
  checkAdjustmentsForm,
  formValueOf,
  PASTE_FIELD,
  PASTE_MAX_CHARS,
} from './admin-adjustments.ts';
import { foldForSearch } from './admin-progress.ts';
import type { FieldProblem } from './http.ts';

const COLUMNS = ADJUSTMENT_FIELDS;
type Column = (typeof COLUMNS)[number];
const COLUMNS_TEXT = 'đơn vị, khảo sát, điểm thưởng, điểm trừ, nguồn số liệu';
/** Problems listed one by one; past them, a count (a whole sheet pasted in the wrong box). */
const PROBLEMS_LISTED = 50;

/** A problem of the paste and its line (0: of the whole paste). */
export interface LineProblem {
  line: number;
  message: string;
}

export interface PastedLine {
  /** 1-based, as the textarea counts its lines. */
  line: number;
  unit: AdjustmentUnit;
  /** The cells the line reaches; a column it does not reach is absent (the stored value stays). */
  cells: Partial<Record<Column, string>>;
}

/** A spreadsheet cell as copied: Excel quotes a cell holding a quote or tab ("a ""b"""). */
function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"')
    ? t.slice(1, -1).replace(/""/g, '"').trim()
    : t;
}

const spaced = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();
/** A number as a cell of the survey, bonus or penalty columns holds it ("8,5", "-1", "27.25"). */
const NUMBER = /^[-+]?\d+(?:[.,]\d+)?$/;

/** The campaign's units by id, by name as the cycle's rules compare names, and by name without accents. */
function unitIndex(units: readonly AdjustmentUnit[]) {
  const many = (key: (u: AdjustmentUnit) => string) => {
    const map = new Map<string, AdjustmentUnit[]>();
    for (const u of units) map.set(key(u), [...(map.get(key(u)) ?? []), u]);
    return map;
  };
  return {
    byId: new Map(units.map((u) => [u.id, u])),
    byName: many((u) => nameKey(u.name)),
    byFolded: many((u) => foldForSearch(spaced(u.name))),
  };
}

/**
 * The unit a cell names: its id; its name (case, Unicode form and tone-mark placement aside, so
 * "Hoà" is "Hòa"); or, typed with no accent at all, the one unit whose name reads so. A name with
 * other accents than the unit's is another name: in Vietnamese, Hòa Bình and Hóa Bính are two places.
 */
function unitNamed(
  cell: string,
  index: ReturnType<typeof unitIndex>,
): { unit: AdjustmentUnit } | { problem: string } {
  const byId = index.byId.get(cell);
  if (byId) return { unit: byId };
  const named = index.byName.get(nameKey(cell)) ?? [];
  if (named.length === 1 && named[0]) return { unit: named[0] };
  const folded = foldForSearch(spaced(cell));
  const typedWithoutAccents = folded === spaced(cell).toLowerCase();
  const loose = named.length > 1 ? named : typedWithoutAccents ? (index.byFolded.get(folded) ?? []) : [];
  if (loose.length === 1 && loose[0]) return { unit: loose[0] };
  if (loose.length > 1)
    return {
      problem: `“${cell}” khớp nhiều đơn vị (${loose.map((u) => `${u.name}: ${u.id}`).join('; ')}); hãy ghi mã đơn vị`,
    };
  return {
    problem: `không có đơn vị “${cell}” trong phong trào (ghi tên đúng như trang Đơn vị, hoặc mã đơn vị)`,
  };
}

/** The pasted lines, each matched to its unit, or every problem with its line number. */
export function readPaste(
  text: string,
  units: readonly AdjustmentUnit[],
): { lines: PastedLine[]; problems: LineProblem[] } {
  const lines: PastedLine[] = [];
  const problems: LineProblem[] = [];
  const at = (line: number, message: string) => problems.push({ line, message });
  if (text.length > PASTE_MAX_CHARS) {
    at(0, `Nội dung dán vượt quá ${PASTE_MAX_CHARS.toLocaleString('vi')} ký tự.`);
    return { lines, problems };
  }
  const index = unitIndex(units);
  const seen = new Map<string, number>();
  let first = true;
  for (const [i, raw] of text.split(/\r\n|\r|\n/).entries()) {
    const line = i + 1;
    const cells = raw.split('\t').map(unquote);
    if (cells.every((c) => c === '')) continue;
    const wasFirst = first;
    first = false;
    const [name = '', ...values] = cells;
    const found = unitNamed(name, index);
    if ('problem' in found) {
      // A heading copied with the rows ("Đơn vị | Khảo sát (30 điểm) | …"): no unit, no number.
      if (wasFirst && values.length > 0 && !values.some((v) => NUMBER.test(v))) continue;
      const noTab = cells.length === 1 && /\s\d/.test(raw);
      at(
        line,
        `Dòng ${line}: ${found.problem}${noTab ? '. Dòng không có dấu tab: hãy sao chép các ô trực tiếp từ bảng tính' : ''}.`,
      );
      continue;
    }
    // Excel's empty cells at the end of a row are still cells; beyond the note, only empty ones.
    while (values.length > COLUMNS.length && values.at(-1) === '') values.pop();
    if (values.length > COLUMNS.length) {
      at(line, `Dòng ${line} (${found.unit.name}): có ${cells.length} cột; chỉ nhận ${COLUMNS_TEXT}.`);
      continue;
    }
    const before = seen.get(found.unit.id);
    if (before !== undefined) {
      at(line, `Dòng ${line}: ${found.unit.name} đã có ở dòng ${before}; mỗi đơn vị chỉ ghi một dòng.`);
      continue;
    }
    seen.set(found.unit.id, line);
    const reached: PastedLine['cells'] = {};
    for (const [c, column] of COLUMNS.entries()) {
      const value = values[c];
      if (value !== undefined) reached[column] = value;
    }
    lines.push({ line, unit: found.unit, cells: reached });
  }
  if (problems.length === 0 && lines.length === 0)
    at(0, `Chưa có dòng nào. Dán các dòng có cột: ${COLUMNS_TEXT}.`);
  return { lines, problems };
}

/**
 * The paste as the page's form would post it — each unit's cells, and the stored version the
 * admin now sees in the preview — or every problem (field `paste`) naming its line, in the order
 * of the lines. The values of the lines read are checked by the form's checks (even when other
 * lines have problems, so that one paste shows them all); they come back with line and column.
 */
export function pasteAsForm(
  text: string,
  period: Period,
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
  units: readonly AdjustmentUnit[],
): { form?: URLSearchParams; problems: FieldProblem[] } {
  const read = readPaste(text, units);
  const form = new URLSearchParams();
  for (const { unit, cells } of read.lines) {
    // A column the line does not reach: what is stored, as the form shows it.
    for (const c of COLUMNS) form.set(`${c}[${unit.id}]`, cells[c] ?? formValueOf(unit.stored, c));
    form.set(`version[${unit.id}]`, String(unit.version ?? 0));
  }
  const checked = checkAdjustmentsForm(form, period, district);
  const lineOf = new Map(read.lines.map((l) => [l.unit.id, l]));
  // Each already names its unit and column ("Sở Tư pháp – khảo sát: …"): the line is added.
  const valueProblems = checked.problems.map((p): LineProblem => {
    const [, , unitId = ''] = /^(\w+)\[(.*)\]$/.exec(p.field) ?? [];
    const at = lineOf.get(unitId);
    return at ? { line: at.line, message: `Dòng ${at.line}: ${p.message}` } : { line: 0, message: p.message };
  });
  const all = [...read.problems, ...valueProblems].sort((a, b) => a.line - b.line);
  const listed = all.slice(0, PROBLEMS_LISTED).map((p) => p.message);
  if (all.length > PROBLEMS_LISTED)
    listed.push(
      `… và ${all.length - PROBLEMS_LISTED} dòng khác có lỗi: hãy kiểm tra lại các cột đã sao chép.`,
    );
  const problems = listed.map((message) => ({ field: PASTE_FIELD, message }));
  return problems.length > 0 ? { problems } : { form, problems };
}
