/**
 * The sweep (every 5 minutes in the cloud, by the local runtime's clock locally): nothing a person
 * did is lost because one call failed.
 *
 * 1. Decisions recorded but not delivered for over a minute (`listUndelivered`): re-sent with the
 *    token the store returns (the newest one swapped in), then marked delivered, task-gone (the
 *    admin's list) or failed again (stays queued). A fresh decision is left to its own request.
 * 2. Outbox messages whose send `failed` (certainly not sent): sent again through the mailer,
 *    which claims them (`failed → claimed`, attempt + 1) so two sweeps never both send.
 * 3. Outbox messages still `claimed` five minutes after their claim (the sender died mid-send):
 *    marked `ambiguous` for the admin — never re-sent by guess.
 *
 * Input: anything (the schedule's event is ignored). Output: the counts.
 */
import * as z from 'zod/mini';
import { OUTBOX_CLAIM_STALE_MS, outbox } from '#ports/dynamo/outbox';
import { reviews } from '#ports/dynamo/reviews';
import { mailer } from '#ports/mailer';
import { deliverDecision } from '#steps/delivery';
import { type StepContext, stepHandler } from '#steps/middleware';

const STEP = 'sweep';

/** A decision younger than this is still being delivered by the request that recorded it. */
export const UNDELIVERED_GRACE_MS = 60_000;
/** Stale claims are looked for among the mail created this far back (the sweep runs every 5 minutes). */
export const STALE_CLAIM_WINDOW_MS = 24 * 3_600_000;
/** At most this many of each kind per run; the next run takes the rest. */
export const SWEEP_BATCH = 100;

export interface SweepCounts {
  decisionsDelivered: number;
  decisionsTaskGone: number;
  decisionsFailed: number;
  mailResent: number;
  mailFailed: number;
  mailMarkedAmbiguous: number;
}

export async function sweep(_input: unknown, ctx: StepContext): Promise<SweepCounts> {
  const counts: SweepCounts = {
    decisionsDelivered: 0,
    decisionsTaskGone: 0,
    decisionsFailed: 0,
    mailResent: 0,
    mailFailed: 0,
    mailMarkedAmbiguous: 0,
  };
  const now = ctx.clock();

  const undelivered = await reviews().listUndelivered({
    decidedBefore: new Date(now.getTime() - UNDELIVERED_GRACE_MS),
    limit: SWEEP_BATCH,
  });
  for (const approval of undelivered) {
    let outcome: Awaited<ReturnType<typeof deliverDecision>>;
    try {
      outcome = await deliverDecision(approval, ctx.log);
    } catch (err) {
      ctx.log.error('re-sending a decision failed', { approvalId: approval.id, error: err });
      outcome = 'failed';
    }
    if (outcome === 'delivered' || outcome === 'superseded') counts.decisionsDelivered++;
    else if (outcome === 'task-gone') counts.decisionsTaskGone++;
    else if (outcome === 'failed') counts.decisionsFailed++;
  }

  for (const record of await outbox().listAttention(SWEEP_BATCH)) {
    if (record.status !== 'failed') continue; // ambiguous: the admin decides
    try {
      const result = await mailer().send(record.identity, {
        to: record.to,
        subject: record.subject,
        text: record.text,
        html: record.html,
      });
      if (result.status === 'sent') counts.mailResent++;
      else if (result.status === 'failed') counts.mailFailed++;
    } catch (err) {
      ctx.log.error('re-sending a mail failed', { mailKey: record.key, error: err });
      counts.mailFailed++;
    }
  }

  const stale = await outbox().listStaleClaims(
    new Date(now.getTime() - OUTBOX_CLAIM_STALE_MS),
    new Date(now.getTime() - STALE_CLAIM_WINDOW_MS),
    SWEEP_BATCH,
  );
  for (const record of stale) {
    const marked = await outbox().markAmbiguous(
      record.key,
      record.attempt,
      'claimed but never marked sent or failed (the sender stopped mid-send)',
    );
    if (marked) counts.mailMarkedAmbiguous++;
  }

  if (Object.values(counts).some((n) => n > 0)) ctx.log.info('sweep', { ...counts });
  return counts;
}

export const handler = stepHandler({ name: STEP, input: z.unknown() }, sweep);
