/** The official documents as print-ready HTML pages, with the same text as their DOCX. */
import { officialDocumentToHtml } from './html-render.ts';
import { proposalDocument } from './proposal.ts';
import { resultsReportDocument } from './results-report.ts';
import type { ProposalDocumentInput, ResultsReportInput, VoteRecordInput } from './types.ts';
import { voteRecordDocument } from './vote-record.ts';

export function resultsReportHtml(input: ResultsReportInput): string {
  return officialDocumentToHtml(resultsReportDocument(input));
}

export function proposalHtml(input: ProposalDocumentInput): string {
  return officialDocumentToHtml(proposalDocument(input));
}

export function voteRecordHtml(input: VoteRecordInput): string {
  return officialDocumentToHtml(voteRecordDocument(input));
}
