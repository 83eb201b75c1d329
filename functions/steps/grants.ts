/**
 * The unit's long-lived access grant to its report page for a period (kind `report`, one per
 * unit-period, expiring at the period's late-appraisal deadline): created once, found again after;
 * and its signed `/r` link, which invitations, reminders and review letters carry.
 */
import type { Period } from '#domain/model';
import { reviews } from '#ports/dynamo/reviews';
import type { Approval } from '#ports/reviews';
import { approvalUrl, currentKeyId } from '#ports/signing';

export async function ensureReportGrant(
  unitId: string,
  period: Pick<Period, 'id' | 'lateAppraisalUntil'>,
): Promise<Approval> {
  const { approval } = await reviews().createApproval({
    kind: 'report',
    periodId: period.id,
    unitId,
    round: 0,
    party: 'unit',
    subjectId: unitId,
    expiresAt: period.lateAppraisalUntil,
    keyId: await currentKeyId(),
  });
  return approval;
}

/** The unit's report link for the period (its grant made if needed). */
export async function reportLink(
  unitId: string,
  period: Pick<Period, 'id' | 'lateAppraisalUntil'>,
): Promise<{ grant: Approval; url: string }> {
  const grant = await ensureReportGrant(unitId, period);
  return { grant, url: await approvalUrl(grant) };
}
