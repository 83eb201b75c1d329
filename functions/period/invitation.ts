/**
 * Inviting a unit to report for a period (the period workflow's InviteUnit step), re-entrant:
 * after a restart nothing is done twice.
 */
import { invitationEmail } from '#mail/period';
import { reports } from '#ports/dynamo/reports';
import type { Logger } from '#ports/log';
import type { CampaignContext } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { reportLink } from '#steps/grants';
import { type MailOutcome, mailTo } from '#steps/mail';

export type InviteOutcome =
  /** Invited before (marked on its progress, its invitation in the outbox): nothing done. */
  'already-invited' | MailOutcome;

export interface InviteResult {
  outcome: InviteOutcome;
  /** The report grant whose link the invitation carries. */
  approvalId: string;
}

/**
 * Creates the unit's report grant for the period (or finds it) and emails the invitation with its
 * signed `/r` link to the unit's focal point, once (outbox identity `invitation`, focal point,
 * unit, period, round 0); then marks the unit-period invited. A unit marked invited is skipped.
 */
export async function inviteUnit(
  campaign: CampaignContext,
  unitId: string,
  periodId: string,
  log: Logger,
): Promise<InviteResult> {
  const period = campaign.period(periodId);
  const unit = campaign.unit(unitId);
  const [progress, link] = await Promise.all([
    reports().getProgress(unitId, periodId),
    // The invitation makes the grant: no look-up first.
    reportLink(unitId, period, { made: false }),
  ]);
  if (progress?.invitedAt) return { outcome: 'already-invited', approvalId: link.grant.id };
  crashPoint('invite.after-grant');
  const email = invitationEmail(campaign.sender, {
    unit,
    period,
    reportUrl: link.url,
    linkExpiresAt: link.grant.expiresAt,
  });
  const outcome = await mailTo(log, unit.focalPoint, 'invitation', { unitId, periodId, round: 0 }, email);
  crashPoint('invite.after-mail');
  // Marked once the invitation is in the outbox, whatever its state: the sweep re-sends a failed
  // one and the admin sees an ambiguous one. An outbox that cannot record it failed the step above.
  await reports().markProgress(unitId, periodId, 'invited');
  log.info('unit invited', { unitId, periodId, outcome });
  return { outcome, approvalId: link.grant.id };
}
