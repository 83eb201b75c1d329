/**
 * RecordFailure `{unitId?, periodId?, executionName?, error?, cause?}` → `{}`, then the workflow
 * fails (ReviewFailed).
 *
 * A step failed for good (its retries spent), or a callback answered with no known decision:
 * the failure goes into the audit of the unit-period (once per execution) and every admin is
 * told once (outbox identity `review-failed`, admin, unit, period, round = the execution's attempt
 * number). The cause is scrubbed of token-like strings and cut short; decisions already recorded
 * stay recorded. This step must not fail itself: a missing campaign or unit only shortens the mail.
 */
import { reviewFailedEmail, senderOf } from '#lib/emails';
import { scrubString } from '#lib/log';
import { type StepContext, stepHandler } from '#lib/middleware';
import { admins, mailIdentity, sendMail, systemActor } from '#lib/steps';
import { failureInput } from './inputs.ts';
import { appendAuditOnce } from './records.ts';

const STEP = 'record-failure';
const MAX_CAUSE = 600;

/** A Lambda error's cause is JSON `{errorType, errorMessage, trace}`: keep the message. */
export function readableCause(cause: string | null | undefined): string | undefined {
  if (!cause) return undefined;
  let text = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') text = parsed.errorMessage;
  } catch {
    // not JSON: keep as is
  }
  text = scrubString(text).replace(/\s+/g, ' ').trim();
  return text.length > MAX_CAUSE ? `${text.slice(0, MAX_CAUSE)}…` : text;
}

export async function recordFailure(
  input: {
    unitId?: string | undefined;
    periodId?: string | undefined;
    executionName?: string | undefined;
    error?: string | null | undefined;
    cause?: string | null | undefined;
  },
  ctx: StepContext,
): Promise<Record<string, never>> {
  const { unitId, periodId, executionName } = input;
  const error = scrubString(input.error || 'Unknown').slice(0, 256);
  const cause = readableCause(input.cause);
  const now = ctx.clock();
  const attempt = Number(/-(\d+)$/.exec(executionName ?? '')?.[1] ?? 0);
  const subject =
    unitId && periodId ? `report/${unitId}/${periodId}` : `review/${executionName ?? 'unknown'}`;
  await appendAuditOnce(ctx.store, {
    id: `failed-${executionName ?? now.toISOString()}`,
    subject,
    ...(periodId ? { periodId } : {}),
    actor: systemActor(STEP),
    action: 'review.failed',
    detail: { executionName: executionName ?? null, error, cause: cause ?? null },
  });

  const campaign = await ctx.store.getCampaign();
  if (!campaign) {
    ctx.log.error('review failed, and no campaign is stored to tell its admins', { errorName: error });
    return {};
  }
  const [unit, stored] = await Promise.all([
    unitId ? ctx.store.getUnit(unitId) : undefined,
    periodId ? ctx.store.getPeriod(periodId) : undefined,
  ]);
  const sender = senderOf(campaign.config);
  for (const admin of await admins(ctx)) {
    const email = reviewFailedEmail(sender, {
      admin,
      ...(unit ? { unit } : {}),
      ...(stored ? { period: stored.period } : {}),
      ...(executionName ? { executionName } : {}),
      error,
      ...(cause ? { cause } : {}),
      at: now,
    });
    await sendMail(
      ctx,
      ctx.log,
      mailIdentity('review-failed', admin.email, {
        ...(unitId ? { unitId } : {}),
        ...(periodId ? { periodId } : {}),
        round: attempt,
      }),
      { to: admin.email, ...email },
    );
  }
  ctx.log.warn('review failed: recorded and admins told', { errorName: error });
  return {};
}

export const handler = stepHandler({ name: STEP, input: failureInput }, recordFailure);
