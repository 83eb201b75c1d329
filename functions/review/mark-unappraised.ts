/**
 * MarkUnappraised `{unitId, periodId, round, reviewerId}` → `{}`.
 *
 * The late-appraisal deadline passed without an approval. The report keeps its status (scoring
 * derives *Chưa thẩm định* from a report submitted but not approved, docs/review.md decision 10);
 * this step closes the unit-period's pending appraisal/explanation points (their links now answer
 * 410), records the outcome in the audit, and alerts every admin and the unit's focal point once
 * (outbox identity `unappraised`, recipient, unit, period).
 */
import { unappraisedEmail, unappraisedUnitEmail } from '#mail/review';
import { audit } from '#ports/dynamo/audit';
import { reviews } from '#ports/dynamo/reviews';
import { baseUrl } from '#ports/settings';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type RoundInput, roundInput } from '#steps/inputs';
import { mailEach, mailTo } from '#steps/mail';
import { closePendingReviewApprovals, systemActor } from '#steps/records';
import { unitHref } from '#web/admin-routes';

const STEP = 'mark-unappraised';
const CLOSED_REASON = 'late-appraisal-deadline';

export async function markUnappraised(
  input: RoundInput,
  ctx: CampaignStepContext,
): Promise<Record<string, never>> {
  const { unitId, periodId } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  // The points the review ended on: pending, or closed here by a try that died after closing them
  // (its Retry must say what it would have said: who the review waited for, how many it closed).
  const ended = approvals.filter(
    (a) =>
      (a.kind === 'appraise' || a.kind === 'explain') &&
      (a.status === 'pending' || (a.status === 'closed' && a.closedReason === CLOSED_REASON)),
  );
  const waitingForUnit = ended.some((a) => a.kind === 'explain' && a.round === input.round);
  await closePendingReviewApprovals(unitId, periodId, CLOSED_REASON);
  crashPoint('unappraised.after-close');
  const assignment = await reviews().getAssignment(periodId, unitId);
  const reviewerId = assignment?.reviewerId ?? input.reviewerId;
  await audit().append({
    id: 'unappraised',
    subject: `report/${unitId}/${periodId}`,
    periodId,
    actor: systemActor(STEP),
    action: 'report.unappraised',
    detail: {
      round: input.round,
      reviewerId,
      waitingFor: waitingForUnit ? 'unit' : 'reviewer',
      closed: ended.length,
    },
  });

  crashPoint('unappraised.after-audit');
  const unit = campaign.unit(unitId);
  const reviewer = campaign.findPerson('reviewer', reviewerId);
  await mailEach(ctx.log, campaign.people('admin'), 'unappraised', { unitId, periodId }, (admin) =>
    unappraisedEmail(campaign.sender, {
      admin,
      unit,
      period,
      waitingFor: waitingForUnit ? 'unit' : 'reviewer',
      ...(reviewer ? { reviewer } : {}),
      lateAppraisalUntil: period.lateAppraisalUntil,
    }),
  );
  // The unit too: its results mail promised a new result once approved (identity `unappraised`).
  await mailTo(
    ctx.log,
    unit.focalPoint,
    'unappraised',
    { unitId, periodId },
    unappraisedUnitEmail(campaign.sender, {
      unit,
      period,
      waitingFor: waitingForUnit ? 'unit' : 'reviewer',
      lateAppraisalUntil: period.lateAppraisalUntil,
      historyUrl: `${baseUrl()}${unitHref.request()}`,
    }),
  );
  ctx.log.info('review closed unappraised', { closed: ended.length });
  return {};
}

export const handler = campaignStep({ name: STEP, input: roundInput }, markUnappraised);
