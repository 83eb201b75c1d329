/**
 * InviteUnit `{unitId, periodId}` → `{outcome}` (period workflow, event `open`, one Map iteration
 * per unit).
 *
 * The unit's report grant (its long-lived `/r` link for the period) and the invitation email,
 * once: `inviteUnit` (functions/launch/campaign.ts) skips a unit already counted as invited whose
 * invitation is in the outbox, and the outbox identity (`invitation`, focal point, unit, period)
 * keeps it to one mail whatever happens.
 */

import { unitPeriodInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { inviteUnit } from './invitation.ts';

const STEP = 'invite-unit';

export async function inviteUnitStep(
  input: { unitId: string; periodId: string },
  ctx: StepContext,
): Promise<{ outcome: string }> {
  const { outcome } = await inviteUnit(ctx.deps, input.unitId, input.periodId, ctx.log);
  return { outcome };
}

export const handler = stepHandler({ name: STEP, input: unitPeriodInput }, inviteUnitStep);
