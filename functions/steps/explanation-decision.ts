/**
 * An explanation's first follow-up (docs/reliability.md): the unit's explain POST claims with one
 * write — the revision `returned → explained`, naming the round's `explain` approval and the
 * request's write id — and this decides that approval with the explanation as its payload. Its
 * delivery to the waiting review follows (functions/steps/explanations.ts); a step without a task
 * to deliver to (RemindExplanation, whose wait timed out) only decides, and the re-armed wait
 * receives the decision at once.
 */
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import type { Logger } from '#ports/log';
import type { Approval } from '#ports/reviews';
import { crashPoint } from './crash-point.ts';
import { auditDecision, claimDecision, type ExplainDecisionPayload } from './decisions.ts';

export type ExplanationDecision =
  /** No explanation claimed whose approval is still to decide. */
  | { state: 'none' }
  /** Decided now or before. `writeId` and `version` are the claim's: its FOLLOWUP mark ends once delivered. */
  | { state: 'decided'; approval: Approval; writeId: string; version: number }
  /** The approval can no longer take it (closed or expired): the admin sees the report explained. */
  | { state: 'refused'; outcome: 'expired' | 'closed' | 'not-found' };

/** Decides the unit-period's claimed explanation, if its approval still waits for it. */
export async function decideExplanation(
  log: Logger,
  unitId: string,
  periodId: string,
): Promise<ExplanationDecision> {
  const stored = await reports().get(unitId, periodId);
  const claim = stored?.lastWrite;
  if (stored?.status !== 'explained' || !claim?.approvalId) return { state: 'none' };
  const approval = await reviews().getApproval(claim.approvalId);
  if (!approval) return { state: 'none' };
  if (approval.decision) {
    // Decided by a run that may have stopped before its audit entry: written once, by id.
    await auditDecision(approval);
    return { state: 'decided', approval, writeId: claim.writeId, version: stored.version };
  }
  const payload: ExplainDecisionPayload = {
    explanation: stored.report.response ?? '',
    reportVersion: stored.version,
  };
  const outcome = await claimDecision(
    approval,
    { action: 'explained', payload, writeId: claim.writeId },
    stored.updatedBy,
  );
  if (outcome.outcome === 'not-found') return { state: 'refused', outcome: 'not-found' };
  if (outcome.outcome !== 'decided' && outcome.outcome !== 'already-decided') {
    log.warn('explanation stored but its approval no longer takes it', {
      approvalId: approval.id,
      outcome: outcome.outcome,
    });
    return { state: 'refused', outcome: outcome.outcome };
  }
  crashPoint('explain.after-decision');
  return { state: 'decided', approval: outcome.approval, writeId: claim.writeId, version: stored.version };
}
