/**
 * What every DynamoDB port shares (docs/store.md is the one description of keys and access
 * patterns): the district's one table, its key builders, the JSON codec of stored documents, and
 * the few operations the ports are written in — `get`, `putOnce` (an immutable record),
 * `putIf`/`updateIf` (a conditional write that answers false/undefined when its condition no
 * longer holds), `putAll` (content-keyed items, batched), `queryAll`, `batchGet`. Nothing here
 * Scans; nothing uses transactions (dynalite has none: docs/storage.md says how each multi-item
 * change stays safe without them).
 *
 * A call that fails transiently after the SDK's own retries (a 5xx, throttling, a connection lost)
 * is made again as a new request, a few times. A write whose earlier request may have been applied
 * with its answer lost is told apart on the retry: a conditional put finds its own item, an update
 * its own `lastWrite` mark (docs/reliability.md, "Faults").
 */

import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { region, requireEnv, sharedClient } from '../aws.ts';
import { now as clockNow } from '../clock.ts';
import { ConflictError } from '../errors.ts';
import { provide } from '../registry.ts';
import { reissue, wasUncertain } from '../transient.ts';
import { type Item, isConditionFailed, type Key, sha256 } from './keys.ts';

/** The document client over a low-level client; marshalling drops `undefined`. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

// ---------------------------------------------------------------- the table

export interface TableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The clock of every timestamp and expiry; the local runtime moves it (functions/ports/clock.ts). */
  clock?: () => Date;
}

export class Table {
  readonly db: DynamoDBDocumentClient;
  readonly name: string;
  readonly clock: () => Date;

  constructor(options: TableOptions) {
    this.db = options.client;
    this.name = options.tableName;
    this.clock = options.clock ?? clockNow;
  }

  now(): { iso: string; ms: number } {
    const d = this.clock();
    return { iso: d.toISOString(), ms: d.getTime() };
  }

  /** A strongly consistent read unless `consistent: false` (docs/storage.md, "Reads"). */
  async get(key: Key, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
    const { out } = await this.send(() =>
      this.db.send(
        new GetCommand({ TableName: this.name, Key: key, ConsistentRead: options.consistent ?? true }),
      ),
    );
    return out.Item;
  }

  /**
   * Put; false when the condition failed — unless an earlier request of this call may have been
   * applied and the item stored is the one this call put (its answer was lost).
   */
  async putIf(input: Omit<PutCommandInput, 'TableName'>): Promise<boolean> {
    const { failed } = await this.sendConditional(() =>
      this.db.send(new PutCommand({ TableName: this.name, ...input })),
    );
    if (!failed) return true;
    if (!failed.uncertain || !input.Item) return false;
    const stored = await this.get(keyOf(input.Item));
    return isDeepStrictEqual(stored, plain(input.Item));
  }

  /**
   * Writes a record that is never overwritten: `created`, or `unchanged` when the same document is
   * there already (a re-run); a different one is a ConflictError saying `conflict`.
   */
  async putOnce(key: Key, doc: string, attributes: Item, conflict: string): Promise<'created' | 'unchanged'> {
    const hash = sha256(doc);
    const created = await this.putIf({
      Item: { ...attributes, ...key, doc, hash },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    if (created) return 'created';
    const existing = await this.get(key);
    if (existing?.hash === hash) return 'unchanged';
    throw new ConflictError('exists', conflict);
  }

  /**
   * Update returning the new item; undefined when the condition failed. Each call marks the item
   * with its own `lastWrite` and refuses to apply twice, so a request retried after its answer was
   * lost fails its condition, finds its mark, and answers what the first one did.
   */
  async updateIf(input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | undefined> {
    const mark = randomUUID();
    const update = input.UpdateExpression ?? '';
    const setMark = /(^|\s)SET\s/.test(update)
      ? update.replace(/(^|\s)SET\s/, '$1SET #lastWrite = :lastWrite, ')
      : `SET #lastWrite = :lastWrite ${update}`;
    const notTwice = 'attribute_not_exists(#lastWrite) OR #lastWrite <> :lastWrite';
    const { out, failed } = await this.sendConditional(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.name,
          ReturnValues: 'ALL_NEW',
          ...input,
          UpdateExpression: setMark,
          ConditionExpression: input.ConditionExpression
            ? `(${input.ConditionExpression}) AND (${notTwice})`
            : notTwice,
          ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#lastWrite': 'lastWrite' },
          ExpressionAttributeValues: { ...input.ExpressionAttributeValues, ':lastWrite': mark },
        }),
      ),
    );
    if (!failed) return out?.Attributes ?? {};
    if (!failed.uncertain || !input.Key) return undefined;
    const stored = await this.get(keyOf(input.Key));
    return stored?.lastWrite === mark ? stored : undefined;
  }

