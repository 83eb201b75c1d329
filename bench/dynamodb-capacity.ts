/**
 * DynamoDB's on-demand billing rules, as pure functions over items in the wire format
 * (`{ name: { S: '…' } }`), for the metering proxy (bench/dynamodb-meter.ts).
 *
 * Item size (AWS "Item sizes and formats"): attribute names and strings count their UTF-8 bytes;
 * a number counts 1 byte per two significant digits plus 1; binary its raw bytes; null and
 * boolean 1 byte; a list or map 3 bytes plus, per element, 1 byte and the element's size (and, in a
 * map, its name); a set the sum of its elements.
 *
 * Reads: 1 RRU per 4 KB for a strongly consistent read, half for an eventually consistent one,
 * double for a transactional one, at least one 4 KB step per request (a read that finds nothing
 * still costs one). GetItem rounds its item, BatchGetItem each item, Query and Scan the sum of
 * every item they evaluated (before a filter, whatever the projection returns).
 * Writes: 1 WRU per 1 KB of the larger of the item before and after, at least 1 (a delete of
 * nothing, a write whose condition failed: the existing item's size, or 1). Every secondary
 * index the item is, or was, projected into adds its own writes (see `indexWriteUnits`).
 * Storage: item size + 100 bytes per item, and per index entry.
 */

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: boolean }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Item };

export type Item = Record<string, AttributeValue>;

export type ReadConsistency = 'eventual' | 'strong' | 'transactional';

/** Bytes DynamoDB adds per item and per index entry when it bills storage. */
export const STORAGE_OVERHEAD_BYTES = 100;
export const READ_UNIT_BYTES = 4096;
export const WRITE_UNIT_BYTES = 1024;

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Significant digits of a DynamoDB number (leading and trailing zeros do not count). */
function numberSize(n: string): number {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

const binarySize = (base64: string): number => Buffer.from(base64, 'base64').length;

/** The size of one attribute value (without its name). */
export function valueSize(value: AttributeValue): number {
  if ('S' in value) return utf8(value.S);
  if ('N' in value) return numberSize(value.N);
  if ('B' in value) return binarySize(value.B);
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return value.SS.reduce((sum, s) => sum + utf8(s), 0);
  if ('NS' in value) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if ('BS' in value) return value.BS.reduce((sum, b) => sum + binarySize(b), 0);
  if ('L' in value) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  return 3 + Object.entries(value.M).reduce((sum, [name, v]) => sum + 1 + utf8(name) + valueSize(v), 0);
}

/** The size DynamoDB bills an item at: every attribute's name and value. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, v]) => sum + utf8(name) + valueSize(v), 0);
}

/** Read request units for `bytes` read in one request (or one item of a batch). */
export function readUnits(bytes: number, consistency: ReadConsistency): number {
  const steps = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  const factor = consistency === 'eventual' ? 0.5 : consistency === 'strong' ? 1 : 2;
  return steps * factor;
}

/** Write request units for writing `bytes` (the larger of the item before and after). */
export function writeUnits(bytes: number, transactional = false): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES)) * (transactional ? 2 : 1);
}

export interface IndexSchema {
  name: string;
  /** Partition key, then sort key when there is one. */
  keys: readonly string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** Non-key attributes of an INCLUDE projection. */
  include?: readonly string[];
}

export interface TableSchema {
  name: string;
  keys: readonly string[];
  /** Global and local secondary indexes: both bill writes the same way. */
  indexes: readonly IndexSchema[];
}

/** The entry an item has in an index, or undefined when the item lacks an index key (sparse). */
export function indexEntry(item: Item | undefined, table: TableSchema, index: IndexSchema): Item | undefined {
  if (!item || index.keys.some((k) => !(k in item))) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([...table.keys, ...index.keys, ...(index.include ?? [])]);
  const entry: Item = {};
  for (const [name, value] of Object.entries(item)) if (names.has(name)) entry[name] = value;
  return entry;
}

/** A stable text form of a value or item (map keys sorted), for comparing and keying. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The key attributes of an item (for a shadow read or a lock). */
export function keyOf(item: Item, keys: readonly string[]): Item {
  const key: Item = {};
  for (const k of keys) {
    const v = item[k];
    if (v !== undefined) key[k] = v;
  }
  return key;
}

/**
 * Write units one index spends when an item goes from `before` to `after` (either may be
 * absent), per AWS's rules for secondary indexes: an entry put (the item gains the index key)
 * or deleted (it loses it) is one write of that entry's size; a changed index key is two (delete
 * the old entry, put the new); a changed projected attribute under the same key is one write of
 * the new entry; an entry that does not change costs nothing.
 */
export function indexWriteUnits(
  before: Item | undefined,
  after: Item | undefined,
  table: TableSchema,
  index: IndexSchema,
): number {
  const old = indexEntry(before, table, index);
  const next = indexEntry(after, table, index);
  if (!old && !next) return 0;
  if (!old) return writeUnits(itemSize(next));
  if (!next) return writeUnits(itemSize(old));
  const keyChanged = index.keys.some((k) => canonical(old[k]) !== canonical(next[k]));
  if (keyChanged) return writeUnits(itemSize(old)) + writeUnits(itemSize(next));
  return canonical(old) === canonical(next) ? 0 : writeUnits(itemSize(next));
}

export interface WriteCost {
  table: number;
  /** Index name → write units. */
  indexes: Record<string, number>;
  total: number;
}

/** Write units of a write that succeeded, table and indexes. */
export function writeCost(before: Item | undefined, after: Item | undefined, table: TableSchema): WriteCost {
  const tableUnits = writeUnits(Math.max(itemSize(before), itemSize(after)));
  const indexes: Record<string, number> = {};
  let total = tableUnits;
  for (const index of table.indexes) {
    const units = indexWriteUnits(before, after, table, index);
    indexes[index.name] = units;
    total += units;
  }
  return { table: tableUnits, indexes, total };
}

/** Storage bytes of an item and of its index entries, overhead included. */
export function storedBytes(item: Item, table: TableSchema): { table: number; indexes: number } {
  let indexes = 0;
  for (const index of table.indexes) {
    const entry = indexEntry(item, table, index);
    if (entry) indexes += itemSize(entry) + STORAGE_OVERHEAD_BYTES;
  }
  return { table: itemSize(item) + STORAGE_OVERHEAD_BYTES, indexes };
}
