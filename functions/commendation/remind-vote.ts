/**
 * RemindVote `{cycleId, memberId, closesAt, remindAt}` → `{pastLateDeadline, waitSeconds}`
 * (commendation workflow, the reminded wait of each council member; docs/commendation.md,
 * "Reminding the council"). `closesAt` and `remindAt` are the stored proposal's, carried by the
 * execution from Propose (`remindAt` equals `closesAt` when no reminder is sent).
 *
 * A member's vote wait timed out. At or past the vote's close the member is absent
 * (`pastLateDeadline`), decided from the input alone: nothing is read, so the close cannot fail
 * and take the council's vote with it (the tally counts stored ballots, so a ballot recorded while
 * its delivery was pending still counts). Before it, once the reminder time has come and more
 * than an hour is left, a member whose approval is still pending gets the vote letter again, said
 * to be a reminder, with the same link (outbox identity `vote-reminder`, the member, the cycle: a
 * retried or re-run step never mails twice), and the workflow waits again until the close. The
 * reminder is best-effort: if it cannot be read or sent, the step says so in the log and waits on
 * (the admin's page still offers *Nhắc bỏ phiếu*).
 */
import { MIN_WAIT_SECONDS } from '#domain/calendar';
import { type VoteTimes, voteReminderDue, voteWaitSeconds } from '#domain/council';
import { reviews } from '#ports/dynamo/reviews';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { type RemindVoteInput, remindVoteInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { parseCycle, readCycle } from './award.ts';
import { voteLetter } from './vote-mail.ts';

const STEP = 'remind-vote';

/** What the workflow reads: whether the vote has closed for this member, else the next wait. */
export interface VoteReminded {
  pastLateDeadline: boolean;
  waitSeconds: number;
}

export async function remindVote(input: RemindVoteInput, ctx: CampaignStepContext): Promise<VoteReminded> {
  const { closesAt, remindAt } = input;
  const times: VoteTimes = { closesAt, ...(Date.parse(remindAt) < Date.parse(closesAt) ? { remindAt } : {}) };
  const now = ctx.clock();
  const closes = Date.parse(closesAt);
  if (now.getTime() >= closes) return { pastLateDeadline: true, waitSeconds: MIN_WAIT_SECONDS };
  const next: VoteReminded = { pastLateDeadline: false, waitSeconds: voteWaitSeconds(now, times) };
  if (!voteReminderDue(now, times)) return next;
  try {
    await sendReminder(input, ctx);
  } catch (error) {
    ctx.log.warn('vote reminder not sent; the admin can send one from the cycle page', { error });
  }
  return next;
}

/** The vote letter again, to a member whose approval is still pending. */
async function sendReminder(input: RemindVoteInput, ctx: CampaignStepContext): Promise<void> {
  const cycle = parseCycle(input.cycleId);
  const stored = await readCycle(cycle.cycleId);
  const header = stored.header;
  if (!header || stored.outcome) return;
  // This member's approval only, read again by its key (the listing is an index, maybe behind).
  const listed = (await reviews().listPeriodApprovals(cycle.cycleId)).find(
    (a) => a.kind === 'vote' && a.party === input.memberId,
  );
  const approval = listed ? await reviews().getApproval(listed.id) : undefined;
  // Voted (the re-armed wait receives the ballot at once), or never asked: nobody to remind.
  if (approval?.status !== 'pending') return;
  const member = ctx.campaign.findPerson('council', input.memberId);
  if (!member) return;
  const mail = await voteLetter(ctx.campaign, cycle, { ...stored, header }, member, approval, true);
  const outcome = await mailTo(ctx.log, member, 'vote-reminder', { periodId: cycle.cycleId }, mail);
  ctx.log.info('vote reminder', { approvalId: approval.id, mail: outcome });
}

export const handler = campaignStep({ name: STEP, input: remindVoteInput }, remindVote);
