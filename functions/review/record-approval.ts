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
import { NotFoundError } from '#ports/errors';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { reportLink } from '#steps/grants';
import { type RoundInput, roundInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import {
  appraisalOf,
  closePendingReviewApprovals,
  moveReport,
  reviewComments,
  systemActor,
} from '#steps/records';

const STEP = 'record-approval';

export async function recordApproval(
  input: RoundInput,
  ctx: CampaignStepContext,
): Promise<{ approved: true }> {
  const { unitId, periodId, round } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const actor = systemActor(STEP);
  // The claim is the reviewer's (the `approve` decision on the round's approval); every write here
  // is a follow-up, re-entrant, finished by the workflow's Retry or a resumed execution.
  const approvals = await reviews().listUnitPeriodApprovals(unitId, periodId);
  const approving = approvals.find((a) => a.kind === 'appraise' && a.round === round && a.decision);
  const appraisal = approving ? await appraisalOf(approving) : undefined;
  if (!approving || !appraisal) {
    throw new NotFoundError('approving appraisal', `${unitId}/${periodId}/r${round}`);
  }
  // The report as moved: its content is what the mail's self-assessed total reads.
  const report = await moveReport(
    unitId,
    periodId,
    ['in-review', 'submitted', 'explained'],
    'approved',
    actor,
  );
  crashPoint('record-approval.after-status');
  await closePendingReviewApprovals(unitId, periodId, 'approved', approvals);
  crashPoint('record-approval.after-close');
  await reports().setFinalApproval(unitId, periodId, approving.id);
  crashPoint('record-approval.after-final');
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
      approvalId: approving.id,
      appraisalRecordedAt: appraisal.recordedAt,
    },
  });
  crashPoint('record-approval.after-audit');

  const unit = campaign.unit(unitId);
  const set = campaign.criteriaSet(appraisal.appraisal.criteriaSetId);
  if (!set) throw new NotFoundError('criteria set', appraisal.appraisal.criteriaSetId);
  const leaves = indexCriteria(set).leaves.map((l) => l.leaf);
  const sum = (score: (id: string) => Points | undefined) =>
    leaves.reduce((total, leaf) => total + (score(leaf.id) ?? 0), 0);
  const link = await reportLink(unitId, period, { listed: approvals });
  const linkLive = ctx.clock().getTime() < Date.parse(link.grant.expiresAt);
  const email = approvedEmail(campaign.sender, {
    unit,
    period,
    round,
    appraisedTotal: sum((id) => appraisal.appraisal.entries[id]?.score),
    appraisedMax: leaves.reduce((total, leaf) => total + leaf.max, 0),
    selfTotal: sum((id) => report.report.entries[id]?.selfScore),
    comments: reviewComments(set, appraisal, report),
    ...(appraisal.generalComment ? { generalComment: appraisal.generalComment } : {}),
    ...(linkLive ? { reportUrl: link.url } : {}),
  });
  await mailTo(ctx.log, unit.focalPoint, 'approved', { unitId, periodId, round }, email);
  crashPoint('record-approval.after-mail');

  const rescoring = await startRescoring(periodId, { trigger: 'late', unitId, round }, ctx.log);
  if (rescoring.status !== 'not-closed') ctx.log.info('late approval: results recomputed', { ...rescoring });
  return { approved: true };
}

export const handler = campaignStep({ name: STEP, input: roundInput }, recordApproval);
