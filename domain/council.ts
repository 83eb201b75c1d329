/**
 * The council's tally (DOMAIN.md "Council vote"; decisions: docs/commendation.md): N = all
 * members; a member with at least one valid vote on this ballot is present; quorum ⌈2/3·N⌉ and
 * pass ⌈70 %·N⌉ yes votes of all N members (configurable), in integer arithmetic. A member's
 * first ballot counts (decide once, as the email links do); later ones are ignored and reported.
 */
import { formatDateAndTime, MIN_WAIT_SECONDS, parseInstant } from './calendar.ts';
import { CommendationInputError, type Reason } from './commendation-model.ts';
import type { IsoInstant, Person, Vote } from './model.ts';
import { decimalToFraction, formatDecimal } from './points.ts';

export interface Ballot {
  memberId: string;
  castAt: IsoInstant;
  /** candidateId → vote; a candidate not mentioned gets no vote from this member. */
  votes: Record<string, Vote | string>;
}

export interface CouncilRule {
  quorum: { numerator: number; denominator: number };
  passPercent: number;
}

export interface TallyInput {
  members: readonly Person[];
  ballots: readonly Ballot[];
  candidates: readonly string[];
  settings: { council: CouncilRule };
  /** Ballots cast after this instant are ignored (the vote had closed). */
  closesAt?: IsoInstant;
  /** The district's zone, for the times in the reasons. */
  timeZone: string;
}

export interface CandidateTally {
  candidateId: string;
  yes: number;
  no: number;
  abstain: number;
  /** Members with no vote on this candidate (no ballot, or a ballot that does not mention it). */
  absent: number;
  required: number;
  passed: boolean;
  reason: string;
}

export interface IgnoredBallot {
  memberId: string;
  castAt: string;
  reason: Reason;
}

export interface IgnoredVote {
  memberId: string;
  candidateId: string;
  vote: string;
  reason: Reason;
}

export interface Tally {
  N: number;
  present: number;
  quorumRequired: number;
  quorumMet: boolean;
  passRequired: number;
  presentMembers: string[];
  absentMembers: string[];
  candidates: CandidateTally[];
  ignoredBallots: IgnoredBallot[];
  ignoredVotes: IgnoredVote[];
  /** One Vietnamese sentence: quorum and how many passed. */
  outcome: string;
}

function assertPositiveInteger(x: number, what: string): void {
  if (!Number.isInteger(x) || x <= 0)
    throw new CommendationInputError(`${what} must be a whole number > 0, got ${x}`);
}

/** ceil(a/b) for non-negative bigints. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** ⌈numerator/denominator × N⌉ in integer arithmetic; a council of 0 members can never meet. */
export function quorumRequired(N: number, quorum: CouncilRule['quorum']): number {
  assertPositiveInteger(quorum.numerator, 'quorum.numerator');
  assertPositiveInteger(quorum.denominator, 'quorum.denominator');
  if (quorum.numerator > quorum.denominator) throw new CommendationInputError('quorum above 100 %');
  return Math.max(1, Number(ceilDiv(BigInt(quorum.numerator) * BigInt(N), BigInt(quorum.denominator))));
}

/** ⌈passPercent/100 × N⌉ yes votes, of all members; exact for decimal percentages such as 66.67. */
export function passRequired(N: number, passPercent: number): number {
  const p = decimalToFraction(passPercent);
  if (p.num <= 0n || p.num > 100n * p.den)
    throw new CommendationInputError(`passPercent must be in (0, 100], got ${passPercent}`);
  return Math.max(1, Number(ceilDiv(p.num * BigInt(N), p.den * 100n)));
}

const VOTES: ReadonlySet<string> = new Set<Vote>(['yes', 'no', 'abstain']);

export function isVote(value: string): value is Vote {
  return VOTES.has(value);
}

function canonicalVotes(votes: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(votes)
      .sort()
      .map((k) => [k, votes[k]]),
  );
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function tallyCouncil(input: TallyInput): Tally {
  const { council } = input.settings;
  const memberIds = uniqueIds(
    input.members.map((m) => m.id),
    (id) => `council member “${id}” is listed twice`,
  );
  uniqueIds(input.candidates, (id) => `candidate “${id}” is listed twice`);
  const N = memberIds.size;
  const rule = {
    N,
    quorumRequired: quorumRequired(N, council.quorum),
    passRequired: passRequired(N, council.passPercent),
    passPercent: council.passPercent,
  };
  const closesMs = input.closesAt === undefined ? null : parseInstant(input.closesAt);
  if (input.closesAt !== undefined && closesMs === null) {
    throw new CommendationInputError(`closesAt “${input.closesAt}” is not an ISO instant`);
  }
  const { counted, ignoredBallots } = countedBallots(input, memberIds, closesMs);
  const { counts, present, ignoredVotes } = countVotes(input.candidates, counted);
  const byMember = (a: { memberId: string }, b: { memberId: string }) => cmpStr(a.memberId, b.memberId);
  ignoredBallots.sort(
    (a, b) => byMember(a, b) || cmpStr(a.castAt, b.castAt) || cmpStr(a.reason.code, b.reason.code),
  );
  ignoredVotes.sort((a, b) => byMember(a, b) || cmpStr(a.candidateId, b.candidateId));
  const { quorumMet, candidates, outcome } = candidateVerdicts(input.candidates, counts, {
    ...rule,
    present: present.size,
  });
  return {
    N,
    present: present.size,
    quorumRequired: rule.quorumRequired,
    quorumMet,
    passRequired: rule.passRequired,
    presentMembers: input.members.filter((m) => present.has(m.id)).map((m) => m.id),
    absentMembers: input.members.filter((m) => !present.has(m.id)).map((m) => m.id),
    candidates,
    ignoredBallots,
    ignoredVotes,
    outcome,
  };
}

