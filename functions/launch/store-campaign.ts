/**
 * StoreCampaign `{campaignVersion, contentHash}` → `{campaignVersion, superseded, periods}` (launch
 * workflow, first).
 *
 * The campaign was stored before the execution started (functions/launch/campaign.ts): this step
 * reads back the version the execution launches and checks its content hash. A newer version
 * stored since supersedes this launch (`superseded: true`: the later steps do nothing; the newer
 * version's own launch does the work). Returns the calendar's period ids in order.
 */

import { loadCampaignVersion } from '#steps/campaign';
import { type LaunchStepInput, launchStepInput } from '#steps/inputs';
import { STEP_ERRORS, type StepContext, StepError, stepHandler } from '#steps/middleware';

const STEP = 'store-campaign';

export async function checkLaunchedCampaign(
  input: LaunchStepInput,
  ctx: StepContext,
): Promise<{ campaignVersion: number; superseded: boolean; periods: string[] }> {
  const loaded = await loadCampaignVersion(input.campaignVersion);
  if (loaded.superseded) {
    ctx.log.info('launch superseded by a newer campaign version', { version: loaded.header.version });
    return { campaignVersion: input.campaignVersion, superseded: true, periods: [] };
  }
  const { header, periods } = loaded.campaign;
  if (input.contentHash !== undefined && input.contentHash !== header.contentHash) {
    throw new StepError(
      STEP_ERRORS.conflict,
      `Campaign version ${header.version} holds other content than this launch's (${input.contentHash.slice(0, 12)})`,
    );
  }
  ctx.log.info('campaign read back', { version: header.version, periods: periods.length });
  return { campaignVersion: header.version, superseded: false, periods: periods.map((p) => p.id) };
}

export const handler = stepHandler({ name: STEP, input: launchStepInput }, checkLaunchedCampaign);
