/**
 * Documents and exports of a campaign, generated without AWS: the scoring summary as XLSX, CSV
 * and HTML; the results report, the commendation submission and the council's vote record as
 * DOCX and print-ready HTML; charts as SVG. One function per document; see docs/documents.md.
 */
import { aggregateSummaryBook } from './aggregate-sheet.ts';
import { summaryBookToCsv } from './csv.ts';
import { officialDocumentToDocx } from './docx-render.ts';
import { officialDocumentToHtml, summaryBookToHtml } from './html-render.ts';
import { periodSummaryBook } from './period-sheet.ts';
import { proposalDocument } from './proposal.ts';
import { resultsReportDocument } from './results-report.ts';
import type { SummaryBook } from './sheet-model.ts';
import {
  isPeriodSummary,
  type ProposalDocumentInput,
  type ResultsReportInput,
  type SummaryInput,
  type VoteRecordInput,
} from './types.ts';
import { voteRecordDocument } from './vote-record.ts';
import { summaryBookToXlsx } from './xlsx.ts';

export {
  areaAveragesSvg,
  bandCountsSvg,
  scoreDistributionSvg,
  type TrendPoint,
  trendFrom,
  unitTrendSvg,
} from './charts.ts';
export type { Block, OfficialDocument } from './official.ts';
export { MARGINS_MM, MARGINS_TWIPS, PAGE } from './official.ts';
export { proposalDocument } from './proposal.ts';
export { resultsReportDocument } from './results-report.ts';
export type { Cell, Sheet, SheetRow, SummaryBook } from './sheet-model.ts';
export * from './types.ts';
export { voteRecordDocument } from './vote-record.ts';

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

/** The summary as one print-ready HTML page (A4 landscape), escaped. */
export function summaryHtml(input: SummaryInput): string {
  return summaryBookToHtml(summaryBook(input));
}

/** The period's results report (báo cáo kết quả) as DOCX. */
export function resultsReportDocx(input: ResultsReportInput): Promise<Buffer> {
  return officialDocumentToDocx(resultsReportDocument(input));
}

export function resultsReportHtml(input: ResultsReportInput): string {
  return officialDocumentToHtml(resultsReportDocument(input));
}

/** The submission for commendation (tờ trình đề nghị khen thưởng) with its list, as DOCX. */
export function proposalDocx(input: ProposalDocumentInput): Promise<Buffer> {
  return officialDocumentToDocx(proposalDocument(input));
}

export function proposalHtml(input: ProposalDocumentInput): string {
  return officialDocumentToHtml(proposalDocument(input));
}

/** The council's vote record (biên bản kiểm phiếu) as DOCX. */
export function voteRecordDocx(input: VoteRecordInput): Promise<Buffer> {
  return officialDocumentToDocx(voteRecordDocument(input));
}

export function voteRecordHtml(input: VoteRecordInput): string {
  return officialDocumentToHtml(voteRecordDocument(input));
}
