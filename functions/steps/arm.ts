/**
 * Arming a callback wait (docs/review.md, decisions 1–2, 6): one approval per decision point,
 * holding the task token. Created the first time; found again when the wait is re-armed (a
 * timeout's loop back, or a restarted execution), and then the new token is swapped in behind the
 * same id — the link already mailed keeps working. If the person already decided, the decision is
 * delivered to the new token at once. The review's appraisals and explanations and the council's
 * votes wait this way.
 */
import { reviews } from '#ports/dynamo/reviews';
import type { Logger } from '#ports/log';
import type { Approval, ApprovalPoint, NewApproval } from '#ports/reviews';
import { currentKeyId } from '#ports/signing';
import { auditDecision } from './decisions.ts';
import { type DeliveryOutcome, deliverDecision } from './delivery.ts';

export type ArmOutcome =
  /** Waiting for the person: mail the link (the outbox keeps it to one mail). */
  | { state: 'armed'; approval: Approval; created: boolean }
  /** Decided before: delivered (or queued for the sweep) now; nothing to mail. */
  | { state: 'delivered'; approval: Approval; delivery: DeliveryOutcome }
  /** The point was closed (the review ended, the vote closed): the wait ends by its own path. */
  | { state: 'closed'; approval: Approval };

export async function armApproval(
  log: Logger,
  point: Required<Pick<ApprovalPoint, 'kind' | 'periodId' | 'round' | 'party'>> &
    Pick<ApprovalPoint, 'unitId'> &
    Pick<NewApproval, 'remindEverySeconds'> & { subjectId: string },
  expiresAt: string,
  taskToken: string,
): Promise<ArmOutcome> {
  const { approval, created } = await reviews().createApproval({
    ...point,
    taskToken,
    expiresAt,
    keyId: await currentKeyId(),
  });
  if (created) return { state: 'armed', approval, created };
  const swap = await reviews().swapTaskToken(approval.id, taskToken);
  if (swap.state === 'armed') return { state: 'armed', approval: swap.approval, created: false };
  if (swap.state === 'closed') {
    log.info('decision point closed; the wait ends by its own path', { approvalId: approval.id });
    return { state: 'closed', approval: swap.approval };
  }
  // The deciding request may have stopped before its audit entry (the sweep writes it before it
  // delivers; this wait may come first): written once, by id.
  await auditDecision(swap.approval);
  const delivery = await deliverDecision(swap.approval, log);
  log.info('decision recorded before the wait was re-armed: delivered at once', {
    approvalId: approval.id,
    delivery,
  });
  return { state: 'delivered', approval: swap.approval, delivery };
}
