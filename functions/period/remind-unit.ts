/**
 * RemindUnit / SendLateNotice `{unitId, periodId, kind: 'remind'|'late'}` → `{sent}` (period
 * workflow, events `remind` and `deadline`, one Map iteration per unit without a submitted report).
 *
 * `remind`: before the deadline, the days left and the unit's report link again. `late`: after
 * the deadline, the unit is counted in the period's `late` counter and told what happens at
 * review close. A unit that submitted since it was listed gets nothing. Once per unit, period and
 * kind: outbox identity (`reminder` | `late-notice`, focal point, unit, period).
 */
import { lateNoticeEmail, reminderEmail } from '#mail/period';
import { remindUnitInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  ensureReportGrant,
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requireUnit,
  sendMail,
} from '#steps/steps';
import { LATE_COUNTER } from './list-recipients.ts';

const STEP = 'remind-unit';

export async function remindUnit(
  input: { unitId: string; periodId: string; kind: 'remind' | 'late' },
  ctx: StepContext,
): Promise<{ sent: boolean }> {
  const { unitId, periodId, kind } = input;
  const stored = await requirePeriod(ctx, periodId);
  const report = await ctx.store.getReport(unitId, periodId);
  if (report && report.status !== 'draft') {
    ctx.log.info('report submitted meanwhile: no reminder', { status: report.status });
    return { sent: false };
  }
  if (kind === 'late') await ctx.store.addToPeriodCounter(periodId, LATE_COUNTER, unitId);
  const [{ sender }, unit] = await Promise.all([requireCampaign(ctx), requireUnit(ctx, unitId)]);
  const grant = await ensureReportGrant(ctx.deps, unitId, stored.period);
  const reportUrl = await ctx.deps.approvalUrl(grant);
  const period = stored.period;
  const hasDraft = report !== undefined;
  const mail =
    kind === 'remind'
      ? reminderEmail(sender, { unit, period, reportUrl, now: ctx.clock(), hasDraft })
      : lateNoticeEmail(sender, { unit, period, reportUrl, hasDraft });
  const step = kind === 'remind' ? 'reminder' : 'late-notice';
  const outcome = await sendMail(
    ctx,
    ctx.log,
    mailIdentity(step, unit.focalPoint.email, { unitId, periodId }),
    {
      to: unit.focalPoint.email,
      ...mail,
    },
  );
  ctx.log.info('unit reminded', { kind, mail: outcome });
  return { sent: outcome === 'sent' };
}

export const handler = stepHandler({ name: STEP, input: remindUnitInput }, remindUnit);
