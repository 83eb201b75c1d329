/**
 * A summary book as CSV the way Excel in a Vietnamese locale opens it with a double click:
 * UTF-8 with a byte order mark (or the diacritics are misread), ";" between fields (the list
 * separator where the decimal separator is a comma), decimal commas, CRLF line ends. Groups
 * follow one another, each with its title lines, header, rows and notes, as on the sheets.
 */

import { upper } from './format.ts';
import { type Cell, cellText, type SummaryBook } from './sheet-model.ts';

const BOM = '\uFEFF';
const SEPARATOR = ';';
const EOL = '\r\n';

/**
 * One field. Quoted when it holds the separator, a quote, a line break or edge spaces; quotes
 * doubled. Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a
 * carriage return) gets a leading apostrophe, which Excel shows as plain text: unit names and
 * other user strings are text, never formulas. Numbers are ours and are written as they are.
 */
export function csvField(cell: Cell): string {
  let value = cellText(cell);
  if (cell.t === 'text' && /^[=+\-@\t\r]/.test(value)) value = `'${value}`;
  return /[;"\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function line(cells: readonly Cell[]): string {
  return cells.map(csvField).join(SEPARATOR) + EOL;
}

const t = (v: string): Cell => ({ t: 'text', v });

export function summaryBookToCsvText(book: SummaryBook): string {
  let out = BOM;
  book.sheets.forEach((sheet, i) => {
    if (i > 0) out += EOL;
    if (book.issuer.parent) out += line([t(upper(book.issuer.parent))]);
    out += line([t(upper(book.issuer.name))]);
    out += line([t(sheet.title)]);
    for (const s of sheet.subtitles) out += line([t(s)]);
    out += EOL;
    out += line(sheet.header.map(t));
    for (const row of sheet.rows) out += line(row.cells);
    out += EOL;
    for (const n of sheet.notes) out += line([t(n)]);
  });
  return out;
}

export function summaryBookToCsv(book: SummaryBook): Buffer {
  return Buffer.from(summaryBookToCsvText(book), 'utf8');
}
