/**
 * Delivering a recorded decision to the task waiting for it (DESIGN.md, "Approval by email link";
 * docs/review.md, decisions 2–3). The same code runs after a POST decides, when a re-armed step
 * finds its approval already decided, and in the sweep:
 *
 *   SendTaskSuccess(token of the approval as stored, {decision, round, waitSeconds?})
 *     → delivered: `markDelivered(tokenGen)`
 *     → the task is gone (TaskTimedOut, InvalidToken, TaskDoesNotExist): `markTaskGone` — the
 *       decision stays recorded; a re-armed execution gets it through `swapTaskToken`
 *     → anything else (transient): `markDeliveryFailed` — it stays in the sweep's queue.
 *
 * Every mark is conditional on the token generation used, so the answer to a stale token never
 * overwrites what happened with a newer one.
 */
import { DAY_SECONDS, MAX_REVIEW_WAIT_DAYS, waitSeconds } from '#domain/calendar';
import { callbacks } from '#ports/callbacks';
import { now } from '#ports/clock';
import { reviews } from '#ports/dynamo/reviews';
import type { Logger } from '#ports/log';
import type { Approval } from '#ports/reviews';
import { mayHaveApplied, wasUncertain } from '#ports/transient';
import { crashPoint } from './crash-point.ts';

/** What a callback task receives as its output (`$.decision` in the review state machine). */
export interface DecisionOutput {
  /** `approve`, `return`, `explained` (review), `cast` (a vote). */
  decision: string;
  round: number;
  /**
   * A review's decision: how long the wait it leads to lasts, from now — the review's reminder
   * interval cut at the late-appraisal deadline (docs/review.md, decision 16). Computed when the
   * decision is delivered, so a decision the sweep delivers later still ends its wait then.
   */
  waitSeconds?: number;
}

/** Reminder interval of an approval armed before it recorded one: the longest there is. */
const LONGEST_INTERVAL_SECONDS = MAX_REVIEW_WAIT_DAYS * DAY_SECONDS;

export function decisionOutput(
  approval: Pick<Approval, 'decision' | 'round' | 'kind' | 'expiresAt' | 'remindEverySeconds'>,
  at: Date = now(),
): DecisionOutput {
  if (!approval.decision) throw new Error('The approval has no recorded decision to deliver');
  const output: DecisionOutput = { decision: approval.decision.action, round: approval.round ?? 0 };
  if (approval.kind !== 'appraise' && approval.kind !== 'explain') return output;
  // The review's appraisal and explanation links expire at the late-appraisal deadline.
  const interval = approval.remindEverySeconds ?? LONGEST_INTERVAL_SECONDS;
  return { ...output, waitSeconds: waitSeconds(at, interval, approval.expiresAt) };
}

export type DeliveryOutcome =
  | 'delivered'
  /** The task is gone; recorded for the admin. */
  | 'task-gone'
  /** A transient error; the sweep re-sends it. */
  | 'failed'
  /** A newer task token was swapped in meanwhile: its own delivery counts. */
  | 'superseded'
  /** Nothing to deliver to (no token) or nothing decided. */
  | 'nothing';

function describe(err: unknown): string {
  return (err instanceof Error ? `${err.name}: ${err.message}` : `Error: ${String(err)}`).slice(0, 1000);
}

/** Sends the approval's recorded decision with its stored token and records how it went. */
export async function deliverDecision(approval: Approval, log?: Logger): Promise<DeliveryOutcome> {
  if (!approval.decision || !approval.taskToken) return 'nothing';
  let result: 'delivered' | 'task-gone';
  try {
    result = await callbacks().sendDecision(approval.taskToken, decisionOutput(approval));
  } catch (err) {
    log?.warn('decision delivery failed; the sweep will re-send it', {
      approvalId: approval.id,
      kind: approval.kind,
      error: err,
    });
    const mayHaveLanded = wasUncertain(err) || mayHaveApplied(err);
    const marked = await reviews().markDeliveryFailed(
      approval.id,
      approval.tokenGen,
      describe(err),
      mayHaveLanded,
    );
    return marked ? 'failed' : 'superseded';
  }
  // The task gone after an earlier attempt to this same token may have landed: that attempt
  // delivered it (its answer was lost), not a task that ended without it.
  if (result === 'task-gone' && approval.deliveryMayHaveLanded === approval.tokenGen) result = 'delivered';
  if (result === 'task-gone') {
    const marked = await reviews().markTaskGone(
      approval.id,
      approval.tokenGen,
      'The waiting task is gone (timed out, closed or unknown token)',
    );
    if (!marked) {
      // Another request (the same click twice, the sweep) delivered it meanwhile, or a newer token
      // took over: the task answered was this decision's, not a lost one.
      log?.info('decision already delivered by another request', {
        approvalId: approval.id,
        kind: approval.kind,
      });
      return 'superseded';
    }
    log?.warn('decision recorded but its task is gone', { approvalId: approval.id, kind: approval.kind });
    return 'task-gone';
  }
  crashPoint(`${approval.kind}.after-delivery`);
  const marked = await reviews().markDelivered(approval.id, approval.tokenGen);
  return marked ? 'delivered' : 'superseded';
}
