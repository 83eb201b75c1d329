/**
 * Tally `{cycleId}` → `{passed, quorumMet}` (commendation workflow, after every member's vote
 * task has ended — cast, or timed out at the vote's close).
 *
 * 1. Every decided vote approval has its ballot recorded (repairing a crash between the click and
 *    the ballot); pending ones are closed (their links now answer 410 "closed").
 * 2. `tallyCouncil` over the stored ballots (a member without one is simply absent), with the
 *    council as it was at the proposal (N) and the vote's close; then `finalList`.
 * 3. Stored: each ballot candidate's final entry (its item's next version), then the outcome
 *    (council, final lists, dossier) as the commit point. A stored outcome is returned as is.
 */
import { tallyCouncil } from '#domain/council';
import { finalList } from '#domain/final-list';
import type { Person } from '#domain/model';
import { appendAuditOnce } from '#functions/review/records';
import { NotFoundError } from '#ports/store';
import { cycleInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { systemActor } from '#steps/steps';
import {
  type CandidateDoc,
  type CycleOutcome,
  OUTCOME_ID,
  parseCycle,
  proposalOf,
  readCycle,
  recordBallot,
  type VoteBallot,
} from './award.ts';

const STEP = 'tally-votes';

export async function tallyVotes(
  input: { cycleId: string },
  ctx: StepContext,
): Promise<{ passed: number; quorumMet: boolean }> {
  const cycle = parseCycle(input.cycleId);
  let stored = await readCycle(ctx.store, cycle.cycleId);
  const header = stored.header;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  if (stored.outcome) {
    return { passed: stored.outcome.passed, quorumMet: stored.outcome.council.quorumMet };
  }

  for (const approval of await ctx.store.listPeriodApprovals(cycle.cycleId)) {
    if (approval.kind !== 'vote') continue;
    if (approval.status === 'pending') await ctx.store.closeApproval(approval.id, 'vote-closed');
    else await recordBallot(ctx.store, approval);
  }
  const council = await ctx.store.listPeople('council');
  const members: Person[] = header.memberIds.map(
    (id) => council.find((m) => m.id === id) ?? { id, name: id, email: '' },
  );
  const ballots = (await ctx.store.listBallots<VoteBallot>(cycle.cycleId)).map((b) => b.ballot);
  // The zone of the times in the tally's reasons (a late or second ballot).
  const campaign = await ctx.store.getCampaign();
  if (!campaign) throw new NotFoundError('campaign', 'current');
  const tally = tallyCouncil({
    timeZone: campaign.config.district.timeZone,
    members,
    ballots,
    candidates: header.ballot,
    settings: { council: header.council },
    closesAt: header.voteClosesAt,
  });
  const final = finalList(proposalOf(stored), tally);
  if (header.ballot.length === 0) {
    // Nobody was asked to vote (the proposal step returned no members): say why nothing passed.
    final.council.outcome =
      'Không có trường hợp nào đủ điều kiện đưa ra Hội đồng biểu quyết: không có đề nghị khen thưởng.';
  }

  const onBallot = new Set(header.ballot);
  for (const entry of final.entries) {
    if (!onBallot.has(entry.id)) continue;
    const item = stored.candidates.get(entry.id);
    if (!item) continue;
    const doc: CandidateDoc = {
      candidate: item.proposal.candidate,
      final: { status: entry.status, reasons: entry.reasons, votes: entry.votes },
    };
    await ctx.store.putProposal(cycle.cycleId, entry.id, doc, item.version);
  }
  const outcome: CycleOutcome = {
    council: final.council,
    presentMembers: tally.presentMembers,
    absentMembers: tally.absentMembers,
    ignoredBallots: tally.ignoredBallots,
    ignoredVotes: tally.ignoredVotes,
    awarded: final.awarded,
    proposedUpward: final.proposedUpward,
    undecidedTies: final.undecidedTies,
    dossier: final.dossier,
    passed: tally.candidates.filter((c) => c.passed).length,
    talliedAt: ctx.clock().toISOString(),
  };
  stored = await readCycle(ctx.store, cycle.cycleId);
  await ctx.store.putProposal(cycle.cycleId, OUTCOME_ID, outcome, stored.versions.get(OUTCOME_ID) ?? 0);
  await appendAuditOnce(ctx.store, {
    id: 'tallied',
    subject: `award/${cycle.cycleId}`,
    actor: systemActor(STEP),
    action: 'commendation.tallied',
    detail: {
      present: tally.present,
      N: tally.N,
      quorumMet: tally.quorumMet,
      passed: outcome.passed,
      awarded: final.awarded,
      proposedUpward: final.proposedUpward,
    },
  });
  ctx.log.info('votes tallied', { quorumMet: tally.quorumMet, passed: outcome.passed });
  return { passed: outcome.passed, quorumMet: tally.quorumMet };
}

export const handler = stepHandler({ name: STEP, input: cycleInput }, tallyVotes);
