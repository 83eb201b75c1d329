/** `CampaignStore` on the district table (docs/store.md, "Campaign"). */
import type { CriteriaSet, DistrictConfig, Person, Unit } from '#domain/model';
import type {
  CampaignHeader,
  CampaignInput,
  CampaignStore,
  PeriodStatus,
  PeriodStatusRecord,
  PersonRole,
  StoredCampaign,
} from '../campaigns.ts';
import { ConflictError, SchemaMismatchError } from '../errors.ts';
import { provide } from '../registry.ts';
import { campaignDocuments, type HeaderDoc, ROLES } from './campaign-documents.ts';
import { fromDoc, type Item, LAYOUT_VERSION, names, pad, part } from './keys.ts';
import { type Table, table } from './table.ts';

const PK = 'CAMPAIGN';
const HEADER = { pk: PK, sk: 'CAMPAIGN' };

const versionPrefix = (version: number) => `V#${pad(version, 4, 'campaign version')}#`;
const criteriaSk = (id: string, hash: string) => `CRITERIA#${part('criteriaSets[].id', id)}#${hash}`;
const periodKey = (periodId: string) => ({ pk: PK, sk: `PERIOD#${part('periodId', periodId)}` });

function headerOf(item: Item): CampaignHeader {
  const layout = Number(item.layout ?? 1);
  if (layout !== LAYOUT_VERSION) throw new SchemaMismatchError(layout, LAYOUT_VERSION);
  const doc = fromDoc<HeaderDoc>(item.doc);
  return {
    version: Number(item.version),
    contentHash: String(item.contentHash),
    storedAt: String(item.storedAt),
    settings: doc.config,
    criteriaSets: doc.criteriaSets,
    unitCount: Number(item.unitCount),
    peopleCount: Number(item.peopleCount),
  };
}

/**
 * How long an eventually consistent read of the header is reused by this container: every step and
 * page reads the campaign, ~12 invocations a unit a period, and the header changes only at a launch.
 * A launch step names its version and reads strongly when the reused header is older (steps/
 * campaign.ts); other work in a warm container sees a new launch at most this much later than it
 * would through eventual consistency alone — as work that started just before the launch does.
 */
export const HEADER_REUSE_MS = 5_000;

export class DynamoCampaignStore implements CampaignStore {
  /**
   * The campaign last read, by (version, content hash): the table is this store's own. The read
   * itself is kept, so invocations arriving together in one container read it once.
   */
  private cached: { key: string; campaign: Promise<StoredCampaign> } | undefined;
  /**
   * The header last read, and when by two clocks: the monotonic one (a wall clock may be set back)
   * and the wall clock (a frozen container's monotonic clock may not have run): see HEADER_REUSE_MS.
   */
  private headerRead:
    | { monotonic: number; wall: number; header: Promise<CampaignHeader | undefined> }
    | undefined;
  private readonly table: Table;

  constructor(table: Table) {
    this.table = table;
  }

  async putCampaign(
    campaign: CampaignInput,
    expectedVersion: number,
  ): Promise<{ version: number; contentHash: string; changed: boolean }> {
    const { headerDoc, parts, sets, contentHash, unitCount } = campaignDocuments(campaign);
    const existing = await this.table.get(HEADER);
    const current = existing ? headerOf(existing) : undefined;
    if (current?.contentHash === contentHash)
      return { version: current.version, contentHash, changed: false };
    if ((current?.version ?? 0) !== expectedVersion) {
      throw new ConflictError('version', `The campaign was changed since version ${expectedVersion}`, {
        version: current?.version ?? 0,
      });
    }
    const version = expectedVersion + 1;
    // This container reads the header again after a store, whatever its outcome.
    this.headerRead = undefined;
    // Criteria sets are content-addressed and parts belong to a version no header names yet:
    // writing them before the header is harmless, and writing them again (a retry) is the same.
    const writes = [
      ...sets.map((s) => ({ sk: criteriaSk(s.id, s.hash), setId: s.id, doc: s.doc })),
      ...parts.map((p, order) => ({ ...p, sk: `${versionPrefix(version)}${p.sk}`, order })),
    ];
    await this.table.putAll(writes.map((w) => ({ pk: PK, ...w })));
    const committed = await this.table.putIf({
      Item: {
        ...HEADER,
        doc: headerDoc,
        contentHash,
        version,
        layout: LAYOUT_VERSION,
        storedAt: this.table.now().iso,
        unitCount,
        peopleCount: parts.length - unitCount,
      },
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :v',
      ...(expectedVersion === 0
        ? {}
        : {
            ExpressionAttributeNames: names('version'),
            ExpressionAttributeValues: { ':v': expectedVersion },
          }),
    });
    if (committed) return { version, contentHash, changed: true };
    const now = await this.table.get(HEADER);
    const winner = now ? headerOf(now) : undefined;
    if (winner?.contentHash === contentHash) return { version: winner.version, contentHash, changed: false };
    throw new ConflictError('version', `The campaign was changed since version ${expectedVersion}`, {
      version: winner?.version ?? 0,
    });
  }

