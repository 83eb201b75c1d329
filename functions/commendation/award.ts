/**
 * A commendation cycle as stored (items `AWARD#<cycle>` / `PROPOSAL#<id>`, docs/store.md): what
 * the commendation steps and the council's vote page share.
 *
 * Cycle ids: a year (`2024`) or `phase`, and for a later vote round `-<n>` (`2024-2`: a new vote
 * after one without quorum; ballots are per cycle and member, so a new round is a new cycle id).
 *
 * Items of a cycle (all through `AwardStore.putProposal`, versioned, identical content = unchanged):
 * - one per candidate, under its candidate id (`collective:<unit>`, `upward:<unit>`,
 *   `individual:<nomination>`): `{candidate}` (v1, the proposal), then `{candidate, final}` once
 *   tallied — one item each, so a district of 1,000 units never nears DynamoDB's item size;
 * - `cycle:header`: the proposal's shared part (issuer, ballot, ties, warnings), the council
 *   members and the vote's close — written after every candidate, it is the proposal's commit point;
 * - `cycle:outcome`: the tally's summary, the final lists and the dossier — written after every
 *   candidate's final entry, the tally's commit point.
 * A ballot is the payload of the member's `vote` decision (`{votes}`, functions/ports/reviews.ts),
 * read through the decision that selected it; it was cast when that decision was recorded.
 */
import { createHash } from 'node:crypto';
import type { Candidate, NominationInput, Proposal, Reason } from '#domain/commendation-model';
import type { CandidateTally, Tally } from '#domain/council';
import type { FinalList, FinalStatus } from '#domain/final-list';
import type { DistrictConfig, Initiative, Vote } from '#domain/model';
import type { StoredProposal } from '#ports/awards';
import { awards } from '#ports/dynamo/awards';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import type { Approval } from '#ports/reviews';
import { mapLimited } from '#steps/concurrency';

/** Reports read at once. */
const READ_CONCURRENCY = 10;

export const HEADER_ID = 'cycle:header';
export const OUTCOME_ID = 'cycle:outcome';

export interface CycleRef {
  cycleId: string;
  kind: 'year' | 'phase';
  /** The year of a year cycle. */
  year?: number;
  /** The scope without the round: `2024` or `phase` (the initiatives digest goes out once per scope). */
  scopeId: string;
  /** 1 for the first vote, 2… for a new vote of the same scope. */
  round: number;
}

const CYCLE = /^(\d{4}|phase)(?:-([1-9]\d{0,2}))?$/;

export function parseCycle(cycleId: string): CycleRef {
  const m = CYCLE.exec(cycleId);
  const scopeId = m?.[1];
  if (!m || !scopeId)
    throw new Error(
      `Commendation cycle id ${JSON.stringify(cycleId)} must be a year (2024) or phase, optionally -<round>`,
    );
  return {
    cycleId,
    kind: scopeId === 'phase' ? 'phase' : 'year',
    ...(scopeId === 'phase' ? {} : { year: Number(scopeId) }),
    scopeId,
    round: m[2] ? Number(m[2]) : 1,
  };
}

/** The last vote round a cycle id can name (`-<n>`, up to three digits). */
export const MAX_ROUND = 999;

/** The cycle id of a scope's vote round: round 1 is the scope itself (`2024`), then `2024-2`, `2024-3`… */
export function roundCycleId(scopeId: string, round: number): string {
  return round > 1 ? `${scopeId}-${round}` : scopeId;
}

export interface StoredRound {
  cycleId: string;
  round: number;
  cycle: StoredCycle;
}

/** A scope's vote rounds as stored, in order: round 1, 2… while a proposal (its header) is stored. */
export async function storedRounds(scopeId: string): Promise<StoredRound[]> {
  const rounds: StoredRound[] = [];
  for (let round = 1; round <= MAX_ROUND; round++) {
    const cycleId = roundCycleId(scopeId, round);
    const cycle = await readCycle(cycleId);
    if (!cycle.header) break;
    rounds.push({ cycleId, round, cycle });
  }
  return rounds;
}

/** A round whose council vote was tallied without quorum: nothing passed, a new vote may be called. */
export function endedWithoutQuorum(cycle: StoredCycle): boolean {
  return (
    (cycle.header?.ballot.length ?? 0) > 0 && cycle.outcome !== undefined && !cycle.outcome.council.quorumMet
  );
}

