/**
 * The report aggregate of a unit-period: the report as it stands now, its immutable revisions, and
 * the unit-period's progress (invited, reminded, late, the approval that made it final). Keys:
 * docs/store.md.
 *
 * Storage rules, not domain rules: a report's content changes only while it is `draft` or
 * `returned`, and only by a new revision (submitting is a revision too); a revision is never
 * rewritten.
 */
import type { Report } from '#domain/model';
import type { Actor } from './actor.ts';

export type ReportStatus = 'draft' | 'submitted' | 'in-review' | 'returned' | 'explained' | 'approved';

/** Submitted and not approved: in the review loop, waiting for an appraisal or for the explanation before one. */
export const IN_REVIEW_LOOP: ReadonlySet<ReportStatus> = new Set([
  'submitted',
  'in-review',
  'returned',
  'explained',
]);

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
  /** The content write that made this version: a retried request finds its own claim by its write id. */
  lastWrite?: LastWrite;
}

/** The claim a content write recorded (docs/reliability.md). */
export interface LastWrite {
  writeId: string;
  kind: 'save' | 'submit';
  /** The `explain` approval an explanation answers: deciding it is the explanation's follow-up. */
  approvalId?: string;
}

/** A claim whose follow-ups are unfinished, as the sweep's queue lists it. */
export interface FollowUpMark {
  unitId: string;
  periodId: string;
  /** The claim's write id and revision. */
  writeId: string;
  version: number;
}

/** A report as the admin's status page lists it: no content. */
export type ReportSummary = Omit<StoredReport, 'report' | 'lastWrite'>;

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

/** A revision to write: the content, the version the editor opened (0 for none), who and how. */
export interface NewRevision {
  report: Report;
  expectedVersion: number;
  actor: Actor;
  /** `save` keeps the status; `submit` moves `draft → submitted` or `returned → explained`. */
  kind: 'save' | 'submit';
  /** The approval this revision answers (an explanation's), kept on the revision. */
  approvalId?: string;
  /** The request's write id (a page's nonce), kept on the revision; a random one when absent. */
  writeId?: string;
  /**
   * What this request read just before (`get`'s answer, `null` when it found none): the store
   * then does not read it again. Safe when stale: the revision's conditional put is the lock.
   */
  readBefore?: StoredReport | null;
}

/** Where a unit-period stands besides its report (instants on the clock of the step that marked them). */
export interface UnitProgress {
  unitId: string;
  periodId: string;
  invitedAt?: string;
  remindedAt?: string;
  lateAt?: string;
  /** The `appraise` approval whose decision approved the report: scoring reads its appraisal. */
  finalApprovalId?: string;
  /** Copies for the admin's unit table (functions/ports/dynamo/progress.ts): the report's status … */
  reportStatus?: ReportStatus;
  statusChangedAt?: string;
  submittedAt?: string;
  /** … and the reviewer, since when. */
  reviewerId?: string;
  assignedAt?: string;
}

export type ProgressMark = 'invited' | 'reminded' | 'late';

export interface ReportStore {
  /**
   * Writes the content as revision `expectedVersion + 1`. ConflictError('version') when someone
   * saved since (nothing changes), ConflictError('status') unless `draft`/`returned`. The same
   * write id again (a retried request whose first try was stored) answers the stored report.
   */
  writeRevision(unitId: string, periodId: string, revision: NewRevision): Promise<StoredReport>;
  /** The report now (read consistently: a page after a save shows the saved version). */
  get(unitId: string, periodId: string): Promise<StoredReport | undefined>;
  /** Every revision, oldest first. */
  listRevisions(unitId: string, periodId: string): Promise<ReportRevision[]>;
  /** One revision (the version a reviewer saw), if it was written. */
  getRevision(unitId: string, periodId: string, version: number): Promise<ReportRevision | undefined>;
  /** Every report of the period (no content), by unit id; units without a report are absent. */
  listPeriod(periodId: string): Promise<ReportSummary[]>;
  /**
   * Conditional status change (not a content revision). `changed: false` when it is already `to`
   * (a re-run step); ConflictError('status') when it is neither in `from` nor `to`; NotFoundError.
   */
  setStatus(
    unitId: string,
    periodId: string,
    from: readonly ReportStatus[],
    to: ReportStatus,
    actor: Actor,
  ): Promise<{ changed: boolean; report: StoredReport }>;

  /** Sets the mark's instant unless it is set already (a re-run keeps the first); the progress after. */
  markProgress(unitId: string, periodId: string, mark: ProgressMark): Promise<UnitProgress>;
  /** Names the approval that made the report final (the same one again is a re-run). */
  setFinalApproval(unitId: string, periodId: string, approvalId: string): Promise<void>;
  getProgress(unitId: string, periodId: string): Promise<UnitProgress | undefined>;
  /** The progress of many units in a period, read by key (100 a request), by unit id. */
  getProgressOf(unitIds: readonly string[], periodId: string): Promise<Map<string, UnitProgress>>;
  /**
   * Ends the FOLLOWUP mark left by the write `writeId`, revision `version` (its follow-ups are
   * done): on that revision (the claim) and on the current item.
   */
  clearFollowUp(unitId: string, periodId: string, writeId: string, version: number): Promise<void>;
  /**
   * Claims whose follow-ups are still to finish, oldest first (the sweep's queue): a claim is
   * listed by its revision and, once written, by the current item too (the same mark twice).
   */
  listFollowUps(limit: number): Promise<FollowUpMark[]>;
  /** Every unit-period progress of the period (an index: ids and marks, eventually consistent). */
  listProgress(periodId: string): Promise<UnitProgress[]>;
}
