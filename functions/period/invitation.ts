/**
 * Inviting a unit to report for a period (the period workflow's InviteUnit step), re-entrant:
 * after a restart nothing is done twice.
 */

import { invitationEmail } from '#mail/period';
import type { Deps } from '#ports/deps';
import type { Logger } from '#ports/log';
import {
  ensureReportGrant,
  type MailOutcome,
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requireUnit,
  sendMail,
} from '#steps/steps';

export type InviteOutcome =
  /** Invited before (counted, and its invitation is in the outbox): nothing done. */
  'already-invited' | MailOutcome;

export interface InviteResult {
  outcome: InviteOutcome;
  /** The report grant whose link the invitation carries. */
  approvalId: string;
}

/** Counter of the period's units that were invited (a set of unit ids). */
export const INVITED_COUNTER = 'invited';

/**
 * Creates the unit's report grant for the period (or finds it) and emails the invitation with its
 * signed `/r` link to the unit's focal point, once (outbox identity `invitation`, focal point,
 * unit, period, round 0); then counts the unit as invited. A unit already counted whose
 * invitation is in the outbox is skipped.
 */
export async function inviteUnit(
  deps: Pick<Deps, 'store' | 'mailer' | 'keyring' | 'approvalUrl' | 'log'>,
  unitId: string,
  periodId: string,
  log: Logger = deps.log,
): Promise<InviteResult> {
  const stored = await requirePeriod(deps, periodId);
  const unit = await requireUnit(deps, unitId);
  const identity = mailIdentity('invitation', unit.focalPoint.email, { unitId, periodId, round: 0 });
  const period = stored.period;
  if (stored.counters[INVITED_COUNTER]?.includes(unitId) && (await deps.store.getOutbox(identity))) {
    const grant = await ensureReportGrant(deps, unitId, period);
    return { outcome: 'already-invited', approvalId: grant.id };
  }
  const { sender } = await requireCampaign(deps);
  const grant = await ensureReportGrant(deps, unitId, period);
  const reportUrl = await deps.approvalUrl(grant);
  const email = invitationEmail(sender, { unit, period, reportUrl, linkExpiresAt: grant.expiresAt });
  const outcome = await sendMail(deps, log, identity, { to: unit.focalPoint.email, ...email });
  // Counted once the invitation is in the outbox, whatever its state: the sweep re-sends a
  // failed one and the admin sees an ambiguous one.
  if (outcome !== 'error') await deps.store.addToPeriodCounter(periodId, INVITED_COUNTER, unitId);
  log.info('unit invited', { unitId, periodId, outcome });
  return { outcome, approvalId: grant.id };
}
