/**
 * RequestVote (callback) `{cycleId, memberId, taskToken}` → no output; the member's ballot
 * arrives by SendTaskSuccess when they vote (`{decision: 'cast', round: 0}`; the ballot itself
 * is stored, never in the execution), or the task times out at the vote's close (absent).
 *
 * One approval of kind `vote` per (cycle, member) (`periodId` = the cycle id, `party` = the
 * member), expiring at the vote's close stored with the proposal; the member gets the signed
 * `/d` link once (outbox identity `vote-request`, member, cycle). Re-invoked with a new token
 * (a restarted execution) the token is swapped in behind the same approval, so the mailed link
 * keeps working; a vote already cast is delivered at once (and its ballot recorded if a crash
 * left it unrecorded). When the vote has already closed, the task is answered at once
 * (`{decision: 'vote-closed'}`) instead of waiting a further voteDays.
 */

import { passRequired, quorumRequired } from '#domain/council';
import { voteRequestEmail } from '#mail/commendation';
import { NotFoundError } from '#ports/store';
import { deliverDecision } from '#steps/delivery';
import { requestVoteInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { mailIdentity, requireCampaign, requirePerson, sendMail } from '#steps/steps';
import {
  ballotCandidates,
  candidateDetail,
  cycleLabel,
  cycleLabelEn,
  KIND_LABELS,
  parseCycle,
  readCycle,
  recordBallot,
} from './award.ts';

const STEP = 'request-vote';

export async function requestVote(
  input: { cycleId: string; memberId: string; taskToken: string },
  ctx: StepContext,
): Promise<void> {
  const cycle = parseCycle(input.cycleId);
  const { memberId } = input;
  const stored = await readCycle(ctx.store, cycle.cycleId);
  const header = stored.header;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  const member = await requirePerson(ctx, 'council', memberId);
  const keyring = await ctx.deps.keyring();
  const point = { kind: 'vote' as const, periodId: cycle.cycleId, round: 0, party: memberId };
  const created = await ctx.store.createApproval({
    ...point,
    subjectId: memberId,
    taskToken: input.taskToken,
    expiresAt: header.voteClosesAt,
    keyId: keyring.current,
  });
  let approval = created.approval;
  if (!created.created) {
    const swap = await ctx.store.swapTaskToken(approval.id, input.taskToken);
    approval = swap.approval;
    if (swap.state === 'decided') {
      await recordBallot(ctx.store, approval);
      const delivery = await deliverDecision(ctx, approval);
      ctx.log.info('vote cast before the wait was re-armed: delivered at once', {
        approvalId: approval.id,
        delivery,
      });
      return;
    }
    if (swap.state === 'closed') {
      await ctx.callbacks.sendDecision(input.taskToken, { decision: 'vote-closed', round: 0 });
      return;
    }
  }
  if (ctx.clock().getTime() >= Date.parse(header.voteClosesAt)) {
    ctx.log.info('the vote has closed: the member is absent', { approvalId: approval.id });
    await ctx.callbacks.sendDecision(input.taskToken, { decision: 'vote-closed', round: 0 });
    return;
  }
  const { config, sender } = await requireCampaign(ctx);
  const N = header.memberIds.length;
  const mail = voteRequestEmail(sender, {
    member,
    cycleLabel: cycleLabel(cycle, config),
    cycleEn: cycleLabelEn(cycle, config),
    candidates: ballotCandidates(stored).map((c) => ({
      name: c.name,
      kindLabel: KIND_LABELS[c.kind],
      unitName: c.unitName,
      formLabel: c.formLabel,
      detail: candidateDetail(c),
    })),
    voteUrl: await ctx.deps.approvalUrl(approval),
    closesAt: header.voteClosesAt,
    rule: {
      N,
      quorumRequired: quorumRequired(N, header.council.quorum),
      passRequired: passRequired(N, header.council.passPercent),
      passPercent: header.council.passPercent,
    },
    ties: header.tiesForCouncil.map((t) => t.message),
  });
  const outcome = await sendMail(
    ctx,
    ctx.log,
    mailIdentity('vote-request', member.email, { periodId: cycle.cycleId }),
    {
      to: member.email,
      ...mail,
    },
  );
  ctx.log.info('vote requested', { approvalId: approval.id, created: created.created, mail: outcome });
}

export const handler = stepHandler({ name: STEP, input: requestVoteInput }, requestVote);
