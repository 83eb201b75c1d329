/**
 * EscalateReview / RemindExplanation `{unitId, periodId, round, reviewerId, kind}` →
 * `{pastLateDeadline, waitSeconds}` (docs/review.md, decision 10 and "How long a wait lasts").
 *
 * A callback wait timed out. Past the period's late-appraisal deadline nothing is sent and the
 * workflow ends the review (MarkUnappraised); before it, the admins are told that the reviewer
 * has not answered (`kind: 'appraise'`; while the period's review runs, the reviewer is reminded
 * too, with the same link) or the unit is reminded to explain (`kind: 'explain'`), and the
 * workflow waits again behind the same link. The reminder count lives on the approval
 * (`noteReminder`, at most one per reminder interval: `reminderGapMs`), and each reminder has its own
 * outbox identity (`escalation-<n>`, `review-reminder-<n>` / `explanation-reminder-<n>`): a retried or re-run step sends
 * the same reminder again, which mails only whom an earlier try missed, never anyone twice.
 */
import { MIN_WAIT_SECONDS, reviewReminderSeconds, waitSeconds } from '#domain/calendar';
import { escalationEmail, explanationReminderEmail, reviewRequestEmail } from '#mail/review';
import { reviews } from '#ports/dynamo/reviews';
import type { ApprovalStatus } from '#ports/reviews';
import { baseUrl } from '#ports/settings';
import { approvalUrl } from '#ports/signing';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { decideExplanation } from '#steps/explanation-decision';
import { reportLink } from '#steps/grants';
import { type RemindInput, remindInput } from '#steps/inputs';
import { mailEach, mailTo } from '#steps/mail';
import { adminHref } from '#web/admin-routes';

const STEP = 'remind-waiting';

/**
 * How long after the last reminder another may be noted: the reminder interval (docs/review.md,
 * decision 10: "at most once per timeout interval"), less a minute. A new timeout comes a whole
 * interval after the last reminder at the earliest (the wait after it starts once it is noted and
 * lasts the interval; a wait cut at the deadline reminds no one); anything sooner is the same
 * timeout again — the workflow's Retry, or locally an execution resumed after a restart, whose
 * waits that had timed out before time out again at once, hours or days after the reminder they
 * caused. The interval is the one the approval was armed with, or the calendar's now when that is
 * shorter (the wait that timed out may have been entered with either).
 */
export function reminderGapMs(approval: { remindEverySeconds?: number }, calendarSeconds: number): number {
  const seconds = Math.min(approval.remindEverySeconds ?? calendarSeconds, calendarSeconds);
  return Math.max(0, seconds * 1000 - 60_000);
}

/**
 * How long past the deadline a decision made in time is still waited for: each minute the wait is
 * armed again and delivers it at once, so only a delivery failing for an hour runs out.
 */
const DELIVERY_AFTER_DEADLINE_MS = 3_600_000;

/** A decision recorded that the waiting task has not received. */
const UNDELIVERED: readonly ApprovalStatus[] = ['decided', 'failed-delivery', 'task-gone'];

/** What the workflow reads: whether the review ends, else how long the next wait lasts. */
export interface Reminded {
  pastLateDeadline: boolean;
  waitSeconds: number;
}

