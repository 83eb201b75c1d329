/**
 * EscalateReview / RemindExplanation `{unitId, periodId, round, reviewerId, kind}` →
 * `{pastLateDeadline}` (docs/review.md, decision 10).
 *
 * A callback wait timed out. Past the period's late-appraisal deadline nothing is sent and the
 * workflow ends the review (MarkUnappraised); before it, the admins are told that the reviewer
 * has not answered (`kind: 'appraise'`) or the unit is reminded to explain (`kind: 'explain'`),
 * and the workflow waits again behind the same link. The reminder count lives on the approval
 * (`noteReminder`, at most one per `REMINDER_MIN_INTERVAL_MS`), so a retried or re-run step never
 * mails twice; each reminder has its own outbox identity (`escalation-<n>` /
 * `explanation-reminder-<n>`).
 */
import { escalationEmail, explanationReminderEmail } from '#mail/review';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  admins,
  ensureReportGrant,
  findApproval,
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requireUnit,
  sendMail,
} from '#steps/steps';
import { remindInput } from './inputs.ts';

const STEP = 'remind-waiting';

/**
 * The step runs once per wait timeout (at least a day, workflows/review.ts); this guard only stops
 * a retry or a re-run of the same timeout from sending again.
 */
export const REMINDER_MIN_INTERVAL_MS = 12 * 3_600_000;

export async function remindWaiting(
  input: {
    unitId: string;
    periodId: string;
    round: number;
    reviewerId: string;
    kind: 'appraise' | 'explain';
  },
  ctx: StepContext,
): Promise<{ pastLateDeadline: boolean }> {
  const { unitId, periodId, round, kind } = input;
  const { period } = await requirePeriod(ctx, periodId);
  const now = ctx.clock();
  const pastLateDeadline = now.getTime() >= Date.parse(period.lateAppraisalUntil);
  if (pastLateDeadline) return { pastLateDeadline };

  const approval = await findApproval(ctx, unitId, periodId, kind, round);
  if (approval?.status !== 'pending') {
    // Decided meanwhile (the re-armed wait delivers it at once) or closed: nothing to remind of.
    return { pastLateDeadline };
  }
  const { remind, reminders } = await ctx.store.noteReminder(approval.id, REMINDER_MIN_INTERVAL_MS);
  if (!remind) return { pastLateDeadline };

  const [{ sender }, unit] = await Promise.all([requireCampaign(ctx), requireUnit(ctx, unitId)]);
  if (kind === 'appraise') {
    const assignment = await ctx.store.getAssignment(periodId, unitId);
    const reviewerId = assignment?.reviewerId ?? input.reviewerId;
    const reviewer = (await ctx.store.getPerson('reviewer', reviewerId)) ?? { name: reviewerId };
    for (const admin of await admins(ctx)) {
      const email = escalationEmail(sender, {
        admin,
        unit,
        reviewer,
        period,
        round,
        waitingSince: approval.createdAt,
        reviewClosesAt: period.reviewClosesAt,
        lateAppraisalUntil: period.lateAppraisalUntil,
        reminder: reminders,
      });
      await sendMail(
        ctx,
        ctx.log,
        mailIdentity(`escalation-${reminders}`, admin.email, { unitId, periodId, round }),
        {
          to: admin.email,
          ...email,
        },
      );
    }
  } else {
    const grant = await ensureReportGrant(ctx.deps, unitId, period);
    const email = explanationReminderEmail(sender, {
      unit,
      period,
      round,
      returnedAt: approval.createdAt,
      reportUrl: await ctx.deps.approvalUrl(grant),
      explainBy: approval.expiresAt,
      reminder: reminders,
    });
    await sendMail(
      ctx,
      ctx.log,
      mailIdentity(`explanation-reminder-${reminders}`, unit.focalPoint.email, { unitId, periodId, round }),
      { to: unit.focalPoint.email, ...email },
    );
  }
  ctx.log.info('wait timed out: reminded', { reminders });
  return { pastLateDeadline };
}

export const handler = stepHandler({ name: STEP, input: remindInput }, remindWaiting);
