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

/**
 * Which entries a listing reads, newest first: a period's (`periodId`), those of no period
 * (`campaign`: sign-ins, commendation), or a unit's, optionally of one period.
 */
export type AuditScope = { periodId: string } | { campaign: true } | { unitId: string; periodId?: string };

export interface AuditPage {
  entries: AuditEntry[];
  /** Where the next (older) page starts, when there is one: opaque, URL-safe. */
  cursor?: string;
}

export interface AuditLog {
  /** Appends the entry unless the subject has one with its id (then the stored one stands). */
  append(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<'appended' | 'exists'>;
  /** The subject's entries, oldest first. */
  list(subject: string): Promise<AuditEntry[]>;
  has(subject: string, id: string): Promise<boolean>;
  /**
   * One page of a scope's entries, newest first, from `cursor` (a previous page's). A cursor that
   * is not one this listing gave is an `InvalidCursorError`.
   */
  listPage(scope: AuditScope, options: { limit: number; cursor?: string }): Promise<AuditPage>;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The audit cursor is not one this listing gave');
    this.name = 'InvalidCursorError';
  }
}

/**
 * The unit an entry concerns, read from its subject: `report/<u>/<p>`, `adjustments/<u>/<p>`,
 * `standing/<u>` (the unit's standing for commendation), or `admin/unit:<u>` (a focal point's
 * sign-in, whose approval's subject is `unit:<u>`).
 */
export function auditUnitOf(subject: string): string | undefined {
  const [kind, id] = subject.split('/');
  if ((kind === 'report' || kind === 'adjustments' || kind === 'standing') && id) return id;
  return kind === 'admin' && id?.startsWith('unit:') ? id.slice('unit:'.length) || undefined : undefined;
}
