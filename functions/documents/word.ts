/** The official documents as DOCX (the `docx` library): one function per document. */
import { officialDocumentToDocx } from './docx-render.ts';
import { proposalDocument } from './proposal.ts';
import { resultsReportDocument } from './results-report.ts';
import type { ProposalDocumentInput, ResultsReportInput, VoteRecordInput } from './types.ts';
import { voteRecordDocument } from './vote-record.ts';

/** The period's results report (báo cáo kết quả). */
export function resultsReportDocx(input: ResultsReportInput): Promise<Buffer> {
  return officialDocumentToDocx(resultsReportDocument(input));
}

/** The submission for commendation (tờ trình đề nghị khen thưởng) with its list. */
export function proposalDocx(input: ProposalDocumentInput): Promise<Buffer> {
  return officialDocumentToDocx(proposalDocument(input));
}

/** The council's vote record (biên bản kiểm phiếu). */
export function voteRecordDocx(input: VoteRecordInput): Promise<Buffer> {
  return officialDocumentToDocx(voteRecordDocument(input));
}
