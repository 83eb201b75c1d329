/**
 * An item and its secondary-index entries change in one LevelDB write (local/runtime/
 * dynalite-atomic.ts), as DynamoDB changes them in one write: a product killed at any moment leaves
 * no index out of step with the table. The test records every LevelDB write dynalite makes while
 * an outbox-like item is claimed, marked sent, listed, re-keyed, written in a batch and deleted,
 * then replays every prefix of those writes — the store as a process killed after each one would
 * leave it on disk — and checks that each item's index entries are exactly the ones its attributes
 * call for, and that no entry is left without its item.
 */
import { isDeepStrictEqual } from 'node:util';
import { BatchWriteCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type BatchOp,
  type DynaliteDb,
  dynaliteDb,
  indexPrefix,
  itemPrefix,
  type Store,
  type Table,
} from '../../local/runtime/dynalite-atomic.ts';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';

const TABLE = 'atomic';
let table: TestTable;
/** Every LevelDB write, in order; each one is atomic (a put, a delete or a batch). */
const writes: BatchOp[][] = [];
let db: DynaliteDb;

beforeAll(async () => {
  db = dynaliteDb();
  const create = db.create;
  // The store of the server startDynalite starts (after making dynalite's writes atomic).
  db.create = (options) => {
    const store: Store = create(options);
    const level = store.db as unknown as {
      put(key: string, value: unknown, cb: unknown): void;
      del(key: string, cb: unknown): void;
      batch(ops: BatchOp[], cb: unknown): void;
    };
    const { put, del, batch } = level;
    level.put = (key, value, cb) => {
      writes.push([{ type: 'put', key, value: value as Record<string, unknown> }]);
      put(key, value, cb);
    };
    level.del = (key, cb) => {
      writes.push([{ type: 'del', key }]);
      del(key, cb);
    };
    level.batch = (ops, cb) => {
      writes.push(ops);
      batch(ops, cb);
    };
    return store;
  };
  try {
    table = await startDynalite(TABLE);
  } finally {
    db.create = create;
  }
});
afterAll(async () => {
  await table?.close();
});

/** What is wrong between the items and the index entries of a store state (none: an empty list). */
function outOfStep(state: Map<string, unknown>): string[] {
  const problems: string[] = [];
  const description = state.get(`table~${TABLE}`) as Table | undefined;
  if (!description) return problems;
  const expected = new Map<string, unknown>();
  for (const [key, item] of state) {
    if (!key.startsWith(itemPrefix(TABLE))) continue;
    for (const type of ['Local', 'Global']) {
      const indexes = (description[`${type}SecondaryIndexes`] as unknown[] | undefined) ?? [];
      for (const p of db.getIndexActions(indexes, null, item as Record<string, unknown>, description).puts) {
        expected.set(indexPrefix(type, TABLE, p.index) + p.key, p.item);
      }
    }
  }
  const isIndexEntry = (key: string) => key.startsWith('index-') && key.includes(`~${TABLE}~`);
  for (const [key, entry] of state) {
    if (!isIndexEntry(key)) continue;
    if (!expected.has(key)) problems.push(`an entry without its item: ${key}`);
    else if (!isDeepStrictEqual(expected.get(key), entry)) problems.push(`an entry out of date: ${key}`);
  }
  for (const key of expected.keys()) if (!state.has(key)) problems.push(`an item's entry missing: ${key}`);
  return problems;
}

it('leaves items and their index entries in step after every write, wherever a kill would stop it', async () => {
  const recordedFrom = writes.length;
  const { client, tableName } = table;
  const key = { pk: 'OUTBOX#k', sk: 'OUTBOX' };
  // Claimed: listed (gsi1) and waiting in the claims (gsi2).
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...key,
        status: 'claimed',
        gsi1pk: 'OUTBOX',
        gsi1sk: 't1#k',
        gsi2pk: 'MAIL_CLAIMED',
        gsi2sk: 't1#k',
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  // Sent: out of the claims, still listed.
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET #s = :sent REMOVE gsi2pk, gsi2sk',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':sent': 'sent' },
    }),
  );
  // Listed under another sort key (each index entry moves).
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET gsi1sk = :sk, gsi2pk = :a, gsi2sk = :sk',
      ExpressionAttributeValues: { ':sk': 't2#k', ':a': 'MAIL_ATTENTION' },
    }),
  );
  await client.send(
    new BatchWriteCommand({
      RequestItems: {
        [tableName]: [1, 2, 3].map((n) => ({
          PutRequest: {
            Item: { pk: `UNIT#${n}`, sk: 'P#PROGRESS', gsi1pk: 'PERIOD#PROGRESS', gsi1sk: `u${n}` },
          },
        })),
      },
    }),
  );
  await client.send(new DeleteCommand({ TableName: tableName, Key: key }));

  // Replay: the store after each LevelDB write, from the first one (the table's creation).
  const state = new Map<string, unknown>();
  const found: string[] = [];
  for (const [i, write] of writes.entries()) {
    for (const op of write) {
      if (op.type === 'put') state.set(op.key, op.value);
      else state.delete(op.key);
    }
    for (const problem of outOfStep(state)) found.push(`after write ${i + 1}: ${problem}`);
  }
  expect(found).toEqual([]);
  // The writes that change an item and its entries are the item's own: one each, index entries inside.
  const itemWrites = writes
    .slice(recordedFrom)
    .filter((w) => w.some((op) => op.key.startsWith(itemPrefix(TABLE))));
  expect(itemWrites).toHaveLength(1 + 2 + 3 + 1);
  expect(itemWrites.every((w) => w.at(-1)?.key.startsWith(itemPrefix(TABLE)))).toBe(true);
  expect(itemWrites.filter((w) => w.some((op) => op.key.startsWith('index-'))).length).toBe(7);
  // And the end state is the one the writes describe: three progress items, each listed.
  expect([...state.keys()].filter((k) => k.startsWith(itemPrefix(TABLE)))).toHaveLength(3);
  expect([...state.keys()].filter((k) => k.startsWith('index-'))).toHaveLength(3);
});
