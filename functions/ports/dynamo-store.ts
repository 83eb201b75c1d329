/**
 * `Store` on one DynamoDB table (lib-dynamodb). Key design, access patterns and the ordering that
 * replaces transactions: docs/store.md. Every state change is conditional; nothing here Scans.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Appraisal, CriteriaSet, DistrictConfig, Period, Person, Report, Unit } from '#domain/model';
import { documentClient, requireEnv } from './aws.ts';
import { now as clockNow } from './clock.ts';
import {
  type Actor,
  type Adjustments,
  type AdminSession,
  type Approval,
  type ApprovalDecision,
  type ApprovalPoint,
  type AuditEntry,
  type AuditInput,
  type CampaignInput,
  type ClaimOutcome,
  ConflictError,
  type DecideOutcome,
  EDITABLE_REPORT_STATUSES,
  ItemTooLargeError,
  type MailIdentity,
  type NewApproval,
  NotFoundError,
  type OutboxRecord,
  type OutgoingMail,
  type PeriodStatus,
  type PersonRole,
  REPORT_VERSION_CONFLICT,
  type ReportRevision,
  type ReportStatus,
  type ReportSummary,
  type ReviewerAssignment,
  type Store,
  type StoredAdjustments,
  type StoredAppraisal,
  type StoredBallot,
  type StoredCampaign,
  type StoredPeriod,
  type StoredProposal,
  type StoredReport,
  type StoredResults,
  type SwapOutcome,
} from './store.ts';

export interface DynamoStoreOptions {
  /** Defaults to the shared client of functions/ports/aws.ts. */
  client?: DynamoDBDocumentClient;
  /** Defaults to env `TABLE_NAME`. */
  tableName?: string;
  /** The clock every expiry and timestamp uses. Defaults to functions/ports/clock.ts (the local runtime moves it). */
  clock?: () => Date;
  /** A `claimed` outbox record older than this is a crash mid-send: marked ambiguous. Default 15 min. */
  claimStaleAfterMs?: number;
}

type Item = Record<string, unknown>;

const MAX_DOC_BYTES = 350_000;
/** Kinds whose decision is delivered to a waiting task (the others are terminal when decided). */
const TASK_KINDS = new Set(['appraise', 'explain', 'vote']);
const UNDELIVERED = 'UNDELIVERED';
const TASK_GONE = 'TASK_GONE';
const MAIL_ATTENTION = 'MAIL_ATTENTION';
const OUTBOX = 'OUTBOX';
const PERSON_ROLES: Record<
  PersonRole,
  keyof Pick<DistrictConfig, 'reviewers' | 'council' | 'admins' | 'leadership'>
> = { reviewer: 'reviewers', council: 'council', admin: 'admins', leadership: 'leadership' };

// ---------------------------------------------------------------- keys