/** "năm 2024", "giai đoạn 2022 – 2025", with "(biểu quyết lần 2)" for a later round. */
export function cycleLabel(cycle: CycleRef, config: Pick<DistrictConfig, 'campaign'>): string {
  const base =
    cycle.kind === 'year'
      ? `năm ${cycle.year}`
      : `giai đoạn ${config.campaign.phaseStart.slice(0, 4)} – ${config.campaign.phaseEnd.slice(0, 4)}`;
  return cycle.round > 1 ? `${base} (biểu quyết lần ${cycle.round})` : base;
}

/** The cycle for the English line: "2024", "the 2022–2025 phase", "(vote 2)". */
export function cycleLabelEn(cycle: CycleRef, config: Pick<DistrictConfig, 'campaign'>): string {
  const base =
    cycle.kind === 'year'
      ? String(cycle.year)
      : `the ${config.campaign.phaseStart.slice(0, 4)}–${config.campaign.phaseEnd.slice(0, 4)} phase`;
  return cycle.round > 1 ? `${base} (vote ${cycle.round})` : base;
}

export interface CouncilSnapshot {
  quorum: { numerator: number; denominator: number };
  passPercent: number;
  voteDays: number;
}

export interface CycleHeader {
  cycleId: string;
  kind: 'year' | 'phase';
  scopeId: string;
  periodIds: string[];
  /** The results versions the aggregate used. */
  sources: { periodId: string; version: number }[];
  proposedAt: string;
  onDate: string;
  /** Links stop working and later ballots are ignored from then (proposal time + voteDays). */
  voteClosesAt: string;
  /**
   * When the members who have not voted are reminded (`voteTimes`); absent when none is sent,
   * and in proposals stored before reminders existed.
   */
  remindAt?: string;
  /** The council as it was when the proposal was made (N of the thresholds). */
  memberIds: string[];
  council: CouncilSnapshot;
  issuer: Proposal['issuer'];
  ballot: string[];
  tiesForCouncil: Proposal['tiesForCouncil'];
  warnings: string[];
  /** Every candidate of the proposal, in its order. */
  candidateIds: string[];
}

export interface FinalOfCandidate {
  status: FinalStatus;
  /** The candidate's reasons plus the council's. */
  reasons: Reason[];
  votes: CandidateTally | null;
}

export interface CandidateDoc {
  candidate: Candidate;
  final?: FinalOfCandidate;
}

export interface CycleOutcome {
  council: FinalList['council'];
  presentMembers: string[];
  absentMembers: string[];
  ignoredBallots: Tally['ignoredBallots'];
  ignoredVotes: Tally['ignoredVotes'];
  awarded: string[];
  proposedUpward: string[];
  undecidedTies: string[];
  dossier: FinalList['dossier'];
  /** Ballot candidates the council passed. */
  passed: number;
  talliedAt: string;
}

export interface StoredCycle {
  header?: CycleHeader;
  outcome?: CycleOutcome;
  /** Candidate id → its stored document and version. */
  candidates: Map<string, StoredProposal<CandidateDoc>>;
  /** Version of every stored item by id (header and outcome included), for updates. */
  versions: Map<string, number>;
}

export async function readCycle(cycleId: string): Promise<StoredCycle> {
  const items = await awards().listProposals<unknown>(cycleId);
  const cycle: StoredCycle = { candidates: new Map(), versions: new Map() };
  for (const item of items) {
    cycle.versions.set(item.candidateId, item.version);
    // The cycle's items are told apart by id: the header, the outcome, or a candidate's document.
    if (item.candidateId === HEADER_ID) cycle.header = item.proposal as CycleHeader;
    else if (item.candidateId === OUTCOME_ID) cycle.outcome = item.proposal as CycleOutcome;
    else cycle.candidates.set(item.candidateId, item as StoredProposal<CandidateDoc>);
  }
  return cycle;
}

/** The proposal as `finalList` takes it, from the stored header and candidates. */
export function proposalOf(cycle: StoredCycle): Proposal {
  const header = cycle.header;
  if (!header) throw new Error('No proposal is stored for this cycle');
  const candidates = header.candidateIds.map((id) => {
    const doc = cycle.candidates.get(id);
    if (!doc) throw new Error(`Candidate ${id} of the proposal is not stored`);
    return doc.proposal.candidate;
  });
  return {
    issuer: header.issuer,
    candidates,
    ballot: header.ballot,
    tiesForCouncil: header.tiesForCouncil,
    warnings: header.warnings,
  };
}

