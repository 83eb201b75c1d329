/**
 * MarkOpen `{periodId}` → `{status}` (period workflow, event `open`).
 *
 * The submission window opens: period `scheduled → open`. Already open is a re-run (nothing
 * changes); a period already closed stays closed (the open event came late, e.g. after a local
 * restart) and the step says so without failing.
 */

import type { PeriodStatus } from '#ports/store';
import { periodInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { requirePeriod } from '#steps/steps';

const STEP = 'open-period';

export async function openPeriod(
  input: { periodId: string },
  ctx: StepContext,
): Promise<{ status: PeriodStatus }> {
  const stored = await requirePeriod(ctx, input.periodId);
  if (stored.status !== 'scheduled') {
    ctx.log.info('period already past scheduled', { status: stored.status });
    return { status: stored.status };
  }
  const { period } = await ctx.store.setPeriodStatus(input.periodId, 'scheduled', 'open');
  ctx.log.info('period opened');
  return { status: period.status };
}

export const handler = stepHandler({ name: STEP, input: periodInput }, openPeriod);
