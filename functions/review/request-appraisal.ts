/**
 * AwaitAppraisal (callback) `{unitId, periodId, round, reviewerId, taskToken}` → no output; the
 * reviewer's decision `{decision: 'approve'|'return', round}` arrives by SendTaskSuccess.
 *
 * Arms the round's `appraise` approval (one per unit, period, round; party `reviewer`), moves the
 * report to `in-review`, mails the unit its receipt once (outbox identity `receipt`, focal point,
 * unit, period, round: the version received, by when the review is due), then the reviewer the
 * signed `/d` link once (`review-request`, reviewer, unit, period, round). Re-invoked with a new token it swaps the token
 * behind the same approval (same link, no second mail), or delivers a decision already made; when
 * the admin reassigned the round, behind the new reviewer's approval (party `reviewer-<id>`).
 * The reviewer is the one stored for the unit-period.
 */
import { reviewReminderSeconds } from '#domain/calendar';
import { receiptEmail, reviewRequestEmail } from '#mail/review';
import { outbox } from '#ports/dynamo/outbox';
import { reviews } from '#ports/dynamo/reviews';
import { approvalUrl } from '#ports/signing';
import { armApproval } from '#steps/arm';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { reportLink } from '#steps/grants';
import { type CallbackInput, callbackInput } from '#steps/inputs';
import { mailIdentity, mailTo } from '#steps/mail';
import { moveReport, systemActor } from '#steps/records';

const STEP = 'request-appraisal';
/** Reassignments of one round followed before giving up (each is an admin's action). */
const MAX_REASSIGNMENTS = 20;

export async function requestAppraisal(input: CallbackInput, ctx: CampaignStepContext): Promise<void> {
  const { unitId, periodId, round } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const assignment = await reviews().getAssignment(periodId, unitId);
  const reviewerId = assignment?.reviewerId ?? input.reviewerId;

  const arm = (party: string, subjectId: string) =>
    armApproval(
      ctx.log,
      {
        kind: 'appraise',
        periodId,
        unitId,
        round,
        party,
        subjectId,
        remindEverySeconds: reviewReminderSeconds(campaign.config.calendar),
      },
      period.lateAppraisalUntil,
      input.taskToken,
    );
  let armed = await arm('reviewer', reviewerId);
  // A round reassigned: its live point is the new reviewer's (party `reviewer-<id>`,
  // functions/steps/reassignment.ts). A wait armed again (after a timeout) follows the
  // reassignments to it, so the new token reaches the link the new reviewer holds.
  for (let hop = 0; hop < MAX_REASSIGNMENTS && armed.state === 'closed'; hop++) {
    const next = armed.approval.reassignment?.newReviewerId;
    if (!next) break;
    armed = await arm(`reviewer-${next}`, next);
  }
  if (armed.state !== 'armed') return;
  crashPoint('request-appraisal.after-arm');

  const report = await moveReport(
    unitId,
    periodId,
    ['submitted', 'explained'],
    'in-review',
    systemActor(STEP),
  );
  crashPoint('request-appraisal.after-status');

  const now = ctx.clock();
  if (now.getTime() >= Date.parse(armed.approval.expiresAt)) {
    ctx.log.info('appraisal link already expired: no mail; the wait ends by its timeout');
    return;
  }
  const respondBy =
    now.getTime() < Date.parse(period.reviewClosesAt) ? period.reviewClosesAt : period.lateAppraisalUntil;

  // The unit's receipt first: the reviewer cannot decide before its own mail, so a Retry after a
  // crash between the two always finds the wait armed and sends whichever is missing.
  const unit = campaign.unit(unitId);
  const about = { unitId, periodId, round };
  // Armed again (a timeout's loop, a Retry): a receipt already in the outbox is not rebuilt.
  const receipted =
    !armed.created && (await outbox().get(mailIdentity('receipt', unit.focalPoint.email, about)))
      ? 'sent before'
      : await mailTo(
          ctx.log,
          unit.focalPoint,
          'receipt',
          about,
          receiptEmail(campaign.sender, {
            unit,
            period,
            round,
            version: report.version,
            // Round 1 received the submission; a later round, the explanation (the last revision).
            receivedAt: round > 1 ? report.updatedAt : (report.submittedAt ?? report.updatedAt),
            reviewBy: respondBy,
            ...(round === 1 &&
            report.submittedAt &&
            Date.parse(report.submittedAt) >= Date.parse(period.deadlineAt)
              ? { lateAfter: period.deadlineAt }
              : {}),
            reportUrl: (await reportLink(unitId, period)).url,
          }),
        );
  crashPoint('request-appraisal.after-receipt');

  // The armed point's reviewer: the assignment's, or the one a reassignment named.
  const reviewer = campaign.person('reviewer', armed.approval.subjectId ?? reviewerId);
  const email = reviewRequestEmail(campaign.sender, {
    reviewer,
    unit,
    period,
    round,
    reviewUrl: await approvalUrl(armed.approval),
    respondBy,
  });
  const outcome = await mailTo(ctx.log, reviewer, 'review-request', about, email);
  ctx.log.info('appraisal requested', {
    approvalId: armed.approval.id,
    created: armed.created,
    mail: outcome,
    receipt: receipted,
  });
}

export const handler = campaignStep({ name: STEP, input: callbackInput }, requestAppraisal);
