/**
 * The storage port. Handlers speak to the district's table only through `Store`; its one
 * implementation is `DynamoStore` (functions/ports/dynamo-store.ts). The key design, the access
 * patterns and how multi-item changes stay safe without transactions: docs/store.md.
 *
 * Pure of domain rules: the store records states and refuses writes whose expected state no
 * longer holds; which transition is allowed when is the callers' business. Two storage rules
 * only: a report's content changes only while it is `draft` or `returned`, and what was
 * published (results, revisions, appraisals, ballots, audit) is never overwritten.
 */
import type {
  Appraisal,
  CriteriaSet,
  DistrictConfig,
  Period,
  Person,
  Points,
  Report,
  Unit,
} from '#domain/model';

// ---------------------------------------------------------------- errors

/** Why a write was refused. */
export type ConflictReason = 'version' | 'status' | 'exists';

/**
 * The stored state is not what the caller expected: someone else saved since the caller read it
 * (`version`), the record is in another state (`status`), or an immutable record already exists
 * with different content (`exists`). Nothing was changed. The message is for people (Vietnamese
 * first: pages may show it as is).
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly reason: ConflictReason,
    message: string,
    /** What is stored now, when known (e.g. the current version and status). */
    readonly current?: { version?: number; status?: string },
  ) {
    super(message);
  }
}

/** The record the caller names does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly key: string,
  ) {
    super(`${entity} not found: ${key}`);
  }
}

/** A document would exceed DynamoDB's 400 KB item limit. Nothing was written. */
export class ItemTooLargeError extends Error {
  override readonly name = 'ItemTooLargeError';
}

/** Message of a version conflict on a report, shown to the unit. */
export const REPORT_VERSION_CONFLICT =
  'Báo cáo đã được người khác lưu kể từ khi bạn mở trang; hãy tải lại trang. ' +
  '(Someone else saved this report since you opened it; reload the page.)';

// ---------------------------------------------------------------- shared

/** Who did something, and from where (kept with every decision and audit entry). */
export interface Actor {
  kind: 'unit' | 'reviewer' | 'council' | 'admin' | 'leadership' | 'system';
  /** Unit id, person id, or the name of the system step. */
  id: string;
  email?: string;
  /** Source IP address of the request, when a person acted through a page. */
  ip?: string;
  userAgent?: string;
}

// ---------------------------------------------------------------- campaign and periods

export interface CampaignInput {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
}

export interface StoredCampaign extends CampaignInput {
  /** 1 on the first store, +1 on each changed store. */
  version: number;
  storedAt: string;
  /** sha256 of the stored content: an identical re-store is recognised and changes nothing. */
  contentHash: string;
}

export type PersonRole = 'reviewer' | 'council' | 'admin' | 'leadership';

export type PeriodStatus = 'scheduled' | 'open' | 'closed';

export interface StoredPeriod {
  period: Period;
  status: PeriodStatus;
  statusChangedAt?: string;
  /**
   * Per-period counters as sets of unit ids (e.g. `invited`, `reminded`, `late`): adding a unit
   * twice counts it once, so a re-run step never double-counts. The count is `.length`.
   */
  counters: Record<string, string[]>;
}

// ---------------------------------------------------------------- reports

export type ReportStatus = 'draft' | 'submitted' | 'in-review' | 'returned' | 'explained' | 'approved';

/** Statuses in which the unit may still change the content. */
export const EDITABLE_REPORT_STATUSES: readonly ReportStatus[] = ['draft', 'returned'];

export interface StoredReport {
  unitId: string;
  periodId: string;
  /** Content revision number: 1 after the first save; status changes do not bump it. */
  version: number;
  status: ReportStatus;
  report: Report;
  updatedAt: string;
  updatedBy: Actor;
  /** When the report was first submitted. */
  submittedAt?: string;
  statusChangedAt: string;
}

/** A report as the admin's status page lists it: no content. */
export type ReportSummary = Omit<StoredReport, 'report'>;

