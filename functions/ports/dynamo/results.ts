/** `ResultsStore` on the district table (docs/store.md, "Results"). */

import { crashPoint } from '#steps/crash-point';
import type { Actor } from '../actor.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { provide } from '../registry.ts';
import type {
  Adjustments,
  NewResultsVersion,
  ResultsHeader,
  ResultsLine,
  ResultsStore,
  StoredAdjustments,
  StoredStanding,
  UnitStanding,
} from '../results.ts';
import {
  fromDoc,
  type Item,
  names,
  pad,
  part,
  periodPk,
  sha256,
  toDoc,
  unitPeriodPrefix,
  unitPk,
} from './keys.ts';
import { type Table, table } from './table.ts';

const headerKey = (periodId: string, version: number) => ({
  pk: periodPk(periodId),
  sk: `RESULTS#${pad(version, 4, 'results version')}`,
});
/** The lines of one computation of a version: the version, then the first 16 hex digits of its hash. */
const linesPrefix = (version: number, hash: string) =>
  `RESLINE#${pad(version, 4, 'results version')}#${hash.slice(0, 16)}#`;
const adjustmentsKey = (unitId: string, periodId: string) => ({
  pk: unitPk(unitId),
  sk: `${unitPeriodPrefix(periodId)}ADJUSTMENTS`,
});

const standingKey = (unitId: string) => ({ pk: unitPk(unitId), sk: 'STANDING' });
/** Every unit's standing in one index partition: the proposal lists them in one query. */
const STANDINGS = 'STANDINGS';

function standingOf(item: Item): StoredStanding {
  const doc = fromDoc<UnitStanding>(item.doc);
  return {
    unitId: String(item.unitId),
    status: doc.status,
    ...(doc.reason ? { reason: doc.reason } : {}),
    ...(typeof item.writeId === 'string' ? { writeId: item.writeId } : {}),
    version: Number(item.version),
    updatedAt: String(item.updatedAt),
    // The actor this module stored.
    updatedBy: item.updatedBy as Actor,
  };
}

function headerOf<B>(item: Item): ResultsHeader<B> {
  // The header document this module wrote.
  return fromDoc<ResultsHeader<B>>(item.doc);
}

function adjustmentsOf(item: Item): StoredAdjustments {
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
    // The actor this module stored.
    updatedBy: item.updatedBy as Actor,
  };
}

/** How many results headers a container keeps (a period's versions, a year's periods). */
const HEADERS_KEPT = 16;

export class DynamoResultsStore implements ResultsStore {
  private readonly table: Table;
  /**
   * Results headers read, by key: a header is written once, after its lines, and never changed
   * (putVersion), so a container reads each once — the scoring Map's PublishResult invocations
   * all read the same one. Kept as the stored item, so each caller gets its own object.
   */
  private readonly headers = new Map<string, Promise<Item | undefined>>();
  constructor(table: Table) {
    this.table = table;
  }