  getHeader(options: { consistent?: boolean } = {}): Promise<CampaignHeader | undefined> {
    const memo = this.headerRead;
    const fresh = (since: number, now: number) => now >= since && now - since < HEADER_REUSE_MS;
    if (
      !options.consistent &&
      memo &&
      fresh(memo.monotonic, performance.now()) &&
      fresh(memo.wall, Date.now())
    )
      return memo.header;
    const header = this.table
      .get(HEADER, { consistent: options.consistent ?? false })
      .then((item) => (item ? headerOf(item) : undefined));
    this.headerRead = { monotonic: performance.now(), wall: Date.now(), header };
    // A failed read is not kept: the next invocation reads again.
    header.catch(() => {
      if (this.headerRead?.header === header) this.headerRead = undefined;
    });
    return header;
  }

  getCampaign(header: CampaignHeader): Promise<StoredCampaign> {
    const key = `${header.version}:${header.contentHash}`;
    if (this.cached?.key !== key) {
      const campaign = this.readCampaign(header);
      this.cached = { key, campaign };
      // A failed read is not kept: the next invocation reads again.
      campaign.catch(() => {
        if (this.cached?.campaign === campaign) this.cached = undefined;
      });
    }
    return this.cached.campaign;
  }

  private async readCampaign(header: CampaignHeader): Promise<StoredCampaign> {
    const [parts, setItems] = await Promise.all([
      this.table.queryPrefix(PK, versionPrefix(header.version)),
      this.table.batchGet(header.criteriaSets.map((s) => ({ pk: PK, sk: criteriaSk(s.id, s.hash) }))),
    ]);
    const units: Unit[] = [];
    const people: Record<PersonRole, Person[]> = { reviewer: [], council: [], admin: [], leadership: [] };
    for (const item of parts.sort((a, b) => Number(a.order) - Number(b.order))) {
      const sk = String(item.sk).slice(versionPrefix(header.version).length);
      if (sk.startsWith('UNIT#')) units.push(fromDoc<Unit>(item.doc));
      else people[sk.split('#')[1] as PersonRole].push(fromDoc<Person>(item.doc));
    }
    const peopleCount = ROLES.reduce((n, r) => n + people[r].length, 0);
    if (units.length !== header.unitCount || peopleCount !== header.peopleCount) {
      throw new Error(
        `Campaign version ${header.version} is incomplete: ${units.length}/${header.unitCount} units, ` +
          `${peopleCount}/${header.peopleCount} people`,
      );
    }
    const bySk = new Map(setItems.map((i) => [String(i.sk), fromDoc<CriteriaSet>(i.doc)]));
    const criteriaSets = header.criteriaSets.map((s) => {
      const set = bySk.get(criteriaSk(s.id, s.hash));
      if (!set) throw new Error(`Campaign version ${header.version} names a missing criteria set ${s.id}`);
      return set;
    });
    const config: DistrictConfig = {
      ...header.settings,
      units,
      reviewers: people.reviewer,
      council: people.council,
      admins: people.admin,
      leadership: people.leadership,
    };
    return { header, config, criteriaSets };
  }

  async listPeriodStatuses(): Promise<Map<string, PeriodStatusRecord>> {
    const items = await this.table.queryPrefix(PK, 'PERIOD#');
    return new Map(items.map((i) => [String(i.periodId), statusOf(i)]));
  }

  async getPeriodStatus(periodId: string): Promise<PeriodStatusRecord> {
    const item = await this.table.get(periodKey(periodId));
    return item ? statusOf(item) : { status: 'scheduled' };
  }

  async setPeriodStatus(
    periodId: string,
    from: PeriodStatus,
    to: PeriodStatus,
  ): Promise<{ changed: boolean; status: PeriodStatusRecord }> {
    const key = periodKey(periodId);
    const updated = await this.table.updateIf({
      Key: key,
      UpdateExpression: 'SET #status = :to, #statusChangedAt = :now, #periodId = :id',
      // No item yet is `scheduled`: the calendar has the period, the store only its later statuses.
      ConditionExpression:
        from === 'scheduled' ? 'attribute_not_exists(pk) OR #status = :from' : '#status = :from',
      ExpressionAttributeNames: names('status', 'statusChangedAt', 'periodId'),
      ExpressionAttributeValues: { ':to': to, ':from': from, ':now': this.table.now().iso, ':id': periodId },
    });
    if (updated) return { changed: true, status: statusOf(updated) };
    const current = await this.getPeriodStatus(periodId);
    if (current.status === to) return { changed: false, status: current };
    throw new ConflictError('status', `Period ${periodId} is ${current.status}, not ${from}`, {
      status: current.status,
    });
  }
}

function statusOf(item: Item): PeriodStatusRecord {
  return {
    status: String(item.status) as PeriodStatus,
    ...(item.statusChangedAt ? { statusChangedAt: String(item.statusChangedAt) } : {}),
  };
}

export const campaigns = provide<CampaignStore>('campaigns', () => new DynamoCampaignStore(table()));