/** The candidates on the ballot, in ballot order. */
export function ballotCandidates(cycle: StoredCycle): Candidate[] {
  return (cycle.header?.ballot ?? []).flatMap((id) => {
    const doc = cycle.candidates.get(id);
    return doc ? [doc.proposal.candidate] : [];
  });
}

export const KIND_LABELS: Record<Candidate['kind'], string> = {
  collective: 'Tập thể',
  individual: 'Cá nhân',
  upward: 'Tập thể – đề nghị cấp trên',
};

// ---------------------------------------------------------------- ballots

export type VoteChoice = Vote;

/** What a `vote` decision carries: its payload, stored beside the cycle. */
export interface VotePayload {
  votes: Record<string, VoteChoice>;
}

export interface VoteBallot extends VotePayload {
  memberId: string;
  /** When the member's decision was recorded (the approval's `decidedAt`). */
  castAt: string;
}

/**
 * The cycle's `vote` approvals, each read again by its key after the listing (an index, maybe
 * behind): where a vote closes and is tallied, each status must be the one stored now.
 */
export async function cycleVoteApprovals(cycleId: string): Promise<Approval[]> {
  const listed = (await reviews().listPeriodApprovals(cycleId)).filter((a) => a.kind === 'vote');
  const current = await Promise.all(listed.map((a) => reviews().getApproval(a.id)));
  return current.flatMap((a) => (a ? [a] : []));
}

/** The ballot a decided `vote` approval carries; undefined while it is not decided. */
export async function ballotOf(approval: Approval): Promise<VoteBallot | undefined> {
  if (approval.kind !== 'vote' || !approval.party || !approval.decidedAt) return undefined;
  const payload = await reviews().getDecisionPayload<VotePayload>(approval);
  return payload ? { memberId: approval.party, castAt: approval.decidedAt, votes: payload.votes } : undefined;
}

// ---------------------------------------------------------------- material from the reports

export interface ApprovedInitiative {
  unitId: string;
  periodId: string;
  initiative: Initiative;
}

export interface ApprovedMaterial {
  nominations: NominationInput[];
  initiatives: ApprovedInitiative[];
}

/** A nomination's id across the cycle: ids are unique only within a unit's report of one period. */
export function nominationKey(unitId: string, periodId: string, id: string): string {
  const key = `${unitId}.${periodId}.${id}`;
  return key.length <= 72 ? key : `n-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * The nominations and initiatives of every approved report of the periods. A nomination's
 * `submittedAt` is when the report that first carried it was submitted (the earliest submit
 * revision holding it), not when it was typed into a draft: "first submitted keeps a contested
 * initiative" (DOMAIN.md) is about submissions.
 */
export async function approvedMaterial(periodIds: readonly string[]): Promise<ApprovedMaterial> {
  const material: ApprovedMaterial = { nominations: [], initiatives: [] };
  for (const periodId of periodIds) {
    const approved = (await reports().listPeriod(periodId)).filter((r) => r.status === 'approved');
    const perUnit = await mapLimited(approved, READ_CONCURRENCY, async (summary) => {
      const out: ApprovedMaterial = { nominations: [], initiatives: [] };
      const stored = await reports().get(summary.unitId, periodId);
      if (!stored) return out;
      const report = stored.report;
      for (const initiative of report.initiatives) {
        out.initiatives.push({ unitId: summary.unitId, periodId, initiative });
      }
      if (report.nominations.length === 0) return out;
      const submits = (await reports().listRevisions(summary.unitId, periodId)).filter(
        (r) => r.kind === 'submit',
      );
      for (const n of report.nominations) {
        const first = submits.find((r) => r.report.nominations.some((x) => x.id === n.id));
        out.nominations.push({
          ...n,
          id: nominationKey(summary.unitId, periodId, n.id),
          unitId: summary.unitId,
          submittedAt: first?.savedAt ?? stored.submittedAt ?? n.submittedAt,
        });
      }
      return out;
    });
    for (const m of perUnit) {
      material.initiatives.push(...m.initiatives);
      material.nominations.push(...m.nominations);
    }
  }
  return material;
}
