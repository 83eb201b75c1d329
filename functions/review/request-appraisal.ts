/**
 * AwaitAppraisal (callback) `{unitId, periodId, round, reviewerId, taskToken}` → no output; the
 * reviewer's decision `{decision: 'approve'|'return', round}` arrives by SendTaskSuccess.
 *
 * Arms the round's `appraise` approval (one per unit, period, round; party `reviewer`), moves the
 * report to `in-review`, and emails the reviewer the signed `/d` link once (outbox identity
 * `review-request`, reviewer, unit, period, round). Re-invoked with a new token it swaps the token
 * behind the same approval (same link, no second mail), or delivers a decision already made.
 * The reviewer is the one stored for the unit-period.
 */
import { DAY_SECONDS, reviewReminderDays } from '#domain/calendar';
import { reviewRequestEmail } from '#mail/review';
import { reviews } from '#ports/dynamo/reviews';
import { approvalUrl } from '#ports/signing';
import { armApproval } from '#steps/arm';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type CallbackInput, callbackInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { moveReport, systemActor } from '#steps/records';

const STEP = 'request-appraisal';

export async function requestAppraisal(input: CallbackInput, ctx: CampaignStepContext): Promise<void> {
  const { unitId, periodId, round } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const assignment = await reviews().getAssignment(periodId, unitId);
  const reviewerId = assignment?.reviewerId ?? input.reviewerId;

  const armed = await armApproval(
    ctx.log,
    {
      kind: 'appraise',
      periodId,
      unitId,
      round,
      party: 'reviewer',
      subjectId: reviewerId,
      remindEverySeconds: reviewReminderDays(campaign.config.calendar) * DAY_SECONDS,
    },
    period.lateAppraisalUntil,
    input.taskToken,
  );
  if (armed.state !== 'armed') return;
  crashPoint('request-appraisal.after-arm');

  await moveReport(unitId, periodId, ['submitted', 'explained'], 'in-review', systemActor(STEP));
  crashPoint('request-appraisal.after-status');

  const now = ctx.clock();
  if (now.getTime() >= Date.parse(armed.approval.expiresAt)) {
    ctx.log.info('appraisal link already expired: no mail; the wait ends by its timeout');
    return;
  }
  const reviewer = campaign.person('reviewer', reviewerId);
  const respondBy =
    now.getTime() < Date.parse(period.reviewClosesAt) ? period.reviewClosesAt : period.lateAppraisalUntil;
  const email = reviewRequestEmail(campaign.sender, {
    reviewer,
    unit: campaign.unit(unitId),
    period,
    round,
    reviewUrl: await approvalUrl(armed.approval),
    respondBy,
  });
  const outcome = await mailTo(ctx.log, reviewer, 'review-request', { unitId, periodId, round }, email);
  ctx.log.info('appraisal requested', {
    approvalId: armed.approval.id,
    created: armed.created,
    mail: outcome,
  });
}

export const handler = campaignStep({ name: STEP, input: callbackInput }, requestAppraisal);
