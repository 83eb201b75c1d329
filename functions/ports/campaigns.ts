/**
 * The campaign aggregate: the district's config and criteria sets as launched, version by version,
 * and the status of each period of its calendar. Keys: docs/store.md.
 *
 * A version is stored as its parts (docs/storage.md, "Per unit, header last"): the criteria sets
 * (content-addressed), then the units and people of the version, then the header — the config
 * without its units and people, the criteria sets it names, the storage layout — put conditionally
 * on the previous version. The header selects its parts, so a crash before it leaves the parts
 * unread. Periods come from the header's calendar (pure, domain/calendar.ts); only their status is
 * stored.
 */
import type { CriteriaSet, DistrictConfig, Period } from '#domain/model';

export type PersonRole = 'reviewer' | 'council' | 'admin' | 'leadership';

/** The config keys holding each role's people. */
export const PEOPLE_OF_ROLE = {
  reviewer: 'reviewers',
  council: 'council',
  admin: 'admins',
  leadership: 'leadership',
} as const satisfies Record<PersonRole, keyof DistrictConfig>;

export interface CampaignInput {
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
}

/** The config as the header keeps it: everything but the units and people (items of their own). */
export type CampaignSettings = Omit<
  DistrictConfig,
  'units' | 'reviewers' | 'council' | 'admins' | 'leadership'
>;

/** The small item every reader takes first. */
export interface CampaignHeader {
  /** 1 on the first store, +1 on each changed store. */
  version: number;
  /** sha256 of the stored content: an identical re-store is recognised and changes nothing. */
  contentHash: string;
  storedAt: string;
  settings: CampaignSettings;
  /** The criteria sets the version uses, each by its content hash. */
  criteriaSets: { id: string; hash: string }[];
  unitCount: number;
  peopleCount: number;
}

export interface StoredCampaign extends CampaignInput {
  header: CampaignHeader;
}

export type PeriodStatus = 'scheduled' | 'open' | 'closed';

export interface StoredPeriod {
  period: Period;
  status: PeriodStatus;
  statusChangedAt?: string;
}

export interface PeriodStatusRecord {
  status: PeriodStatus;
  statusChangedAt?: string;
}

export interface CampaignStore {
  /**
   * Stores a validated campaign as version `expectedVersion + 1` (0: the first store). Storing the
   * content stored now again returns that version with `changed: false`; another writer's version
   * in between is a ConflictError('version').
   */
  putCampaign(
    campaign: CampaignInput,
    expectedVersion: number,
  ): Promise<{ version: number; contentHash: string; changed: boolean }>;
  /**
   * The header, or undefined before any launch. Eventually consistent unless `consistent`. Data
   * of an earlier storage layout is a SchemaMismatchError.
   */
  getHeader(options?: { consistent?: boolean }): Promise<CampaignHeader | undefined>;
  /**
   * The whole campaign a header selects (its units, people and criteria sets read consistently
   * and checked against the header's counts), kept per container under (table, version, content
   * hash): a warm container reads only the header.
   */
  getCampaign(header: CampaignHeader): Promise<StoredCampaign>;

  /** The statuses stored so far, by period id (a period without one is `scheduled`). */
  listPeriodStatuses(): Promise<Map<string, PeriodStatusRecord>>;
  getPeriodStatus(periodId: string): Promise<PeriodStatusRecord>;
  /** Conditional `from → to`; `changed: false` when already `to`; ConflictError('status') otherwise. */
  setPeriodStatus(
    periodId: string,
    from: PeriodStatus,
    to: PeriodStatus,
  ): Promise<{ changed: boolean; status: PeriodStatusRecord }>;
}
