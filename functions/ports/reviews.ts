/**
 * The review aggregate: who appraises each unit-period, and every decision point with its approval
 * (the task token lives only here) and its decision payload. Keys: docs/store.md.
 *
 * Decisions own their payload (docs/storage.md): before the claim, the payload — an appraisal, an
 * explanation, a ballot — is put as an immutable item addressed by (approval, content hash); the
 * claim (`pending → decided` on the approval) records the action and the payload's hash, which
 * selects the payload. A losing request's payload is an orphan nothing reads. The approval item
 * stays small: it is rewritten on every delivery mark and projected to two indexes.
 */
import type { Actor } from './actor.ts';

// ---------------------------------------------------------------- assignments

export interface ReviewerAssignment {
  unitId: string;
  periodId: string;
  reviewerId: string;
  assignedAt: string;
  assignedBy: Actor;
  /**
   * The reviewer first assigned, once a reassignment moved the unit-period to another: what
   * AssignReviewer answered its first run, and so answers again (functions/review/assign-reviewer.ts).
   */
  firstReviewerId?: string;
}

// ---------------------------------------------------------------- approvals

/**
 * What a link lets a person do. `report` is the unit's long-lived access grant to its report page
 * (never decided); `signin` is a single-use admin sign-in link.
 */
export type ApprovalKind = 'appraise' | 'explain' | 'vote' | 'signin' | 'report';

export type ApprovalStatus = 'pending' | 'decided' | 'delivered' | 'failed-delivery' | 'task-gone' | 'closed';

/**
 * One decision point. At most one approval exists per point (kind, period, unit, round, party),
 * so re-arming a workflow finds the same approval id and the link already mailed keeps working.
 * `signin` approvals are never deduplicated (each request is a new link).
 */
export interface ApprovalPoint {
  kind: ApprovalKind;
  /** Period id, or the commendation cycle id for votes. ASCII. */
  periodId?: string;
  unitId?: string;
  round?: number;
  /** Role or member id the point belongs to, e.g. `reviewer`, `unit`, or a council member id. */
  party?: string;
}

export interface NewApproval extends ApprovalPoint {
  /** Only here, never in a URL or a log. Absent for grants and sign-in links. */
  taskToken?: string;
  /** ISO instant after which a decision is refused (410). */
  expiresAt: string;
  /** Id of the signing key its links are signed with. */
  keyId: string;
  /** Who or what the approval is for (e.g. the admin's person id for `signin`). */
  subjectId?: string;
  /**
   * A review's reminder interval, in seconds (`appraise`, `explain`): the longest the wait after
   * this decision lasts, so its delivery can say how long (docs/review.md, decision 16).
   */
  remindEverySeconds?: number;
}

/** What the claim records: the person's action and, when the decision carries one, its payload's hash. */
export interface ApprovalDecision {
  action: string;
  payloadHash?: string;
  /** The request's write id (a page's nonce), when it has one. */
  writeId?: string;
}

export interface Approval extends NewApproval {
  /** Opaque 128-bit id, base64url (22 characters). */
  id: string;
  status: ApprovalStatus;
  /** Incremented by every `swapTaskToken`; delivery marks are conditional on it. */
  tokenGen: number;
  createdAt: string;
  decision?: ApprovalDecision;
  decidedBy?: Actor;
  decidedAt?: string;
  deliveredAt?: string;
  deliveryAttempts: number;
  lastError?: string;
  closedAt?: string;
  closedReason?: string;
  /** Set when a reassignment closed it. */
  reassignment?: ReassignmentClaim;
  /** Reminders sent while pending (see `noteReminder`). */
  reminders: number;
  /**
   * The token generation of a failed delivery whose request may have been applied (its answer
   * lost): a later delivery to that same token that finds the task gone was delivered by it.
   */
  deliveryMayHaveLanded?: number;
  lastRemindedAt?: string;
}

/** What the reassignment's claim records on the approval it closes. */
export interface ReassignmentClaim {
  writeId: string;
  newReviewerId: string;
  by: Actor;
  /** The admin's reason, for the audit entry its follow-ups write last (whoever finishes them). */
  reason?: string;
}

export type DecideOutcome =
  /** Recorded now. Deliver `approval.decision` with `approval.taskToken`, then `markDelivered`. */
  | { outcome: 'decided'; approval: Approval }
  /** Someone decided first (409); `approval.decision` is what counts. */
  | { outcome: 'already-decided'; approval: Approval }
  /** The link's time is over (410). */
  | { outcome: 'expired'; approval: Approval }
  /** The waiting task was closed (review over, another decision made it moot) (410). */
  | { outcome: 'closed'; approval: Approval }
  | { outcome: 'not-found' };

export type SwapOutcome =
  /** Pending: the new token waits for the person's decision. */
  | { state: 'armed'; approval: Approval }
  /** Already decided: deliver `approval.decision` now with the new token, then `markDelivered`. */
  | { state: 'decided'; approval: Approval }
  | { state: 'closed'; approval: Approval };

export interface AssignmentStart {
  assignment?: ReviewerAssignment;
  /** Reviewer id → units known held in the period; absent means none known. */
  loads: Record<string, number>;
  /** A run started taking a slot for the unit and did not store its assignment. */
  tried: boolean;
}