export async function remindWaiting(input: RemindInput, ctx: CampaignStepContext): Promise<Reminded> {
  const { unitId, periodId, round, kind } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const now = ctx.clock();
  const deadline = Date.parse(period.lateAppraisalUntil);
  const answer: Reminded = {
    pastLateDeadline: now.getTime() >= deadline,
    // The next wait, cut at the deadline: the review ends then (docs/review.md).
    waitSeconds: waitSeconds(now, reviewReminderSeconds(campaign.config.calendar), period.lateAppraisalUntil),
  };
  // The round's live approval: after a reassignment the closed one is the old reviewer's.
  const roundApproval = async () => {
    const ofRound = (await reviews().listUnitPeriodApprovals(unitId, periodId)).filter(
      (a) => a.kind === kind && (a.round ?? 0) === round,
    );
    return ofRound.find((a) => a.status !== 'closed') ?? ofRound[0];
  };
  if (answer.pastLateDeadline) {
    // Decided in time, but its delivery has not reached the wait (it failed, or lost the race
    // with the timeout, and the sweep has not run yet): wait once more, and the re-armed wait
    // receives the decision at once (docs/review.md, decision 3) instead of the review ending
    // unappraised with a decision recorded.
    const approval = await roundApproval();
    if (
      approval &&
      UNDELIVERED.includes(approval.status) &&
      now.getTime() < deadline + DELIVERY_AFTER_DEADLINE_MS
    ) {
      return { pastLateDeadline: false, waitSeconds: MIN_WAIT_SECONDS };
    }
    return answer;
  }
  // A timer that fired just before the deadline: the next wait ends at it, with no reminder of a
  // link about to close.
  if (deadline - now.getTime() < MIN_WAIT_SECONDS * 1000) return answer;

  // An explanation stored but not yet decided (its request stopped after the revision): decide it
  // instead of reminding the unit of what it already did; the re-armed wait delivers it at once.
  if (kind === 'explain') {
    const followUp = await decideExplanation(ctx.log, unitId, periodId);
    if (followUp.state === 'decided') return answer;
  }
  const approval = await roundApproval();
  if (approval?.status !== 'pending') {
    // Decided meanwhile (the re-armed wait delivers it at once) or closed: nothing to remind of.
    return answer;
  }
  const { remind, reminders } = await reviews().noteReminder(
    approval.id,
    reminderGapMs(approval, reviewReminderSeconds(campaign.config.calendar)),
  );
  // Not noted now: an earlier try of this timeout noted reminder `reminders` and may have stopped
  // before mailing everyone (a fault on one admin's outbox claim). Its mail again: each identity
  // goes out once, so only what that try left unsent is sent.
  if (!remind && reminders === 0) return answer;
  crashPoint(`remind-${kind}.after-note`);

  const unit = campaign.unit(unitId);
  const about = { unitId, periodId, round };
  if (kind === 'appraise') {
    const assignment = await reviews().getAssignment(periodId, unitId);
    const reviewerId = assignment?.reviewerId ?? input.reviewerId;
    const person = campaign.findPerson('reviewer', reviewerId);
    const reviewer = person ?? { name: reviewerId };
    const overdue = now.getTime() >= Date.parse(period.reviewClosesAt);
    if (person && !overdue) {
      // While the period's review runs, the reviewer is reminded too, with the link it holds.
      await mailTo(
        ctx.log,
        person,
        `review-reminder-${reminders}`,
        about,
        reviewRequestEmail(campaign.sender, {
          reviewer: person,
          unit,
          period,
          round,
          reviewUrl: await approvalUrl(approval),
          respondBy: period.reviewClosesAt,
          reminder: { n: reminders, waitingSince: approval.createdAt },
        }),
      );
    }
    // An admin who is the silent reviewer was just reminded as the reviewer: a second letter about
    // "đồng chí <their own name>" would only confuse them.
    const remindedAsReviewer = (admin: { email: string }) =>
      Boolean(person && !overdue && admin.email === person.email);
    const admins = campaign.people('admin').filter((admin) => !remindedAsReviewer(admin));
    await mailEach(ctx.log, admins, `escalation-${reminders}`, about, (admin) =>
      escalationEmail(campaign.sender, {
        admin,
        unit,
        reviewer,
        period,
        round,
        waitingSince: approval.createdAt,
        reviewClosesAt: period.reviewClosesAt,
        lateAppraisalUntil: period.lateAppraisalUntil,
        reminder: reminders,
        reassignUrl: `${baseUrl()}${adminHref.reassign(periodId, unitId)}`,
        overdue,
      }),
    );
  } else {
    const link = await reportLink(unitId, period);
    const email = explanationReminderEmail(campaign.sender, {
      unit,
      period,
      round,
      returnedAt: approval.createdAt,
      reportUrl: link.url,
      explainBy: approval.expiresAt,
      reminder: reminders,
    });
    await mailTo(ctx.log, unit.focalPoint, `explanation-reminder-${reminders}`, about, email);
  }
  ctx.log.info('wait timed out: reminded', { reminders });
  return answer;
}

export const handler = campaignStep({ name: STEP, input: remindInput }, remindWaiting);
