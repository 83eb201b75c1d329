/**
 * RecordApproval `{unitId, periodId, round, reviewerId}` → `{approved: true}`.
 *
 * The reviewer approved round `round`: the report becomes `approved`, that round's `appraise`
 * approval is named final on the unit-period's progress (scoring reads its appraisal), every other
 * pending decision point of the unit-period is closed (a late click gets 410), the approval is
 * audited, and the unit is told its final appraised total (outbox identity `approved`, focal
 * point, unit, period, round). An approval once the period is closed starts its rescoring,
 * `scoring-<period>-late-<unit>-r<round>` (functions/scoring/rescoring.ts).
 */
import { indexCriteria } from '#domain/criteria-tree';
import type { Points } from '#domain/model';
import { startRescoring } from '#functions/scoring/rescoring';
import { approvedEmail } from '#mail/review';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { reportLink } from '#steps/grants';
import { type RoundInput, roundInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { appraisalOf, closePendingReviewApprovals, moveReport, systemActor } from '#steps/records';

const STEP = 'record-approval';

export async function recordApproval(
  input: RoundInput,
  ctx: CampaignStepContext,
): Promise<{ approved: true }> {
  const { unitId, periodId, round } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const actor = systemActor(STEP);
  await moveReport(ctx.log, unitId, periodId, ['in-review', 'submitted', 'explained'], 'approved', actor);
  await closePendingReviewApprovals(unitId, periodId, 'approved');

  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  const approving = approvals.find((a) => a.kind === 'appraise' && a.round === round && a.decision);
  if (approving) await reports().setFinalApproval(unitId, periodId, approving.id);
  const appraisal = approving ? await appraisalOf(approving) : undefined;
  const assignment = await reviews().getAssignment(periodId, unitId);
  await audit().append({
    id: `approved-r${round}`,
    subject: `report/${unitId}/${periodId}`,
    periodId,
    actor,
    action: 'report.approved',
    detail: {
      finalRound: round,
      reviewerId: assignment?.reviewerId ?? input.reviewerId,
      approvalId: approving?.id ?? null,
      appraisalRecordedAt: appraisal?.recordedAt ?? null,
    },
  });

  const unit = campaign.unit(unitId);
  const report = await reports().get(unitId, periodId);
  const setId = appraisal?.appraisal.criteriaSetId ?? report?.report.criteriaSetId;
  const set = setId ? campaign.criteriaSet(setId) : undefined;
  if (appraisal && set) {
    const leaves = indexCriteria(set).leaves.map((l) => l.leaf);
    const sum = (score: (id: string) => Points | undefined) =>
      leaves.reduce((total, leaf) => total + (score(leaf.id) ?? 0), 0);
    const link = await reportLink(unitId, period);
    const linkLive = ctx.clock().getTime() < Date.parse(link.grant.expiresAt);
    const email = approvedEmail(campaign.sender, {
      unit,
      period,
      round,
      appraisedTotal: sum((id) => appraisal.appraisal.entries[id]?.score),
      appraisedMax: leaves.reduce((total, leaf) => total + leaf.max, 0),
      ...(report ? { selfTotal: sum((id) => report.report.entries[id]?.selfScore) } : {}),
      ...(linkLive ? { reportUrl: link.url } : {}),
    });
    await mailTo(ctx.log, unit.focalPoint, 'approved', { unitId, periodId, round }, email);
  } else {
    ctx.log.warn('no appraisal or criteria set for the approved round: no approval mail', { round });
  }

  const rescoring = await startRescoring(periodId, { trigger: 'late', unitId, round }, ctx.log);
  if (rescoring.status !== 'not-closed') ctx.log.info('late approval: results recomputed', { ...rescoring });
  return { approved: true };
}

export const handler = campaignStep({ name: STEP, input: roundInput }, recordApproval);