/** One immutable revision: the content as saved or submitted by one write. */
export interface ReportRevision {
  unitId: string;
  periodId: string;
  version: number;
  /** The report's status right after this write. */
  status: ReportStatus;
  kind: 'save' | 'submit';
  report: Report;
  savedAt: string;
  savedBy: Actor;
}

export interface StoredAppraisal {
  appraisal: Appraisal;
  round: number;
  /** The report version the reviewer saw. */
  reportVersion?: number;
  /** The approval whose decision carried it. */
  approvalId?: string;
  recordedAt: string;
}

export interface ReviewerAssignment {
  unitId: string;
  periodId: string;
  reviewerId: string;
  assignedAt: string;
  assignedBy: Actor;
  /** Earlier reviewers of this unit-period, oldest first (admin reassignments). */
  previousReviewers: string[];
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
}

/** The decision a person made; `payload` carries the appraisal, explanation or ballot. */
export interface ApprovalDecision {
  action: string;
  payload?: unknown;
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
  /** Reminders sent while pending (see `noteReminder`). */
  reminders: number;
  lastRemindedAt?: string;
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

// ---------------------------------------------------------------- outbox

/** At most one email per identity (DESIGN.md). */
export interface MailIdentity {
  /** The workflow step, e.g. `invitation`, `review-request`. ASCII. */
  step: string;
  recipient: string;
  /** The unit or candidate it concerns, if any. ASCII. */
  subjectId?: string;
  periodId?: string;
  round?: number;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type OutboxStatus = 'claimed' | 'sent' | 'failed' | 'ambiguous';

export interface OutboxRecord extends OutgoingMail {
  /** The identity as a key string (stable, readable). */
  key: string;
  identity: MailIdentity;
  status: OutboxStatus;
  /** 1 for the first claim, +1 per retry claim. Marks are conditional on it. */
  attempt: number;
  createdAt: string;
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
  lastError?: string;
}

export type ClaimOutcome =
  /** This caller owns the send (first claim, or a retry after `failed`). */
  | { outcome: 'claimed'; record: OutboxRecord }
  /** Sent already: do not send again. */
  | { outcome: 'duplicate'; record: OutboxRecord }
  /** Another caller claimed it moments ago and is sending. */
  | { outcome: 'in-progress'; record: OutboxRecord }
  /** Unknown whether it went out: shown to the admin, never re-sent by guess. */
  | { outcome: 'ambiguous'; record: OutboxRecord };

// ---------------------------------------------------------------- results, audit, commendation, sessions

export interface StoredResults<T = unknown> {
  periodId: string;
  version: number;
  results: T;
  publishedAt: string;
}

export interface AuditInput {
  /** What it concerns, e.g. `report/<unit>/<period>`, `approval/<id>`, `campaign`. */
  subject: string;
  /** Lists it on the period's audit page. */
  periodId?: string;
  actor: Actor;
  /** What happened, e.g. `report.submitted`, `approval.decided`. */
  action: string;
  detail?: Record<string, unknown>;
  /** Deterministic id makes the append idempotent (a retried step appends once). */
  id?: string;
  /** Defaults to the store's clock. */
  at?: string;
}

export interface AuditEntry extends AuditInput {
  id: string;
  at: string;
}

export interface StoredProposal<T = unknown> {
  cycleId: string;
  candidateId: string;
  version: number;
  proposal: T;
  updatedAt: string;
}

export interface StoredBallot<T = unknown> {
  cycleId: string;
  memberId: string;
  ballot: T;
  castAt: string;
  castBy: Actor;
  approvalId?: string;
}

export interface AdminSession {
  adminId: string;
  email: string;
  createdAt: string;
  /** Absolute end. */
  expiresAt: string;
  /** The session ends after this long without a request. */
  idleTimeoutMs: number;
  lastSeenAt: string;
}

// ---------------------------------------------------------------- the port

export interface Store {
  // campaign (one per table)
  /**
   * Stores the validated config and its criteria sets (and unit, person items derived from it).
   * `expectedVersion` 0 = first store. Storing identical content again returns `changed: false`
   * whatever the version; different content at another version → ConflictError('version').
   */
  putCampaign(
    campaign: CampaignInput,
    expectedVersion: number,
  ): Promise<{ version: number; changed: boolean }>;
  getCampaign(): Promise<StoredCampaign | undefined>;
  getCriteriaSet(setId: string): Promise<CriteriaSet | undefined>;
  getUnit(unitId: string): Promise<Unit | undefined>;
  listUnits(): Promise<Unit[]>;
  getPerson(role: PersonRole, personId: string): Promise<Person | undefined>;
  listPeople(role: PersonRole): Promise<Person[]>;

