/**
 * Recording an adjustments file (`thidua record`, the local product's paste form): read it
 * (./adjustments-file.ts), check it (./adjustments.ts), store it (./store-adjustments.ts); and the
 * campaign as stored, which the checks read.
 */
import { ConfigError } from '#domain/config';
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import type { Actor } from '#ports/actor';
import type { CampaignStore } from '#ports/campaigns';
import { campaigns } from '#ports/dynamo/campaigns';
import { checkAdjustments, type RecordAdjustmentsResult } from './adjustments.ts';
import { type AdjustmentsSource, readAdjustments } from './adjustments-file.ts';
import { storeAdjustments } from './store-adjustments.ts';

/**
 * Reads, checks and stores an adjustments file (a path, or content with its name) against the
 * district as loaded (`loadDistrict`) or as stored (`storedDistrict`). Throws ConfigError listing
 * every problem, with lines (nothing stored); otherwise stores every entry.
 */
export async function recordAdjustments(
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
  file: string | AdjustmentsSource,
  actor: Actor = { kind: 'admin', id: 'cli' },
): Promise<RecordAdjustmentsResult> {
  const { entries, problems } = checkAdjustments(readAdjustments(file), district);
  if (problems.length > 0) throw new ConfigError(problems);
  return storeAdjustments(entries, actor);
}

/** The campaign stored in the table, as `checkAdjustments` takes it (undefined before a launch). */
export async function storedDistrict(
  store: CampaignStore = campaigns(),
): Promise<{ config: DistrictConfig; criteriaSets: CriteriaSet[] } | undefined> {
  const header = await store.getHeader({ consistent: true });
  if (!header) return undefined;
  const { config, criteriaSets } = await store.getCampaign(header);
  return { config, criteriaSets };
}
