/**
 * The scoring summary without any spreadsheet library: its table model, the CSV and the HTML.
 * (The XLSX is in xlsx.ts, so a caller that needs no workbook does not bundle exceljs.)
 */
import { aggregateSummaryBook } from './aggregate-sheet.ts';
import { summaryBookToCsv } from './csv.ts';
import { summaryBookToHtml } from './html-render.ts';
import { periodSummaryBook } from './period-sheet.ts';
import type { SummaryBook } from './sheet-model.ts';
import { isPeriodSummary, type SummaryInput } from './types.ts';

/** The summary's table model: one sheet per group (what the XLSX, CSV and HTML all show). */
export function summaryBook(input: SummaryInput): SummaryBook {
  return isPeriodSummary(input) ? periodSummaryBook(input) : aggregateSummaryBook(input);
}

/** The scoring summary as CSV: UTF-8 with BOM, ";" separator, decimal comma, CRLF. */
export function summaryCsv(input: SummaryInput): Buffer {
  return summaryBookToCsv(summaryBook(input));
}

/** The summary as one print-ready HTML page (A4 landscape), escaped. */
export function summaryHtml(input: SummaryInput): string {
  return summaryBookToHtml(summaryBook(input));
}
