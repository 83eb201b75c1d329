/**
 * The unit's long-lived access grant to its report page for a period (kind `report`, one per
 * unit-period, expiring at the period's late-appraisal deadline): created once, found again after;
 * and its signed `/r` link, which invitations, reminders and review letters carry.
 */
import type { Period } from '#domain/model';
import { reviews } from '#ports/dynamo/reviews';
import type { Approval } from '#ports/reviews';
import { approvalUrl, currentKeyId } from '#ports/signing';

export interface GrantLookup {
  /**
   * The grant was most likely made before (any letter after the invitation): looked up with two
   * reads first, where making it again costs four (the point's and the approval's puts fail, then
   * each is read). Default true.
   */
  made?: boolean;
  /** The unit-period's approvals as the caller listed them in this invocation: no read at all. */
  listed?: readonly Approval[];
}

export async function ensureReportGrant(
  unitId: string,
  period: Pick<Period, 'id' | 'lateAppraisalUntil'>,
  lookup: GrantLookup = {},
): Promise<Approval> {
  const point = { kind: 'report', periodId: period.id, unitId, round: 0, party: 'unit' } as const;
  const listed = lookup.listed?.find((a) => a.kind === 'report' && a.unitId === unitId);
  if (listed) return listed;
  const found = lookup.made === false ? undefined : await reviews().approvalAt(point);
  if (found) return found;
  const { approval } = await reviews().createApproval({
    ...point,
    subjectId: unitId,
    expiresAt: period.lateAppraisalUntil,
    keyId: await currentKeyId(),
  });
  return approval;
}

/** The unit's report link for the period (its grant made if needed, found as `lookup` says). */
export async function reportLink(
  unitId: string,
  period: Pick<Period, 'id' | 'lateAppraisalUntil'>,
  lookup: GrantLookup = {},
): Promise<{ grant: Approval; url: string }> {
  const grant = await ensureReportGrant(unitId, period, lookup);
  return { grant, url: await approvalUrl(grant) };
}
