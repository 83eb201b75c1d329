/**
 * InviteUnit `{unitId, periodId}` → `{outcome}` (period workflow, event `open`, one Map iteration
 * per unit).
 *
 * The unit's report grant (its long-lived `/r` link for the period) and the invitation email,
 * once: `inviteUnit` (./invitation.ts) skips a unit whose progress says it was invited, and the
 * outbox identity (`invitation`, focal point, unit, period) keeps it to one mail whatever happens.
 */
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { type UnitPeriodInput, unitPeriodInput } from '#steps/inputs';
import { inviteUnit } from './invitation.ts';

const STEP = 'invite-unit';

export async function inviteUnitStep(
  input: UnitPeriodInput,
  ctx: CampaignStepContext,
): Promise<{ outcome: string }> {
  const { outcome } = await inviteUnit(ctx.campaign, input.unitId, input.periodId, ctx.log);
  return { outcome };
}

export const handler = campaignStep({ name: STEP, input: unitPeriodInput }, inviteUnitStep);
