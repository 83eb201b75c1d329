/**
 * Tally `{cycleId}` → `{passed, quorumMet}` (commendation workflow, after every member's vote
 * task has ended — cast, or timed out at the vote's close).
 *
 * 1. The cycle's vote approvals, each read by its key: pending ones are closed (their links now
 *    answer 410 "closed"); each decided one's ballot is the payload its claim selected.
 * 2. `tallyCouncil` over those ballots (a member without one is simply absent), with the council
 *    as it was at the proposal (N) and the vote's close; then `finalList`.
 * 3. Stored: each ballot candidate's final entry (its item's next version), then the outcome
 *    (council, final lists, dossier) as the commit point. A stored outcome is returned as is.
 */
import { tallyCouncil } from '#domain/council';
import { finalList } from '#domain/final-list';
import type { Person } from '#domain/model';
import { audit } from '#ports/dynamo/audit';
import { awards } from '#ports/dynamo/awards';
import { reviews } from '#ports/dynamo/reviews';
import { NotFoundError } from '#ports/errors';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type CycleInput, cycleInput } from '#steps/inputs';
import { systemActor } from '#steps/records';
import {
  ballotOf,
  type CandidateDoc,
  type CycleOutcome,
  cycleVoteApprovals,
  OUTCOME_ID,
  parseCycle,
  proposalOf,
  readCycle,
  type VoteBallot,
} from './award.ts';

const STEP = 'tally-votes';

/**
 * Closes the vote: every pending vote approval is closed (its link answers 410), unless the
 * member's claim got there first — then it is read again and counted; returns every cast ballot.
 */
async function closeAndCollect(cycleId: string): Promise<VoteBallot[]> {
  const ballots: VoteBallot[] = [];
  for (const approval of await cycleVoteApprovals(cycleId)) {
    let decided = approval;
    if (approval.status === 'pending') {
      if (await reviews().closeApproval(approval.id, 'vote-closed')) continue;
      const now = await reviews().getApproval(approval.id);
      if (!now) continue;
      decided = now;
    }
    const ballot = await ballotOf(decided);
    if (ballot) ballots.push(ballot);
  }
  return ballots;
}

/** The tally's audit entry, from the stored outcome alone (the same entry whoever writes it). */
async function auditTallied(cycleId: string, outcome: CycleOutcome): Promise<void> {
  await audit().append({
    id: 'tallied',
    subject: `award/${cycleId}`,
    actor: systemActor(STEP),
    action: 'commendation.tallied',
    detail: {
      present: outcome.council.present,
      N: outcome.council.N,
      quorumMet: outcome.council.quorumMet,
      passed: outcome.passed,
      awarded: outcome.awarded,
      proposedUpward: outcome.proposedUpward,
    },
  });
}

export async function tallyVotes(
  input: CycleInput,
  ctx: CampaignStepContext,
): Promise<{ passed: number; quorumMet: boolean }> {
  const cycle = parseCycle(input.cycleId);
  let stored = await readCycle(cycle.cycleId);
  const header = stored.header;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  if (stored.outcome) {
    // The run that stored it may have died before its audit entry: written once, by id.
    await auditTallied(cycle.cycleId, stored.outcome);
    return { passed: stored.outcome.passed, quorumMet: stored.outcome.council.quorumMet };
  }

  const ballots = await closeAndCollect(cycle.cycleId);
  crashPoint('tally.after-close');
  const members: Person[] = header.memberIds.map(
    (id) => ctx.campaign.findPerson('council', id) ?? { id, name: id, email: '' },
  );
  const tally = tallyCouncil({
    // The zone of the times in the tally's reasons (a late or second ballot).
    timeZone: ctx.campaign.config.district.timeZone,
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
    await awards().putProposal(cycle.cycleId, entry.id, doc, item.version);
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
  crashPoint('tally.after-proposals');
  stored = await readCycle(cycle.cycleId);
  await awards().putProposal(cycle.cycleId, OUTCOME_ID, outcome, stored.versions.get(OUTCOME_ID) ?? 0);
  crashPoint('tally.after-outcome');
  await auditTallied(cycle.cycleId, outcome);
  ctx.log.info('votes tallied', { quorumMet: tally.quorumMet, passed: outcome.passed });
  return { passed: outcome.passed, quorumMet: tally.quorumMet };
}

export const handler = campaignStep({ name: STEP, input: cycleInput }, tallyVotes);
