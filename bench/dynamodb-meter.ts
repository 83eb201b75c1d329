/**
 * What each DynamoDB call costs on on-demand billing, measured in front of dynalite
 * (bench/metering.ts runs the proxy; the rules are in bench/dynamodb-capacity.ts).
 *
 * dynalite answers `ReturnConsumedCapacity`, and the meter asks for it on every call (stripping
 * it back when the caller did not ask), but its figures are not AWS's: it sizes strings by UTF-16
 * code units rather than UTF-8 bytes (Vietnamese text costs up to three times more on AWS), it
 * never counts secondary-index writes, an empty Query or Scan costs it nothing, and a write whose
 * condition failed reports nothing. So the meter computes every figure itself from the items, and
 * keeps dynalite's own as a second tally for comparison.
 *
 * To see whole items it reads them itself, straight from dynalite (uncounted): the item before
 * and after each write (under a per-item lock, so concurrent callers cannot slip in between), and
 * the items a read evaluated when the caller's projection or filter hid them from the answer.
 */
import {
  canonical,
  type IndexSchema,
  type Item,
  itemSize,
  keyOf,
  type ReadConsistency,
  readUnits,
  storedBytes,
  type TableSchema,
  writeCost,
  writeUnits,
} from './dynamodb-capacity.ts';

/** A JSON object as DynamoDB's JSON protocol carries it. */
export type Json = Record<string, unknown>;

export interface DynamoAnswer {
  status: number;
  /** The parsed answer body (an error body for 4xx/5xx). */
  json: Json;
}

/** Sends a request body to dynalite as operation `op` (no metering). */
export type DynamoCall = (op: string, body: Json) => Promise<DynamoAnswer>;

export interface OperationTally {
  calls: number;
  readUnits: number;
  writeUnits: number;
}

export interface DynamoUsage {
  calls: number;
  readUnits: number;
  writeUnits: number;
  /** The part of `writeUnits` spent on secondary indexes. */
  indexWriteUnits: number;
  byOperation: Record<string, OperationTally>;
  /** Index name → units spent on it (reads through it, writes into it). */
  byIndex: Record<string, { readUnits: number; writeUnits: number }>;
  /** Writes refused by their condition (billed all the same). */
  failedConditionalWrites: number;
  /** What dynalite itself reported through ReturnConsumedCapacity, for comparison. */
  dynalite: { readUnits: number; writeUnits: number };
  /** The meter's own requests to dynalite (whole items before and after writes): its overhead. */
  meterReads: number;
}

export function emptyDynamoUsage(): DynamoUsage {
  return {
    calls: 0,
    readUnits: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    byOperation: {},
    byIndex: {},
    failedConditionalWrites: 0,
    dynalite: { readUnits: 0, writeUnits: 0 },
    meterReads: 0,
  };
}

/** Operations that take `ReturnConsumedCapacity`. */
const CAPACITY_OPERATIONS = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
]);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Wire-format items arrive as parsed JSON; their shape is DynamoDB's, checked by dynalite. */
/** The answer as the caller would have had it without the `ReturnValues` the meter added. */
function withoutReturnedItem(answer: DynamoAnswer): DynamoAnswer {
  if (!('Attributes' in answer.json)) return answer;
  const { Attributes: _old, ...rest } = answer.json;
  return { status: answer.status, json: rest };
}
const asItem = (v: unknown): Item | undefined => (isObject(v) ? (v as Item) : undefined);
const asItems = (v: unknown): Item[] => (Array.isArray(v) ? v.filter(isObject).map((i) => i as Item) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Serializes async work per item key; several keys are taken at once, so no two callers deadlock. */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)].sort();
    let release: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waits = unique.map((k) => this.tails.get(k) ?? Promise.resolve());
    for (const k of unique) this.tails.set(k, done);
    await Promise.all(waits);
    try {
      return await fn();
    } finally {
      release();
      for (const k of unique) if (this.tails.get(k) === done) this.tails.delete(k);
    }
  }
}

