/**
 * What the review, scoring and commendation steps read and write about a unit-period's review
 * besides their own: the appraisal of a round (the payload of its `appraise` decision: the one
 * place an appraisal is stored), the final one (named on the unit-period's progress), closing the
 * pending decision points, and moving the report to its next status.
 */
import { indexCriteria } from '#domain/criteria-tree';
import type { Appraisal, CriteriaSet } from '#domain/model';
import type { ReviewComment } from '#mail/review';
import type { Actor } from '#ports/actor';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import type { ReportStatus, StoredReport } from '#ports/reports';
import type { Approval } from '#ports/reviews';
import type { AppraiseDecisionPayload } from './decisions.ts';

/** A round's appraisal as the pages and steps show it. */
export interface StoredAppraisal {
  appraisal: Appraisal;
  round: number;
  /** The report version the reviewer saw. */
  reportVersion?: number;
  /** The approval whose decision carried it. */
  approvalId: string;
  /** When the reviewer decided. */
  recordedAt: string;
  /** The reviewer's general comment. */
  generalComment?: string;
}

/** The decision kinds of the review loop (the unit's `report` grant is not one: it stays open). */
const REVIEW_KINDS: ReadonlySet<Approval['kind']> = new Set(['appraise', 'explain']);

/** The appraisal a decided `appraise` approval carries. */
export async function appraisalOf(approval: Approval): Promise<StoredAppraisal | undefined> {
  if (approval.kind !== 'appraise' || !approval.decision) return undefined;
  const payload = await reviews().getDecisionPayload<AppraiseDecisionPayload>(approval);
  return payload ? storedAppraisal(approval, payload) : undefined;
}

function storedAppraisal(approval: Approval, payload: AppraiseDecisionPayload): StoredAppraisal {
  return {
    appraisal: payload.appraisal,
    round: approval.round ?? 0,
    reportVersion: payload.reportVersion,
    approvalId: approval.id,
    recordedAt: approval.decidedAt ?? approval.createdAt,
    ...(payload.generalComment ? { generalComment: payload.generalComment } : {}),
  };
}

/** The appraisal of a round, when its reviewer has decided. */
export async function roundAppraisal(
  unitId: string,
  periodId: string,
  round: number,
): Promise<StoredAppraisal | undefined> {
  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  const decided = approvals.find((a) => a.kind === 'appraise' && a.round === round && a.decision);
  return decided ? appraisalOf(decided) : undefined;
}

/**
 * The appraisal that counts for an approved report: the one its final approval carries (named on
 * the progress by RecordApproval). Until that step has named it — it runs right after the report
 * became `approved` — the latest round the reviewer approved is the final one.
 */
export async function finalAppraisal(unitId: string, periodId: string): Promise<StoredAppraisal | undefined> {
  const progress = await reports().getProgress(unitId, periodId);
  if (progress?.finalApprovalId) {
    const approval = await reviews().getApproval(progress.finalApprovalId);
    return approval ? appraisalOf(approval) : undefined;
  }
  const approving = (await reviews().listUnitPeriodApprovals(unitId, periodId))
    .filter((a) => a.kind === 'appraise' && a.decision?.action === 'approve')
    .sort((a, b) => (b.round ?? 0) - (a.round ?? 0))[0];
  return approving ? appraisalOf(approving) : undefined;
}

/**
 * `finalAppraisal` for many units of a period, by unit id, in batched reads (three per 100 units
 * whose final approval is named; the others one by one, as `finalAppraisal` reads them).
 */
export async function finalAppraisals(
  unitIds: readonly string[],
  periodId: string,
): Promise<Map<string, StoredAppraisal>> {
  const progress = await reports().getProgressOf(unitIds, periodId);
  const named = [...progress.values()].flatMap((p) => (p.finalApprovalId ? [p.finalApprovalId] : []));
  const approvals = (await reviews().getApprovals(named)).filter(
    (a) => a.kind === 'appraise' && a.decision !== undefined,
  );
  const payloads = await reviews().getDecisionPayloads<AppraiseDecisionPayload>(approvals);
  const byUnit = new Map<string, StoredAppraisal>();
  for (const a of approvals) {
    const payload = payloads.get(a.id);
    if (a.unitId && payload) byUnit.set(a.unitId, storedAppraisal(a, payload));
  }
  for (const unitId of unitIds) {
    if (progress.get(unitId)?.finalApprovalId) continue;
    const appraisal = await finalAppraisal(unitId, periodId);
    if (appraisal) byUnit.set(unitId, appraisal);
  }
  return byUnit;
}

