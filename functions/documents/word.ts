/** The official documents as DOCX (the `docx` library): one function per document. */
import type { OfficialDocument } from './official.ts';
import { proposalDocument } from './proposal.ts';
import { resultsReportDocument } from './results-report.ts';
import type { ProposalDocumentInput, ResultsReportInput, VoteRecordInput } from './types.ts';
import { voteRecordDocument } from './vote-record.ts';

/**
 * The DOCX of a document. The `docx` library is loaded at the first one: it costs a tenth of a
 * second at each start of the admin pages, which mostly never make one.
 */
async function toDocx(document: OfficialDocument): Promise<Buffer> {
  const { officialDocumentToDocx } = await import('./docx-render.ts');
  return officialDocumentToDocx(document);
}

/** The period's results report (báo cáo kết quả). */
export function resultsReportDocx(input: ResultsReportInput): Promise<Buffer> {
  return toDocx(resultsReportDocument(input));
}

/** The submission for commendation (tờ trình đề nghị khen thưởng) with its list. */
export function proposalDocx(input: ProposalDocumentInput): Promise<Buffer> {
  return toDocx(proposalDocument(input));
}

/** The council's vote record (biên bản kiểm phiếu). */
export function voteRecordDocx(input: VoteRecordInput): Promise<Buffer> {
  return toDocx(voteRecordDocument(input));
}
