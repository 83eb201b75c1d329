/**
 * Records the review steps read and write besides the store's own: the appraisal of a round
 * (written from its approval's recorded decision), an audit entry appended once per id, closing
 * the pending decision points of a unit-period, and moving its report to the next status.
 */
import type { Appraisal } from '#domain/model';
import type { Deps } from '#ports/deps';
import {
  type Actor,
  type Approval,
  type AuditInput,
  ConflictError,
  type ReportStatus,
  type Store,
  type StoredAppraisal,
} from '#ports/store';

/** The decision kinds of the review loop (the unit's `report` grant is not one: it stays open). */
const REVIEW_KINDS: ReadonlySet<Approval['kind']> = new Set(['appraise', 'explain']);

function isAppraisal(value: unknown, unitId: string, periodId: string): value is Appraisal {
  const a = value as Partial<Appraisal> | null;
  return (
    !!a &&
    typeof a === 'object' &&
    a.unitId === unitId &&
    a.periodId === periodId &&
    typeof a.criteriaSetId === 'string' &&
    typeof a.entries === 'object' &&
    a.entries !== null
  );
}

/**
 * The round's appraisal. The decision page's only write is the decision itself (docs/review.md,
 * decision 2), whose payload carries the appraisal (`payload.appraisal`, `payload.reportVersion`,
 * functions/web/review-page.ts `AppraiseDecisionPayload`); the step that follows the decision
 * (RequestExplanation or RecordApproval) stores it as the round's immutable appraisal record here
 * — idempotently, so a re-run changes nothing.
 */
export async function roundAppraisal(
  deps: Pick<Deps, 'store'>,
  unitId: string,
  periodId: string,
  round: number,
): Promise<StoredAppraisal | undefined> {
  const stored = await deps.store.getAppraisal(unitId, periodId, round);
  if (stored) return stored;
  const approvals = await deps.store.listUnitPeriodApprovals(unitId, periodId);
  const decided = approvals.find((a) => a.kind === 'appraise' && a.round === round && a.decision);
  const payload = decided?.decision?.payload as { appraisal?: unknown; reportVersion?: unknown } | undefined;
  if (!decided || !isAppraisal(payload?.appraisal, unitId, periodId)) return undefined;
  await deps.store.putAppraisal(payload.appraisal, round, {
    approvalId: decided.id,
    ...(typeof payload.reportVersion === 'number' ? { reportVersion: payload.reportVersion } : {}),
  });
  return deps.store.getAppraisal(unitId, periodId, round);
}

/** Appends the entry unless one with its id is already in the subject's record (a re-run step). */
export async function appendAuditOnce(store: Store, entry: AuditInput & { id: string }): Promise<void> {
  const existing = await store.listAudit(entry.subject);
  if (existing.some((e) => e.id === entry.id)) return;
  await store.appendAudit(entry);
}

/** Closes every pending appraisal/explanation point of the unit-period (a late click gets 410). */
export async function closePendingReviewApprovals(
  store: Store,
  unitId: string,
  periodId: string,
  reason: string,
): Promise<Approval[]> {
  const approvals = await store.listUnitPeriodApprovals(unitId, periodId);
  const pending = approvals.filter((a) => a.status === 'pending' && REVIEW_KINDS.has(a.kind));
  for (const a of pending) await store.closeApproval(a.id, reason);
  return pending;
}

/**
 * Moves the unit-period's report from one of `from` to `to`. A report found in another status (a
 * re-run step, or an admin got there first) is left as it is, with a warning: the step goes on.
 */
export async function moveReport(
  deps: Pick<Deps, 'store' | 'log'>,
  unitId: string,
  periodId: string,
  from: readonly ReportStatus[],
  to: ReportStatus,
  actor: Actor,
): Promise<void> {
  try {
    await deps.store.setReportStatus(unitId, periodId, from, to, actor);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    deps.log.warn(`report not moved to ${to}`, { status: err.current?.status });
  }
}