  // periods
  /** Creates missing periods as `scheduled`; updates the dates of existing ones, keeping status and counters. */
  putPeriods(periods: Period[]): Promise<void>;
  getPeriod(periodId: string): Promise<StoredPeriod | undefined>;
  listPeriods(): Promise<StoredPeriod[]>;
  /** Conditional `from → to`; `changed: false` when already `to`; ConflictError('status') otherwise. */
  setPeriodStatus(
    periodId: string,
    from: PeriodStatus,
    to: PeriodStatus,
  ): Promise<{ changed: boolean; period: StoredPeriod }>;
  /** Adds the unit to the named counter set (idempotent). Counter names: lower-case ASCII. */
  addToPeriodCounter(periodId: string, counter: string, unitId: string): Promise<void>;

  // reports
  /**
   * Saves the content as a new revision. `expectedVersion` is the version the editor opened
   * (0 for a report never saved). ConflictError('version') when someone saved since (nothing
   * changes: the stored report stays theirs), ConflictError('status') unless draft/returned.
   */
  saveReportDraft(
    unitId: string,
    periodId: string,
    report: Report,
    expectedVersion: number,
    actor: Actor,
  ): Promise<StoredReport>;
  /** Like a save, and moves `draft → submitted` or `returned → explained`. */
  submitReport(
    unitId: string,
    periodId: string,
    report: Report,
    expectedVersion: number,
    actor: Actor,
  ): Promise<StoredReport>;
  getReport(unitId: string, periodId: string): Promise<StoredReport | undefined>;
  /** Every revision, oldest first. */
  listReportRevisions(unitId: string, periodId: string): Promise<ReportRevision[]>;
  /** Every report of the period (no content), by unit id. Units without a report are absent. */
  listPeriodReports(periodId: string): Promise<ReportSummary[]>;
  /**
   * Conditional status change (not a content revision). `changed: false` when it is already `to`
   * (a re-run step); ConflictError('status') when it is neither in `from` nor `to`; NotFoundError.
   */
  setReportStatus(
    unitId: string,
    periodId: string,
    from: ReportStatus | readonly ReportStatus[],
    to: ReportStatus,
    actor: Actor,
  ): Promise<{ changed: boolean; report: StoredReport }>;

  // appraisals
  /**
   * One immutable appraisal per round. Identical re-put → 'unchanged'; different → ConflictError('exists').
   */
  putAppraisal(
    appraisal: Appraisal,
    round: number,
    source?: { approvalId?: string; reportVersion?: number },
  ): Promise<'created' | 'unchanged'>;
  getAppraisal(unitId: string, periodId: string, round: number): Promise<StoredAppraisal | undefined>;
  /** Every round's appraisal, first round first. */
  listAppraisals(unitId: string, periodId: string): Promise<StoredAppraisal[]>;

  // reviewer balance
  /**
   * Assigns the reviewer unless the unit-period has one already (then returns that one,
   * `created: false`), and counts the unit in the reviewer's load for the period.
   */
  assignReviewer(
    periodId: string,
    unitId: string,
    reviewerId: string,
    actor: Actor,
  ): Promise<{ assignment: ReviewerAssignment; created: boolean }>;
  /** Admin reassignment `from → to` (conditional); moves the unit between the reviewers' loads. */
  reassignReviewer(
    periodId: string,
    unitId: string,
    from: string,
    to: string,
    actor: Actor,
  ): Promise<ReviewerAssignment>;
  getAssignment(periodId: string, unitId: string): Promise<ReviewerAssignment | undefined>;
  /** Counts the unit in the reviewer's load (idempotent: a set of unit ids). */
  incrementReviewerLoad(periodId: string, reviewerId: string, unitId: string): Promise<void>;
  /** Reviewer id → number of units assigned in the period (reviewers with none are absent). */
  getReviewerLoads(periodId: string): Promise<Record<string, number>>;

