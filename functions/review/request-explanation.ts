/**
 * AwaitExplanation (callback) `{unitId, periodId, round, reviewerId, taskToken}` → no output; the
 * unit's `{decision: 'explained', round}` arrives by SendTaskSuccess when it explains on its
 * report page.
 *
 * Arms the round's `explain` approval (party `unit`), moves the report to `returned` (so the unit
 * may edit it again), and emails the unit's focal point the reviewer's comments per criterion
 * with the unit's report link (`/r`, its long-lived grant), once (outbox identity `returned`,
 * focal point, unit, period, round). Re-armed: same approval, no second mail, or the recorded
 * explanation delivered at once.
 */
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet } from '#domain/model';
import { type ReviewComment, returnedEmail } from '#mail/review';
import type { StoredAppraisal, StoredReport } from '#ports/store';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  ensureReportGrant,
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requireUnit,
  sendMail,
  systemActor,
} from '#steps/steps';
import { armApproval } from './arm.ts';
import { callbackInput } from './inputs.ts';
import { moveReport, roundAppraisal } from './records.ts';

const STEP = 'request-explanation';

/** The criteria the reviewer commented on or scored differently from the unit, in set order. */
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

export async function requestExplanation(
  input: { unitId: string; periodId: string; round: number; reviewerId: string; taskToken: string },
  ctx: StepContext,
): Promise<void> {
  const { unitId, periodId, round } = input;
  const { period } = await requirePeriod(ctx, periodId);
  const armed = await armApproval(
    ctx,
    { kind: 'explain', periodId, unitId, round, party: 'unit', subjectId: unitId },
    period,
    input.taskToken,
  );
  if (armed.state !== 'armed') return;

  await moveReport(ctx, unitId, periodId, ['in-review', 'submitted'], 'returned', systemActor(STEP));

  if (ctx.clock().getTime() >= Date.parse(armed.approval.expiresAt)) {
    ctx.log.info('explanation link already expired: no mail; the wait ends by its timeout');
    return;
  }
  const [{ sender }, unit, report, appraisal] = await Promise.all([
    requireCampaign(ctx),
    requireUnit(ctx, unitId),
    ctx.store.getReport(unitId, periodId),
    roundAppraisal(ctx, unitId, periodId, round),
  ]);
  const setId = appraisal?.appraisal.criteriaSetId ?? report?.report.criteriaSetId;
  const set = setId ? await ctx.store.getCriteriaSet(setId) : undefined;
  const grant = await ensureReportGrant(ctx.deps, unitId, period);
  const reviewer = await ctx.store.getPerson('reviewer', input.reviewerId);
  const email = returnedEmail(sender, {
    unit,
    period,
    round,
    ...(reviewer ? { reviewer } : {}),
    comments: reviewComments(set, appraisal, report),
    reportUrl: await ctx.deps.approvalUrl(grant),
    explainBy: armed.approval.expiresAt,
  });
  const outcome = await sendMail(
    ctx,
    ctx.log,
    mailIdentity('returned', unit.focalPoint.email, { unitId, periodId, round }),
    { to: unit.focalPoint.email, ...email },
  );
  ctx.log.info('explanation requested', {
    approvalId: armed.approval.id,
    created: armed.created,
    mail: outcome,
  });
}

export const handler = stepHandler({ name: STEP, input: callbackInput }, requestExplanation);
