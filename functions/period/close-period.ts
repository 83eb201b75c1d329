/**
 * CloseReview + StartScoring `{periodId}` → `{scoring}` (period workflow, event `close`).
 *
 * Review closes: period `open → closed` (a period whose open event never ran is opened first, so
 * the record shows both). Every admin is told, once, which reports are still not approved (they
 * will be *Chưa thẩm định*; outbox identity `review-closed`, admin, period) — nothing is sent
 * when every submitted report is approved. Then the period's first results are computed by the
 * execution `scoring-<period>-v1` (input `{periodId}`; `ExecutionAlreadyExists` is success).
 */
import { appendAuditOnce } from '#functions/review/records';
import { scoringExecutionName } from '#functions/scoring/rescoring';
import { reviewClosedEmail } from '#mail/period';
import { periodInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { admins, mailIdentity, requireCampaign, requirePeriod, sendMail, systemActor } from '#steps/steps';
import { REPORT_STATUS_LABELS } from '#web/pages';

const STEP = 'close-period';

export async function closePeriod(
  input: { periodId: string },
  ctx: StepContext,
): Promise<{ scoring: 'started' | 'already-exists' }> {
  const { periodId } = input;
  let stored = await requirePeriod(ctx, periodId);
  if (stored.status === 'scheduled') {
    ctx.log.warn('closing a period that was never opened: opened first');
    stored = (await ctx.store.setPeriodStatus(periodId, 'scheduled', 'open')).period;
  }
  if (stored.status === 'open') stored = (await ctx.store.setPeriodStatus(periodId, 'open', 'closed')).period;
  const period = stored.period;

  const [units, reports] = await Promise.all([ctx.store.listUnits(), ctx.store.listPeriodReports(periodId)]);
  const byUnit = new Map(reports.map((r) => [r.unitId, r]));
  const unappraised = units.filter((u) => {
    const r = byUnit.get(u.id);
    return r !== undefined && r.status !== 'draft' && r.status !== 'approved';
  });
  const approved = units.filter((u) => byUnit.get(u.id)?.status === 'approved').length;
  const counts = {
    approved,
    unappraised: unappraised.length,
    notSubmitted: units.length - approved - unappraised.length,
  };
  await appendAuditOnce(ctx.store, {
    id: 'review-closed',
    subject: `period/${periodId}`,
    periodId,
    actor: systemActor(STEP),
    action: 'period.closed',
    detail: { ...counts, unappraised: unappraised.map((u) => u.id) },
  });

  if (unappraised.length > 0) {
    const { sender } = await requireCampaign(ctx);
    const list = unappraised.map((u) => ({
      name: u.name,
      statusLabel: REPORT_STATUS_LABELS[byUnit.get(u.id)!.status],
    }));
    for (const admin of await admins(ctx)) {
      const mail = reviewClosedEmail(sender, { admin, period, unappraised: list, counts });
      await sendMail(ctx, ctx.log, mailIdentity('review-closed', admin.email, { periodId }), {
        to: admin.email,
        ...mail,
      });
    }
  }

  const scoring = await ctx.callbacks.startExecution(
    ctx.deps.stateMachineArn('scoring'),
    scoringExecutionName(periodId, 1),
    { periodId },
  );
  ctx.log.info('review closed', { ...counts, scoring });
  return { scoring };
}

export const handler = stepHandler({ name: STEP, input: periodInput }, closePeriod);