  // approvals (one per decision point; the task token lives only here)
  /**
   * Creates the point's approval, or returns the existing one (`created: false`): then call
   * `swapTaskToken` with the new task's token.
   */
  createApproval(input: NewApproval): Promise<{ approval: Approval; created: boolean }>;
  getApproval(approvalId: string): Promise<Approval | undefined>;
  /** Conditional `pending → decided` (and not expired), storing the decision and who made it. */
  decideApproval(approvalId: string, decision: ApprovalDecision, actor: Actor): Promise<DecideOutcome>;
  /** Re-arms the same approval with a new task token (same id, same link). NotFoundError. */
  swapTaskToken(approvalId: string, taskToken: string): Promise<SwapOutcome>;
  /** Delivery succeeded with the token of `tokenGen`. false when a newer token superseded it. */
  markDelivered(approvalId: string, tokenGen: number): Promise<boolean>;
  /** A transient delivery error: stays in the sweep's queue with the error recorded. */
  markDeliveryFailed(approvalId: string, tokenGen: number, error: string): Promise<boolean>;
  /** The task is gone (TaskTimedOut, InvalidToken, TaskDoesNotExist): moves to the admin's list. */
  markTaskGone(approvalId: string, tokenGen: number, error: string): Promise<boolean>;
  /** Conditional `pending → closed` (a late click gets 410). false if not pending. */
  closeApproval(approvalId: string, reason: string): Promise<boolean>;
  /**
   * Counts a reminder while pending, at most one per `minIntervalMs` (race-free); returns whether
   * this caller should send it and the count so far.
   */
  noteReminder(approvalId: string, minIntervalMs: number): Promise<{ remind: boolean; reminders: number }>;
  /** Decided but not delivered (the sweep's queue), oldest first. `decidedBefore` skips fresh ones. */
  listUndelivered(options?: { decidedBefore?: Date; limit?: number }): Promise<Approval[]>;
  /** Decisions whose task was gone when delivered (the admin's attention list). */
  listTaskGone(): Promise<Approval[]>;
  /** Every approval of the period (admin), or of one unit in it. */
  listPeriodApprovals(periodId: string, unitId?: string): Promise<Approval[]>;
  /** The approvals of a unit-period, read consistently from its decision points. */
  listUnitPeriodApprovals(unitId: string, periodId: string): Promise<Approval[]>;

  // email outbox
  claimOutbox(identity: MailIdentity, mail: OutgoingMail): Promise<ClaimOutcome>;
  markOutboxSent(key: string, attempt: number, messageId: string): Promise<boolean>;
  markOutboxFailed(key: string, attempt: number, error: string): Promise<boolean>;
  markOutboxAmbiguous(key: string, attempt: number, error: string): Promise<boolean>;
  /** Admin's "send again" for an ambiguous message: `ambiguous → failed`, so the next send retries. */
  releaseOutbox(key: string): Promise<boolean>;
  getOutbox(identity: MailIdentity): Promise<OutboxRecord | undefined>;
  /** Newest first (the local inbox page, the admin's correspondence record). */
  listOutbox(limit: number): Promise<OutboxRecord[]>;
  /** Failed or ambiguous messages, oldest first (newest first with `newestFirst`: the admin's page). */
  listOutboxAttention(limit?: number, options?: { newestFirst?: boolean }): Promise<OutboxRecord[]>;

  // results (immutable versions)
  /** Version n is written once; identical re-put → 'unchanged', different → ConflictError('exists'). */
  putResults<T>(periodId: string, version: number, results: T): Promise<'created' | 'unchanged'>;
  getResults<T = unknown>(periodId: string, version: number): Promise<StoredResults<T> | undefined>;
  /** Every version, v1 first. */
  listResults<T = unknown>(periodId: string): Promise<StoredResults<T>[]>;