/**
 * Closes every pending appraisal/explanation point of the unit-period (a late click gets 410).
 * `listed`: the unit-period's approvals as the caller read them in this invocation (no point is
 * made for the unit-period while its review loop runs this step), spared a second read.
 */
export async function closePendingReviewApprovals(
  unitId: string,
  periodId: string,
  reason: string,
  listed?: readonly Approval[],
): Promise<Approval[]> {
  const approvals = listed ?? (await reviews().listUnitPeriodApprovals(unitId, periodId));
  const pending = approvals.filter((a) => a.status === 'pending' && REVIEW_KINDS.has(a.kind));
  for (const a of pending) await reviews().closeApproval(a.id, reason);
  return pending;
}

/**
 * Moves the unit-period's report from one of `from` to `to`; already `to` is a re-run and changes
 * nothing. Any other status fails the step (ConflictError → `Conflict`): the steps that move a
 * report run only while their decision point is the live one, so another status means a writer
 * this flow does not know of, which the workflow's Catch records and mails to the admin rather
 * than the step carrying on as if its move had happened.
 */
export async function moveReport(
  unitId: string,
  periodId: string,
  from: readonly ReportStatus[],
  to: ReportStatus,
  actor: Actor,
): Promise<StoredReport> {
  return (await reports().setStatus(unitId, periodId, from, to, actor)).report;
}

/** The actor of a step's writes and audit entries. */
export function systemActor(step: string): Actor {
  return { kind: 'system', id: step };
}

/**
 * The criteria the reviewer commented on or scored differently from the unit, in set order: what
 * the returned and the approved mails list.
 */
export function reviewComments(
  set: CriteriaSet | undefined,
  appraisal: StoredAppraisal | undefined,
  report: StoredReport | undefined,
): ReviewComment[] {
  if (!appraisal) return [];
  const entries = appraisal.appraisal.entries;
  const self = report?.report.entries ?? {};
  const leaves = set ? indexCriteria(set).leaves.map((l) => l.leaf) : [];
  const known = new Set(leaves.map((l) => l.id));
  const ordered = [
    ...leaves.filter((l) => entries[l.id]).map((l) => ({ id: l.id, name: l.name, max: l.max })),
    // Entries outside the set (should not happen) are still shown rather than dropped.
    ...Object.keys(entries)
      .filter((id) => !known.has(id))
      .map((id) => ({ id, name: id, max: entries[id]?.score ?? 0 })),
  ];
  const out: ReviewComment[] = [];
  for (const c of ordered) {
    const entry = entries[c.id];
    if (!entry) continue;
    const selfScore = self[c.id]?.selfScore;
    if (entry.comment.trim() === '' && selfScore === entry.score) continue;
    out.push({
      criterionId: c.id,
      criterionName: c.name,
      max: c.max,
      ...(selfScore !== undefined ? { selfScore } : {}),
      appraisedScore: entry.score,
      comment: entry.comment.trim(),
    });
  }
  return out;
}

/**
 * The audit entry of a submission, one per submitted version (`submitted-v<n>`), in the unit's
 * name at the time it submitted: written by the submit's follow-up before its review starts — by
 * the submitting request, the same request again, or the sweep when the request stopped.
 */
export async function auditSubmission(stored: StoredReport): Promise<void> {
  await audit().append({
    id: `submitted-v${stored.version}`,
    subject: `report/${stored.unitId}/${stored.periodId}`,
    periodId: stored.periodId,
    at: stored.submittedAt ?? stored.updatedAt,
    actor: stored.updatedBy,
    action: 'report.submitted',
    // Submitted on the unit's report page, behind its emailed link.
    detail: { version: stored.version, kind: 'report' },
  });
}
