/**
 * Documents and exports of a campaign, generated without AWS: the scoring summary as XLSX, CSV
 * and HTML; the results report, the commendation submission and the council's vote record as
 * DOCX and print-ready HTML; charts as SVG. One function per document; see docs/documents.md.
 *
 * Importing this module bundles both exceljs and docx. A caller that needs one kind of file can
 * import its module alone: summary.ts (CSV, HTML), xlsx.ts, word.ts, print.ts, charts.ts.
 */
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
export { proposalHtml, resultsReportHtml, voteRecordHtml } from './print.ts';
export { proposalDocument } from './proposal.ts';
export { resultsReportDocument } from './results-report.ts';
export type { Cell, Sheet, SheetRow, SummaryBook } from './sheet-model.ts';
export { summaryBook, summaryCsv, summaryHtml } from './summary.ts';
export * from './types.ts';
export { voteRecordDocument } from './vote-record.ts';
export { proposalDocx, resultsReportDocx, voteRecordDocx } from './word.ts';
export { summaryXlsx } from './xlsx.ts';