export interface ReviewStore {
  // assignments
  getAssignment(periodId: string, unitId: string): Promise<ReviewerAssignment | undefined>;
  /**
   * The number of units each reviewer holds in the period (reviewers with none are absent), and
   * the reviewer of `unitId` when it already holds a load slot (a step re-run after a crash), and
   * every reviewer holding one for it (after a reassignment, the old and the new).
   */
  reviewerLoads(
    periodId: string,
    unitId: string,
  ): Promise<{ loads: Record<string, number>; holder?: string; holders: string[] }>;
  /**
   * Takes the reviewer's next load slot for the unit, only while the reviewer still holds
   * `expectedLoad` units: of two assignments that saw the same loads, one gets the slot and the
   * other reads again. False when the load moved.
   */
  takeLoadSlot(periodId: string, reviewerId: string, unitId: string, expectedLoad: number): Promise<boolean>;
  /**
   * What assigning a unit starts from, in one read: its assignment if it has one, each reviewer's
   * known load (a lower bound: a slot taken is noted just after it), and whether a run marked
   * that it was taking a slot for the unit (it may hold one: `reviewerLoads` finds it).
   */
  assignmentStart(periodId: string, unitId: string): Promise<AssignmentStart>;
  /** Marks, before the first slot is tried, that a run is taking a load slot for the unit. */
  markTakingSlot(periodId: string, unitId: string): Promise<void>;
  /** Assigns unless the unit-period has a reviewer already (then that one, `created: false`). */
  assign(
    periodId: string,
    unitId: string,
    reviewerId: string,
    actor: Actor,
  ): Promise<{ assignment: ReviewerAssignment; created: boolean }>;

  /**
   * Hands the unit-period to another reviewer: conditional on the assignment naming `fromId`
   * (or `toId` already: a retry); false when someone else changed it in between.
   */
  reassign(periodId: string, unitId: string, fromId: string, toId: string, actor: Actor): Promise<boolean>;

  // approvals
  /**
   * Creates the point's approval, or returns the existing one (`created: false`): then call
   * `swapTaskToken` with the new task's token.
   */
  createApproval(input: NewApproval): Promise<{ approval: Approval; created: boolean }>;
  /** The approval of a decision point made before, if any (two reads, no write). */
  approvalAt(point: ApprovalPoint): Promise<Approval | undefined>;
  getApproval(approvalId: string): Promise<Approval | undefined>;
  /**
   * Puts a decision's payload before its claim (immutable, addressed by the approval and the
   * payload's content hash); returns the hash the claim records.
   */
  putDecisionPayload(
    approval: Pick<Approval, 'id' | 'kind' | 'periodId' | 'unitId'>,
    payload: unknown,
  ): Promise<string>;
  /** The payload the approval's claim selected; undefined when its decision carries none. */
  getDecisionPayload<T>(approval: Approval): Promise<T | undefined>;
  /** The approvals with these ids (100 a request); unknown ids are absent. */
  getApprovals(approvalIds: readonly string[]): Promise<Approval[]>;
  /** The payloads of decided approvals (100 a request), by approval id; a payload missing is a NotFoundError. */
  getDecisionPayloads<T>(approvals: readonly Approval[]): Promise<Map<string, T>>;
  /** The claim: conditional `pending → decided` (and not expired), recording the decision and who made it. */
  decide(approvalId: string, decision: ApprovalDecision, actor: Actor): Promise<DecideOutcome>;
  /** Re-arms the same approval with a new task token (same id, same link). NotFoundError. */
  swapTaskToken(approvalId: string, taskToken: string): Promise<SwapOutcome>;
  /** Delivery succeeded with the token of `tokenGen`. false when a newer token superseded it. */
  markDelivered(approvalId: string, tokenGen: number): Promise<boolean>;
  /**
   * A transient delivery error: stays in the sweep's queue with the error recorded. `mayHaveLanded`:
   * a request of the failed attempt may have been applied (its answer lost), recorded with the
   * token generation it used (`deliveryMayHaveLanded`).
   */
  markDeliveryFailed(
    approvalId: string,
    tokenGen: number,
    error: string,
    mayHaveLanded?: boolean,
  ): Promise<boolean>;
  /** The task is gone (TaskTimedOut, InvalidToken, TaskDoesNotExist): moves to the admin's list. */
  markTaskGone(approvalId: string, tokenGen: number, error: string): Promise<boolean>;
  /** Conditional `pending → closed` (a late click gets 410). false if not pending. */
  closeApproval(approvalId: string, reason: string): Promise<boolean>;
  /**
   * The reassignment's claim: `pending → closed` with the reason `reassigned`, recording the
   * write id, the new reviewer and who decided, and marked as having follow-ups (the sweep's
   * `listReassigning`). `claimed` now, `retry` when this write id closed it already, `refused`
   * when it was decided or closed otherwise (the approval as it is now).
   */
  closeForReassignment(
    approvalId: string,
    change: ReassignmentClaim,
  ): Promise<{ outcome: 'claimed' | 'retry' | 'refused'; approval: Approval }>;
  /** Reassignments whose follow-ups are not known done, oldest claim first. */
  listReassigning(options?: { closedBefore?: Date; limit?: number }): Promise<Approval[]>;
  /** Ends the follow-up mark of the reassignment `writeId` claimed on this approval (done). */
  endReassignment(approvalId: string, writeId: string): Promise<void>;
  /**
   * Counts a reminder while pending, at most one per `minIntervalMs` (race-free); returns whether
   * this caller should send it and the count so far.
   */
  noteReminder(approvalId: string, minIntervalMs: number): Promise<{ remind: boolean; reminders: number }>;
  /** Decided but not delivered (the sweep's queue), oldest first. `decidedBefore` skips fresh ones. */
  listUndelivered(options?: { decidedBefore?: Date; limit?: number }): Promise<Approval[]>;
  /** Decisions whose task was gone when delivered (the admin's attention list). */
  listTaskGone(): Promise<Approval[]>;
  /** Every approval of the period or commendation cycle (an index). */
  listPeriodApprovals(periodId: string): Promise<Approval[]>;
  /** The approvals of a unit-period, read consistently from its decision points. */
  listUnitPeriodApprovals(unitId: string, periodId: string): Promise<Approval[]>;
}
