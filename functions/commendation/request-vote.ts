/**
 * RequestVote (callback) `{cycleId, memberId, taskToken}` → no output; the member's ballot
 * arrives by SendTaskSuccess when they vote (`{decision: 'cast', round: 0}`; the ballot itself
 * is the decision's stored payload, never in the execution), or the wait times out: at the
 * reminder time (RemindVote mails the letter again and the wait is re-armed, this step invoked
 * again with a new token), then at the vote's close (absent).
 *
 * One approval of kind `vote` per (cycle, member) (`periodId` = the cycle id, `party` = the
 * member), expiring at the vote's close stored with the proposal; the member gets the signed
 * `/d` link once (outbox identity `vote-request`, member, cycle). Re-invoked with a new token
 * (a restarted execution) the token is swapped in behind the same approval, so the mailed link
 * keeps working; a vote already cast is delivered at once. When the vote has already closed, the
 * task is answered at once (`{decision: 'vote-closed'}`) instead of waiting on.
 */
import { callbacks } from '#ports/callbacks';
import { NotFoundError } from '#ports/errors';
import { armApproval } from '#steps/arm';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type RequestVoteInput, requestVoteInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { parseCycle, readCycle } from './award.ts';
import { voteLetter } from './vote-mail.ts';

const STEP = 'request-vote';
const VOTE_CLOSED = { decision: 'vote-closed', round: 0 };

export async function requestVote(input: RequestVoteInput, ctx: CampaignStepContext): Promise<void> {
  const cycle = parseCycle(input.cycleId);
  const { memberId } = input;
  const { campaign } = ctx;
  const stored = await readCycle(cycle.cycleId);
  const header = stored.header;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  const member = campaign.person('council', memberId);
  const armed = await armApproval(
    ctx.log,
    { kind: 'vote', periodId: cycle.cycleId, round: 0, party: memberId, subjectId: memberId },
    header.voteClosesAt,
    input.taskToken,
  );
  if (armed.state === 'delivered') return;
  crashPoint('request-vote.after-arm');
  if (armed.state === 'closed' || ctx.clock().getTime() >= Date.parse(header.voteClosesAt)) {
    ctx.log.info('the vote has closed: the member is absent', { approvalId: armed.approval.id });
    await callbacks().sendDecision(input.taskToken, VOTE_CLOSED);
    return;
  }
  const mail = await voteLetter(campaign, cycle, { ...stored, header }, member, armed.approval);
  const outcome = await mailTo(ctx.log, member, 'vote-request', { periodId: cycle.cycleId }, mail);
  ctx.log.info('vote requested', { approvalId: armed.approval.id, created: armed.created, mail: outcome });
}

export const handler = campaignStep({ name: STEP, input: requestVoteInput }, requestVote);
