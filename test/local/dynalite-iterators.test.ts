/**
 * dynalite leaves the level iterator of every Query and Scan open (local/runtime/dynalite-iterators.ts);
 * each one kept a version of the in-memory table alive, so the local runtime's memory grew with
 * every read and write. With `closeDynaliteIterators` (called by the runtime's dynalite thread and
 * by the test helper), every iterator a Query or Scan opens is closed: cut short by `Limit`, read
 * to its end, or finding nothing.
 */
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dynaliteIteratorPrototype } from '../../local/runtime/dynalite-iterators.ts';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';

let table: TestTable;
const open = new Set<object>();
let opened = 0;
let restore = () => {};

beforeAll(async () => {
  table = await startDynalite('iterators');
  // Every iterator reads through `next` (counted open on its first read) and ends with `close`.
  const proto = dynaliteIteratorPrototype() as unknown as {
    next(this: object): Promise<unknown>;
    close(this: object): Promise<void>;
  };
  const { next, close } = proto;
  restore = () => Object.assign(proto, { next, close });
  proto.next = function () {
    if (!open.has(this)) opened++;
    open.add(this);
    return next.call(this);
  };
  proto.close = function () {
    open.delete(this);
    return close.call(this);
  };
  for (let i = 0; i < 6; i++) {
    await table.client.send(
      new PutCommand({ TableName: table.tableName, Item: { pk: 'UNIT#a', sk: `P#${i}`, n: i } }),
    );
  }
});
afterAll(async () => {
  restore();
  await table.close();
});

const settled = async () => {
  for (let i = 0; i < 20 && open.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
};

it('closes every iterator a Query or Scan opened, whether Limit cut it short, it ran to the end or found nothing', async () => {
  const query = (extra: Record<string, unknown>) =>
    table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'UNIT#a' },
        ConsistentRead: true,
        ...extra,
      }),
    );
  for (let i = 0; i < 10; i++) {
    expect((await query({ Limit: 2, ScanIndexForward: false })).Items).toHaveLength(2);
    expect((await query({})).Items).toHaveLength(6);
    expect(
      (
        await query({
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'UNIT#none' },
        })
      ).Items,
    ).toEqual([]);
    expect(
      (await table.client.send(new ScanCommand({ TableName: table.tableName, Limit: 1 }))).Items,
    ).toHaveLength(1);
  }
  await settled();
  expect(opened).toBeGreaterThanOrEqual(40);
  expect(open.size).toBe(0);
});
