/**
 * RemindVote `{cycleId, memberId}` → `{pastLateDeadline, waitSeconds}` (commendation workflow,
 * the reminded wait of each council member; docs/commendation.md, "Reminding the council").
 *
 * A member's vote wait timed out. At or past the vote's close the member is absent
 * (`pastLateDeadline`: the tally counts stored ballots, so a ballot recorded while its delivery
 * was pending still counts). Before it, once the reminder time has come, a member whose approval
 * is still pending gets the vote letter again, said to be a reminder, with the same link (outbox
 * identity `vote-reminder`, the member, the cycle: a retried or re-run step never mails twice),
 * and the workflow waits again behind that link until the close.
 */
import { voteWaitSeconds } from '#domain/council';
import { NotFoundError } from '#ports/errors';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { type CycleMemberInput, cycleMemberInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { cycleVoteApprovals, parseCycle, readCycle } from './award.ts';
import { voteLetter } from './vote-mail.ts';

const STEP = 'remind-vote';

/** What the workflow reads: whether the vote has closed for this member, else the next wait. */
export interface VoteReminded {
  pastLateDeadline: boolean;
  waitSeconds: number;
}

export async function remindVote(input: CycleMemberInput, ctx: CampaignStepContext): Promise<VoteReminded> {
  const cycle = parseCycle(input.cycleId);
  const { memberId } = input;
  const stored = await readCycle(cycle.cycleId);
  const header = stored.header;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  const now = ctx.clock();
  const times = { closesAt: header.voteClosesAt, ...(header.remindAt ? { remindAt: header.remindAt } : {}) };
  const next: VoteReminded = { pastLateDeadline: false, waitSeconds: voteWaitSeconds(now, times) };
  if (now.getTime() >= Date.parse(header.voteClosesAt) || stored.outcome) {
    return { ...next, pastLateDeadline: true };
  }
  // Before the reminder time (a wait re-armed early by a restart), nothing to send yet.
  if (!header.remindAt || now.getTime() < Date.parse(header.remindAt)) return next;
  const approval = (await cycleVoteApprovals(cycle.cycleId)).find((a) => a.party === memberId);
  // Voted (the re-armed wait receives the ballot at once), or never asked: nobody to remind.
  if (approval?.status !== 'pending') return next;
  const member = ctx.campaign.findPerson('council', memberId);
  if (!member) return next;
  const mail = await voteLetter(ctx.campaign, cycle, { ...stored, header }, member, approval, true);
  const outcome = await mailTo(ctx.log, member, 'vote-reminder', { periodId: cycle.cycleId }, mail);
  ctx.log.info('vote reminder', { approvalId: approval.id, mail: outcome });
  return next;
}

export const handler = campaignStep({ name: STEP, input: cycleMemberInput }, remindVote);