  async putAdjustments(
    unitId: string,
    periodId: string,
    adjustments: Adjustments,
    actor: Actor,
    options: { expectedVersion?: number; writeId?: string } = {},
  ): Promise<{ changed: boolean; adjustments: StoredAdjustments; before?: Adjustments }> {
    const key = adjustmentsKey(unitId, periodId);
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
      const existing = await this.table.get(key);
      if (existing?.hash === hash) {
        // The same request again (its write id stored): answered as its first time, for the audit.
        const own = options.writeId !== undefined && existing.writeId === options.writeId;
        return {
          changed: own,
          adjustments: adjustmentsOf(existing),
          ...(own && existing.beforeDoc ? { before: fromDoc<Adjustments>(existing.beforeDoc) } : {}),
        };
      }
      const stored = existing ? Number(existing.version) : 0;
      if (options.expectedVersion !== undefined && options.expectedVersion !== stored) {
        throw new ConflictError(
          'version',
          `Adjustments of ${unitId} for ${periodId} were changed elsewhere`,
          {
            version: stored,
          },
        );
      }
      const version = stored + 1;
      const item: Item = {
        ...key,
        unitId: part('unitId', unitId),
        periodId,
        doc,
        hash,
        version,
        updatedAt: this.table.now().iso,
        updatedBy: actor,
        ...(options.writeId ? { writeId: options.writeId } : {}),
        ...(existing ? { beforeDoc: existing.doc } : {}),
        gsi1pk: `${periodPk(periodId)}#ADJUSTMENTS`,
        gsi1sk: unitId,
      };
      // The version condition: of two admins recording at once, each change is counted once.
      const ok = await this.table.putIf({
        Item: item,
        ConditionExpression: existing ? '#version = :v' : 'attribute_not_exists(pk)',
        ...(existing
          ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': version - 1 } }
          : {}),
      });
      if (ok) {
        return {
          changed: true,
          adjustments: adjustmentsOf(item),
          ...(existing ? { before: fromDoc<Adjustments>(existing.doc) } : {}),
        };
      }
    }
    throw new ConflictError(
      'version',
      `Adjustments of ${unitId} ${periodId} kept changing while being recorded`,
    );
  }

  async putStanding(
    unitId: string,
    standing: UnitStanding,
    actor: Actor,
    options: { expectedVersion?: number; writeId?: string } = {},
  ): Promise<{ changed: boolean; standing: StoredStanding; before?: UnitStanding }> {
    const key = standingKey(unitId);
    const content: UnitStanding = {
      status: standing.status,
      ...(standing.reason?.trim() ? { reason: standing.reason.trim() } : {}),
    };
    const doc = toDoc(content, `standing ${unitId}`);
    const hash = sha256(doc);
    const existing = await this.table.get(key);
    // The same request again (its write id stored): answered as its first time, for the audit.
    const asStored = (item: Item) => {
      const own = options.writeId !== undefined && item.writeId === options.writeId;
      return {
        changed: own,
        standing: standingOf(item),
        ...(own && item.beforeDoc ? { before: fromDoc<UnitStanding>(item.beforeDoc) } : {}),
      };
    };
    if (existing?.hash === hash) return asStored(existing);
    const stored = existing ? Number(existing.version) : 0;
    if (options.expectedVersion !== undefined && options.expectedVersion !== stored) {
      throw new ConflictError('version', `The standing of ${unitId} was changed elsewhere`, {
        version: stored,
      });
    }
    const item: Item = {
      ...key,
      unitId: part('unitId', unitId),
      doc,
      hash,
      version: stored + 1,
      updatedAt: this.table.now().iso,
      updatedBy: actor,
      ...(options.writeId ? { writeId: options.writeId } : {}),
      ...(existing ? { beforeDoc: existing.doc } : {}),
      gsi1pk: STANDINGS,
      gsi1sk: unitId,
    };
    // The version condition: of two admins recording at once, one wins, the other is told.
    const ok = await this.table.putIf({
      Item: item,
      ConditionExpression: existing ? '#version = :v' : 'attribute_not_exists(pk)',
      ...(existing
        ? { ExpressionAttributeNames: names('version'), ExpressionAttributeValues: { ':v': stored } }
        : {}),
    });
    if (!ok) {
      // The same request twice at once (a double click): one stored it, both answer it.
      const now = await this.table.get(key);
      if (now?.hash === hash && options.writeId !== undefined && now.writeId === options.writeId) {
        return asStored(now);
      }
      throw new ConflictError('version', `The standing of ${unitId} was changed elsewhere`);
    }
    return {
      changed: true,
      standing: standingOf(item),
      ...(existing ? { before: fromDoc<UnitStanding>(existing.doc) } : {}),
    };
  }

  async getStanding(unitId: string): Promise<StoredStanding | undefined> {
    const item = await this.table.get(standingKey(unitId));
    return item ? standingOf(item) : undefined;
  }

  async listStandings(): Promise<StoredStanding[]> {
    return (await this.table.queryIndex('gsi1', STANDINGS)).map(standingOf);
  }

  async getAdjustments(unitId: string, periodId: string): Promise<StoredAdjustments | undefined> {
    const item = await this.table.get(adjustmentsKey(unitId, periodId));
    return item ? adjustmentsOf(item) : undefined;
  }

  async listPeriodAdjustments(periodId: string): Promise<StoredAdjustments[]> {
    return (await this.table.queryIndex('gsi1', `${periodPk(periodId)}#ADJUSTMENTS`)).map(adjustmentsOf);
  }

  async putVersion<B, L>(input: NewResultsVersion<B, L>): Promise<'created' | 'unchanged'> {
    const { periodId, version, lines, ...rest } = input;
    if (!Number.isSafeInteger(version) || version < 1)
      throw new Error(`Results version must be ≥ 1, got ${version}`);
    const docs = lines.map((l) => ({
      unitId: part('unitId', l.unitId),
      doc: toDoc(l.line, `results line ${l.unitId}`),
    }));
    const hash = sha256(docs.map((d) => `${d.unitId}\n${d.doc}`).join('\n'));
    const key = headerKey(periodId, version);
    const won = (item: Item | undefined): 'unchanged' => {
      if (item && headerOf(item).hash === hash) return 'unchanged';
      throw new ConflictError(
        'exists',
        `Results ${periodId} v${version} are already published and never overwritten`,
      );
    };
    const existing = await this.table.get(key);
    if (existing) return won(existing);
    // Lines first: same version and hash, same content, so writing a line again changes nothing.
    const prefix = linesPrefix(version, hash);
    await this.table.putAll(
      docs.map((d, pos) => ({
        pk: periodPk(periodId),
        sk: `${prefix}${d.unitId}`,
        unitId: d.unitId,
        pos,
        doc: d.doc,
      })),
    );
    crashPoint('scoring.after-lines');
    const header: ResultsHeader<B> = {
      periodId,
      version,
      hash,
      lineCount: docs.length,
      publishedAt: this.table.now().iso,
      ...rest,
    };
    const created = await this.table.putIf({
      Item: { ...key, doc: toDoc(header, `results ${periodId} v${version} header`) },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    return created ? 'created' : won(await this.table.get(key));
  }

  async listHeaders<B>(periodId: string): Promise<ResultsHeader<B>[]> {
    return (await this.table.queryPrefix(periodPk(periodId), 'RESULTS#')).map((i) => headerOf<B>(i));
  }

  async getHeader<B>(periodId: string, version: number): Promise<ResultsHeader<B> | undefined> {
    const key = headerKey(periodId, version);
    const id = `${key.pk}/${key.sk}`;
    let read = this.headers.get(id);
    if (!read) {
      read = this.table.get(key);
      this.headers.set(id, read);
      if (this.headers.size > HEADERS_KEPT) this.headers.delete(this.headers.keys().next().value as string);
    }
    let item: Item | undefined;
    try {
      item = await read;
    } catch (error) {
      if (this.headers.get(id) === read) this.headers.delete(id);
      throw error;
    }
    // Not published yet: asked again next time.
    if (!item && this.headers.get(id) === read) this.headers.delete(id);
    return item ? headerOf<B>(item) : undefined;
  }

  async getLines<L>(header: ResultsHeader): Promise<ResultsLine<L>[]> {
    const items = await this.table.queryPrefix(
      periodPk(header.periodId),
      linesPrefix(header.version, header.hash),
    );
    if (items.length !== header.lineCount) {
      throw new Error(
        `Results ${header.periodId} v${header.version}: ${items.length} lines stored, the header says ${header.lineCount}`,
      );
    }
    return items
      .sort((a, b) => Number(a.pos) - Number(b.pos))
      .map((i) => ({ unitId: String(i.unitId), line: fromDoc<L>(i.doc) }));
  }

  async getLine<L>(header: ResultsHeader, unitId: string): Promise<L> {
    const item = await this.table.get({
      pk: periodPk(header.periodId),
      sk: `${linesPrefix(header.version, header.hash)}${part('unitId', unitId)}`,
    });
    if (!item) throw new NotFoundError('results line', `${unitId} in ${header.periodId} v${header.version}`);
    return fromDoc<L>(item.doc);
  }
}

export const results = provide<ResultsStore>('results', () => new DynamoResultsStore(table()));
