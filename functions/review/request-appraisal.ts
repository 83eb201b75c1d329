/**
 * AwaitAppraisal (callback) `{unitId, periodId, round, reviewerId, taskToken}` → no output; the
 * reviewer's decision `{decision: 'approve'|'return', round}` arrives by SendTaskSuccess.
 *
 * Arms the round's `appraise` approval (one per unit, period, round; party `reviewer`), moves the
 * report to `in-review`, and emails the reviewer the signed `/d` link once (outbox identity
 * `review-request`, reviewer, unit, period, round). Re-invoked with a new token it swaps the token
 * behind the same approval (same link, no second mail), or delivers a decision already made.
 * The reviewer is the one stored for the unit-period (an admin may have reassigned it).
 */
import { reviewRequestEmail } from '#mail/review';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requirePerson,
  requireUnit,
  sendMail,
  systemActor,
} from '#steps/steps';
import { armApproval } from './arm.ts';
import { callbackInput } from './inputs.ts';
import { moveReport } from './records.ts';

const STEP = 'request-appraisal';

export async function requestAppraisal(
  input: { unitId: string; periodId: string; round: number; reviewerId: string; taskToken: string },
  ctx: StepContext,
): Promise<void> {
  const { unitId, periodId, round } = input;
  const { period } = await requirePeriod(ctx, periodId);
  const assignment = await ctx.store.getAssignment(periodId, unitId);
  const reviewerId = assignment?.reviewerId ?? input.reviewerId;

  const armed = await armApproval(
    ctx,
    { kind: 'appraise', periodId, unitId, round, party: 'reviewer', subjectId: reviewerId },
    period,
    input.taskToken,
  );
  if (armed.state !== 'armed') return;

  await moveReport(ctx, unitId, periodId, ['submitted', 'explained'], 'in-review', systemActor(STEP));

  const now = ctx.clock();
  if (now.getTime() >= Date.parse(armed.approval.expiresAt)) {
    ctx.log.info('appraisal link already expired: no mail; the wait ends by its timeout');
    return;
  }
  const [{ sender }, unit, reviewer] = await Promise.all([
    requireCampaign(ctx),
    requireUnit(ctx, unitId),
    requirePerson(ctx, 'reviewer', reviewerId),
  ]);
  const respondBy =
    now.getTime() < Date.parse(period.reviewClosesAt) ? period.reviewClosesAt : period.lateAppraisalUntil;
  const email = reviewRequestEmail(sender, {
    reviewer,
    unit,
    period,
    round,
    reviewUrl: await ctx.deps.approvalUrl(armed.approval),
    respondBy,
  });
  const outcome = await sendMail(
    ctx,
    ctx.log,
    mailIdentity('review-request', reviewer.email, { unitId, periodId, round }),
    { to: reviewer.email, ...email },
  );
  ctx.log.info('appraisal requested', {
    approvalId: armed.approval.id,
    created: armed.created,
    mail: outcome,
  });
}

export const handler = stepHandler({ name: STEP, input: callbackInput }, requestAppraisal);
