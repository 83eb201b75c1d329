/**
 * MarkUnappraised `{unitId, periodId, round, reviewerId}` → `{}`.
 *
 * The late-appraisal deadline passed without an approval. The report keeps its status (scoring
 * derives *Chưa thẩm định* from a report submitted but not approved, docs/review.md decision 10);
 * this step closes the unit-period's pending appraisal/explanation points (their links now answer
 * 410), records the outcome in the audit, and alerts every admin once (outbox identity
 * `unappraised`, admin, unit, period).
 */
import { unappraisedEmail } from '#mail/review';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  admins,
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requireUnit,
  sendMail,
  systemActor,
} from '#steps/steps';
import { roundInput } from './inputs.ts';
import { appendAuditOnce, closePendingReviewApprovals } from './records.ts';

const STEP = 'mark-unappraised';

export async function markUnappraised(
  input: { unitId: string; periodId: string; round: number; reviewerId: string },
  ctx: StepContext,
): Promise<Record<string, never>> {
  const { unitId, periodId } = input;
  const { period } = await requirePeriod(ctx, periodId);
  const approvals = await ctx.store.listUnitPeriodApprovals(unitId, periodId);
  const waitingForUnit = approvals.some(
    (a) => a.kind === 'explain' && a.round === input.round && a.status === 'pending',
  );
  const closed = await closePendingReviewApprovals(ctx.store, unitId, periodId, 'late-appraisal-deadline');
  const assignment = await ctx.store.getAssignment(periodId, unitId);
  const reviewerId = assignment?.reviewerId ?? input.reviewerId;
  await appendAuditOnce(ctx.store, {
    id: 'unappraised',
    subject: `report/${unitId}/${periodId}`,
    periodId,
    actor: systemActor(STEP),
    action: 'report.unappraised',
    detail: {
      round: input.round,
      reviewerId,
      waitingFor: waitingForUnit ? 'unit' : 'reviewer',
      closed: closed.length,
    },
  });

  const [{ sender }, unit, reviewer] = await Promise.all([
    requireCampaign(ctx),
    requireUnit(ctx, unitId),
    ctx.store.getPerson('reviewer', reviewerId),
  ]);
  for (const admin of await admins(ctx)) {
    const email = unappraisedEmail(sender, {
      admin,
      unit,
      period,
      waitingFor: waitingForUnit ? 'unit' : 'reviewer',
      ...(reviewer ? { reviewer } : {}),
      lateAppraisalUntil: period.lateAppraisalUntil,
    });
    await sendMail(ctx, ctx.log, mailIdentity('unappraised', admin.email, { unitId, periodId }), {
      to: admin.email,
      ...email,
    });
  }
  ctx.log.info('review closed unappraised', { closed: closed.length });
  return {};
}

export const handler = stepHandler({ name: STEP, input: roundInput }, markUnappraised);
