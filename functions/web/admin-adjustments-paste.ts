/**
 * Survey results, bonuses and penalties pasted from a spreadsheet (Excel, LibreOffice: rows of
 * tab-separated cells) onto the adjustments page, turned into the very fields the page's form
 * posts (`survey[<unit>]`, …), so the paste is checked by the same rules (parseAdjustments, as
 * `thidua record` applies them) and leads to the same preview; nothing is stored before the admin
 * confirms it.
 *
 * A line: unit (its id, or its name as the campaign spells it, accents and case aside), survey,
 * bonus, penalty, and an optional note. Cells as the form reads them: "8,5" or "8.5"; an empty
 * survey cell is no survey result, an empty bonus or penalty 0; a line with a unit and no value at
 * all is left out, as an empty row of the form. Blank lines and a heading line (a first line of
 * several cells that names no unit and holds no digit in its number columns) are skipped. Any line that names no
 * unit, names one twice, has too many cells or a bad value is a problem naming its line, and then
 * nothing goes on to the preview.
 */
import type { CriteriaSet, DistrictConfig, Period } from '#domain/model';
import {
  type AdjustmentUnit,
  checkAdjustmentsForm,
  PASTE_FIELD,
  PASTE_MAX_CHARS,
} from './admin-adjustments.ts';
import { foldForSearch } from './admin-progress.ts';
import type { FieldProblem } from './http.ts';

const COLUMNS = ['survey', 'bonus', 'penalty', 'note'] as const;
const COLUMN_LABELS: Record<(typeof COLUMNS)[number], string> = {
  survey: 'khảo sát',
  bonus: 'điểm thưởng',
  penalty: 'điểm trừ',
  note: 'nguồn số liệu',
};
const COLUMNS_TEXT = 'đơn vị, khảo sát, điểm thưởng, điểm trừ, nguồn số liệu (không bắt buộc)';

/** A problem of the paste and its line (0: of the whole paste). */
export interface LineProblem {
  line: number;
  message: string;
}

type Cells = Record<(typeof COLUMNS)[number], string>;

export interface PastedLine {
  /** 1-based, as the textarea counts its lines. */
  line: number;
  unit: AdjustmentUnit;
  cells: Cells;
}

/** A spreadsheet cell as copied: Excel quotes a cell holding a quote or tab ("a ""b"""). */
function unquote(cell: string): string {
  const t = cell.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"')
    ? t.slice(1, -1).replace(/""/g, '"').trim()
    : t;
}

const spaced = (s: string) => s.normalize('NFC').replace(/\s+/g, ' ').trim();

/** The unit a cell names: its id, its exact name, or its name typed without accents (one unit only). */
function unitNamed(
  cell: string,
  units: readonly AdjustmentUnit[],
): { unit: AdjustmentUnit } | { problem: string } {
  const byId = units.find((u) => u.id === cell);
  if (byId) return { unit: byId };
  const exact = units.filter((u) => spaced(u.name) === spaced(cell));
  if (exact.length === 1 && exact[0]) return { unit: exact[0] };
  const folded = foldForSearch(spaced(cell));
  const loose = units.filter((u) => foldForSearch(spaced(u.name)) === folded);
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
  const seen = new Map<string, number>();
  let first = true;
  for (const [i, raw] of text.split(/\r\n|\r|\n/).entries()) {
    const line = i + 1;
    const cells = raw.split('\t').map(unquote);
    while (cells.length > 0 && cells.at(-1) === '') cells.pop();
    if (cells.length === 0) continue;
    const wasFirst = first;
    first = false;
    const [name = '', ...values] = cells;
    const found = unitNamed(name, units);
    if ('problem' in found) {
      // A heading copied with the rows ("Đơn vị  Khảo sát  …"): no unit, no number.
      if (wasFirst && values.length > 0 && !values.slice(0, 3).some((v) => /\d/.test(v))) continue;
      const noTab = cells.length === 1 && /\s\d/.test(raw);
      at(
        line,
        `Dòng ${line}: ${found.problem}${noTab ? '. Dòng không có dấu tab: hãy sao chép các ô trực tiếp từ bảng tính' : ''}.`,
      );
      continue;
    }
    if (cells.length > 1 + COLUMNS.length) {
      at(line, `Dòng ${line} (${found.unit.name}): có ${cells.length} cột; chỉ nhận ${COLUMNS_TEXT}.`);
      continue;
    }
    const before = seen.get(found.unit.id);
    if (before !== undefined) {
      at(line, `Dòng ${line}: ${found.unit.name} đã có ở dòng ${before}; mỗi đơn vị chỉ ghi một dòng.`);
      continue;
    }
    seen.set(found.unit.id, line);
    const [survey = '', bonus = '', penalty = '', note = ''] = values;
    lines.push({ line, unit: found.unit, cells: { survey, bonus, penalty, note } });
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
    for (const c of COLUMNS) form.set(`${c}[${unit.id}]`, cells[c]);
    form.set(`version[${unit.id}]`, String(unit.version ?? 0));
  }
  const checked = checkAdjustmentsForm(form, period, district);
  const lineOf = new Map(read.lines.map((l) => [l.unit.id, l]));
  const valueProblems = checked.problems.map((p): LineProblem => {
    const [, column = '', unitId = ''] = /^(\w+)\[(.*)\]$/.exec(p.field) ?? [];
    const at = lineOf.get(unitId);
    const label = COLUMN_LABELS[column as (typeof COLUMNS)[number]] ?? column;
    return at
      ? { line: at.line, message: `Dòng ${at.line} (${at.unit.name}), cột ${label}: ${p.message}` }
      : { line: 0, message: p.message };
  });
  const problems = [...read.problems, ...valueProblems]
    .sort((a, b) => a.line - b.line)
    .map((p) => ({ field: PASTE_FIELD, message: p.message }));
  return problems.length > 0 ? { problems } : { form, problems };
}
