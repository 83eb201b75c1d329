/**
 * Arming a callback wait (docs/review.md, decisions 1–2, 6): one approval per decision point,
 * holding the task token. Created the first time; found again when the wait is re-armed (a
 * timeout's loop back, or a restarted execution), and then the new token is swapped in behind the
 * same id — the link already mailed keeps working. If the person already decided, the decision is
 * delivered to the new token at once.
 */
import type { Period } from '#domain/model';
import type { Approval, ApprovalPoint } from '#ports/store';
import { type DeliveryOutcome, deliverDecision } from '#steps/delivery';
import type { StepContext } from '#steps/middleware';

export type ArmOutcome =
  /** Waiting for the person: mail the link (the outbox keeps it to one mail). */
  | { state: 'armed'; approval: Approval; created: boolean }
  /** Decided before: delivered (or queued for the sweep) now; nothing to mail. */
  | { state: 'delivered'; approval: Approval; delivery: DeliveryOutcome }
  /** The point was closed (the review ended): the wait ends by its timeout path. */
  | { state: 'closed'; approval: Approval };

export async function armApproval(
  ctx: Pick<StepContext, 'store' | 'callbacks' | 'log' | 'deps'>,
  point: Required<Pick<ApprovalPoint, 'kind' | 'periodId' | 'unitId' | 'round' | 'party'>> & {
    subjectId: string;
  },
  period: Pick<Period, 'lateAppraisalUntil'>,
  taskToken: string,
): Promise<ArmOutcome> {
  const keyring = await ctx.deps.keyring();
  const { approval, created } = await ctx.store.createApproval({
    ...point,
    taskToken,
    expiresAt: period.lateAppraisalUntil,
    keyId: keyring.current,
  });
  if (created) return { state: 'armed', approval, created };
  const swap = await ctx.store.swapTaskToken(approval.id, taskToken);
  if (swap.state === 'armed') return { state: 'armed', approval: swap.approval, created: false };
  if (swap.state === 'closed') {
    ctx.log.info('decision point closed; the wait ends by its timeout', { approvalId: approval.id });
    return { state: 'closed', approval: swap.approval };
  }
  const delivery = await deliverDecision(ctx, swap.approval);
  ctx.log.info('decision recorded before the wait was re-armed: delivered at once', {
    approvalId: approval.id,
    delivery,
  });
  return { state: 'delivered', approval: swap.approval, delivery };
}