/** `#name` and `:value` placeholders an expression uses. */
function placeholders(expressions: readonly (string | undefined)[]): Set<string> {
  const used = new Set<string>();
  for (const e of expressions) for (const m of e?.matchAll(/[#:][A-Za-z0-9_]+/g) ?? []) used.add(m[0]);
  return used;
}

function pick(map: unknown, used: Set<string>): Json | undefined {
  if (!isObject(map)) return undefined;
  const kept = Object.fromEntries(Object.entries(map).filter(([k]) => used.has(k)));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

export class DynamoMeter {
  private usage = emptyDynamoUsage();
  private readonly schemas = new Map<string, Promise<TableSchema>>();
  private readonly locks = new KeyLocks();
  private readonly call: DynamoCall;

  /** `call` reaches dynalite directly: the meter's own reads are never counted. */
  constructor(call: DynamoCall) {
    this.call = call;
  }

  snapshot(): DynamoUsage {
    return structuredClone(this.usage);
  }

  reset(): void {
    this.usage = emptyDynamoUsage();
  }

  /**
   * Forwards one call through `send` (to dynalite), meters it, and returns dynalite's answer as
   * the caller would have had it without the meter.
   */
  async handle(op: string, request: Json, send: DynamoCall): Promise<DynamoAnswer> {
    this.tally(op, 0, 0).calls++;
    this.usage.calls++;
    if (!CAPACITY_OPERATIONS.has(op)) return send(op, request);
    const asked = text(request.ReturnConsumedCapacity);
    const callerAsked = asked !== undefined && asked !== 'NONE';
    const sent = callerAsked ? request : { ...request, ReturnConsumedCapacity: 'INDEXES' };
    const answer = READS.has(op)
      ? await this.read(op, request, sent, send)
      : await this.write(op, request, sent, send);
    this.noteDynalite(op, answer.json.ConsumedCapacity);
    if (!callerAsked && 'ConsumedCapacity' in answer.json) {
      const { ConsumedCapacity: _dropped, ...rest } = answer.json;
      return { status: answer.status, json: rest };
    }
    return answer;
  }

  /** Stored bytes of every table and its indexes (item size + 100 bytes each), read by Scan. */
  async storage(): Promise<{ items: number; tableBytes: number; indexBytes: number }> {
    const figures = { items: 0, tableBytes: 0, indexBytes: 0 };
    const tables = (await this.call('ListTables', {})).json.TableNames;
    for (const name of Array.isArray(tables) ? tables.filter((t) => typeof t === 'string') : []) {
      const schema = await this.schemaOf(name);
      let start: unknown;
      do {
        const page =
          // Small pages: the scan runs after the period, and must not become the process's peak.
          (
            await this.call('Scan', {
              TableName: name,
              Limit: 200,
              ...(start ? { ExclusiveStartKey: start } : {}),
            })
          ).json;
        for (const item of asItems(page.Items)) {
          const bytes = storedBytes(item, schema);
          figures.items++;
          figures.tableBytes += bytes.table;
          figures.indexBytes += bytes.indexes;
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    return figures;
  }

  // ---------------------------------------------------------------- reads

  private async read(op: string, request: Json, sent: Json, send: DynamoCall): Promise<DynamoAnswer> {
    const answer = await send(op, sent);
    if (answer.status !== 200) return answer; // AWS bills no request it refused
    if (op === 'BatchGetItem') {
      await this.meterBatchGet(request, answer.json);
      return answer;
    }
    const table = text(request.TableName) ?? '';
    const consistency: ReadConsistency = request.ConsistentRead === true ? 'strong' : 'eventual';
    const projected = request.ProjectionExpression !== undefined || request.AttributesToGet !== undefined;
    let bytes: number;
    if (op === 'GetItem') {
      const item = projected ? await this.getItem(table, request.Key) : asItem(answer.json.Item);
      bytes = itemSize(item);
    } else {
      const hidden =
        projected ||
        request.Select !== undefined ||
        request.FilterExpression !== undefined ||
        request.QueryFilter !== undefined ||
        request.ScanFilter !== undefined;
      const evaluated = hidden ? await this.evaluatedItems(op, request) : asItems(answer.json.Items);
      bytes = evaluated.reduce((sum, item) => sum + itemSize(item), 0);
    }
    const units = readUnits(bytes, consistency);
    this.addRead(op, units, text(request.IndexName));
    return answer;
  }

  /** Each item of a batch is rounded by itself; a key that found nothing costs one step. */
  private async meterBatchGet(request: Json, answer: Json): Promise<void> {
    const requestItems = isObject(request.RequestItems) ? request.RequestItems : {};
    const responses = isObject(answer.Responses) ? answer.Responses : {};
    const unprocessed = isObject(answer.UnprocessedKeys) ? answer.UnprocessedKeys : {};
    for (const [table, spec] of Object.entries(requestItems)) {
      if (!isObject(spec)) continue;
      const consistency: ReadConsistency = spec.ConsistentRead === true ? 'strong' : 'eventual';
      const left = new Set(
        asItems(isObject(unprocessed[table]) ? unprocessed[table].Keys : []).map(canonical),
      );
      const keys = asItems(spec.Keys).filter((k) => !left.has(canonical(k)));
      const projected = spec.ProjectionExpression !== undefined || spec.AttributesToGet !== undefined;
      let units = 0;
      if (projected) {
        for (const key of keys) units += readUnits(itemSize(await this.getItem(table, key)), consistency);
      } else {
        const found = asItems(responses[table]);
        for (const item of found) units += readUnits(itemSize(item), consistency);
        units += Math.max(0, keys.length - found.length) * readUnits(0, consistency);
      }
      this.addRead('BatchGetItem', units, undefined);
    }
  }

  /** The items a Query or Scan evaluated: the same request without filter, projection or Select. */
  private async evaluatedItems(op: string, request: Json): Promise<Item[]> {
    const {
      FilterExpression: _f,
      QueryFilter: _qf,
      ScanFilter: _sf,
      ConditionalOperator: _co,
      ProjectionExpression: _p,
      AttributesToGet: _a,
      Select: _s,
      ReturnConsumedCapacity: _r,
      ExpressionAttributeNames,
      ExpressionAttributeValues,
      ...rest
    } = request;
    // dynalite, like DynamoDB, refuses placeholders the remaining expressions no longer use.
    const used = placeholders([text(rest.KeyConditionExpression)]);
    const names = pick(ExpressionAttributeNames, used);
    const values = pick(ExpressionAttributeValues, used);
    const shadow: Json = {
      ...rest,
      ...(names ? { ExpressionAttributeNames: names } : {}),
      ...(values ? { ExpressionAttributeValues: values } : {}),
    };
    this.usage.meterReads++;
    const answer = await this.call(op, shadow);
    return answer.status === 200 ? asItems(answer.json.Items) : [];
  }

  // ---------------------------------------------------------------- writes

  private async write(op: string, request: Json, sent: Json, send: DynamoCall): Promise<DynamoAnswer> {
    if (op === 'BatchWriteItem') return this.batchWrite(request, sent, send);
    const tableName = text(request.TableName) ?? '';
    // An unknown table: dynalite's own answer (ResourceNotFound) is the caller's, unbilled.
    const schema = await this.schemaOf(tableName).catch(() => undefined);
    if (!schema) return send(op, sent);
    const newItem = op === 'PutItem' ? asItem(request.Item) : undefined;
    const key = newItem ? keyOf(newItem, schema.keys) : (asItem(request.Key) ?? {});
    // A put that asks for no old item is sent asking for it: the item before, without a read; an
    // update that asks for nothing is sent asking for its new item: the item after, without a read.
    const returnsNothing = (request.ReturnValues ?? 'NONE') === 'NONE';
    const oldFromAnswer = op === 'PutItem' && returnsNothing;
    const newFromAnswer = op === 'UpdateItem' && returnsNothing;
    const added = oldFromAnswer ? 'ALL_OLD' : newFromAnswer ? 'ALL_NEW' : undefined;
    const toSend = added ? { ...sent, ReturnValues: added } : sent;
    return this.locks.run([`${tableName}|${canonical(key)}`], async () => {
      const before = oldFromAnswer ? undefined : await this.getItem(tableName, key);
      const sentAnswer = await send(op, toSend);
      const answer = added ? withoutReturnedItem(sentAnswer) : sentAnswer;
      if (answer.status === 200) {
        const answered =
          request.ReturnValues === 'ALL_NEW' || newFromAnswer
            ? asItem(sentAnswer.json.Attributes)
            : undefined;
        const after =
          op === 'PutItem'
            ? newItem
            : op === 'UpdateItem'
              ? (answered ?? (await this.getItem(tableName, key)))
              : undefined;
        const old = oldFromAnswer ? asItem(sentAnswer.json.Attributes) : before;
        this.addWrite(op, old, after, schema);
      } else if (text(answer.json.__type)?.endsWith('ConditionalCheckFailedException')) {
        // Billed at the existing item's size (or 1); no index is touched.
        const existing = oldFromAnswer ? await this.getItem(tableName, key) : before;
        this.usage.failedConditionalWrites++;
        this.addUnits(op, 0, writeUnits(itemSize(existing)));
      }
      return answer;
    });
  }

  private async batchWrite(request: Json, sent: Json, send: DynamoCall): Promise<DynamoAnswer> {
    const requestItems = isObject(request.RequestItems) ? request.RequestItems : {};
    const writes: { table: string; schema: TableSchema; key: Item; put?: Item; lock: string }[] = [];
    for (const [table, list] of Object.entries(requestItems)) {
      const schema = await this.schemaOf(table).catch(() => undefined);
      if (!schema) return send('BatchWriteItem', sent);
      for (const entry of Array.isArray(list) ? list.filter(isObject) : []) {
        const put = isObject(entry.PutRequest) ? asItem(entry.PutRequest.Item) : undefined;
        const deleteKey = isObject(entry.DeleteRequest) ? asItem(entry.DeleteRequest.Key) : undefined;
        const key = put ? keyOf(put, schema.keys) : (deleteKey ?? {});
        writes.push({ table, schema, key, ...(put ? { put } : {}), lock: `${table}|${canonical(key)}` });
      }
    }
    return this.locks.run(
      writes.map((w) => w.lock),
      async () => {
        const befores = await Promise.all(writes.map((w) => this.getItem(w.table, w.key)));
        const answer = await send('BatchWriteItem', sent);
        if (answer.status !== 200) return answer;
        const unprocessed = new Set<string>();
        const left = isObject(answer.json.UnprocessedItems) ? answer.json.UnprocessedItems : {};
        for (const [table, list] of Object.entries(left)) {
          for (const entry of Array.isArray(list) ? list.filter(isObject) : []) {
            const schema = await this.schemaOf(table);
            const put = isObject(entry.PutRequest) ? asItem(entry.PutRequest.Item) : undefined;
            const del = isObject(entry.DeleteRequest) ? asItem(entry.DeleteRequest.Key) : undefined;
            unprocessed.add(`${table}|${canonical(put ? keyOf(put, schema.keys) : (del ?? {}))}`);
          }
        }
        writes.forEach((w, i) => {
          if (!unprocessed.has(w.lock)) this.addWrite('BatchWriteItem', befores[i], w.put, w.schema);
        });
        return answer;
      },
    );
  }

  // ---------------------------------------------------------------- helpers

  private async getItem(table: string, key: unknown): Promise<Item | undefined> {
    this.usage.meterReads++;
    const answer = await this.call('GetItem', { TableName: table, Key: key, ConsistentRead: true });
    return answer.status === 200 ? asItem(answer.json.Item) : undefined;
  }

  private schemaOf(table: string): Promise<TableSchema> {
    let schema = this.schemas.get(table);
    if (!schema) {
      schema = this.describe(table);
      this.schemas.set(table, schema);
      // A table created later under the same name is described again.
      schema.catch(() => this.schemas.delete(table));
    }
    return schema;
  }

  private async describe(table: string): Promise<TableSchema> {
    const answer = await this.call('DescribeTable', { TableName: table });
    const description = isObject(answer.json.Table) ? answer.json.Table : undefined;
    if (answer.status !== 200 || !description) {
      throw new Error(`DescribeTable ${table}: HTTP ${answer.status} ${JSON.stringify(answer.json)}`);
    }
    const keyNames = (schema: unknown): string[] =>
      (Array.isArray(schema) ? schema.filter(isObject) : [])
        .map((k) => text(k.AttributeName))
        .filter((k): k is string => k !== undefined);
    const indexes: IndexSchema[] = [];
    for (const list of [description.GlobalSecondaryIndexes, description.LocalSecondaryIndexes]) {
      for (const index of Array.isArray(list) ? list.filter(isObject) : []) {
        const projection = isObject(index.Projection) ? index.Projection : {};
        const type = text(projection.ProjectionType);
        indexes.push({
          name: text(index.IndexName) ?? '',
          keys: keyNames(index.KeySchema),
          projection: type === 'KEYS_ONLY' || type === 'INCLUDE' ? type : 'ALL',
          include: Array.isArray(projection.NonKeyAttributes)
            ? projection.NonKeyAttributes.filter((a): a is string => typeof a === 'string')
            : [],
        });
      }
    }
    return { name: table, keys: keyNames(description.KeySchema), indexes };
  }

  private tally(op: string, read: number, write: number): OperationTally {
    const t = this.usage.byOperation[op] ?? { calls: 0, readUnits: 0, writeUnits: 0 };
    this.usage.byOperation[op] = t;
    t.readUnits += read;
    t.writeUnits += write;
    return t;
  }

  private indexTally(index: string): { readUnits: number; writeUnits: number } {
    const t = this.usage.byIndex[index] ?? { readUnits: 0, writeUnits: 0 };
    this.usage.byIndex[index] = t;
    return t;
  }

  private addUnits(op: string, read: number, write: number): void {
    this.tally(op, read, write);
    this.usage.readUnits += read;
    this.usage.writeUnits += write;
  }

  private addRead(op: string, units: number, index: string | undefined): void {
    this.addUnits(op, units, 0);
    if (index) this.indexTally(index).readUnits += units;
  }

  private addWrite(op: string, before: Item | undefined, after: Item | undefined, schema: TableSchema): void {
    const cost = writeCost(before, after, schema);
    this.addUnits(op, 0, cost.total);
    this.usage.indexWriteUnits += cost.total - cost.table;
    for (const [index, units] of Object.entries(cost.indexes)) {
      if (units > 0) this.indexTally(index).writeUnits += units;
    }
  }

  /** Adds dynalite's own ConsumedCapacity (one object, or one per table for batches). */
  private noteDynalite(op: string, consumed: unknown): void {
    const list = Array.isArray(consumed) ? consumed : [consumed];
    const units = list.reduce<number>(
      (sum, c) => sum + (isObject(c) && typeof c.CapacityUnits === 'number' ? c.CapacityUnits : 0),
      0,
    );
    if (READS.has(op)) this.usage.dynalite.readUnits += units;
    else this.usage.dynalite.writeUnits += units;
  }
}
