/**
 * Storing a district's campaign before its launch (docs/storage.md, "Execution inputs by
 * reference"): `thidua launch` and the local product load and validate the config and its
 * criteria sets (domain/config-files.ts), store them here as the next campaign version, then
 * start `launch-v<version>-<hash12>` with the version's ids only.
 */
import type { CriteriaSet, DistrictConfig } from '#domain/model';
import { campaigns } from '#ports/dynamo/campaigns';
import { ConflictError } from '#ports/errors';

export interface StoredCampaignVersion {
  /** The stored campaign's version (1 on the first store). */
  version: number;
  contentHash: string;
  /** False when the same content was stored before (nothing changed). */
  changed: boolean;
}

/**
 * Stores the validated campaign as the next version; the same content again changes nothing. When
 * another launch stored a version meanwhile, it stores over the newest one (the last launch wins).
 */
export async function storeCampaign(campaign: {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
}): Promise<StoredCampaignVersion> {
  for (let attempt = 0; ; attempt++) {
    const header = await campaigns().getHeader({ consistent: true });
    try {
      return await campaigns().putCampaign(campaign, header?.version ?? 0);
    } catch (err) {
      if (!(err instanceof ConflictError) || err.reason !== 'version' || attempt >= 2) throw err;
    }
  }
}
