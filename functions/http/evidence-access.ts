/**
 * Who may upload evidence files (docs/unit-pages.md, "Evidence files: the handlers"), shared by
 * the presign and verify handlers and the report page: a valid report link of a report still
 * editable (no report yet, `draft`, `returned`); the files go under the link's unit, period and
 * current round. No S3 here: each handler brings the port itself, so the report page's bundle
 * carries none of it.
 */
import { now } from '#ports/clock';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { EvidenceInputError, type EvidenceOwner } from '#ports/evidence';
import { EDITABLE_REPORT_STATUSES, type ReportStatus } from '#ports/reports';
import { type HttpRequest, type HttpResponse, httpHandler, LinkError } from '#web/http';
import { isExpired, openLink } from '#web/link-pages';

/**
 * The round a unit's uploads go to: 1 until the first return, then one past the latest return's
 * (read only for a report that was returned: a draft was never submitted).
 */
export async function evidenceRound(
  unitId: string,
  periodId: string,
  status?: ReportStatus,
): Promise<number> {
  if (status === undefined || status === 'draft') return 1;
  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  const returned = approvals.filter((a) => a.kind === 'explain').map((a) => a.round ?? 1);
  return returned.length === 0 ? 1 : Math.max(...returned) + 1;
}

/** An answer the page's script reads: `status` says what happened, `message` is for the person. */
export function evidenceAnswer<T extends { status: string; message: string }>(
  status: number,
  answer: T,
): HttpResponse {
  return {
    status,
    body: JSON.stringify(answer),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  };
}

/** The origin the report page's script uploads to (its CSP); none: the page offers no uploads. */
export function uploadOrigin(): string | undefined {
  return process.env.EVIDENCE_UPLOAD_ORIGIN?.trim() || undefined;
}

const LOCKED =
  'Báo cáo đã nộp nên không thêm tệp được nữa (trừ khi được trả lại để giải trình). Hãy mở lại liên kết trong email.';

/**
 * The owner of the files a request may upload: the report link's unit and period, the current
 * round. Refusals are answers, never HTML: the caller is the page's script.
 */
export async function uploadOwner(
  request: HttpRequest,
): Promise<{ owner: EvidenceOwner } | { refused: HttpResponse }> {
  try {
    const grant = await openLink(request, ['report'], now());
    if (grant.status === 'closed') throw new LinkError(410, 'closed');
    if (isExpired(grant, now())) throw new LinkError(410, 'expired');
    const { unitId, periodId } = grant;
    if (!unitId || !periodId) throw new LinkError(403, 'not-found');
    const stored = await reports().get(unitId, periodId);
    if (stored && !EDITABLE_REPORT_STATUSES.includes(stored.status)) {
      return { refused: evidenceAnswer(409, { status: 'locked', message: LOCKED }) };
    }
    return { owner: { unitId, periodId, round: await evidenceRound(unitId, periodId, stored?.status) } };
  } catch (error) {
    if (error instanceof LinkError) {
      return { refused: evidenceAnswer(error.status, { status: 'refused', message: error.detail }) };
    }
    throw error;
  }
}

/**
 * A handler of the page script's evidence calls: the upload's owner checked first, then `run`; a
 * request the port refuses (`EvidenceInputError`) is 422 naming the field, or 403 for a key of
 * another unit, period or round.
 */
export function evidenceCall(
  name: string,
  run: (request: HttpRequest, owner: EvidenceOwner) => Promise<HttpResponse>,
) {
  return httpHandler(
    async (request) => {
      const access = await uploadOwner(request);
      if ('refused' in access) return access.refused;
      try {
        return await run(request, access.owner);
      } catch (error) {
        if (!(error instanceof EvidenceInputError)) throw error;
        return evidenceAnswer(error.field === 'key' ? 403 : 422, {
          status: 'refused',
          field: error.field,
          message: error.vi,
        });
      }
    },
    { name },
  );
}