  // audit (append-only)
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Oldest first. */
  listAudit(subject: string): Promise<AuditEntry[]>;
  listPeriodAudit(periodId: string): Promise<AuditEntry[]>;

  // commendation
  /** Versioned like a report: `expectedVersion` 0 creates. Identical content → unchanged. */
  putProposal<T>(
    cycleId: string,
    candidateId: string,
    proposal: T,
    expectedVersion: number,
  ): Promise<StoredProposal<T>>;
  listProposals<T = unknown>(cycleId: string): Promise<StoredProposal<T>[]>;
  /** One immutable ballot per member and cycle; a second (different) ballot is 'already-cast'. */
  castBallot<T>(
    cycleId: string,
    memberId: string,
    ballot: T,
    actor: Actor,
    approvalId?: string,
  ): Promise<{ outcome: 'cast' | 'already-cast'; ballot: StoredBallot<T> }>;
  listBallots<T = unknown>(cycleId: string): Promise<StoredBallot<T>[]>;

  // admin sessions (the cookie carries the id; only its sha256 is stored)
  createSession(
    admin: { adminId: string; email: string },
    options: { absoluteMs: number; idleTimeoutMs: number },
  ): Promise<{ sessionId: string; session: AdminSession }>;
  /** undefined when unknown, expired or idle too long; otherwise refreshes its idle clock. */
  getSession(sessionId: string): Promise<AdminSession | undefined>;
  deleteSession(sessionId: string): Promise<void>;

  // additions for the sweep (functions/sweep.ts)
  /**
   * Outbox messages still `claimed` although claimed before `claimedBefore` (the sender died
   * mid-send), among those created since `createdSince`, oldest first: the sweep marks them
   * ambiguous. Reads one bounded range of the outbox listing (no Scan).
   */
  listStaleOutboxClaims(claimedBefore: Date, createdSince: Date, limit?: number): Promise<OutboxRecord[]>;

  // additions for the reviewer assignment (functions/review/assign-reviewer.ts)
  /**
   * Counts the unit in the reviewer's load only if the load still holds `expectedCount` units
   * (optimistic: of two assignments that saw the same loads, one gets the reviewer and the other
   * reads again). true when counted now or already counted; false when the count moved.
   */
  reserveReviewerLoad(
    periodId: string,
    reviewerId: string,
    unitId: string,
    expectedCount: number,
  ): Promise<boolean>;

  // additions for the admin's recorded scoring inputs (functions/scoring/adjustments.ts, compute-results)
  /**
   * Records the survey result, bonus and penalty of a unit-period (one item, `UNIT#u / P#p#ADJUSTMENTS`).
   * Overwriting is allowed: each change bumps `version` and appends an audit entry (subject
   * `adjustments/<u>/<p>`) with the values before and after; identical values change nothing.
   */
  putAdjustments(
    unitId: string,
    periodId: string,
    adjustments: Adjustments,
    actor: Actor,
  ): Promise<{ changed: boolean; adjustments: StoredAdjustments }>;
  getAdjustments(unitId: string, periodId: string): Promise<StoredAdjustments | undefined>;
  /** Every unit's adjustments of the period (gsi1 `PERIOD#<p>#ADJUSTMENTS`), by unit id. */
  listPeriodAdjustments(periodId: string): Promise<StoredAdjustments[]>;
}

/** What the admin records for scoring a unit-period (docs/scoring.md steps 2–3). */
export interface Adjustments {
  /** Satisfaction survey result; null: the unit has none (its appraised sum is rescaled). */
  survey: Points | null;
  bonus: Points;
  penalty: Points;
  /** Where the figures come from (e.g. the survey report's number). */
  note?: string;
}

export interface StoredAdjustments extends Adjustments {
  unitId: string;
  periodId: string;
  /** 1 on the first record, +1 on each change. */
  version: number;
  updatedAt: string;
  updatedBy: Actor;
}
