/**
 * StoreCampaign `{config, criteriaSets}` → `{version, changed, periods}` (launch workflow).
 *
 * Validates the config and its criteria sets again (the launch input comes from outside: an
 * invalid one fails with `InvalidConfig` naming every bad field) and stores the campaign, its
 * units, people and periods (`storeCampaign`, functions/launch/campaign.ts). Storing the same config
 * again changes nothing; an edited config is a new version whose new periods are `scheduled` and
 * whose existing periods keep their status and counters. Returns the period ids in order.
 */
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import { storeCampaignInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { storeCampaign } from './campaign.ts';

const STEP = 'store-campaign';

export async function storeCampaignStep(
  input: { config: Record<string, unknown>; criteriaSets: Record<string, unknown>[] },
  ctx: StepContext,
): Promise<{ version: number; changed: boolean; periods: string[] }> {
  const result = await storeCampaign(
    ctx.store,
    input.config as unknown as DistrictConfig,
    input.criteriaSets as unknown as CriteriaSet[],
    ctx.clock(),
  );
  ctx.log.info('campaign stored', {
    version: result.version,
    changed: result.changed,
    periods: result.periods.length,
  });
  return { version: result.version, changed: result.changed, periods: result.periods.map((p) => p.id) };
}

export const handler = stepHandler({ name: STEP, input: storeCampaignInput }, storeCampaignStep);
