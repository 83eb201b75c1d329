/**
 * What the commendation pages and their documents read (docs/admin.md, "Downloads"): the cycles
 * a campaign has (each year's and the phase's vote rounds as stored), and one cycle — its
 * proposal, and once tallied the council's tally and the final list, computed by the domain from
 * the ballots the tally counted (the same `tallyCouncil` and `finalList` as the workflow's
 * TallyVotes step and `thidua commend`), so the page, the DOCX and the CLI's file agree.
 */
import type { Proposal } from '#domain/commendation-model';
import { quorumRequired, type Tally, tallyCouncil } from '#domain/council';
import { type FinalList, finalList } from '#domain/final-list';
import type { Person } from '#domain/model';
import type { UnitResultJson } from '#domain/results-json';
import {
  ballotOf,
  type CycleRef,
  cycleLabel,
  cycleVoteApprovals,
  parseCycle,
  proposalOf,
  readCycle,
  type StoredCycle,
  storedRounds,
  type VoteBallot,
} from '#functions/commendation/award';
import type { CommendationScope } from '#functions/documents/types';
import { latestHeader, type ResultsBody } from '#functions/scoring/results';
import { now } from '#ports/clock';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { results } from '#ports/dynamo/results';
import { mailIdentity } from '#ports/outbox';
import { IN_REVIEW_LOOP } from '#ports/reports';
import type { CampaignContext } from '#steps/campaign';
import type { CycleState, CycleSummary, ProposalWatch } from '#web/admin-commendation';
import { notFound, unknownCycle } from './admin-session.ts';

