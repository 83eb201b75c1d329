/**
 * The audit: append-only entries per subject (a report, a period's results, a commendation cycle,
 * an admin). An entry's id is deterministic — derived from what it records (`decision-<approval>`,
 * `approved-r2`) — so an append retried is the same entry, never a second one. Keys: docs/store.md.
 */
import type { Actor } from './actor.ts';

export interface AuditEntry {
  /** Unique within the subject, e.g. `decision-<approvalId>`, `review-closed`. */
  id: string;
  /** What it concerns, e.g. `report/<unit>/<period>`, `results/<period>`, `award/<cycle>`. */
  subject: string;
  /** The period it belongs to, when it belongs to one. */
  periodId?: string;
  actor: Actor;
  /** What happened, e.g. `report.approved`, `appraise.decided`. */
  action: string;
  detail?: Record<string, unknown>;
  /** When it happened (the claim's time for a decision). */
  at: string;
}

export interface AuditLog {
  /** Appends the entry unless the subject has one with its id (then the stored one stands). */
  append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<'appended' | 'exists'>;
  /** The subject's entries, oldest first. */
  list(subject: string): Promise<AuditEntry[]>;
  has(subject: string, id: string): Promise<boolean>;
}
