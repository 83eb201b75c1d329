/**
 * AwaitExplanation (callback) `{unitId, periodId, round, reviewerId, taskToken}` → no output; the
 * unit's `{decision: 'explained', round}` arrives by SendTaskSuccess when it explains on its
 * report page.
 *
 * Arms the round's `explain` approval (party `unit`), moves the report to `returned` (so the unit
 * may edit it again), and emails the unit's focal point the reviewer's comments per criterion
 * with the unit's report link (`/r`, its long-lived grant), once (outbox identity `returned`,
 * focal point, unit, period, round). Re-armed: same approval, no second mail, or the recorded
 * explanation delivered at once.
 */
import { reviewReminderSeconds } from '#domain/calendar';
import { returnedEmail } from '#mail/review';
import { armApproval } from '#steps/arm';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { finishExplanation } from '#steps/explanations';
import { reportLink } from '#steps/grants';
import { type CallbackInput, callbackInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { moveReport, reviewComments, roundAppraisal, systemActor } from '#steps/records';

const STEP = 'request-explanation';

export async function requestExplanation(input: CallbackInput, ctx: CampaignStepContext): Promise<void> {
  const { unitId, periodId, round } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const armed = await armApproval(
    ctx.log,
    {
      kind: 'explain',
      periodId,
      unitId,
      round,
      party: 'unit',
      subjectId: unitId,
      remindEverySeconds: reviewReminderSeconds(campaign.config.calendar),
    },
    period.lateAppraisalUntil,
    input.taskToken,
  );
  if (armed.state !== 'armed') return;
  // The unit explained but its request stopped before deciding: decide and deliver to this wait.
  const followUp = await finishExplanation(ctx.log, unitId, periodId);
  if (followUp.state === 'decided') return;
  crashPoint('request-explanation.after-arm');

  const report = await moveReport(
    unitId,
    periodId,
    ['in-review', 'submitted'],
    'returned',
    systemActor(STEP),
  );

  crashPoint('request-explanation.after-status');
  if (ctx.clock().getTime() >= Date.parse(armed.approval.expiresAt)) {
    ctx.log.info('explanation link already expired: no mail; the wait ends by its timeout');
    return;
  }
  const unit = campaign.unit(unitId);
  const [appraisal, link] = await Promise.all([
    roundAppraisal(unitId, periodId, round),
    reportLink(unitId, period),
  ]);
  const setId = appraisal?.appraisal.criteriaSetId ?? report.report.criteriaSetId;
  const reviewer = campaign.findPerson('reviewer', input.reviewerId);
  const email = returnedEmail(campaign.sender, {
    unit,
    period,
    round,
    ...(reviewer ? { reviewer } : {}),
    comments: reviewComments(setId ? campaign.criteriaSet(setId) : undefined, appraisal, report),
    ...(appraisal?.generalComment ? { generalComment: appraisal.generalComment } : {}),
    reportUrl: link.url,
    explainBy: armed.approval.expiresAt,
  });
  const outcome = await mailTo(ctx.log, unit.focalPoint, 'returned', { unitId, periodId, round }, email);
  ctx.log.info('explanation requested', {
    approvalId: armed.approval.id,
    created: armed.created,
    mail: outcome,
  });
}

export const handler = campaignStep({ name: STEP, input: callbackInput }, requestExplanation);