function uniqueIds(ids: readonly string[], message: (id: string) => string): Set<string> {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw new CommendationInputError(message(id));
    seen.add(id);
  }
  return seen;
}

interface ValidBallot {
  index: number;
  ballot: Ballot;
  ms: number;
  canon: string;
}

/**
 * The ballot that counts for each member: the first valid one. At the same instant the smaller
 * canonical content (then the smaller castAt text) wins, so that the outcome never depends on the
 * order of the file. Every other ballot is listed with why it does not count.
 */
function countedBallots(
  input: TallyInput,
  memberIds: ReadonlySet<string>,
  closesMs: number | null,
): { counted: Map<string, ValidBallot>; ignoredBallots: IgnoredBallot[] } {
  const ignoredBallots: IgnoredBallot[] = [];
  const ignore = (b: Ballot, code: string, message: string) =>
    ignoredBallots.push({ memberId: b.memberId, castAt: b.castAt, reason: { code, message } });
  const at = (instant: string) => formatDateAndTime(instant, input.timeZone);
  const valid: ValidBallot[] = [];
  for (const [index, b] of input.ballots.entries()) {
    const ms = parseInstant(b.castAt);
    if (!memberIds.has(b.memberId)) {
      ignore(b, 'not-a-member', `“${b.memberId}” không phải thành viên Hội đồng: phiếu không được tính.`);
    } else if (ms === null) {
      ignore(b, 'invalid-time', `Thời điểm bỏ phiếu “${b.castAt}” không hợp lệ: phiếu không được tính.`);
    } else if (closesMs !== null && ms >= closesMs) {
      // Votes are cast *before* the vote closes (DOMAIN.md): at the closing instant it has closed,
      // as the vote link has (links.ts refuses at expiresAt).
      ignore(b, 'after-close', `Phiếu gửi lúc ${at(b.castAt)}, khi đã hết hạn bỏ phiếu: không được tính.`);
    } else valid.push({ index, ballot: b, ms, canon: canonicalVotes(b.votes) });
  }
  const counted = new Map<string, ValidBallot>();
  for (const v of valid) {
    const current = counted.get(v.ballot.memberId);
    if (
      !current ||
      v.ms < current.ms ||
      (v.ms === current.ms &&
        (v.canon < current.canon || (v.canon === current.canon && v.ballot.castAt < current.ballot.castAt)))
    ) {
      counted.set(v.ballot.memberId, v);
    }
  }
  for (const v of valid) {
    const first = counted.get(v.ballot.memberId);
    if (!first || first.index === v.index) continue;
    if (v.ms === first.ms && v.canon === first.canon) {
      ignore(v.ballot, 'duplicate', 'Phiếu trùng lặp (cùng thời điểm, cùng nội dung): chỉ tính một lần.');
    } else if (v.ms === first.ms) {
      ignore(
        v.ballot,
        'conflicting',
        `Hai phiếu khác nhau cùng thời điểm ${at(first.ballot.castAt)}: chỉ tính một phiếu (chọn theo nội dung, không theo thứ tự trong tệp).`,
      );
    } else {
      ignore(
        v.ballot,
        'not-first',
        `Thành viên đã bỏ phiếu lúc ${at(first.ballot.castAt)}; mỗi thành viên bỏ phiếu một lần, phiếu sau không được tính.`,
      );
    }
  }
  return { counted, ignoredBallots };
}

type Counts = { yes: number; no: number; abstain: number };

/** Yes, no and abstain per candidate from the counted ballots; votes that cannot count are listed. */
function countVotes(candidates: readonly string[], counted: ReadonlyMap<string, ValidBallot>) {
  const ignoredVotes: IgnoredVote[] = [];
  const counts = new Map<string, Counts>(candidates.map((c) => [c, { yes: 0, no: 0, abstain: 0 }]));
  const present = new Set<string>();
  for (const [memberId, { ballot }] of counted) {
    for (const [candidateId, vote] of Object.entries(ballot.votes)) {
      const count = counts.get(candidateId);
      const ignored = (code: string, message: string) =>
        ignoredVotes.push({ memberId, candidateId, vote: String(vote), reason: { code, message } });
      if (!count) {
        ignored('unknown-candidate', `“${candidateId}” không có trong danh sách biểu quyết.`);
      } else if (!isVote(vote)) {
        ignored('invalid-vote', `Lá phiếu “${String(vote)}” không hợp lệ (yes, no hoặc abstain).`);
      } else {
        count[vote] += 1;
        present.add(memberId);
      }
    }
  }
  return { counts, present, ignoredVotes };
}

