/**
 * MarkOpen `{periodId}` → `{status}` (period workflow, event `open`).
 *
 * The submission window opens: period `scheduled → open`. Already open is a re-run (nothing
 * changes); a period already closed stays closed (the open event came late, e.g. after a local
 * restart) and the step says so without failing.
 */
import type { PeriodStatus } from '#ports/campaigns';
import { campaigns } from '#ports/dynamo/campaigns';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type PeriodInput, periodInput } from '#steps/inputs';

const STEP = 'open-period';

export async function openPeriod(
  input: PeriodInput,
  ctx: CampaignStepContext,
): Promise<{ status: PeriodStatus }> {
  ctx.campaign.period(input.periodId);
  const { status } = await campaigns().getPeriodStatus(input.periodId);
  if (status !== 'scheduled') {
    ctx.log.info('period already past scheduled', { status });
    return { status };
  }
  const changed = await campaigns().setPeriodStatus(input.periodId, 'scheduled', 'open');
  crashPoint('open.after-status');
  ctx.log.info('period opened');
  return { status: changed.status.status };
}

export const handler = campaignStep({ name: STEP, input: periodInput }, openPeriod);
