import { reviews } from '#ports/dynamo/reviews';
import { keyring } from '#ports/keyring';
import { verifyLink } from '#ports/links';
import type { Approval, ApprovalKind } from '#ports/reviews';
import type { ExplainDecisionPayload } from '#steps/decisions';
import { appraisalOf } from '#steps/records';
import { type HttpRequest, LinkError, type PageLink } from './http.ts';
import type { ReviewRound } from './report-page.ts';

/** The link's own parameters, to rebuild the page's URL without anything else from the query. */
export const LINK_PARAMS = ['k', 'id', 'a', 'e', 's'] as const;

export function linkQuery(query: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const name of LINK_PARAMS) {
    const value = query.get(name);
    if (value !== null) out.set(name, value);
  }
  return out.toString();
}

/**
 * Checks the link of a request and reads its approval. 403 when malformed, signed with an
 * unknown key, forged or tampered (before anything is read), or naming no approval of `kinds`;
 * 410 when expired (the link's own expiry, then the stored one), with `whenGone`: where to go
 * from a link past its time.
 */
export async function openLink(
  request: HttpRequest,
  kinds: readonly ApprovalKind[],
  now: Date,
  whenGone: readonly PageLink[] = [],
): Promise<Approval> {
  const check = verifyLink(request.query, await keyring().load(), now);
  if (!check.ok) throw new LinkError(check.status, check.reason, check.status === 410 ? whenGone : []);
  if (!kinds.some((kind) => kind === check.action)) throw new LinkError(403, 'wrong-kind');
  const approval = await reviews().getApproval(check.approvalId);
  if (!approval) throw new LinkError(403, 'not-found');
  // The action is signed: a link made for one kind never opens another kind's approval.
  if (approval.kind !== check.action) throw new LinkError(403, 'wrong-kind');
  return approval;
}

/** The answer to a claim that found its approval over: expired or closed → 410; gone → 403. */
export function claimRefused(outcome: 'expired' | 'closed' | 'not-found'): LinkError {
  return outcome === 'not-found' ? new LinkError(403, 'not-found') : new LinkError(410, outcome);
}

export function isExpired(approval: Pick<Approval, 'expiresAt'>, now: Date): boolean {
  return Date.parse(approval.expiresAt) <= now.getTime();
}

const DECIDED = new Set(['decided', 'delivered', 'failed-delivery', 'task-gone']);

/**
 * The rounds of review of a unit-period so far, oldest first: each round's appraisal and the
 * reviewer's general comment (the payload of its `appraise` decision), and the unit's explanation
 * answering it (the payload of its `explain` decision), or until when it is awaited.
 */
export async function reviewRounds(unitId: string, periodId: string): Promise<ReviewRound[]> {
  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  const rounds = new Map<number, ReviewRound>();
  const round = (n: number): ReviewRound => {
    let r = rounds.get(n);
    if (!r) {
      r = { round: n };
      rounds.set(n, r);
    }
    return r;
  };
  for (const a of approvals) {
    // The explanation the unit still owes: the returned page says by when (as the mail did).
    if (a.kind === 'explain' && a.status === 'pending') round(a.round ?? 0).explainBy = a.expiresAt;
    if (!DECIDED.has(a.status) || !a.decision) continue;
    const n = a.round ?? 0;
    if (a.kind === 'appraise') {
      const appraisal = await appraisalOf(a);
      const r = round(n);
      if (appraisal) r.appraisal = appraisal;
      if (appraisal?.generalComment) r.generalComment = appraisal.generalComment;
      if (a.decidedAt) r.decidedAt = a.decidedAt;
    } else if (a.kind === 'explain') {
      const payload = await reviews().getDecisionPayload<Partial<ExplainDecisionPayload>>(a);
      const r = round(n);
      if (payload?.explanation) r.explanation = payload.explanation;
      if (a.decidedAt) r.explainedAt = a.decidedAt;
    }
  }
  return [...rounds.values()].sort((a, b) => a.round - b.round);
}
