/**
 * A summary book as an XLSX workbook (exceljs). Every number is a stored value with a number
 * format ("0.00": Excel shows it with the reader's decimal separator, a comma in a Vietnamese
 * locale); no cell holds a formula, so no total, band or rank is ever recomputed in floating
 * point. Printable: A4 landscape fitted to one page wide, header row repeated on every page.
 */
import type ExcelJS from 'exceljs';
import { hundredthsToNumber, upper } from './format.ts';
import type { Cell, Sheet, SheetRow, SummaryBook } from './sheet-model.ts';
import { summaryBook } from './summary.ts';
import type { SummaryInput } from './types.ts';

const FONT = 'Times New Roman';
const FORMATS = {
  num: '0.00',
  signedNum: '+0.00;-0.00;0.00',
  int: '0',
  signedInt: '+0;-0;0',
} as const;
const THIN = { style: 'thin' as const };
const BORDER: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const SHADE: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };

/** The scoring summary (bảng tổng hợp điểm) of a period, a year or the phase as XLSX. */
export function summaryXlsx(input: SummaryInput): Promise<Buffer> {
  return summaryBookToXlsx(summaryBook(input));
}

export async function summaryBookToXlsx(book: SummaryBook): Promise<Buffer> {
  // Loaded at the first workbook: exceljs and its ~350 modules (zip, streams, polyfills) cost a
  // third of a second at each start of the admin pages, which mostly never export one.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'thidua';
  wb.title = book.title;
  wb.created = book.producedAt;
  wb.modified = book.producedAt;
  for (const sheet of book.sheets) writeSheet(wb, book, sheet);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function writeSheet(wb: ExcelJS.Workbook, book: SummaryBook, sheet: Sheet): void {
  const width = sheet.header.length;
  const headerRow = 4 + sheet.subtitles.length + 1;
  const ws = wb.addWorksheet(sheet.name, {
    views: [{ state: 'frozen', xSplit: sheet.labelColumns, ySplit: headerRow }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${headerRow}:${headerRow}`,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: `&L${sheet.name}&RTrang &P/&N` },
  });
  sheet.widths.forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });

  const line = (row: number, value: string, font: Partial<ExcelJS.Font>, merge: boolean) => {
    const cell = ws.getCell(row, 1);
    cell.value = value;
    cell.font = { name: FONT, size: 12, ...font };
    if (merge) {
      ws.mergeCells(row, 1, row, width);
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    }
  };
  if (book.issuer.parent) line(1, upper(book.issuer.parent), {}, false);
  line(2, upper(book.issuer.name), { bold: true }, false);
  line(4, sheet.title, { bold: true, size: 14 }, true);
  sheet.subtitles.forEach((s, i) => {
    line(5 + i, s, { italic: i > 0 }, true);
  });

  const header = ws.getRow(headerRow);
  sheet.header.forEach((h, i) => {
    const cell = header.getCell(i + 1);
    cell.value = h;
    cell.font = { name: FONT, size: 12, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = BORDER;
    cell.fill = SHADE;
  });
  header.height = Math.min(90, 16 * Math.max(2, ...sheet.header.slice(sheet.labelColumns).map(wrappedLines)));

  sheet.rows.forEach((r, i) => {
    writeRow(ws.getRow(headerRow + 1 + i), sheet, r);
  });
  const notesAt = headerRow + sheet.rows.length + 2;
  sheet.notes.forEach((n, i) => {
    const cell = ws.getCell(notesAt + i, 1);
    cell.value = n;
    cell.font = { name: FONT, size: 11, italic: true };
  });
}

/** Lines a unit's name takes in a 12-character column (header height). */
function wrappedLines(text: string): number {
  return Math.ceil(text.length / 11);
}

function writeRow(row: ExcelJS.Row, sheet: Sheet, r: SheetRow): void {
  const bold = r.style === 'area' || r.style === 'total';
  r.cells.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    setValue(cell, c);
    cell.font = { name: FONT, size: 12, bold, italic: r.style === 'group' };
    cell.border = BORDER;
    if (r.style === 'area') cell.fill = SHADE;
    const isLabel = i < sheet.labelColumns;
    cell.alignment = {
      vertical: 'middle',
      wrapText: isLabel,
      horizontal: isLabel && c.t === 'text' ? 'left' : c.t === 'text' ? 'center' : 'right',
      ...(i === sheet.indentColumn && r.level > 0 ? { indent: r.level } : {}),
    };
  });
}

function setValue(cell: ExcelJS.Cell, c: Cell): void {
  switch (c.t) {
    case 'text':
      cell.value = c.v;
      return;
    case 'num':
      cell.value = hundredthsToNumber(c.v);
      cell.numFmt = c.signed ? FORMATS.signedNum : FORMATS.num;
      return;
    case 'int':
      cell.value = c.v;
      cell.numFmt = c.signed ? FORMATS.signedInt : FORMATS.int;
      return;
    case 'empty':
      return;
  }
}