const KEY_PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** A key component: an ASCII slug without the `#` separator (a clear error otherwise). */
function part(field: string, value: string | undefined): string {
  if (value === undefined || !KEY_PART.test(value)) {
    throw new Error(
      `${field} must be an ASCII slug (letters, digits, . _ : -), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function pad(n: number, width: number, field: string): string {
  if (!Number.isSafeInteger(n) || n < 0 || String(n).length > width) {
    throw new Error(`${field} must be an integer between 0 and ${10 ** width - 1}, got ${n}`);
  }
  return String(n).padStart(width, '0');
}

const CAMPAIGN_PK = 'CAMPAIGN';
const unitPk = (u: string) => `UNIT#${part('unitId', u)}`;
const periodPk = (p: string) => `PERIOD#${part('periodId', p)}`;
const reportPrefix = (p: string) => `P#${part('periodId', p)}#REPORT#`;
const CURRENT = 'CURRENT';
const revisionSk = (p: string, v: number) => `${reportPrefix(p)}${pad(v, 6, 'version')}`;
const appraisalSk = (p: string, r: number) => `P#${part('periodId', p)}#APPRAISAL#${pad(r, 3, 'round')}`;
/** Approval ids are random base64url (may start with - or _). */
const APPROVAL_ID = /^[A-Za-z0-9_-]{16,64}$/;
const approvalKey = (id: string) => {
  if (!APPROVAL_ID.test(id)) throw new Error(`approvalId must be a base64url id, got ${JSON.stringify(id)}`);
  return { pk: `APPROVAL#${id}`, sk: 'APPROVAL' };
};
const sessionKey = (sessionId: string) => ({
  pk: `SESSION#${createHash('sha256').update(sessionId).digest('hex')}`,
  sk: 'SESSION',
});

/** The outbox identity as a stable, readable key string. */
export function mailIdentityKey(identity: MailIdentity): string {
  return [
    part('step', identity.step),
    identity.periodId === undefined ? '-' : part('periodId', identity.periodId),
    identity.subjectId === undefined ? '-' : part('subjectId', identity.subjectId),
    `r${pad(identity.round ?? 0, 3, 'round')}`,
    encodeURIComponent(identity.recipient.trim().toLowerCase()),
  ].join('#');
}

// ---------------------------------------------------------------- documents

/** JSON with bigint kept exact (domain fractions use bigint). */
export function toDoc(value: unknown, what: string): string {
  const doc = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
  if (Buffer.byteLength(doc) > MAX_DOC_BYTES) {
    throw new ItemTooLargeError(
      `${what} is too large to store (${Buffer.byteLength(doc)} bytes, at most ${MAX_DOC_BYTES})`,
    );
  }
  return doc;
}

export function fromDoc<T>(doc: unknown): T {
  return JSON.parse(String(doc), (_k, v) =>
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof v.$bigint === 'string' &&
    Object.keys(v).length === 1
      ? BigInt(v.$bigint)
      : v,
  ) as T;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newId = () => randomBytes(16).toString('base64url');

function isConditionFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** Names for every attribute used in an expression (many are DynamoDB reserved words). */
function names(...attrs: string[]): Record<string, string> {
  return Object.fromEntries(attrs.map((a) => [`#${a}`, a]));
}

// ---------------------------------------------------------------- the store

export class DynamoStore implements Store {
  private readonly db: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly clock: () => Date;
  private readonly claimStaleAfterMs: number;

  constructor(options: DynamoStoreOptions = {}) {
    this.db = options.client ?? documentClient();
    this.table = options.tableName ?? requireEnv('TABLE_NAME', "the district's DynamoDB table");
    this.clock = options.clock ?? clockNow;
    this.claimStaleAfterMs = options.claimStaleAfterMs ?? 15 * 60_000;
  }

  private now(): { iso: string; ms: number } {
    const d = this.clock();
    return { iso: d.toISOString(), ms: d.getTime() };
  }

  // ------------------------------------------------------------ low-level helpers

  private async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Put; false when the condition failed. */
  private async putIf(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, ...input }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /**
   * Writes a record that is never overwritten: `created`, or `unchanged` when the same document is
   * there already (a re-run); a different one is a ConflictError saying `conflict`.
   */
  private async putOnce(
    key: { pk: string; sk: string },
    doc: string,
    attributes: Item,
    conflict: string,
  ): Promise<'created' | 'unchanged'> {
    const created = await this.putIf({
      Item: { ...key, doc, hash: sha256(doc), ...attributes },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (created) return 'created';
    const existing = await this.get(key);
    if (existing?.hash === sha256(doc)) return 'unchanged';
    throw new ConflictError('exists', conflict);
  }

  /** Update returning the new item; undefined when the condition failed. */
  private async updateIf(input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({ TableName: this.table, ReturnValues: 'ALL_NEW', ...input }),
      );
      return out.Attributes ?? {};
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  }

  private async queryAll(
    input: Omit<QueryCommandInput, 'TableName'>,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const remaining = limit - items.length;
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          ...input,
          ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return items;
  }

  private queryPrefix(pk: string, prefix: string, consistent = true): Promise<Item[]> {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: consistent,
    });
  }

  private queryIndex(
    index: 'gsi1' | 'gsi2',
    pk: string,
    options: { prefix?: string; before?: string; newestFirst?: boolean; limit?: number } = {},
  ): Promise<Item[]> {
    const values: Record<string, unknown> = { ':pk': pk };
    let condition = `${index}pk = :pk`;
    if (options.prefix !== undefined) {
      condition += ` AND begins_with(${index}sk, :prefix)`;
      values[':prefix'] = options.prefix;
    } else if (options.before !== undefined) {
      condition += ` AND ${index}sk < :before`;
      values[':before'] = options.before;
    }
    return this.queryAll(
      {
        IndexName: index,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        ScanIndexForward: !options.newestFirst,
      },
      options.limit,
    );
  }

  private async batchGet(keys: { pk: string; sk: string }[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB BatchGet kept returning unprocessed keys');
        const out: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(out.Responses?.[this.table] ?? []));
        pending = out.UnprocessedKeys?.[this.table]?.Keys;
        if (pending?.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
    return items;
  }

  // ------------------------------------------------------------ campaign

  async putCampaign(
    campaign: CampaignInput,
    expectedVersion: number,
  ): Promise<{ version: number; changed: boolean }> {
    const config = campaign.config;
    for (const u of config.units) part('units[].id', u.id);
    for (const role of Object.keys(PERSON_ROLES) as PersonRole[]) {
      for (const p of config[PERSON_ROLES[role]]) part(`${PERSON_ROLES[role]}[].id`, p.id);
    }
    // Criteria sets are content-addressed and immutable, so writing them before the commit is harmless.
    const sets = campaign.criteriaSets.map((set) => {
      const doc = toDoc(set, `criteria set ${set.id}`);
      return { id: part('criteriaSets[].id', set.id), hash: sha256(doc).slice(0, 16), doc };
    });
    const campaignDoc = toDoc(
      { config, criteriaSets: sets.map(({ id, hash }) => ({ id, hash })) },
      'the campaign',
    );
    const contentHash = sha256(campaignDoc);

    const existing = await this.get({ pk: CAMPAIGN_PK, sk: 'CAMPAIGN' });
    let version: number;
    let changed = false;
    if (existing && existing.contentHash === contentHash) {
      version = Number(existing.version);
    } else {
      const current = existing ? Number(existing.version) : 0;
      if (current !== expectedVersion) {
        throw new ConflictError('version', `The campaign was changed since version ${expectedVersion}`, {
          version: current,
        });
      }
      for (const s of sets) {
        await this.putIf({
          Item: { pk: CAMPAIGN_PK, sk: `CRITERIA#${s.id}#${s.hash}`, setId: s.id, doc: s.doc },
          ConditionExpression: 'attribute_not_exists(pk)',
        });
      }
      version = expectedVersion + 1;
      const committed = await this.putIf({
        Item: {
          pk: CAMPAIGN_PK,
          sk: 'CAMPAIGN',
          doc: campaignDoc,
          contentHash,
          version,
          storedAt: this.now().iso,
        },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :v',
        ...(expectedVersion === 0
          ? {}
          : {
              ExpressionAttributeNames: names('version'),
              ExpressionAttributeValues: { ':v': expectedVersion },
            }),
      });
      if (!committed) {
        const now = await this.get({ pk: CAMPAIGN_PK, sk: 'CAMPAIGN' });
        if (now?.contentHash !== contentHash) {
          throw new ConflictError('version', `The campaign was changed since version ${expectedVersion}`, {
            version: Number(now?.version ?? 0),
          });
        }
      } else {
        changed = true;
      }
    }
    await this.projectCampaign(config, version);
    return { version, changed };
  }

  /**
   * Unit and person items are a projection of the committed campaign, each stamped with its
   * campaign version so an older writer never overwrites a newer projection. Re-run on every
   * `putCampaign`, so a crash after the commit is repaired by the next (re-entrant) call.
   */
  private async projectCampaign(config: DistrictConfig, version: number): Promise<void> {
    const wanted = new Map<string, Item>();
    for (const u of config.units) wanted.set(`UNIT#${u.id}`, { unitId: u.id, doc: toDoc(u, `unit ${u.id}`) });
    for (const role of Object.keys(PERSON_ROLES) as PersonRole[]) {
      for (const p of config[PERSON_ROLES[role]]) {
        wanted.set(`PERSON#${role}#${p.id}`, { role, personId: p.id, doc: toDoc(p, `person ${p.id}`) });
      }
    }
    const existing = [
      ...(await this.queryPrefix(CAMPAIGN_PK, 'UNIT#')),
      ...(await this.queryPrefix(CAMPAIGN_PK, 'PERSON#')),
    ];
    const upToDate = new Set(
      existing.filter((i) => Number(i.campaignVersion) >= version).map((i) => String(i.sk)),
    );
    const writes: (() => Promise<unknown>)[] = [];
    for (const [sk, attrs] of wanted) {
      if (upToDate.has(sk)) continue;
      writes.push(() =>
        this.putIf({
          Item: { pk: CAMPAIGN_PK, sk, ...attrs, campaignVersion: version },
          ConditionExpression: 'attribute_not_exists(pk) OR campaignVersion < :v',
          ExpressionAttributeValues: { ':v': version },
        }),
      );
    }
    for (const item of existing) {
      const sk = String(item.sk);
      if (wanted.has(sk)) continue;
      writes.push(() =>
        this.db
          .send(
            new DeleteCommand({
              TableName: this.table,
              Key: { pk: CAMPAIGN_PK, sk },
              ConditionExpression: 'campaignVersion < :v',
              ExpressionAttributeValues: { ':v': version },
            }),
          )
          .catch((err) => {
            if (!isConditionFailed(err)) throw err;
          }),
      );
    }
    for (let i = 0; i < writes.length; i += 25) await Promise.all(writes.slice(i, i + 25).map((w) => w()));
  }

  async getCampaign(): Promise<StoredCampaign | undefined> {
    const item = await this.get({ pk: CAMPAIGN_PK, sk: 'CAMPAIGN' });
    if (!item) return undefined;
    const doc = fromDoc<{ config: DistrictConfig; criteriaSets: { id: string; hash: string }[] }>(item.doc);
    const setKeys = [...new Set(doc.criteriaSets.map((s) => `CRITERIA#${s.id}#${s.hash}`))];
    const setItems = await this.batchGet(setKeys.map((sk) => ({ pk: CAMPAIGN_PK, sk })));
    const bySk = new Map(setItems.map((i) => [String(i.sk), fromDoc<CriteriaSet>(i.doc)]));
    const criteriaSets = doc.criteriaSets.map((s) => {
      const set = bySk.get(`CRITERIA#${s.id}#${s.hash}`);
      if (!set) throw new Error(`Stored campaign refers to a missing criteria set ${s.id}`);
      return set;
    });
    return {
      config: doc.config,
      criteriaSets,
      version: Number(item.version),
      storedAt: String(item.storedAt),
      contentHash: String(item.contentHash),
    };
  }

  async getCriteriaSet(setId: string): Promise<CriteriaSet | undefined> {
    const item = await this.get({ pk: CAMPAIGN_PK, sk: 'CAMPAIGN' });
    if (!item) return undefined;
    const ref = fromDoc<{ criteriaSets: { id: string; hash: string }[] }>(item.doc).criteriaSets.find(
      (s) => s.id === setId,
    );
    if (!ref) return undefined;
    const set = await this.get({ pk: CAMPAIGN_PK, sk: `CRITERIA#${ref.id}#${ref.hash}` });
    return set ? fromDoc<CriteriaSet>(set.doc) : undefined;
  }

  async getUnit(unitId: string): Promise<Unit | undefined> {
    const item = await this.get({ pk: CAMPAIGN_PK, sk: `UNIT#${part('unitId', unitId)}` });
    return item ? fromDoc<Unit>(item.doc) : undefined;
  }

  async listUnits(): Promise<Unit[]> {
    return (await this.queryPrefix(CAMPAIGN_PK, 'UNIT#')).map((i) => fromDoc<Unit>(i.doc));
  }

  async getPerson(role: PersonRole, personId: string): Promise<Person | undefined> {
    const item = await this.get({ pk: CAMPAIGN_PK, sk: `PERSON#${role}#${part('personId', personId)}` });
    return item ? fromDoc<Person>(item.doc) : undefined;
  }

  async listPeople(role: PersonRole): Promise<Person[]> {
    return (await this.queryPrefix(CAMPAIGN_PK, `PERSON#${role}#`)).map((i) => fromDoc<Person>(i.doc));
  }

  // ------------------------------------------------------------ periods

  async putPeriods(periods: Period[]): Promise<void> {
    const { iso } = this.now();
    for (const period of periods) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: CAMPAIGN_PK, sk: `PERIOD#${part('periodId', period.id)}` },
          UpdateExpression:
            'SET #doc = :doc, #periodId = :id, #status = if_not_exists(#status, :scheduled), #createdAt = if_not_exists(#createdAt, :now)',
          ExpressionAttributeNames: names('doc', 'periodId', 'status', 'createdAt'),
          ExpressionAttributeValues: {
            ':doc': toDoc(period, `period ${period.id}`),
            ':id': period.id,
            ':scheduled': 'scheduled',
            ':now': iso,
          },
        }),
      );
    }
  }

  private toPeriod(item: Item): StoredPeriod {
    const counters: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(item)) {
      if (k.startsWith('c_') && v instanceof Set) counters[k.slice(2)] = [...(v as Set<string>)].sort();
    }
    return {
      period: fromDoc<Period>(item.doc),
      status: item.status as PeriodStatus,
      ...(item.statusChangedAt ? { statusChangedAt: String(item.statusChangedAt) } : {}),
      counters,
    };
  }

  async getPeriod(periodId: string): Promise<StoredPeriod | undefined> {
    const item = await this.get({ pk: CAMPAIGN_PK, sk: `PERIOD#${part('periodId', periodId)}` });
    return item ? this.toPeriod(item) : undefined;
  }

  async listPeriods(): Promise<StoredPeriod[]> {
    const periods = (await this.queryPrefix(CAMPAIGN_PK, 'PERIOD#')).map((i) => this.toPeriod(i));
    return periods.sort((a, b) => a.period.start.localeCompare(b.period.start));
  }

  async setPeriodStatus(
    periodId: string,
    from: PeriodStatus,
    to: PeriodStatus,
  ): Promise<{ changed: boolean; period: StoredPeriod }> {
    const key = { pk: CAMPAIGN_PK, sk: `PERIOD#${part('periodId', periodId)}` };
    const updated = await this.updateIf({
      Key: key,
      UpdateExpression: 'SET #status = :to, #statusChangedAt = :now',
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names('status', 'statusChangedAt'),
      ExpressionAttributeValues: { ':to': to, ':from': from, ':now': this.now().iso },
    });
    if (updated) return { changed: true, period: this.toPeriod(updated) };
    const item = await this.get(key);
    if (!item) throw new NotFoundError('period', periodId);
    if (item.status === to) return { changed: false, period: this.toPeriod(item) };
    throw new ConflictError('status', `Period ${periodId} is ${String(item.status)}, not ${from}`, {
      status: String(item.status),
    });
  }

  async addToPeriodCounter(periodId: string, counter: string, unitId: string): Promise<void> {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(counter))
      throw new Error(`Invalid counter name ${JSON.stringify(counter)}`);
    const updated = await this.updateIf({
      Key: { pk: CAMPAIGN_PK, sk: `PERIOD#${part('periodId', periodId)}` },
      UpdateExpression: 'ADD #c :unit',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#c': `c_${counter}` },
      ExpressionAttributeValues: { ':unit': new Set([part('unitId', unitId)]) },
    });
    if (!updated) throw new NotFoundError('period', periodId);
  }

  // ------------------------------------------------------------ reports

  private toReport(item: Item, withContent: true): StoredReport;
  private toReport(item: Item, withContent: false): ReportSummary;
  private toReport(item: Item, withContent: boolean): StoredReport | ReportSummary {
    const summary: ReportSummary = {
      unitId: String(item.unitId),
      periodId: String(item.periodId),
      version: Number(item.version),
      status: item.status as ReportStatus,
      updatedAt: String(item.updatedAt),
      updatedBy: item.updatedBy as Actor,
      statusChangedAt: String(item.statusChangedAt),
      ...(item.submittedAt ? { submittedAt: String(item.submittedAt) } : {}),
    };
    return withContent ? { ...summary, report: fromDoc<Report>(item.doc) } : summary;
  }

  private toRevision(item: Item): ReportRevision {
    return {
      unitId: String(item.unitId),
      periodId: String(item.periodId),
      version: Number(item.version),
      status: item.status as ReportStatus,
      kind: item.kind as 'save' | 'submit',
      report: fromDoc<Report>(item.doc),
      savedAt: String(item.savedAt),
      savedBy: item.savedBy as Actor,
    };
  }

  /** The current item a revision makes (keeps the first submission time). */
  private currentFromRevision(rev: Item, previous: Item | undefined): Item {
    const status = String(rev.status);
    const submittedAt = previous?.submittedAt ?? (rev.kind === 'submit' ? rev.savedAt : undefined);
    return {
      pk: rev.pk,
      sk: `${reportPrefix(String(rev.periodId))}${CURRENT}`,
      gsi1pk: `${periodPk(String(rev.periodId))}#REPORTS`,
      gsi1sk: String(rev.unitId),
      unitId: rev.unitId,
      periodId: rev.periodId,
      version: rev.version,
      status,
      doc: rev.doc,
      updatedAt: rev.savedAt,
      updatedBy: rev.savedBy,
      statusChangedAt: previous && previous.status === status ? previous.statusChangedAt : rev.savedAt,
      writeId: rev.writeId,
      ...(submittedAt ? { submittedAt } : {}),
    };
  }

  /**
   * Reads the current item and the newest revision in one Query; when a writer crashed between
   * its revision (the lock) and the current item, rolls the current item forward to it.
   */
  private async readCurrent(unitId: string, periodId: string, depth = 0): Promise<Item | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': unitPk(unitId), ':prefix': reportPrefix(periodId) },
        ScanIndexForward: false, // `CURRENT` sorts after the zero-padded revision numbers
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    const [first, second] = out.Items ?? [];
    const current = first && String(first.sk).endsWith(`#${CURRENT}`) ? first : undefined;
    const newestRevision = current ? second : first;
    if (!newestRevision || Number(newestRevision.version) <= Number(current?.version ?? 0)) return current;
    const rolled = this.currentFromRevision(newestRevision, current);
    const ok = await this.putIf({
      Item: rolled,
      ConditionExpression: current ? '#version = :v' : 'attribute_not_exists(pk)',
      ...(current
        ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': current.version } }
        : {}),
    });
    if (ok) return rolled;
    if (depth > 5) throw new Error(`Report ${unitId}/${periodId} kept changing while being read`);
    return this.readCurrent(unitId, periodId, depth + 1);
  }

  private async writeRevision(
    unitId: string,
    periodId: string,
    report: Report,
    expectedVersion: number,
    actor: Actor,
    kind: 'save' | 'submit',
  ): Promise<StoredReport> {
    if (report.unitId !== unitId || report.periodId !== periodId) {
      throw new Error(
        `report.unitId/periodId (${report.unitId}/${report.periodId}) differ from ${unitId}/${periodId}`,
      );
    }
    const current = await this.readCurrent(unitId, periodId);
    const version = current ? Number(current.version) : 0;
    const status = (current?.status as ReportStatus | undefined) ?? 'draft';
    if (version !== expectedVersion) {
      throw new ConflictError('version', REPORT_VERSION_CONFLICT, { version, status });
    }
    if (!EDITABLE_REPORT_STATUSES.includes(status)) {
      throw new ConflictError(
        'status',
        `Báo cáo đang ở trạng thái "${status}", không thể sửa. (The report is ${status} and cannot be changed.)`,
        { version, status },
      );
    }
    const next: ReportStatus = kind === 'save' ? status : status === 'returned' ? 'explained' : 'submitted';
    const { iso } = this.now();
    const revision: Item = {
      pk: unitPk(unitId),
      sk: revisionSk(periodId, version + 1),
      unitId,
      periodId,
      version: version + 1,
      status: next,
      kind,
      doc: toDoc(report, `report ${unitId}/${periodId}`),
      savedAt: iso,
      savedBy: actor,
      writeId: newId(),
    };
    // The lock: of two writers that read the same version, only one creates revision n+1.
    if (!(await this.putIf({ Item: revision, ConditionExpression: 'attribute_not_exists(pk)' }))) {
      const now = await this.readCurrent(unitId, periodId); // rolls a crashed writer's revision forward
      throw new ConflictError('version', REPORT_VERSION_CONFLICT, {
        version: Number(now?.version ?? 0),
        status: String(now?.status ?? 'draft'),
      });
    }
    const item = this.currentFromRevision(revision, current);
    const applied = await this.putIf({
      Item: item,
      ConditionExpression: current ? '#version = :v' : 'attribute_not_exists(pk)',
      ...(current
        ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': version } }
        : {}),
    });
    if (!applied) {
      // A reader rolled our revision forward first (or a later save already followed it): still ours.
      const now = await this.readCurrent(unitId, periodId);
      if (!now || Number(now.version) < version + 1)
        throw new Error('Report revision was written but not applied');
    }
    return this.toReport(item, true);
  }

  saveReportDraft(unitId: string, periodId: string, report: Report, expectedVersion: number, actor: Actor) {
    return this.writeRevision(unitId, periodId, report, expectedVersion, actor, 'save');
  }

  submitReport(unitId: string, periodId: string, report: Report, expectedVersion: number, actor: Actor) {
    return this.writeRevision(unitId, periodId, report, expectedVersion, actor, 'submit');
  }

  async getReport(unitId: string, periodId: string): Promise<StoredReport | undefined> {
    const item = await this.readCurrent(unitId, periodId);
    return item ? this.toReport(item, true) : undefined;
  }

  async listReportRevisions(unitId: string, periodId: string): Promise<ReportRevision[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: {
        ':pk': unitPk(unitId),
        ':lo': revisionSk(periodId, 0),
        ':hi': revisionSk(periodId, 999_999),
      },
      ConsistentRead: true,
    });
    return items.map((i) => this.toRevision(i));
  }

  async listPeriodReports(periodId: string): Promise<ReportSummary[]> {
    const items = await this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `${periodPk(periodId)}#REPORTS` },
      ProjectionExpression:
        'unitId, periodId, #version, #status, updatedAt, updatedBy, statusChangedAt, submittedAt',
      ExpressionAttributeNames: names('version', 'status'),
    });
    return items.map((i) => this.toReport(i, false));
  }

  async setReportStatus(
    unitId: string,
    periodId: string,
    from: ReportStatus | readonly ReportStatus[],
    to: ReportStatus,
    actor: Actor,
  ): Promise<{ changed: boolean; report: StoredReport }> {
    const fromList: readonly ReportStatus[] = typeof from === 'string' ? [from] : from;
    const editable = fromList.filter((s) => EDITABLE_REPORT_STATUSES.includes(s));
    if (editable.length > 0 || fromList.length === 0) {
      // Leaving draft/returned is a content revision (submitReport), so saves and status never race.
      throw new Error(
        `setReportStatus cannot move a report out of ${editable.join(', ') || 'nothing'}: use submitReport`,
      );
    }
    const key = { pk: unitPk(unitId), sk: `${reportPrefix(periodId)}${CURRENT}` };
    const fromValues = Object.fromEntries(fromList.map((s, i) => [`:f${i}`, s]));
    let item: Item | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const updated = await this.updateIf({
        Key: key,
        UpdateExpression: 'SET #status = :to, #statusChangedAt = :now, #statusBy = :actor',
        ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})`,
        ExpressionAttributeNames: names('status', 'statusChangedAt', 'statusBy'),
        ExpressionAttributeValues: { ...fromValues, ':to': to, ':now': this.now().iso, ':actor': actor },
      });
      if (updated) return { changed: true, report: this.toReport(updated, true) };
      // Reading also rolls forward a revision a crashed writer left behind; then the change may apply.
      item = await this.readCurrent(unitId, periodId);
      if (!item) throw new NotFoundError('report', `${unitId}/${periodId}`);
      if (item.status === to) return { changed: false, report: this.toReport(item, true) };
      if (!fromList.includes(item.status as ReportStatus)) break;
    }
    if (!item) throw new NotFoundError('report', `${unitId}/${periodId}`);
    throw new ConflictError(
      'status',
      `Báo cáo đang ở trạng thái "${String(item.status)}". (The report is ${String(item.status)}, not ${fromList.join('/')}.)`,
      { version: Number(item.version), status: String(item.status) },
    );
  }

  // ------------------------------------------------------------ appraisals

  async putAppraisal(
    appraisal: Appraisal,
    round: number,
    source: { approvalId?: string; reportVersion?: number } = {},
  ): Promise<'created' | 'unchanged'> {
    const key = { pk: unitPk(appraisal.unitId), sk: appraisalSk(appraisal.periodId, round) };
    const doc = toDoc(appraisal, `appraisal ${appraisal.unitId}/${appraisal.periodId}`);
    return this.putOnce(
      key,
      doc,
      { round, ...source, recordedAt: this.now().iso },
      `Round ${round} of ${appraisal.unitId}/${appraisal.periodId} is already appraised`,
    );
  }

  private toAppraisal(item: Item): StoredAppraisal {
    return {
      appraisal: fromDoc<Appraisal>(item.doc),
      round: Number(item.round),
      recordedAt: String(item.recordedAt),
      ...(item.approvalId ? { approvalId: String(item.approvalId) } : {}),
      ...(item.reportVersion !== undefined ? { reportVersion: Number(item.reportVersion) } : {}),
    };
  }

  async getAppraisal(unitId: string, periodId: string, round: number): Promise<StoredAppraisal | undefined> {
    const item = await this.get({ pk: unitPk(unitId), sk: appraisalSk(periodId, round) });
    return item ? this.toAppraisal(item) : undefined;
  }

  async listAppraisals(unitId: string, periodId: string): Promise<StoredAppraisal[]> {
    const items = await this.queryPrefix(unitPk(unitId), `P#${part('periodId', periodId)}#APPRAISAL#`);
    return items.map((i) => this.toAppraisal(i));
  }

  // ------------------------------------------------------------ reviewer balance

  private toAssignment(item: Item): ReviewerAssignment {
    return {
      unitId: String(item.unitId),
      periodId: String(item.periodId),
      reviewerId: String(item.reviewerId),
      assignedAt: String(item.assignedAt),
      assignedBy: item.assignedBy as Actor,
      previousReviewers: (item.previousReviewers as string[] | undefined) ?? [],
    };
  }

  private assignmentKey(periodId: string, unitId: string) {
    return { pk: unitPk(unitId), sk: `P#${part('periodId', periodId)}#ASSIGNMENT` };
  }

  async assignReviewer(
    periodId: string,
    unitId: string,
    reviewerId: string,
    actor: Actor,
  ): Promise<{ assignment: ReviewerAssignment; created: boolean }> {
    const key = this.assignmentKey(periodId, unitId);
    const item: Item = {
      ...key,
      unitId,
      periodId,
      reviewerId: part('reviewerId', reviewerId),
      assignedAt: this.now().iso,
      assignedBy: actor,
      previousReviewers: [],
    };
    const created = await this.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
    const stored = created ? item : await this.get(key);
    if (!stored) throw new NotFoundError('assignment', `${unitId}/${periodId}`);
    const assignment = this.toAssignment(stored);
    // Idempotent (a set add): also repairs a crash between the assignment and the count.
    await this.incrementReviewerLoad(periodId, assignment.reviewerId, unitId);
    return { assignment, created };
  }

  async reassignReviewer(
    periodId: string,
    unitId: string,
    from: string,
    to: string,
    actor: Actor,
  ): Promise<ReviewerAssignment> {
    const key = this.assignmentKey(periodId, unitId);
    let updated = await this.updateIf({
      Key: key,
      UpdateExpression:
        'SET reviewerId = :to, assignedAt = :now, assignedBy = :actor, previousReviewers = list_append(previousReviewers, :from)',
      ConditionExpression: 'reviewerId = :fromId',
      ExpressionAttributeValues: {
        ':to': part('reviewerId', to),
        ':now': this.now().iso,
        ':actor': actor,
        ':from': [from],
        ':fromId': from,
      },
    });
    if (!updated) {
      updated = await this.get(key);
      if (!updated) throw new NotFoundError('assignment', `${unitId}/${periodId}`);
      if (updated.reviewerId !== to) {
        throw new ConflictError(
          'status',
          `${unitId}/${periodId} is assigned to ${String(updated.reviewerId)}, not ${from}`,
        );
      }
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: periodPk(periodId), sk: `LOAD#${part('reviewerId', from)}` },
        UpdateExpression: 'DELETE #units :unit',
        ExpressionAttributeNames: names('units'),
        ExpressionAttributeValues: { ':unit': new Set([unitId]) },
      }),
    );
    await this.incrementReviewerLoad(periodId, to, unitId);
    return this.toAssignment(updated);
  }

  async getAssignment(periodId: string, unitId: string): Promise<ReviewerAssignment | undefined> {
    const item = await this.get(this.assignmentKey(periodId, unitId));
    return item ? this.toAssignment(item) : undefined;
  }

  async incrementReviewerLoad(periodId: string, reviewerId: string, unitId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: periodPk(periodId), sk: `LOAD#${part('reviewerId', reviewerId)}` },
        UpdateExpression: 'ADD #units :unit SET reviewerId = :r',
        ExpressionAttributeNames: names('units'),
        ExpressionAttributeValues: { ':unit': new Set([part('unitId', unitId)]), ':r': reviewerId },
      }),
    );
  }

  async getReviewerLoads(periodId: string): Promise<Record<string, number>> {
    const loads: Record<string, number> = {};
    for (const item of await this.queryPrefix(periodPk(periodId), 'LOAD#')) {
      const size = item.units instanceof Set ? item.units.size : 0;
      if (size > 0) loads[String(item.reviewerId)] = size;
    }
    return loads;
  }

  // ------------------------------------------------------------ approvals

  private toApproval(item: Item): Approval {
    const opt = <K extends string>(k: K) => (item[k] === undefined ? {} : { [k]: item[k] });
    return {
      id: String(item.id),
      kind: item.kind as Approval['kind'],
      status: item.status as Approval['status'],
      tokenGen: Number(item.tokenGen ?? 0),
      createdAt: String(item.createdAt),
      expiresAt: String(item.expiresAt),
      keyId: String(item.keyId),
      deliveryAttempts: Number(item.deliveryAttempts ?? 0),
      reminders: Number(item.reminders ?? 0),
      ...opt('periodId'),
      ...opt('unitId'),
      ...opt('round'),
      ...opt('party'),
      ...opt('subjectId'),
      ...opt('taskToken'),
      ...(item.decisionDoc === undefined ? {} : { decision: fromDoc<ApprovalDecision>(item.decisionDoc) }),
      ...opt('decidedBy'),
      ...opt('decidedAt'),
      ...opt('deliveredAt'),
      ...opt('lastError'),
      ...opt('closedAt'),
      ...opt('closedReason'),
      ...opt('lastRemindedAt'),
    } as Approval;
  }

  private pointKey(p: ApprovalPoint): { pk: string; sk: string } {
    const period = part('periodId', p.periodId);
    return {
      pk: p.unitId === undefined ? periodPk(period) : unitPk(p.unitId),
      sk: `P#${period}#POINT#${p.kind}#${pad(p.round ?? 0, 3, 'round')}#${p.party === undefined ? '-' : part('party', p.party)}`,
    };
  }

  async createApproval(input: NewApproval): Promise<{ approval: Approval; created: boolean }> {
    const expiresAtMs = Date.parse(input.expiresAt);
    if (Number.isNaN(expiresAtMs))
      throw new Error(`expiresAt is not an instant: ${JSON.stringify(input.expiresAt)}`);
    part('keyId', input.keyId);
    let id = newId();
    if (input.kind !== 'signin') {
      const point = this.pointKey(input);
      const claimed = await this.putIf({
        Item: { ...point, approvalId: id, createdAt: this.now().iso },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
      if (!claimed) {
        const existing = await this.get(point);
        if (!existing) throw new Error('Decision point vanished while being read');
        id = String(existing.approvalId);
      }
    }
    const { iso } = this.now();
    const item: Item = {
      ...approvalKey(id),
      id,
      kind: input.kind,
      periodId: input.periodId,
      unitId: input.unitId,
      round: input.round,
      party: input.party,
      subjectId: input.subjectId,
      taskToken: input.taskToken,
      tokenGen: 0,
      status: 'pending',
      createdAt: iso,
      expiresAt: new Date(expiresAtMs).toISOString(),
      expiresAtMs,
      keyId: input.keyId,
      deliveryAttempts: 0,
      reminders: 0,
      ...(input.periodId !== undefined
        ? {
            gsi1pk: `${periodPk(input.periodId)}#APPROVALS`,
            gsi1sk: `${input.unitId ?? '-'}#${input.kind}#${pad(input.round ?? 0, 3, 'round')}#${input.party ?? '-'}`,
          }
        : {}),
      ...(input.kind === 'signin' ? { purgeAt: Math.ceil(expiresAtMs / 1000) + 86_400 } : {}),
    };
    if (await this.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' })) {
      return { approval: this.toApproval(item), created: true };
    }
    const existing = await this.get(approvalKey(id));
    if (!existing) throw new Error('Approval vanished while being read');
    return { approval: this.toApproval(existing), created: false };
  }

  async getApproval(approvalId: string): Promise<Approval | undefined> {
    if (!APPROVAL_ID.test(approvalId)) return undefined;
    const item = await this.get(approvalKey(approvalId));
    return item ? this.toApproval(item) : undefined;
  }

  async decideApproval(approvalId: string, decision: ApprovalDecision, actor: Actor): Promise<DecideOutcome> {
    if (!APPROVAL_ID.test(approvalId)) return { outcome: 'not-found' };
    const { iso, ms } = this.now();
    const key = approvalKey(approvalId);
    let updated: Item | undefined;
    try {
      const decide = 'SET #status = :decided, decisionDoc = :doc, decidedBy = :actor, decidedAt = :now';
      const values = {
        ':decided': 'decided',
        ':pending': 'pending',
        ':doc': toDoc(decision, 'the decision'),
        ':actor': actor,
        ':now': iso,
        ':nowMs': ms,
        ':k1': 'appraise',
        ':k2': 'explain',
        ':k3': 'vote',
      };
      updated = await this.updateIf({
        Key: key,
        UpdateExpression: `${decide}, gsi2pk = :q, gsi2sk = :qs`,
        ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs AND #kind IN (:k1, :k2, :k3)',
        ExpressionAttributeNames: names('status', 'kind'),
        ExpressionAttributeValues: { ...values, ':q': UNDELIVERED, ':qs': `${iso}#${approvalId}` },
      });
      // Grants and sign-in links have no task to deliver to: decided is their end.
      updated ??= await this.updateIf({
        Key: key,
        UpdateExpression: decide,
        ConditionExpression: '#status = :pending AND expiresAtMs > :nowMs AND NOT (#kind IN (:k1, :k2, :k3))',
        ExpressionAttributeNames: names('status', 'kind'),
        ExpressionAttributeValues: values,
      });
    } catch (err) {
      if (isConditionFailed(err)) updated = undefined;
      else throw err;
    }
    if (updated) {
      const approval = this.toApproval(updated);
      await this.appendAudit({
        id: `decision-${approvalId}`,
        at: iso,
        subject: auditSubject(approval),
        ...(approval.periodId === undefined ? {} : { periodId: approval.periodId }),
        actor,
        action: `${approval.kind}.decided`,
        detail: { approvalId, kind: approval.kind, round: approval.round, decision: decision.action },
      });
      return { outcome: 'decided', approval };
    }
    const item = await this.get(key);
    if (!item) return { outcome: 'not-found' };
    const approval = this.toApproval(item);
    if (approval.status === 'closed') return { outcome: 'closed', approval };
    if (approval.status === 'pending') return { outcome: 'expired', approval };
    return { outcome: 'already-decided', approval };
  }

  async swapTaskToken(approvalId: string, taskToken: string): Promise<SwapOutcome> {
    const key = approvalKey(approvalId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.get(key);
      if (!item) throw new NotFoundError('approval', approvalId);
      const seen = String(item.status);
      if (seen === 'closed') return { state: 'closed', approval: this.toApproval(item) };
      const pending = seen === 'pending';
      const hasTask = TASK_KINDS.has(String(item.kind));
      const updated = await this.updateIf({
        Key: key,
        // A decided approval goes back to the sweep's queue until delivered to the new task.
        UpdateExpression: pending
          ? 'SET taskToken = :t, rearmedAt = :now ADD tokenGen :one'
          : `SET taskToken = :t, rearmedAt = :now, #status = :decided${hasTask ? ', gsi2pk = :q, gsi2sk = :qs' : ''} ADD tokenGen :one`,
        ConditionExpression: '#status = :seen',
        ExpressionAttributeNames: names('status'),
        ExpressionAttributeValues: {
          ':t': taskToken,
          ':now': this.now().iso,
          ':one': 1,
          ':seen': seen,
          ...(pending
            ? {}
            : {
                ':decided': 'decided',
                ...(hasTask ? { ':q': UNDELIVERED, ':qs': `${String(item.decidedAt)}#${approvalId}` } : {}),
              }),
        },
      });
      if (updated) return { state: pending ? 'armed' : 'decided', approval: this.toApproval(updated) };
    }
    throw new Error(`Approval ${approvalId} kept changing while its task token was swapped`);
  }

  private async mark(
    approvalId: string,
    tokenGen: number,
    from: string[],
    update: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const fromValues = Object.fromEntries(from.map((s, i) => [`:f${i}`, s]));
    const updated = await this.updateIf({
      Key: approvalKey(approvalId),
      UpdateExpression: update,
      ConditionExpression: `tokenGen = :gen AND #status IN (${Object.keys(fromValues).join(', ')})`,
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ...values, ...fromValues, ':gen': tokenGen },
    });
    return updated !== undefined;
  }

  markDelivered(approvalId: string, tokenGen: number): Promise<boolean> {
    return this.mark(
      approvalId,
      tokenGen,
      ['decided', 'failed-delivery', 'task-gone'],
      'SET #status = :s, deliveredAt = :now REMOVE gsi2pk, gsi2sk, lastError',
      { ':s': 'delivered', ':now': this.now().iso },
    );
  }

  markDeliveryFailed(approvalId: string, tokenGen: number, error: string): Promise<boolean> {
    return this.mark(
      approvalId,
      tokenGen,
      ['decided', 'failed-delivery'],
      'SET #status = :s, lastError = :e ADD deliveryAttempts :one',
      { ':s': 'failed-delivery', ':e': error.slice(0, 1000), ':one': 1 },
    );
  }

  markTaskGone(approvalId: string, tokenGen: number, error: string): Promise<boolean> {
    const { iso } = this.now();
    return this.mark(
      approvalId,
      tokenGen,
      ['decided', 'failed-delivery'],
      'SET #status = :s, lastError = :e, gsi2pk = :q, gsi2sk = :qs ADD deliveryAttempts :one',
      {
        ':s': 'task-gone',
        ':e': error.slice(0, 1000),
        ':q': TASK_GONE,
        ':qs': `${iso}#${approvalId}`,
        ':one': 1,
      },
    );
  }

  async closeApproval(approvalId: string, reason: string): Promise<boolean> {
    const updated = await this.updateIf({
      Key: approvalKey(approvalId),
      UpdateExpression: 'SET #status = :closed, closedAt = :now, closedReason = :r',
      ConditionExpression: '#status = :pending',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':closed': 'closed',
        ':pending': 'pending',
        ':now': this.now().iso,
        ':r': reason,
      },
    });
    return updated !== undefined;
  }

  async noteReminder(
    approvalId: string,
    minIntervalMs: number,
  ): Promise<{ remind: boolean; reminders: number }> {
    const { iso, ms } = this.now();
    const updated = await this.updateIf({
      Key: approvalKey(approvalId),
      UpdateExpression: 'SET lastRemindedAt = :now, lastRemindedAtMs = :nowMs ADD reminders :one',
      ConditionExpression:
        '#status = :pending AND (attribute_not_exists(lastRemindedAtMs) OR lastRemindedAtMs <= :cutoff)',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: {
        ':now': iso,
        ':nowMs': ms,
        ':one': 1,
        ':pending': 'pending',
        ':cutoff': ms - minIntervalMs,
      },
    });
    if (updated) return { remind: true, reminders: Number(updated.reminders) };
    const item = await this.get(approvalKey(approvalId));
    if (!item) throw new NotFoundError('approval', approvalId);
    return { remind: false, reminders: Number(item.reminders ?? 0) };
  }

  async listUndelivered(options: { decidedBefore?: Date; limit?: number } = {}): Promise<Approval[]> {
    const items = await this.queryIndex('gsi2', UNDELIVERED, {
      ...(options.decidedBefore ? { before: options.decidedBefore.toISOString() } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
    return items.map((i) => this.toApproval(i));
  }

  async listTaskGone(): Promise<Approval[]> {
    return (await this.queryIndex('gsi2', TASK_GONE)).map((i) => this.toApproval(i));
  }

  async listPeriodApprovals(periodId: string, unitId?: string): Promise<Approval[]> {
    const items = await this.queryIndex('gsi1', `${periodPk(periodId)}#APPROVALS`, {
      ...(unitId === undefined ? {} : { prefix: `${part('unitId', unitId)}#` }),
    });
    return items.map((i) => this.toApproval(i));
  }

  async listUnitPeriodApprovals(unitId: string, periodId: string): Promise<Approval[]> {
    const points = await this.queryPrefix(unitPk(unitId), `P#${part('periodId', periodId)}#POINT#`);
    const items = await this.batchGet(points.map((p) => approvalKey(String(p.approvalId))));
    const byId = new Map(items.map((i) => [String(i.id), this.toApproval(i)]));
    return points.flatMap((p) => byId.get(String(p.approvalId)) ?? []);
  }

  // ------------------------------------------------------------ outbox

  private toOutbox(item: Item): OutboxRecord {
    return {
      key: String(item.key),
      identity: item.identity as MailIdentity,
      to: String(item.to),
      subject: String(item.subject),
      text: String(item.text),
      html: String(item.html),
      status: item.status as OutboxRecord['status'],
      attempt: Number(item.attempt),
      createdAt: String(item.createdAt),
      claimedAt: String(item.claimedAt),
      ...(item.sentAt ? { sentAt: String(item.sentAt) } : {}),
      ...(item.messageId ? { messageId: String(item.messageId) } : {}),
      ...(item.lastError ? { lastError: String(item.lastError) } : {}),
    };
  }

  async claimOutbox(identity: MailIdentity, mail: OutgoingMail): Promise<ClaimOutcome> {
    const key = mailIdentityKey(identity);
    const itemKey = { pk: `OUTBOX#${key}`, sk: 'OUTBOX' };
    const size = Buffer.byteLength(mail.subject + mail.text + mail.html);
    if (size > MAX_DOC_BYTES)
      throw new ItemTooLargeError(`Email ${key} is too large to record (${size} bytes)`);
    const { iso, ms } = this.now();
    const fresh: Item = {
      ...itemKey,
      key,
      identity: { ...identity },
      ...mail,
      status: 'claimed',
      attempt: 1,
      createdAt: iso,
      claimedAt: iso,
      claimedAtMs: ms,
      gsi1pk: OUTBOX,
      gsi1sk: `${iso}#${key}`,
    };
    if (await this.putIf({ Item: fresh, ConditionExpression: 'attribute_not_exists(pk)' })) {
      return { outcome: 'claimed', record: this.toOutbox(fresh) };
    }
    for (let tries = 0; tries < 5; tries++) {
      const item = await this.get(itemKey);
      if (!item) throw new Error(`Outbox record ${key} vanished while being read`);
      const record = this.toOutbox(item);
      if (record.status === 'sent') return { outcome: 'duplicate', record };
      if (record.status === 'ambiguous') return { outcome: 'ambiguous', record };
      if (record.status === 'claimed') {
        if (Number(item.claimedAtMs) > ms - this.claimStaleAfterMs) return { outcome: 'in-progress', record };
        // Claimed long ago and never marked: the sender died mid-send; whether it went out is unknown.
        await this.markOutboxAmbiguous(key, record.attempt, 'claimed but never marked sent or failed');
        continue;
      }
      // failed → claimed again (attempt + 1): only one retrier wins.
      const retried = await this.updateIf({
        Key: itemKey,
        UpdateExpression:
          'SET #status = :claimed, claimedAt = :now, claimedAtMs = :nowMs, #to = :to, #subject = :subject, #text = :text, #html = :html ADD #attempt :one REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#status = :failed AND #attempt = :seen',
        ExpressionAttributeNames: names('status', 'to', 'subject', 'text', 'html', 'attempt'),
        ExpressionAttributeValues: {
          ':claimed': 'claimed',
          ':failed': 'failed',
          ':seen': record.attempt,
          ':now': iso,
          ':nowMs': ms,
          ':one': 1,
          ':to': mail.to,
          ':subject': mail.subject,
          ':text': mail.text,
          ':html': mail.html,
        },
      });
      if (retried) return { outcome: 'claimed', record: this.toOutbox(retried) };
    }
    throw new Error(`Outbox record ${key} kept changing while being claimed`);
  }

  private async markOutbox(
    key: string,
    attempt: number,
    from: string[],
    update: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    const fromValues = Object.fromEntries(from.map((s, i) => [`:f${i}`, s]));
    const updated = await this.updateIf({
      Key: { pk: `OUTBOX#${key}`, sk: 'OUTBOX' },
      UpdateExpression: update,
      ConditionExpression: `#attempt = :attempt AND #status IN (${Object.keys(fromValues).join(', ')})`,
      ExpressionAttributeNames: names('status', 'attempt'),
      ExpressionAttributeValues: { ...values, ...fromValues, ':attempt': attempt },
    });
    return updated !== undefined;
  }

  markOutboxSent(key: string, attempt: number, messageId: string): Promise<boolean> {
    // From `ambiguous` too: a slow send that did finish settles the doubt.
    return this.markOutbox(
      key,
      attempt,
      ['claimed', 'ambiguous'],
      'SET #status = :s, sentAt = :now, messageId = :m REMOVE gsi2pk, gsi2sk, lastError',
      { ':s': 'sent', ':now': this.now().iso, ':m': messageId },
    );
  }

  markOutboxFailed(key: string, attempt: number, error: string): Promise<boolean> {
    const { iso } = this.now();
    return this.markOutbox(
      key,
      attempt,
      ['claimed'],
      'SET #status = :s, lastError = :e, gsi2pk = :q, gsi2sk = :qs',
      {
        ':s': 'failed',
        ':e': error.slice(0, 1000),
        ':q': MAIL_ATTENTION,
        ':qs': `${iso}#${key}`,
      },
    );
  }

  markOutboxAmbiguous(key: string, attempt: number, error: string): Promise<boolean> {
    const { iso } = this.now();
    return this.markOutbox(
      key,
      attempt,
      ['claimed'],
      'SET #status = :s, lastError = :e, gsi2pk = :q, gsi2sk = :qs',
      {
        ':s': 'ambiguous',
        ':e': error.slice(0, 1000),
        ':q': MAIL_ATTENTION,
        ':qs': `${iso}#${key}`,
      },
    );
  }

  async releaseOutbox(key: string): Promise<boolean> {
    const updated = await this.updateIf({
      Key: { pk: `OUTBOX#${key}`, sk: 'OUTBOX' },
      UpdateExpression: 'SET #status = :failed',
      ConditionExpression: '#status = :ambiguous',
      ExpressionAttributeNames: names('status'),
      ExpressionAttributeValues: { ':failed': 'failed', ':ambiguous': 'ambiguous' },
    });
    return updated !== undefined;
  }

  async getOutbox(identity: MailIdentity): Promise<OutboxRecord | undefined> {
    const item = await this.get({ pk: `OUTBOX#${mailIdentityKey(identity)}`, sk: 'OUTBOX' });
    return item ? this.toOutbox(item) : undefined;
  }

  async listOutbox(limit: number): Promise<OutboxRecord[]> {
    return (await this.queryIndex('gsi1', OUTBOX, { newestFirst: true, limit })).map((i) => this.toOutbox(i));
  }

  async listOutboxAttention(
    limit?: number,
    options: { newestFirst?: boolean } = {},
  ): Promise<OutboxRecord[]> {
    const items = await this.queryIndex('gsi2', MAIL_ATTENTION, {
      ...(limit ? { limit } : {}),
      ...(options.newestFirst ? { newestFirst: true } : {}),
    });
    return items.map((i) => this.toOutbox(i));
  }

  // ------------------------------------------------------------ results

  async putResults<T>(periodId: string, version: number, results: T): Promise<'created' | 'unchanged'> {
    if (!Number.isSafeInteger(version) || version < 1)
      throw new Error(`Results version must be ≥ 1, got ${version}`);
    const key = { pk: periodPk(periodId), sk: `RESULTS#${pad(version, 4, 'version')}` };
    const doc = toDoc(results, `results ${periodId} v${version}`);
    return this.putOnce(
      key,
      doc,
      { periodId, version, publishedAt: this.now().iso },
      `Results ${periodId} v${version} are already published and never overwritten`,
    );
  }

  private toResults<T>(item: Item): StoredResults<T> {
    return {
      periodId: String(item.periodId),
      version: Number(item.version),
      results: fromDoc<T>(item.doc),
      publishedAt: String(item.publishedAt),
    };
  }

  async getResults<T = unknown>(periodId: string, version: number): Promise<StoredResults<T> | undefined> {
    const item = await this.get({ pk: periodPk(periodId), sk: `RESULTS#${pad(version, 4, 'version')}` });
    return item ? this.toResults<T>(item) : undefined;
  }

  async listResults<T = unknown>(periodId: string): Promise<StoredResults<T>[]> {
    return (await this.queryPrefix(periodPk(periodId), 'RESULTS#')).map((i) => this.toResults<T>(i));
  }

  // ------------------------------------------------------------ audit

  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    if (!entry.subject || entry.subject.length > 300)
      throw new Error('Audit subject must be 1–300 characters');
    const id = entry.id ?? newId();
    const at = entry.at ?? this.now().iso;
    const stored: AuditEntry = { ...entry, id, at };
    const item: Item = {
      pk: `AUDIT#${entry.subject}`,
      sk: `${at}#${id}`,
      subject: entry.subject,
      periodId: entry.periodId,
      id,
      at,
      actor: entry.actor,
      action: entry.action,
      ...(entry.detail === undefined ? {} : { detailDoc: toDoc(entry.detail, 'audit detail') }),
      ...(entry.periodId === undefined
        ? {}
        : { gsi1pk: `${periodPk(entry.periodId)}#AUDIT`, gsi1sk: `${at}#${id}` }),
    };
    // Append-only: an entry is never replaced; the same (at, id) again is the same entry.
    await this.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
    return stored;
  }

  private toAudit(item: Item): AuditEntry {
    return {
      id: String(item.id),
      at: String(item.at),
      subject: String(item.subject),
      actor: item.actor as Actor,
      action: String(item.action),
      ...(item.periodId ? { periodId: String(item.periodId) } : {}),
      ...(item.detailDoc ? { detail: fromDoc<Record<string, unknown>>(item.detailDoc) } : {}),
    };
  }

  async listAudit(subject: string): Promise<AuditEntry[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${subject}` },
      ConsistentRead: true,
    });
    return items.map((i) => this.toAudit(i));
  }

  async listPeriodAudit(periodId: string): Promise<AuditEntry[]> {
    return (await this.queryIndex('gsi1', `${periodPk(periodId)}#AUDIT`)).map((i) => this.toAudit(i));
  }

  // ------------------------------------------------------------ commendation

  async putProposal<T>(
    cycleId: string,
    candidateId: string,
    proposal: T,
    expectedVersion: number,
  ): Promise<StoredProposal<T>> {
    const key = {
      pk: `AWARD#${part('cycleId', cycleId)}`,
      sk: `PROPOSAL#${part('candidateId', candidateId)}`,
    };
    const doc = toDoc(proposal, `proposal ${candidateId}`);
    const hash = sha256(doc);
    const existing = await this.get(key);
    if (existing?.hash === hash) return this.toProposal<T>(existing);
    const current = existing ? Number(existing.version) : 0;
    const conflict = (v: number) =>
      new ConflictError('version', `Proposal ${candidateId} was changed since version ${expectedVersion}`, {
        version: v,
      });
    if (current !== expectedVersion) throw conflict(current);
    const item: Item = {
      ...key,
      cycleId,
      candidateId,
      version: expectedVersion + 1,
      doc,
      hash,
      updatedAt: this.now().iso,
    };
    const ok = await this.putIf({
      Item: item,
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :v',
      ...(expectedVersion === 0
        ? {}
        : {
            ExpressionAttributeNames: names('version'),
            ExpressionAttributeValues: { ':v': expectedVersion },
          }),
    });
    if (ok) return this.toProposal<T>(item);
    const now = await this.get(key);
    if (now?.hash === hash) return this.toProposal<T>(now);
    throw conflict(Number(now?.version ?? 0));
  }

  private toProposal<T>(item: Item): StoredProposal<T> {
    return {
      cycleId: String(item.cycleId),
      candidateId: String(item.candidateId),
      version: Number(item.version),
      proposal: fromDoc<T>(item.doc),
      updatedAt: String(item.updatedAt),
    };
  }

  async listProposals<T = unknown>(cycleId: string): Promise<StoredProposal<T>[]> {
    return (await this.queryPrefix(`AWARD#${part('cycleId', cycleId)}`, 'PROPOSAL#')).map((i) =>
      this.toProposal<T>(i),
    );
  }

  async castBallot<T>(
    cycleId: string,
    memberId: string,
    ballot: T,
    actor: Actor,
    approvalId?: string,
  ): Promise<{ outcome: 'cast' | 'already-cast'; ballot: StoredBallot<T> }> {
    const key = { pk: `AWARD#${part('cycleId', cycleId)}`, sk: `BALLOT#${part('memberId', memberId)}` };
    const item: Item = {
      ...key,
      cycleId,
      memberId,
      doc: toDoc(ballot, `ballot of ${memberId}`),
      castAt: this.now().iso,
      castBy: actor,
      approvalId,
    };
    if (await this.putIf({ Item: item, ConditionExpression: 'attribute_not_exists(pk)' })) {
      return { outcome: 'cast', ballot: this.toBallot<T>(item) };
    }
    const existing = await this.get(key);
    if (!existing) throw new Error('Ballot vanished while being read');
    return { outcome: 'already-cast', ballot: this.toBallot<T>(existing) };
  }

  private toBallot<T>(item: Item): StoredBallot<T> {
    return {
      cycleId: String(item.cycleId),
      memberId: String(item.memberId),
      ballot: fromDoc<T>(item.doc),
      castAt: String(item.castAt),
      castBy: item.castBy as Actor,
      ...(item.approvalId ? { approvalId: String(item.approvalId) } : {}),
    };
  }

  async listBallots<T = unknown>(cycleId: string): Promise<StoredBallot<T>[]> {
    return (await this.queryPrefix(`AWARD#${part('cycleId', cycleId)}`, 'BALLOT#')).map((i) =>
      this.toBallot<T>(i),
    );
  }

  // ------------------------------------------------------------ sessions

  async createSession(
    admin: { adminId: string; email: string },
    options: { absoluteMs: number; idleTimeoutMs: number },
  ): Promise<{ sessionId: string; session: AdminSession }> {
    const sessionId = randomBytes(32).toString('base64url');
    const { iso, ms } = this.now();
    const expiresAtMs = ms + options.absoluteMs;
    const session: AdminSession = {
      adminId: admin.adminId,
      email: admin.email,
      createdAt: iso,
      expiresAt: new Date(expiresAtMs).toISOString(),
      idleTimeoutMs: options.idleTimeoutMs,
      lastSeenAt: iso,
    };
    const ok = await this.putIf({
      Item: {
        ...sessionKey(sessionId),
        ...session,
        expiresAtMs,
        lastSeenAtMs: ms,
        purgeAt: Math.ceil(expiresAtMs / 1000),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (!ok) throw new Error('Session id collision');
    return { sessionId, session };
  }

  async getSession(sessionId: string): Promise<AdminSession | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return undefined;
    const key = sessionKey(sessionId);
    const item = await this.get(key);
    if (!item) return undefined;
    const { iso, ms } = this.now();
    const idle = Number(item.idleTimeoutMs);
    if (ms >= Number(item.expiresAtMs) || ms >= Number(item.lastSeenAtMs) + idle) return undefined;
    if (ms - Number(item.lastSeenAtMs) > 60_000) {
      // Refresh the idle clock at most once a minute (one write, not one per page view).
      await this.updateIf({
        Key: key,
        UpdateExpression: 'SET lastSeenAt = :now, lastSeenAtMs = :nowMs',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': iso, ':nowMs': ms },
      });
      item.lastSeenAt = iso;
    }
    return {
      adminId: String(item.adminId),
      email: String(item.email),
      createdAt: String(item.createdAt),
      expiresAt: String(item.expiresAt),
      idleTimeoutMs: idle,
      lastSeenAt: String(item.lastSeenAt),
    };
  }

  async deleteSession(sessionId: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return;
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: sessionKey(sessionId) }));
  }

  // ------------------------------------------------------------ additions for the sweep

  async listStaleOutboxClaims(claimedBefore: Date, createdSince: Date, limit = 100): Promise<OutboxRecord[]> {
    const items = await this.queryAll(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
        FilterExpression: '#status = :claimed AND claimedAtMs < :before',
        ExpressionAttributeNames: names('status'),
        ExpressionAttributeValues: {
          ':pk': OUTBOX,
          ':lo': createdSince.toISOString(),
          ':hi': `${claimedBefore.toISOString()}#\uffff`,
          ':claimed': 'claimed',
          ':before': claimedBefore.getTime(),
        },
      },
      limit,
    );
    return items.map((i) => this.toOutbox(i));
  }

  // ------------------------------------------------------------ additions for the reviewer assignment

  async reserveReviewerLoad(
    periodId: string,
    reviewerId: string,
    unitId: string,
    expectedCount: number,
  ): Promise<boolean> {
    const key = { pk: periodPk(periodId), sk: `LOAD#${part('reviewerId', reviewerId)}` };
    const updated = await this.updateIf({
      Key: key,
      UpdateExpression: 'ADD #units :unit SET reviewerId = :r',
      // An emptied set has no attribute at all (DynamoDB removes empty sets).
      ConditionExpression: expectedCount === 0 ? 'attribute_not_exists(#units)' : 'size(#units) = :n',
      ExpressionAttributeNames: names('units'),
      ExpressionAttributeValues: {
        ':unit': new Set([part('unitId', unitId)]),
        ':r': reviewerId,
        ...(expectedCount === 0 ? {} : { ':n': expectedCount }),
      },
    });
    if (updated) return true;
    const item = await this.get(key);
    return item?.units instanceof Set && item.units.has(unitId);
  }

  // ------------------------------------------------------------ additions for the admin's scoring inputs

  private adjustmentsKey(unitId: string, periodId: string): { pk: string; sk: string } {
    return { pk: unitPk(unitId), sk: `P#${part('periodId', periodId)}#ADJUSTMENTS` };
  }

  private toAdjustments(item: Item): StoredAdjustments {
    const doc = fromDoc<Adjustments>(item.doc);
    return {
      unitId: String(item.unitId),
      periodId: String(item.periodId),
      survey: doc.survey,
      bonus: doc.bonus,
      penalty: doc.penalty,
      ...(doc.note !== undefined ? { note: doc.note } : {}),
      version: Number(item.version),
      updatedAt: String(item.updatedAt),
      updatedBy: item.updatedBy as Actor,
    };
  }

  async putAdjustments(
    unitId: string,
    periodId: string,
    adjustments: Adjustments,
    actor: Actor,
  ): Promise<{ changed: boolean; adjustments: StoredAdjustments }> {
    const key = this.adjustmentsKey(unitId, periodId);
    const content: Adjustments = {
      survey: adjustments.survey,
      bonus: adjustments.bonus,
      penalty: adjustments.penalty,
      ...(adjustments.note !== undefined && adjustments.note !== '' ? { note: adjustments.note } : {}),
    };
    for (const [field, value] of [
      ['survey', content.survey ?? 0],
      ['bonus', content.bonus],
      ['penalty', content.penalty],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new Error(`Adjustments ${field} must be whole hundredths ≥ 0, got ${String(value)}`);
      }
    }
    const doc = toDoc(content, `adjustments ${unitId} ${periodId}`);
    const hash = sha256(doc);
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.get(key);
      if (existing?.hash === hash) return { changed: false, adjustments: this.toAdjustments(existing) };
      const version = existing ? Number(existing.version) + 1 : 1;
      const { iso } = this.now();
      const item: Item = {
        ...key,
        unitId,
        periodId,
        doc,
        hash,
        version,
        updatedAt: iso,
        updatedBy: actor,
        gsi1pk: `${periodPk(periodId)}#ADJUSTMENTS`,
        gsi1sk: unitId,
      };
      // The version condition: of two admins recording at once, each change is audited once.
      const ok = await this.putIf({
        Item: item,
        ConditionExpression: existing ? '#version = :v' : 'attribute_not_exists(pk)',
        ...(existing
          ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': version - 1 } }
          : {}),
      });
      if (!ok) continue;
      await this.appendAudit({
        id: `adjustments-v${version}`,
        at: iso,
        subject: `adjustments/${unitId}/${periodId}`,
        periodId,
        actor,
        action: 'adjustments.recorded',
        detail: {
          version,
          before: existing ? fromDoc<Adjustments>(existing.doc) : null,
          after: content,
        },
      });
      return { changed: true, adjustments: this.toAdjustments(item) };
    }
    throw new ConflictError(
      'version',
      `Adjustments of ${unitId} ${periodId} kept changing while being recorded`,
    );
  }

  async getAdjustments(unitId: string, periodId: string): Promise<StoredAdjustments | undefined> {
    const item = await this.get(this.adjustmentsKey(unitId, periodId));
    return item ? this.toAdjustments(item) : undefined;
  }

  async listPeriodAdjustments(periodId: string): Promise<StoredAdjustments[]> {
    return (await this.queryIndex('gsi1', `${periodPk(periodId)}#ADJUSTMENTS`)).map((i) =>
      this.toAdjustments(i),
    );
  }
}

/** The audit subject a decision is listed under. */
function auditSubject(a: Approval): string {
  if (a.kind === 'signin') return `admin/${a.subjectId ?? a.party ?? '-'}`;
  if (a.kind === 'vote') return `award/${a.periodId ?? '-'}/${a.party ?? a.subjectId ?? '-'}`;
  if (a.unitId && a.periodId) return `report/${a.unitId}/${a.periodId}`;
  return `approval/${a.id}`;
}
