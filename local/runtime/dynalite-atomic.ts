/**
 * dynalite (4.0.0) writes an item in several LevelDB writes: first its secondary-index entries
 * (the old ones deleted, then the new ones put), then the item itself. A process killed between
 * them leaves an index out of step with the table — on disk, for good: an outbox claim marked
 * `sent` whose `MAIL_CLAIMED` entry was already deleted but whose item still says `claimed`, so
 * the sweep never finds it to mark it ambiguous; a report whose `FOLLOWUP` entry was never written,
 * so nobody finishes its follow-up. DynamoDB applies an item and its indexes as one write.
 *
 * `atomicDynaliteWrites` makes dynalite do the same: the index entries an item's write computes
 * are held back and written with the item in one LevelDB batch (atomic in LevelDB's log, and in
 * memory-level). dynalite's put, update and delete (and batch writes, made of puts and deletes)
 * all compute the entries (`updateIndexes`) under the item's lock, then write the item; the entries
 * wait for that write in their store, under the table's name and the item's key. Written in
 * erasable TypeScript only, like dynalite-worker.ts, which calls it before dynalite serves.
 */
import { createRequire } from 'node:module';

type Callback = (error?: Error | null) => void;
type Item = Record<string, unknown>;
export type Table = { TableName: string } & Record<string, unknown>;

interface IndexActions {
  puts: { index: string; key: string; item: Item }[];
  deletes: { index: string; key: string }[];
}

export interface BatchOp {
  type: 'put' | 'del';
  key: string;
  value?: Item;
}

/** The prefixed view of dynalite's one LevelDB that holds a table's items. */
interface ItemDb {
  put(key: string, value: Item, callback: Callback): void;
  del(key: string, callback: Callback): void;
}

export interface Store {
  /** The one LevelDB every table, item and index lives in, keys prefixed by what they are. */
  db: { batch(ops: BatchOp[], callback: Callback): void };
  getItemDb(tableName: string): ItemDb;
}

export interface DynaliteDb {
  create(options: unknown): Store;
  updateIndexes(store: Store, table: Table, existingItem: Item | null, item: Item | null, cb: Callback): void;
  getIndexActions(
    indexes: unknown[],
    existingItem: Item | null,
    item: Item | null,
    table: Table,
  ): IndexActions;
  createKey(item: Item, table: Table): string;
  atomicWrites?: boolean;
}

/** dynalite's `db` module: the one its actions call through, wherever npm put it. */
export function dynaliteDb(): DynaliteDb {
  return createRequire(createRequire(import.meta.url).resolve('dynalite'))('./db') as DynaliteDb;
}

// dynalite's own key prefixes (db/index.js, `getSubDb`): `<name>~` before every key of a sub-db.
export const itemPrefix = (tableName: string) => `item-${tableName}~`;
export const indexPrefix = (type: string, tableName: string, index: string) =>
  `index-${type.toLowerCase()}~${tableName}~${index}~`;
const pendingKey = (tableName: string, key: string) => `${tableName}\u0000${key}`;

export function atomicDynaliteWrites(): void {
  const db = dynaliteDb();
  if (db.atomicWrites) return;
  db.atomicWrites = true;
  /**
   * Per store, the index entries each item's coming write must carry: (table, item key) →
   * operations. A store made before this patch has none and keeps dynalite's own writes.
   */
  const pendingOf = new WeakMap<Store, Map<string, BatchOp[]>>();
  const updateIndexes = db.updateIndexes;

  db.updateIndexes = (store, table, existingItem, item, cb) => {
    const pending = pendingOf.get(store);
    if (!pending) return updateIndexes(store, table, existingItem, item, cb);
    const itemOrOld = item ?? existingItem;
    if (!itemOrOld) return cb();
    const deletes: BatchOp[] = [];
    const puts: BatchOp[] = [];
    for (const type of ['Local', 'Global']) {
      const indexes = (table[`${type}SecondaryIndexes`] as unknown[] | undefined) ?? [];
      const actions = db.getIndexActions(indexes, existingItem, item, table);
      for (const d of actions.deletes) {
        deletes.push({ type: 'del', key: indexPrefix(type, table.TableName, d.index) + d.key });
      }
      for (const p of actions.puts) {
        puts.push({ type: 'put', key: indexPrefix(type, table.TableName, p.index) + p.key, value: p.item });
      }
    }
    // As dynalite orders them: an entry whose index key did not change is deleted, then put again.
    pending.set(pendingKey(table.TableName, db.createKey(itemOrOld, table)), [...deletes, ...puts]);
    cb();
  };

  const create = db.create;
  db.create = (options) => {
    const store = create(options);
    const pending = new Map<string, BatchOp[]>();
    pendingOf.set(store, pending);
    const patched = new WeakSet<ItemDb>();
    const getItemDb = store.getItemDb;
    const withEntries = (tableName: string, key: string, op: BatchOp, write: () => void, cb: Callback) => {
      const held = pendingKey(tableName, key);
      const entries = pending.get(held);
      if (!entries) return write();
      pending.delete(held);
      store.db.batch([...entries, op], cb);
    };
    store.getItemDb = (tableName) => {
      const itemDb = getItemDb(tableName);
      if (patched.has(itemDb)) return itemDb;
      patched.add(itemDb);
      const { put, del } = itemDb;
      itemDb.put = (key, value, cb) =>
        withEntries(
          tableName,
          key,
          { type: 'put', key: itemPrefix(tableName) + key, value },
          () => put(key, value, cb),
          cb,
        );
      itemDb.del = (key, cb) =>
        withEntries(
          tableName,
          key,
          { type: 'del', key: itemPrefix(tableName) + key },
          () => del(key, cb),
          cb,
        );
      return itemDb;
    };
    return store;
  };
}
