/**
 * RemindUnit / SendLateNotice `{unitId, periodId, kind: 'remind'|'late'}` → `{sent}` (period
 * workflow, events `remind` and `deadline`, one Map iteration per unit without a submitted report).
 *
 * `remind`: before the deadline, the days left and the unit's report link again. `late`: after
 * the deadline, the unit-period is marked late on its progress and the unit told what happens at
 * review close. A unit that submitted since it was listed gets nothing. Once per unit, period and
 * kind: outbox identity (`reminder` | `late-notice`, focal point, unit, period).
 */
import { lateNoticeEmail, reminderEmail } from '#mail/period';
import { reports } from '#ports/dynamo/reports';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { reportLink } from '#steps/grants';
import { type RemindUnitInput, remindUnitInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';

const STEP = 'remind-unit';

export async function remindUnit(
  input: RemindUnitInput,
  ctx: CampaignStepContext,
): Promise<{ sent: boolean }> {
  const { unitId, periodId, kind } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const report = await reports().get(unitId, periodId);
  if (report && report.status !== 'draft') {
    ctx.log.info('report submitted meanwhile: no reminder', { status: report.status });
    return { sent: false };
  }
  await reports().markProgress(unitId, periodId, kind === 'remind' ? 'reminded' : 'late');
  crashPoint(`${kind}.after-mark`);
  const unit = campaign.unit(unitId);
  const link = await reportLink(unitId, period);
  const hasDraft = report !== undefined;
  const mail =
    kind === 'remind'
      ? reminderEmail(campaign.sender, { unit, period, reportUrl: link.url, now: ctx.clock(), hasDraft })
      : lateNoticeEmail(campaign.sender, { unit, period, reportUrl: link.url, hasDraft });
  const step = kind === 'remind' ? 'reminder' : 'late-notice';
  const outcome = await mailTo(ctx.log, unit.focalPoint, step, { unitId, periodId }, mail);
  ctx.log.info('unit reminded', { kind, mail: outcome });
  return { sent: outcome === 'sent' };
}

export const handler = campaignStep({ name: STEP, input: remindUnitInput }, remindUnit);
