/**
 * RecordApproval `{unitId, periodId, round, reviewerId}` → `{approved: true}`.
 *
 * The reviewer approved round `round`: the report becomes `approved`, that round's appraisal is
 * the final one (recorded in the audit: scoring reads the appraisal of the approving round), every
 * other pending decision point of the unit-period is closed (a late click gets 410), and the unit
 * is told its final appraised total (outbox identity `approved`, focal point, unit, period,
 * round). An approval once the period is closed starts the next results version
 * `scoring-<period>-v<n+1>` (functions/scoring/rescoring.ts; skipped with a warning where the scoring
 * workflow is not configured).
 */
import { indexCriteria } from '#domain/criteria-tree';
import type { Points } from '#domain/model';
import { startRescoring } from '#functions/scoring/rescoring';
import { approvedEmail } from '#mail/review';
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
import { roundInput } from './inputs.ts';
import { appendAuditOnce, closePendingReviewApprovals, moveReport, roundAppraisal } from './records.ts';

const STEP = 'record-approval';

export async function recordApproval(
  input: { unitId: string; periodId: string; round: number; reviewerId: string },
  ctx: StepContext,
): Promise<{ approved: true }> {
  const { unitId, periodId, round } = input;
  const { period } = await requirePeriod(ctx, periodId);
  const actor = systemActor(STEP);
  await moveReport(ctx, unitId, periodId, ['in-review', 'submitted', 'explained'], 'approved', actor);
  await closePendingReviewApprovals(ctx.store, unitId, periodId, 'approved');

  const appraisal = await roundAppraisal(ctx, unitId, periodId, round);
  const assignment = await ctx.store.getAssignment(periodId, unitId);
  await appendAuditOnce(ctx.store, {
    id: `approved-r${round}`,
    subject: `report/${unitId}/${periodId}`,
    periodId,
    actor,
    action: 'report.approved',
    detail: {
      finalRound: round,
      reviewerId: assignment?.reviewerId ?? input.reviewerId,
      appraisalRecordedAt: appraisal?.recordedAt ?? null,
    },
  });

  const [{ sender }, unit, report] = await Promise.all([
    requireCampaign(ctx),
    requireUnit(ctx, unitId),
    ctx.store.getReport(unitId, periodId),
  ]);
  const setId = appraisal?.appraisal.criteriaSetId ?? report?.report.criteriaSetId;
  const set = setId ? await ctx.store.getCriteriaSet(setId) : undefined;
  if (appraisal && set) {
    const leaves = indexCriteria(set).leaves.map((l) => l.leaf);
    const sum = (score: (id: string) => Points | undefined) =>
      leaves.reduce((total, leaf) => total + (score(leaf.id) ?? 0), 0);
    const grant = await ensureReportGrant(ctx.deps, unitId, period);
    const linkLive = ctx.clock().getTime() < Date.parse(grant.expiresAt);
    const email = approvedEmail(sender, {
      unit,
      period,
      round,
      appraisedTotal: sum((id) => appraisal.appraisal.entries[id]?.score),
      appraisedMax: leaves.reduce((total, leaf) => total + leaf.max, 0),
      ...(report ? { selfTotal: sum((id) => report.report.entries[id]?.selfScore) } : {}),
      ...(linkLive ? { reportUrl: await ctx.deps.approvalUrl(grant) } : {}),
    });
    await sendMail(
      ctx,
      ctx.log,
      mailIdentity('approved', unit.focalPoint.email, { unitId, periodId, round }),
      {
        to: unit.focalPoint.email,
        ...email,
      },
    );
  } else {
    ctx.log.warn('no appraisal or criteria set for the approved round: no approval mail', { round });
  }

  await rescoreIfClosed(ctx, periodId);
  return { approved: true };
}

/** A late approval changes published results: a new version is computed by a new execution. */
async function rescoreIfClosed(ctx: StepContext, periodId: string): Promise<void> {
  try {
    const outcome = await startRescoring(
      { store: ctx.store, callbacks: ctx.callbacks, stateMachineArn: ctx.deps.stateMachineArn, log: ctx.log },
      periodId,
    );
    if (outcome.status !== 'not-closed') ctx.log.info('late approval: results recomputed', { ...outcome });
  } catch (err) {
    // Issue 4's scoring workflow not configured here yet: the admin can recompute by hand.
    ctx.log.warn('late approval: results not recomputed', { error: err });
  }
}

export const handler = stepHandler({ name: STEP, input: roundInput }, recordApproval);
