/**
 * What the workflow steps share: reading the records a step needs (with a `NotFound` error that
 * says which), the system actor, the unit's report grant, and sending mail so that a mail problem
 * never fails a step (docs/review.md, decision 4: the outbox records it and the sweep re-sends
 * `failed` mail; an `ambiguous` one is shown to the admin).
 */
import type { DistrictConfig, Period, Person, Unit } from '#domain/model';
import { type Sender, senderOf } from '#mail/letter';
import type { Deps } from '#ports/deps';
import type { Logger } from '#ports/log';
import type { SendResult } from '#ports/mailer';
import {
  type Actor,
  type Approval,
  type MailIdentity,
  NotFoundError,
  type OutgoingMail,
  type PersonRole,
  type StoredPeriod,
} from '#ports/store';

type StoreDeps = Pick<Deps, 'store'>;

/** The actor of a step's writes and audit entries. */
export function systemActor(step: string): Actor {
  return { kind: 'system', id: step };
}

export async function requireCampaign(deps: StoreDeps): Promise<{ config: DistrictConfig; sender: Sender }> {
  const campaign = await deps.store.getCampaign();
  if (!campaign) throw new NotFoundError('campaign', 'CAMPAIGN');
  return { config: campaign.config, sender: senderOf(campaign.config) };
}

export async function requirePeriod(deps: StoreDeps, periodId: string): Promise<StoredPeriod> {
  const period = await deps.store.getPeriod(periodId);
  if (!period) throw new NotFoundError('period', periodId);
  return period;
}

export async function requireUnit(deps: StoreDeps, unitId: string): Promise<Unit> {
  const unit = await deps.store.getUnit(unitId);
  if (!unit) throw new NotFoundError('unit', unitId);
  return unit;
}

export async function requirePerson(deps: StoreDeps, role: PersonRole, personId: string): Promise<Person> {
  const person = await deps.store.getPerson(role, personId);
  if (!person) throw new NotFoundError(role, personId);
  return person;
}

/** The outbox identity of a message (DESIGN.md: step, recipient, unit, period, round). */
export function mailIdentity(
  step: string,
  recipient: string,
  about: { unitId?: string; periodId?: string; round?: number },
): MailIdentity {
  return {
    step,
    recipient,
    ...(about.unitId !== undefined ? { subjectId: about.unitId } : {}),
    ...(about.periodId !== undefined ? { periodId: about.periodId } : {}),
    round: about.round ?? 0,
  };
}

export type MailOutcome = SendResult['status'] | 'error';

/** Sends through the outbox; never throws (a step goes on whatever happens to its mail). */
export async function sendMail(
  deps: Pick<Deps, 'mailer'>,
  log: Logger,
  identity: MailIdentity,
  mail: OutgoingMail,
): Promise<MailOutcome> {
  try {
    const result = await deps.mailer.send(identity, mail);
    if (result.status === 'failed' || result.status === 'ambiguous') {
      log.warn('mail not sent; the outbox keeps it', { mailStep: identity.step, status: result.status });
    }
    return result.status;
  } catch (err) {
    log.error('mail could not be recorded in the outbox', { mailStep: identity.step, error: err });
    return 'error';
  }
}

/**
 * The unit's long-lived access grant to its report page for the period (kind `report`, one per
 * unit-period, expiring at the period's late-appraisal deadline): created once, found again after.
 */
export async function ensureReportGrant(
  deps: Pick<Deps, 'store' | 'keyring'>,
  unitId: string,
  period: Period,
): Promise<Approval> {
  const keyring = await deps.keyring();
  const { approval } = await deps.store.createApproval({
    kind: 'report',
    periodId: period.id,
    unitId,
    round: 0,
    party: 'unit',
    subjectId: unitId,
    expiresAt: period.lateAppraisalUntil,
    keyId: keyring.current,
  });
  return approval;
}

/** The approvals of a unit-period at one decision point kind and round (normally one). */
export async function findApproval(
  deps: StoreDeps,
  unitId: string,
  periodId: string,
  kind: Approval['kind'],
  round: number,
): Promise<Approval | undefined> {
  const approvals = await deps.store.listUnitPeriodApprovals(unitId, periodId);
  return approvals.find((a) => a.kind === kind && (a.round ?? 0) === round);
}

/** Every admin of the district (from the stored campaign's people). */
export async function admins(deps: StoreDeps): Promise<Person[]> {
  return deps.store.listPeople('admin');
}