/** "năm 2024" → "Năm 2024": a cycle's label at the head of a line. */
export function capitalized(text: string): string {
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

function stateOf(stored: StoredCycle): CycleState {
  // Nothing went to the council (nobody was asked): not a vote without quorum.
  if (stored.header?.ballot.length === 0) return 'no-candidates';
  if (!stored.outcome) return 'voting';
  return stored.outcome.council.quorumMet ? 'tallied' : 'no-quorum';
}

function summaryOf(ref: CycleRef, stored: StoredCycle, campaign: CampaignContext): CycleSummary {
  return {
    cycleId: ref.cycleId,
    label: capitalized(cycleLabel(ref, campaign.config)),
    state: stateOf(stored),
    ...(stored.header ? { closesAt: stored.header.voteClosesAt } : {}),
  };
}

/** Every stored vote round of each year of the calendar and of the phase, in order. */
export async function cycleSummaries(campaign: CampaignContext): Promise<CycleSummary[]> {
  const scopes = [...new Set(campaign.periods.map((p) => String(p.year))), 'phase'];
  const out: CycleSummary[] = [];
  for (const scopeId of scopes) {
    for (const round of await storedRounds(scopeId)) {
      out.push(summaryOf(parseCycle(round.cycleId), round.cycle, campaign));
    }
  }
  return out;
}

export interface CycleData {
  summary: CycleSummary;
  scope: CommendationScope;
  proposal: Proposal;
  /** The council as it was at the proposal. */
  members: Person[];
  /** Once tallied. */
  tally?: Tally;
  final?: FinalList;
  closesAt: string;
  /** The period versions the proposal was computed from. */
  sources: readonly { periodId: string; version: number }[];
  /** The periods in the proposal's scope, and when it was made. */
  periodIds: readonly string[];
  proposedAt: string;
  /** While the vote is open: who has cast a ballot (never how), against the quorum. */
  turnout?: Turnout;
}

/** A vote's progress as the admin follows it, to reach a member in time: who has voted, and when. */
export interface Turnout {
  /**
   * Each member of the council at the proposal, in its order; `castAt` once the ballot is
   * recorded; `remindedAt` when the workflow's reminder went out to a member still pending (read
   * from the outbox: what was sent, not what was planned).
   */
  members: { id: string; name: string; castAt?: string; remindedAt?: string }[];
  quorumRequired: number;
  /** When the workflow will remind the members still pending; absent once that time has passed. */
  remindAt?: string;
}

/** The ballots the tally counted: every decided vote of the cycle (the tally closed the others). */
async function countedBallots(cycleId: string): Promise<VoteBallot[]> {
  const ballots: VoteBallot[] = [];
  for (const approval of await cycleVoteApprovals(cycleId)) {
    const ballot = await ballotOf(approval);
    if (ballot) ballots.push(ballot);
  }
  return ballots;
}

/** One cycle named in a path, or 404. */
export async function cycleData(campaign: CampaignContext, cycleId: string): Promise<CycleData> {
  let ref: CycleRef;
  try {
    ref = parseCycle(cycleId);
  } catch {
    throw unknownCycle();
  }
  const stored = await readCycle(ref.cycleId);
  const header = stored.header;
  if (!header) throw notFound('Không có đợt khen thưởng này', 'Đợt xét khen thưởng này chưa có đề xuất.');
  const members = header.memberIds.map(
    (id) => campaign.findPerson('council', id) ?? { id, name: id, email: '' },
  );
  const proposal = proposalOf(stored);
  const { phaseStart, phaseEnd } = campaign.config.campaign;
  const scope: CommendationScope =
    ref.kind === 'year'
      ? { kind: 'year', id: String(ref.year) }
      : { kind: 'phase', id: `${phaseStart.slice(0, 4)}-${phaseEnd.slice(0, 4)}` };
  const data: CycleData = {
    summary: summaryOf(ref, stored, campaign),
    scope,
    proposal,
    members,
    closesAt: header.voteClosesAt,
    sources: header.sources,
    periodIds: header.periodIds,
    proposedAt: header.proposedAt,
  };
  if (!stored.outcome) {
    // Only the fact of each ballot and its time: the choices stay unread until the tally.
    const castAt = new Map(
      (await cycleVoteApprovals(ref.cycleId)).flatMap((a) =>
        a.party && a.decision && a.decidedAt ? [[a.party, a.decidedAt] as const] : [],
      ),
    );
    const turnout: Turnout = {
      members: await Promise.all(
        members.map(async (m) => {
          const at = castAt.get(m.id);
          if (at) return { id: m.id, name: m.name, castAt: at };
          const reminded = m.email
            ? await outbox().get(mailIdentity('vote-reminder', m.email, { periodId: ref.cycleId }))
            : undefined;
          return {
            id: m.id,
            name: m.name,
            ...(reminded?.status === 'sent' ? { remindedAt: reminded.sentAt ?? reminded.claimedAt } : {}),
          };
        }),
      ),
      quorumRequired: quorumRequired(members.length, header.council.quorum),
      ...(header.remindAt && now().getTime() < Date.parse(header.remindAt)
        ? { remindAt: header.remindAt }
        : {}),
    };
    return { ...data, turnout };
  }
  const tally = tallyCouncil({
    timeZone: campaign.config.district.timeZone,
    members,
    ballots: await countedBallots(ref.cycleId),
    candidates: header.ballot,
    settings: { council: header.council },
    closesAt: header.voteClosesAt,
  });
  const final = finalList(proposal, tally);
  // The outcome's words as the tally stored them (it explains an empty ballot, for one).
  return {
    ...data,
    tally,
    final: { ...final, council: { ...final.council, outcome: stored.outcome.council.outcome } },
  };
}

/**
 * The units among the proposal's candidates flagged *Không nộp báo cáo* whose rank is the shared
 * last place of units without a report: they missed every period the proposal was computed from
 * (read from those very versions). One that missed only some periods holds a place earned by its
 * mean. Nothing is read when no candidate carries the flag; a version no longer stored leaves the
 * ranks as the domain wrote them.
 */
export async function unitsMissingEveryPeriod(
  proposal: Proposal,
  sources: readonly { periodId: string; version: number }[],
): Promise<string[]> {
  const flagged = new Set(
    proposal.candidates
      .filter((c) => c.reasons.some((r) => r.code === 'flag-khong-nop-bao-cao'))
      .map((c) => c.unitId),
  );
  if (flagged.size === 0 || sources.length === 0) return [];
  const headers = await Promise.all(
    sources.map((s) => results().getHeader<ResultsBody>(s.periodId, s.version)),
  );
  const reported = new Set<string>();
  for (const header of headers) {
    if (!header) return [];
    for (const l of await results().getLines<UnitResultJson>(header)) {
      if (l.line.status !== 'not-submitted') reported.add(l.unitId);
    }
  }
  return [...flagged].filter((u) => !reported.has(u));
}

const byName = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/**
 * What may still move, or has moved, under a proposal (docs/admin.md, "What each page reads"): each period
 * of its scope that still accepts late appraisals at `at` (before its `lateAppraisalUntil`) while
 * reports of it wait for one — an approval then recomputes the period's results as a new version —
 * and each period whose results have a version newer than the one the proposal used. The proposal
 * itself is never recomputed (propose-commendations.ts): this only tells the admin.
 */
export async function proposalWatch(
  campaign: CampaignContext,
  data: Pick<CycleData, 'periodIds' | 'sources'>,
  at: Date,
): Promise<ProposalWatch> {
  const watch: ProposalWatch = { late: [], recomputed: [] };
  for (const periodId of data.periodIds) {
    const period = campaign.periods.find((p) => p.id === periodId);
    if (!period || at.getTime() >= Date.parse(period.lateAppraisalUntil)) continue;
    // The progress items (~300 bytes, the report's status mirrored), not the reports' index, whose
    // Query reads each whole report: this runs at every view while late appraisals are accepted.
    const waiting = (await reports().listProgress(periodId))
      .filter((r) => r.reportStatus !== undefined && IN_REVIEW_LOOP.has(r.reportStatus))
      .map((r) => campaign.findUnit(r.unitId)?.name ?? r.unitId)
      .sort(byName.compare);
    if (waiting.length > 0) watch.late.push({ periodId, until: period.lateAppraisalUntil, waiting });
  }
  for (const source of data.sources) {
    const latest = (await latestHeader(source.periodId))?.version ?? source.version;
    if (latest > source.version) watch.recomputed.push({ ...source, latest });
  }
  return watch;
}