/** Passed or not per candidate, with the reason, and the outcome sentence. */
function candidateVerdicts(
  candidates: readonly string[],
  counts: ReadonlyMap<string, Counts>,
  rule: { N: number; present: number; quorumRequired: number; passRequired: number; passPercent: number },
): Pick<Tally, 'quorumMet' | 'candidates' | 'outcome'> {
  const { N, present, quorumRequired: qRequired, passRequired: pRequired } = rule;
  const quorumMet = N > 0 && present >= qRequired;
  const passVi = `${formatDecimal(rule.passPercent)} % của ${N} thành viên`;
  const tallies: CandidateTally[] = candidates.map((candidateId) => {
    const { yes, no, abstain } = counts.get(candidateId) ?? { yes: 0, no: 0, abstain: 0 };
    const absent = N - yes - no - abstain;
    const passed = quorumMet && yes >= pRequired;
    const detail = `${yes} tán thành, ${no} không tán thành, ${abstain} không biểu quyết, ${absent} không có phiếu`;
    const reason = !quorumMet
      ? `Không xét: Hội đồng không đủ số thành viên tham gia (${present}/${N}, cần ít nhất ${qRequired}); ${detail}.`
      : passed
        ? `Thông qua: ${yes}/${N} phiếu tán thành, đạt mức tối thiểu ${pRequired} (${passVi}); ${detail}.`
        : `Không thông qua: ${yes}/${N} phiếu tán thành, cần ít nhất ${pRequired} (${passVi}); ${detail}.`;
    return { candidateId, yes, no, abstain, absent, required: pRequired, passed, reason };
  });
  const passedCount = tallies.filter((c) => c.passed).length;
  const outcome = quorumMet
    ? `Đủ số thành viên tham gia (${present}/${N}, cần ít nhất ${qRequired}); ${passedCount}/${tallies.length} ứng viên được thông qua (mỗi ứng viên cần ít nhất ${pRequired} phiếu tán thành).`
    : `Không đủ số thành viên tham gia (${present}/${N}, cần ít nhất ${qRequired}): không ứng viên nào được thông qua; cần tổ chức bỏ phiếu lại.`;
  return { quorumMet, candidates: tallies, outcome };
}

const DAY_MS = 86_400_000;

/** When a council vote proposed at `proposedAt` closes, and when its non-voters are reminded. */
export interface VoteTimes {
  closesAt: IsoInstant;
  /** Absent when no reminder is sent (`reminderLeadDays` 0, or not less than `voteDays`). */
  remindAt?: IsoInstant;
}

/**
 * The vote closes `voteDays` after the proposal; the members who have not voted are reminded
 * `reminderLeadDays` before that, at the same time of day — if that is after the proposal.
 */
export function voteTimes(
  proposedAt: Date,
  council: { voteDays: number; reminderLeadDays: number },
): VoteTimes {
  const closes = proposedAt.getTime() + council.voteDays * DAY_MS;
  const lead = council.reminderLeadDays;
  const remind = lead > 0 && lead < council.voteDays ? closes - lead * DAY_MS : undefined;
  return {
    closesAt: new Date(closes).toISOString(),
    ...(remind !== undefined ? { remindAt: new Date(remind).toISOString() } : {}),
  };
}

/** No reminder of a link about to close (as the review's reminders): within the last hour. */
export const NO_VOTE_REMINDER_WITHIN_MS = 3_600_000;

/** Whether a member still pending is reminded at `now`: from the reminder time, not in the last hour. */
export function voteReminderDue(now: Date, times: VoteTimes): boolean {
  const t = now.getTime();
  return (
    times.remindAt !== undefined &&
    t >= Date.parse(times.remindAt) &&
    Date.parse(times.closesAt) - t >= NO_VOTE_REMINDER_WITHIN_MS
  );
}

/**
 * How long a member's vote wait entered at `now` lasts: until the reminder while it is ahead,
 * else until the vote closes; at least `MIN_WAIT_SECONDS` (Step Functions' `TimeoutSecondsPath`
 * needs a positive integer, and the step arming it must have time to mail the link).
 */
export function voteWaitSeconds(now: Date, times: VoteTimes): number {
  const remind = times.remindAt !== undefined ? Date.parse(times.remindAt) : undefined;
  const until = remind !== undefined && remind > now.getTime() ? remind : Date.parse(times.closesAt);
  const seconds = Math.max(MIN_WAIT_SECONDS, Math.ceil((until - now.getTime()) / 1000));
  if (!Number.isSafeInteger(seconds)) throw new Error(`No vote wait length from ${JSON.stringify(times)}`);
  return seconds;
}
