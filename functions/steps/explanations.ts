/**
 * An explanation's follow-ups (docs/reliability.md): its approval decided
 * (functions/steps/explanation-decision.ts), the decision delivered to the waiting review, the
 * report's FOLLOWUP mark ended — finished by whoever comes next: the same request retried, the
 * sweep, or RequestExplanation re-armed.
 */
import { reports } from '#ports/dynamo/reports';
import type { Logger } from '#ports/log';
import { type DeliveryOutcome, deliverDecision } from './delivery.ts';
import { decideExplanation } from './explanation-decision.ts';

export type ExplanationFollowUp =
  | { state: 'none' }
  /** Decided; delivered, queued for the sweep, or its task gone. */
  | { state: 'decided'; delivery: DeliveryOutcome }
  | { state: 'refused'; outcome: 'expired' | 'closed' | 'not-found' };

/** Decides and delivers the unit-period's claimed explanation, if one waits for it. */
export async function finishExplanation(
  log: Logger,
  unitId: string,
  periodId: string,
): Promise<ExplanationFollowUp> {
  const decided = await decideExplanation(log, unitId, periodId);
  if (decided.state !== 'decided') return decided;
  const { approval } = decided;
  const delivery = approval.deliveredAt ? 'delivered' : await deliverDecision(approval, log);
  await reports().clearFollowUp(unitId, periodId, decided.writeId, decided.version);
  return { state: 'decided', delivery };
}
