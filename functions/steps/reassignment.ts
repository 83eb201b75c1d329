/**
 * A reviewer's reassignment after its claim (docs/admin.md, "Admin actions"): the claim closed the
 * waiting appraisal, recording the write id, the new reviewer and the reason, and marked it
 * `REASSIGNING`. Its follow-ups, each idempotent, are finished by whoever comes next — the same
 * POST again, or the sweep once the claim is older than its grace — so a request that stopped
 * half way never leaves a review with no live link and nobody told:
 *
 *   the assignment from → to (conditional) → the new reviewer's load slot → the new approval
 *   behind the same task token → the review-request mail → the audit entry → the mark ended.
 */

import { reviewRequestEmail } from '#mail/review';
import { now } from '#ports/clock';
import { audit } from '#ports/dynamo/audit';
import { reviews } from '#ports/dynamo/reviews';
import type { Logger } from '#ports/log';
import type { Approval } from '#ports/reviews';
import { approvalUrl, currentKeyId } from '#ports/signing';
import type { CampaignContext } from './campaign.ts';
import { crashPoint } from './crash-point.ts';
import { mailTo } from './mail.ts';

/**
 * The reassignment cannot finish, and trying again cannot help: another action moved the unit's
 * review elsewhere meanwhile, or the campaign no longer has its unit, period or new reviewer.
 */
export class ReassignmentConflict extends Error {
  constructor(approvalId: string) {
    super(`The reviewer of approval ${approvalId}'s unit-period was changed by another action`);
    this.name = 'ReassignmentConflict';
  }
}

export const reportSubject = (unitId: string, periodId: string) => `report/${unitId}/${periodId}`;

/** Runs the follow-ups of the reassignment claimed on `old`; the new reviewer's approval. */
export async function finishReassignment(
  campaign: CampaignContext,
  log: Logger,
  old: Approval,
): Promise<Approval> {
  const claim = old.reassignment;
  const unitId = old.unitId ?? '';
  const periodId = old.periodId ?? '';
  if (!claim || !old.subjectId) throw new Error(`Approval ${old.id} carries no reassignment`);
  const newId = claim.newReviewerId;
  const round = old.round ?? 1;
  const moved = await reviews().reassign(periodId, unitId, old.subjectId, newId, claim.by);
  if (!moved) throw new ReassignmentConflict(old.id);
  crashPoint('reassign.after-assignment');
  for (let attempt = 0; attempt < 5; attempt++) {
    const { loads, holders } = await reviews().reviewerLoads(periodId, unitId);
    if (holders?.includes(newId)) break;
    if (await reviews().takeLoadSlot(periodId, newId, unitId, loads[newId] ?? 0)) break;
  }
  const { approval } = await reviews().createApproval({
    kind: 'appraise',
    periodId,
    unitId,
    round,
    party: `reviewer-${newId}`,
    subjectId: newId,
    // The same waiting task: its decision moves the review on as the old reviewer's would have.
    ...(old.taskToken ? { taskToken: old.taskToken } : {}),
    expiresAt: old.expiresAt,
    keyId: await currentKeyId(),
    ...(old.remindEverySeconds !== undefined ? { remindEverySeconds: old.remindEverySeconds } : {}),
  });
  crashPoint('reassign.after-approval');
  const period = campaign.period(periodId);
  const reviewer = campaign.person('reviewer', newId);
  const at = now();
  if (at.getTime() < Date.parse(approval.expiresAt)) {
    const email = reviewRequestEmail(campaign.sender, {
      reviewer,
      unit: campaign.unit(unitId),
      period,
      round,
      reviewUrl: await approvalUrl(approval),
      respondBy:
        at.getTime() < Date.parse(period.reviewClosesAt) ? period.reviewClosesAt : period.lateAppraisalUntil,
    });
    await mailTo(log, reviewer, 'review-request', { unitId, periodId, round }, email);
  } else {
    // Finished after the late-appraisal deadline (by the sweep): a link that answers 410 helps nobody.
    log.info('reassigned after the deadline: no mail to the new reviewer', { approvalId: approval.id });
  }
  await audit().append({
    id: `reassign-${claim.writeId}`,
    subject: reportSubject(unitId, periodId),
    periodId,
    actor: claim.by,
    action: 'admin.reassign',
    detail: {
      from: old.subjectId,
      to: newId,
      round,
      reason: claim.reason ?? '',
      closedApproval: old.id,
      newApproval: approval.id,
    },
    ...(old.closedAt ? { at: old.closedAt } : {}),
  });
  await reviews().endReassignment(old.id, claim.writeId);
  return approval;
}
