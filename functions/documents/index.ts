/**
 * Documents and exports of a campaign, generated without AWS: the scoring summary as XLSX, CSV
 * and HTML; the results report, the commendation submission and the council's vote record as
 * DOCX and print-ready HTML; charts as SVG. One function per document; see docs/documents.md.
 */
import { aggregateSummaryBook } from './aggregate-sheet.ts';
import { summaryBookToCsv } from './csv.ts';
import { periodSummaryBook } from './period-sheet.ts';
import type { SummaryBook } from './sheet-model.ts';
import { isPeriodSummary, type SummaryInput } from './types.ts';
import { summaryBookToXlsx } from './xlsx.ts';

export type { Cell, Sheet, SheetRow, SummaryBook } from './sheet-model.ts';
export * from './types.ts';

/** The summary's table model: one sheet per group (what the XLSX, CSV and HTML all show). */
export function summaryBook(input: SummaryInput): SummaryBook {
  return isPeriodSummary(input) ? periodSummaryBook(input) : aggregateSummaryBook(input);
}

/** The scoring summary (bảng tổng hợp điểm) of a period, a year or the phase as XLSX. */
export function summaryXlsx(input: SummaryInput): Promise<Buffer> {
  return summaryBookToXlsx(summaryBook(input));
}

/** The same as CSV: UTF-8 with BOM, ";" separator, decimal comma. */
export function summaryCsv(input: SummaryInput): Buffer {
  return summaryBookToCsv(summaryBook(input));
}