  /**
   * A status move: `update` applies when the item's `status` is one of `from` and its `guard`
   * attribute still holds the given value (an outbox record's attempt, an approval's token
   * generation), so a late caller never overwrites what a newer one recorded. False otherwise.
   * `update` names the status `#status`; its values are `values`.
   */
  async moveStatus(
    key: Key,
    change: {
      from: readonly string[];
      guard: { attribute: string; value: unknown };
      update: string;
      values: Record<string, unknown>;
    },
  ): Promise<boolean> {
    const fromValues = Object.fromEntries(change.from.map((s, i) => [`:f${i}`, s]));
    const updated = await this.updateIf({
      Key: key,
      UpdateExpression: change.update,
      ConditionExpression: `#guard = :guard AND #status IN (${Object.keys(fromValues).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status', '#guard': change.guard.attribute },
      ExpressionAttributeValues: { ...change.values, ...fromValues, ':guard': change.guard.value },
    });
    return updated !== undefined;
  }

  /** Delete; false when the condition failed (true when an earlier request may have deleted it and it is gone). */
  async deleteIf(input: Omit<DeleteCommandInput, 'TableName'>): Promise<boolean> {
    const { failed } = await this.sendConditional(() =>
      this.db.send(new DeleteCommand({ TableName: this.name, ...input })),
    );
    if (!failed) return true;
    return failed.uncertain && input.Key !== undefined && (await this.get(keyOf(input.Key))) === undefined;
  }

  /** `call()`, made again while it fails transiently (functions/ports/transient.ts). */
  send<O>(call: () => Promise<O>): Promise<{ out: O; uncertain: boolean }> {
    return reissue(call);
  }

  /** A conditional write: its output, or `failed` when the condition did not hold. */
  private async sendConditional<O>(
    call: () => Promise<O>,
  ): Promise<{ out?: O; failed?: { uncertain: boolean } }> {
    try {
      return { out: (await this.send(call)).out };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return { failed: { uncertain: wasUncertain(err) } };
    }
  }

  /** Every page of a query (up to `limit` items). */
  async queryAll(
    input: Omit<QueryCommandInput, 'TableName'>,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<Item[]> {
    const items: Item[] = [];
    await this.eachPage(input, limit, (out) => items.push(...(out.Items ?? [])));
    return items;
  }

  /**
   * How many entries an index's partition holds (up to `limit`): counted where they are stored,
   * none of them sent back, as `queryIndex(index, pk, { limit }).length` would say.
   */
  async countIndex(index: 'gsi1' | 'gsi2', pk: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
    let count = 0;
    const input = {
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk`,
      ExpressionAttributeValues: { ':pk': pk },
      Select: 'COUNT' as const,
    };
    await this.eachPage(input, limit, (out) => {
      count += out.Count ?? 0;
      return count;
    });
    return count;
  }

  /** A query's pages, each handed to `take`, which answers how many entries it now holds; stops at `limit`. */
  private async eachPage(
    input: Omit<QueryCommandInput, 'TableName'>,
    limit: number,
    take: (out: QueryCommandOutput) => number,
  ): Promise<void> {
    let held = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const remaining = limit - held;
      const from = start;
      const { out } = await this.send(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.name,
            ...input,
            ...(Number.isFinite(remaining) ? { Limit: remaining } : {}),
            ...(from ? { ExclusiveStartKey: from } : {}),
          }),
        ),
      );
      held = take(out);
      start = out.LastEvaluatedKey;
    } while (start && held < limit);
  }

  /** The items of a partition whose sort key starts with `prefix`, read consistently. */
  queryPrefix(
    pk: string,
    prefix: string,
    options: { newestFirst?: boolean; limit?: number } = {},
  ): Promise<Item[]> {
    return this.queryAll(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
        ...(options.newestFirst ? { ScanIndexForward: false } : {}),
      },
      options.limit,
    );
  }

  /** A listing index (no consistent reads on a GSI: callers re-read by main key where it matters). */
  queryIndex(
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

  /**
   * Unconditional puts, 25 a request and four requests at a time, each request made again for what
   * DynamoDB left unprocessed. Only for items whose key decides their content (a results line
   * under its version's content hash), so a put made twice — a retry, a re-run — changes nothing.
   */
  async putAll(items: readonly Item[]): Promise<void> {
    // One put per key: a request naming a key twice is refused whole (by dynalite as by DynamoDB),
    // and two items under one key are the same item here.
    const unique = [
      ...new Map(items.map((item) => [`${String(item.pk)}\n${String(item.sk)}`, item])).values(),
    ];
    const batches: Item[][] = [];
    for (let i = 0; i < unique.length; i += 25) batches.push(unique.slice(i, i + 25));
    for (let i = 0; i < batches.length; i += 4) {
      await Promise.all(batches.slice(i, i + 4).map((batch) => this.putBatch(batch)));
    }
  }

  private putBatch(items: readonly Item[]): Promise<void> {
    return this.untilProcessed<Record<string, unknown>>(
      items.map((Item) => ({ PutRequest: { Item } })),
      'BatchWrite kept returning unprocessed items',
      async (requests) => {
        const { out } = await this.send(() =>
          this.db.send(new BatchWriteCommand({ RequestItems: { [this.name]: requests } })),
        );
        return out.UnprocessedItems?.[this.name] ?? [];
      },
    );
  }

  /** Items by key, 100 per request, read consistently; missing ones are absent from the answer. */
  async batchGet(keys: readonly Key[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      await this.untilProcessed<Record<string, unknown>>(
        keys.slice(i, i + 100).map((k) => ({ ...k })),
        'BatchGet kept returning unprocessed keys',
        async (keysNow) => {
          const { out } = await this.send(() =>
            this.db.send(
              new BatchGetCommand({ RequestItems: { [this.name]: { Keys: keysNow, ConsistentRead: true } } }),
            ),
          );
          items.push(...(out.Responses?.[this.name] ?? []));
          return out.UnprocessedKeys?.[this.name]?.Keys ?? [];
        },
      );
    }
    return items;
  }

  /**
   * A batch request, then again for what DynamoDB left unprocessed (`send` answers it), backing
   * off 20 ms, 40 ms, …; after nine requests that still leave some, an error saying `what`.
   */
  private async untilProcessed<T>(
    first: T[],
    what: string,
    send: (pending: T[]) => Promise<T[]>,
  ): Promise<void> {
    let pending = first;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB ${what}`);
      pending = await send(pending);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }
}

/** The key of an item this table writes. */
function keyOf(item: Item): Key {
  return { pk: String(item.pk), sk: String(item.sk) };
}

/** A value as DynamoDB stores it: `undefined` dropped at every depth (the client's marshalling). */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) {
    return value;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  // The same keys as `value`, each value stripped the same way.
  return Object.fromEntries(entries.map(([k, v]) => [k, plain(v)])) as T;
}

/**
 * A table named by the operator (the CLI's `--table`), with a client of its own whose region is
 * `region` or the SDK's default chain (environment, profile).
 */
export function tableNamed(tableName: string, region?: string): Table {
  return new Table({ client: createDocumentClient(new DynamoDBClient(region ? { region } : {})), tableName });
}

/** The district's table from the environment (`TABLE_NAME`), with the container's DynamoDB client. */
export const table = provide(
  'table',
  () =>
    new Table({
      client: sharedClient('dynamodb', () => createDocumentClient(new DynamoDBClient({ region: region() }))),
      tableName: requireEnv('TABLE_NAME', "the district's DynamoDB table"),
    }),
);
