/**
 * The sweep: nothing a person did is lost because one call failed. It runs on demand — a page
 * whose claim leaves follow-ups asks for it (functions/ports/sweep-trigger.ts), and a run that
 * leaves work not yet due plans the next one — and every hour as a backstop, which finds whatever
 * no request asked for (a request that died before asking); locally on the runtime's clock.
 *
 * Input `{"sweepAt": <instant>}` in the future: plans a run then, as a one-time schedule
 * `sweep-<yyyymmddThhmm>` in the stack's group (an existing one is the same run), and sweeps
 * nothing. Any other input (the schedules' `{}`) sweeps now:
 *
 * 1. Decisions recorded but not delivered for over a minute (`listUndelivered`): audited (the same
 *    entry, if the deciding request wrote it already), then re-sent with the
 *    token the store returns (the newest one swapped in), then marked delivered, task-gone (the
 *    admin's list) or failed again (stays queued). A fresh decision is left to its own request.
 * 2. Outbox messages whose send `failed` (certainly not sent): sent again through the mailer,
 *    which claims them (`failed → claimed`, attempt + 1) so two sweeps never both send — at most
 *    `MAIL_MAX_ATTEMPTS` sends, backing off (5 min, 10, 20, 40 on the product's clock); one SES
 *    refused for good (`permanent`: suppressed address, unverified sender, paused account) is not
 *    retried: it waits under the admin's *Cần chú ý* with the address and SES's reason.
 * 3. Outbox messages still `claimed` five minutes after their claim on the product's clock (the
 *    sender died mid-send), however far that clock jumped: marked `ambiguous` for the admin —
 *    never re-sent by guess.
 * 4. Reports whose last write left a follow-up (the FOLLOWUP mark, docs/reliability.md, on the
 *    claim's revision and the current item): an explanation's approval decided and delivered, a
 *    submitted report's review started — also when the writer stopped before the current item,
 *    which the read here rolls forward.
 * 5. Reassignments whose request stopped after its claim (the REASSIGNING mark): the new reviewer
 *    assigned, given its approval behind the same task and mailed, the audit entry written
 *    (functions/steps/reassignment.ts) — the campaign is read only when there is one.
 *
 * Then, when it left something that will be due later (a failed mail backing off, a follow-up
 * still in its grace, a delivery that failed), it plans its next run for then.
 *
 * Output: the counts.
 */
