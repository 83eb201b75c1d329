/**
 * A person's decision through a link (an appraisal, an explanation, a ballot, a sign-in):
 *
 *   the payload put first, as an immutable item addressed by its content hash
 *   → the claim: `pending → decided` on the approval, recording the action and the payload's hash
 *     (the only write that decides: of two requests one wins, and the loser's payload is never read)
 *   → the audit entry `decision-<approval>` at the claim's time (the same entry when retried).
 *
 * Crash points `<kind>.after-payload`, `<kind>.after-claim`, `<kind>.after-audit` (kind: appraise,
 * explain, vote, signin).
 *
 * Delivery to the waiting task (functions/steps/delivery.ts) follows for the kinds that have one.
 */
import type { Appraisal } from '#domain/model';
import type { Actor } from '#ports/actor';
import { audit } from '#ports/dynamo/audit';
import { reviews } from '#ports/dynamo/reviews';
import { handlerLogger } from '#ports/log';
import type { Approval, DecideOutcome } from '#ports/reviews';
import { crashPoint } from './crash-point.ts';

/** What the `appraise` decision carries as its payload: the round's appraisal (never in the execution). */
export interface AppraiseDecisionPayload {
  appraisal: Appraisal;
  /** The report version the reviewer saw. */
  reportVersion: number;
  /** The reviewer's general comment (required in substance when returning). */
  generalComment?: string;
}

/** What the `explained` decision carries as its payload (never in the execution). */
export interface ExplainDecisionPayload {
  explanation: string;
  /** The report version the explanation was submitted with. */
  reportVersion: number;
}

/** The audit subject a decision is listed under. */
export function decisionSubject(a: Approval): string {
  if (a.kind === 'signin') return `admin/${a.subjectId ?? a.party ?? '-'}`;
  if (a.kind === 'vote') return `award/${a.periodId ?? '-'}/${a.party ?? a.subjectId ?? '-'}`;
  if (a.unitId && a.periodId) return `report/${a.unitId}/${a.periodId}`;
  return `approval/${a.id}`;
}

/**
 * `afterClaim` runs once the claim is stored, before any follow-up: the pages ask for a sweep
 * there (functions/ports/sweep-trigger.ts), so a request dying after its claim is finished soon.
 */
export async function claimDecision(
  approval: Approval,
  decision: { action: string; payload?: unknown; writeId?: string },
  actor: Actor,
  afterClaim?: () => Promise<void>,
): Promise<DecideOutcome> {
  const payloadHash =
    decision.payload === undefined
      ? undefined
      : await reviews().putDecisionPayload(approval, decision.payload);
  crashPoint(`${approval.kind}.after-payload`);
  const outcome = await reviews().decide(
    approval.id,
    {
      action: decision.action,
      ...(payloadHash ? { payloadHash } : {}),
      ...(decision.writeId ? { writeId: decision.writeId } : {}),
    },
    actor,
  );
  if (outcome.outcome === 'decided') {
    await afterClaim?.();
    crashPoint(`${approval.kind}.after-claim`);
    await auditDecision(outcome.approval, decision.payload);
    crashPoint(`${approval.kind}.after-audit`);
  }
  return outcome;
}

/**
 * The audit entry of a recorded decision, at the claim's time: a follow-up of the claim, written
 * by the deciding request, by the same request again, or by the sweep before it re-delivers (the
 * same entry each time). It keeps what the admin reads of the decision's payload
 * (`payloadFacts`); a follow-up without the payload in hand reads it back, so the entry says the
 * same whoever writes it.
 */
export async function auditDecision(decided: Approval, payload?: unknown): Promise<void> {
  if (!decided.decision) return;
  const id = `decision-${decided.id}`;
  const subject = decisionSubject(decided);
  const content = payload ?? (await storedPayload(decided, subject, id));
  await audit().append({
    id,
    ...(decided.decidedAt ? { at: decided.decidedAt } : {}),
    subject,
    // A ballot's approval names its cycle ("2024"), not a period: it is listed with the
    // campaign's entries (sign-ins, commendation), where the admin reads the vote.
    ...(decided.periodId === undefined || decided.kind === 'vote' ? {} : { periodId: decided.periodId }),
    actor: decided.decidedBy ?? { kind: 'system', id: 'unknown' },
    action: `${decided.kind}.decided`,
    detail: {
      approvalId: decided.id,
      kind: decided.kind,
      round: decided.round,
      decision: decided.decision.action,
      ...payloadFacts(decided.kind, content),
    },
  });
}

/**
 * A follow-up's read of the payload for the audit entry: none when the entry is written already
 * (the first writer's stands), and none, logged, when the payload cannot be read — the entry is
 * then written without its facts rather than holding up the delivery that follows it.
 */
async function storedPayload(decided: Approval, subject: string, id: string): Promise<unknown> {
  if (!decided.decision?.payloadHash || decided.kind === 'vote') return undefined;
  if (await audit().has(subject, id)) return undefined;
  try {
    return await reviews().getDecisionPayload<unknown>(decided);
  } catch (error) {
    handlerLogger().warn('audit entry written without its payload facts', { approvalId: decided.id, error });
    return undefined;
  }
}

/**
 * What the audit keeps of a payload: an appraisal's total (hundredths) and the report version it
 * was made on, an explanation's report version — never the text or the scores, nothing of a ballot.
 */
export function payloadFacts(kind: Approval['kind'], payload: unknown): Record<string, number> {
  if (payload === null || typeof payload !== 'object') return {};
  const p = payload as { appraisal?: Appraisal; reportVersion?: unknown };
  const version: Record<string, number> =
    typeof p.reportVersion === 'number' ? { reportVersion: p.reportVersion } : {};
  if (kind === 'appraise' && p.appraisal) {
    const total = Object.values(p.appraisal.entries).reduce((sum, entry) => sum + entry.score, 0);
    return { total, ...version };
  }
  if (kind === 'explain') return version;
  // A ballot: nothing. Its counts would tell, for a one-case ballot exactly, how a named member
  // voted, before the tally and beyond what the tally shows.
  return {};
}

/**
 * Whether this request made the approval's recorded decision: the same request again — its write
 * id, and the same decision when the form names one (a review form shown again by Back and sent
 * with the other button is a new decision, refused as decided before, not answered as the first).
 */
export function ownDecision(
  approval: Approval,
  writeId: string | undefined,
  action?: string | null,
): boolean {
  if (writeId === undefined || approval.decision?.writeId !== writeId) return false;
  return action === undefined || action === null || approval.decision.action === action;
}