import * as z from 'zod/mini';
import { callbacks } from '#ports/callbacks';
import { OUTBOX_CLAIM_STALE_MS, outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { NotFoundError } from '#ports/errors';
import { mailer } from '#ports/mailer';
import type { OutboxRecord } from '#ports/outbox';
import { stateMachineArn } from '#ports/settings';
import { SWEEP_GRACE_MS } from '#ports/sweep-timing';
import { type CampaignContext, loadCampaign } from '#steps/campaign';
import { auditDecision } from '#steps/decisions';
import { deliverDecision } from '#steps/delivery';
import { finishExplanation } from '#steps/explanations';
import { type StepContext, stepHandler } from '#steps/middleware';
import { finishReassignment, ReassignmentConflict } from '#steps/reassignment';
import { auditSubmission } from '#steps/records';
import { reviewExecution } from '#workflows/executions';
import { planSweep, sweepRequest } from './sweep-plan.ts';

const STEP = 'sweep';

/** A decision younger than this is still being delivered by the request that recorded it. */
export const UNDELIVERED_GRACE_MS = SWEEP_GRACE_MS;
/** A failed mail is sent at most this many times; then it waits under *Cần chú ý* for the admin. */
export const MAIL_MAX_ATTEMPTS = 5;
/** The wait before the n-th re-send of a failed mail: 5 minutes, doubled each attempt. */
export const MAIL_RETRY_BASE_MS = 5 * 60_000;

/** When a failed mail is due for another attempt; undefined when it never is (refused for good, at the limit). */
export function retryAt(record: OutboxRecord): Date | undefined {
  if (record.permanent || record.attempt >= MAIL_MAX_ATTEMPTS) return undefined;
  return new Date(Date.parse(record.claimedAt) + MAIL_RETRY_BASE_MS * 2 ** (record.attempt - 1));
}

/** Whether a failed mail is due for another attempt (not refused for good, under the limit, backed off). */
export function retryDue(record: OutboxRecord, now: Date): boolean {
  const at = retryAt(record);
  return at !== undefined && now.getTime() >= at.getTime();
}

/** A failed delivery is tried again this long after the run that failed it. */
const DELIVERY_RETRY_MS = 5 * 60_000;

/** At most this many of each kind per run; the next run takes the rest. */
export const SWEEP_BATCH = 100;

export interface SweepCounts {
  decisionsDelivered: number;
  decisionsTaskGone: number;
  decisionsFailed: number;
  mailResent: number;
  mailFailed: number;
  mailMarkedAmbiguous: number;
  followUpsFinished: number;
  reassignmentsFinished: number;
}

export async function sweep(input: unknown, ctx: StepContext): Promise<SweepCounts | { planned: string }> {
  const request = sweepRequest(input, ctx.clock());
  if (request) return { planned: await planSweep(request, ctx) };
  /** When what this run left becomes due. */
  const later: Date[] = [];
  const counts: SweepCounts = {
    decisionsDelivered: 0,
    decisionsTaskGone: 0,
    decisionsFailed: 0,
    mailResent: 0,
    mailFailed: 0,
    mailMarkedAmbiguous: 0,
    followUpsFinished: 0,
    reassignmentsFinished: 0,
  };
  const now = ctx.clock();

  const undelivered = await reviews().listUndelivered({
    decidedBefore: new Date(now.getTime() - UNDELIVERED_GRACE_MS),
    limit: SWEEP_BATCH,
  });
  for (const approval of undelivered) {
    let outcome: Awaited<ReturnType<typeof deliverDecision>>;
    try {
      // The decision's audit entry first: its request may have stopped before writing it.
      await auditDecision(approval);
      outcome = await deliverDecision(approval, ctx.log);
    } catch (err) {
      ctx.log.error('re-sending a decision failed', { approvalId: approval.id, error: err });
      outcome = 'failed';
    }
    if (outcome === 'delivered' || outcome === 'superseded') counts.decisionsDelivered++;
    else if (outcome === 'task-gone') counts.decisionsTaskGone++;
    else if (outcome === 'failed') counts.decisionsFailed++;
  }
  if (counts.decisionsFailed > 0) later.push(new Date(now.getTime() + DELIVERY_RETRY_MS));

  for (const record of await outbox().listAttention(SWEEP_BATCH)) {
    if (record.status !== 'failed') continue; // ambiguous: the admin decides
    if (!retryDue(record, now)) {
      const at = retryAt(record);
      if (at) later.push(at);
      continue;
    }
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

  const stale = await outbox().listStaleClaims(new Date(now.getTime() - OUTBOX_CLAIM_STALE_MS), SWEEP_BATCH);
  for (const record of stale) {
    const marked = await outbox().markAmbiguous(
      record.key,
      record.attempt,
      'claimed but never marked sent or failed (the sender stopped mid-send)',
    );
    if (marked) counts.mailMarkedAmbiguous++;
  }

  counts.followUpsFinished = await finishFollowUps(now, ctx, later);
  counts.reassignmentsFinished = await finishReassignments(now, ctx, later);

  if (Object.values(counts).some((n) => n > 0)) ctx.log.info('sweep', { ...counts });
  await planNextRun(later, ctx);
  return counts;
}

/** Plans a run at the earliest of `later`, if any. */
async function planNextRun(later: Date[], ctx: StepContext): Promise<void> {
  const next = later.reduce<Date | undefined>((a, b) => (a && a <= b ? a : b), undefined);
  if (!next) return;
  // Its work is done; a next run it could not plan is the hourly backstop's.
  await planSweep(next, ctx).catch((error: unknown) =>
    ctx.log.warn('the next sweep run could not be planned; the hourly run will come', { error }),
  );
}

/** A follow-up younger than this is still being finished by the request that claimed it. */
export const FOLLOWUP_GRACE_MS = SWEEP_GRACE_MS;

/** Finishes the follow-ups of the reports' claims left by requests that stopped. */
async function finishFollowUps(now: Date, ctx: StepContext, later: Date[]): Promise<number> {
  let finished = 0;
  const seen = new Set<string>();
  for (const mark of await reports().listFollowUps(SWEEP_BATCH)) {
    const { unitId, periodId } = mark;
    // A claim is listed by its revision and by the current item made from it: one visit.
    if (seen.has(`${unitId}#${periodId}#${mark.writeId}`)) continue;
    seen.add(`${unitId}#${periodId}#${mark.writeId}`);
    // Read by key: a claim whose writer stopped before the current item is rolled forward here.
    const stored = await reports().get(unitId, periodId);
    const claim = stored?.lastWrite;
    if (!stored || !claim) continue;
    if (claim.writeId !== mark.writeId) {
      // A later write followed the claim, which its follow-ups had to come first for: done.
      await reports().clearFollowUp(unitId, periodId, mark.writeId, mark.version);
      continue;
    }
    const due = Date.parse(stored.updatedAt) + FOLLOWUP_GRACE_MS;
    if (now.getTime() < due) {
      later.push(new Date(due));
      continue;
    }
    if (stored.status === 'explained' && claim.approvalId) {
      const followUp = await finishExplanation(ctx.log, unitId, periodId);
      if (followUp.state !== 'decided') continue; // refused: the admin sees the report explained
    } else if (stored.status === 'submitted' && claim.kind === 'submit') {
      const { name, input } = reviewExecution(unitId, periodId);
      await auditSubmission(stored);
      await callbacks().startExecution(stateMachineArn('review'), name, input);
    }
    // Done, or moved on since (its workflow took it further): the mark has nothing left to drive.
    await reports().clearFollowUp(unitId, periodId, claim.writeId, stored.version);
    finished++;
  }
  return finished;
}

/** Finishes reassignments whose request stopped after its claim; one that cannot finish is logged. */
async function finishReassignments(now: Date, ctx: StepContext, later: Date[]): Promise<number> {
  const marked = await reviews().listReassigning({ limit: SWEEP_BATCH });
  if (marked.length === 0) return 0;
  let finished = 0;
  let campaign: CampaignContext | undefined;
  for (const approval of marked) {
    const due = Date.parse(approval.closedAt ?? '') + FOLLOWUP_GRACE_MS;
    if (now.getTime() < due) {
      // Still its own request's to finish.
      later.push(new Date(due));
      continue;
    }
    try {
      campaign ??= await loadCampaign();
      await finishReassignment(campaign, ctx.log, approval);
      finished++;
    } catch (error) {
      if (error instanceof ReassignmentConflict || error instanceof NotFoundError) {
        // Moved on by another action, or no longer in the campaign: trying again cannot help.
        ctx.log.error('a reassignment that cannot finish; its mark ends', { approvalId: approval.id, error });
        await reviews()
          .endReassignment(approval.id, approval.reassignment?.writeId ?? '')
          .catch((e: unknown) => ctx.log.error('ending a reassignment mark failed', { error: e }));
        continue;
      }
      // Transient (a table or mail error): the next hourly run tries again.
      ctx.log.error('finishing a reassignment failed; the next run tries again', {
        approvalId: approval.id,
        error,
      });
    }
  }
  return finished;
}

export const handler = stepHandler({ name: STEP, input: z.unknown() }, sweep);
