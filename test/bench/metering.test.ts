/**
 * The metering proxy in front of the real emulators: what it counts for calls made with the real
 * AWS SDK clients, against request units worked out by hand from DynamoDB's published rules
 * (sizes in the comments), and what dynalite itself reports for the same calls.
 */
import { createServer, type Server } from 'node:http';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoUsage } from '../../bench/dynamodb-meter.ts';
import {
  type DynamoDbMeter,
  type Meter,
  operationOf,
  startMeter,
  startMeterThread,
} from '../../bench/metering.ts';
import { startSes, type TestSes } from '../helpers/ses.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The base URL of a server listening on a TCP port of 127.0.0.1. */
function urlOf(server: { address(): ReturnType<Server['address']> }): string {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('not listening on TCP');
  return `http://127.0.0.1:${address.port}`;
}
const TABLE = 'metered';

interface Dynalite {
  url: string;
  close(): Promise<void>;
}

async function startDynaliteWithTable(): Promise<Dynalite> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = urlOf(server);
  await createTable(url);
  return {
    url,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** The test's table (two indexes: gsi1 projecting all, gsi2 keys only) on the DynamoDB at `url`. */
async function createTable(url: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint: url, region: 'local', credentials });
  const key = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  await client.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map(key),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  client.destroy();
}

const s = (value: string) => ({ S: value });
/**
 * 1,495 bytes: pk 2+1, sk 2+1, gsi1pk 6+1, gsi1sk 6+2, body 4+1,470. In gsi1 (ALL), not in gsi2.
 * Writes: 2 WRU on the table, 2 on gsi1.
 */
const itemA = (pk: string, gsi1sk = 's1') => ({
  pk: s(pk),
  sk: s('1'),
  gsi1pk: s('g'),
  gsi1sk: s(gsi1sk),
  body: s('x'.repeat(1470)),
});
/** 6,010 UTF-8 bytes (pk 3, sk 3, body 4 + 2,000 × 3); 2,010 UTF-16 code units. */
const itemV = (pk: string) => ({ pk: s(pk), sk: s('1'), body: s('ệ'.repeat(2000)) });
/** 2,024 bytes; its gsi2 (KEYS_ONLY) entry is pk, sk, gsi2pk, gsi2sk: 20 bytes. */
const itemK = (pk: string, body = 'x') => ({
  pk: s(pk),
  sk: s('1'),
  gsi2pk: s('q'),
  gsi2sk: s('w'),
  body: s(body.repeat(2000)),
});

let db: Dynalite;
let meter: DynamoDbMeter;
let client: DynamoDBClient;

beforeAll(async () => {
  db = await startDynaliteWithTable();
  meter = await startMeter(db.url, 'dynamodb');
  client = new DynamoDBClient({ endpoint: meter.url, region: 'local', credentials, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await meter.close();
  await db.close();
});
beforeEach(() => meter.reset());

function usage(): DynamoUsage {
  const u = meter.snapshot().dynamodb;
  if (!u) throw new Error('the DynamoDB meter has no DynamoDB figures');
  return u;
}

describe('DynamoDB writes', () => {
  it('a put bills 1 WRU per KB on the table and again on each index holding the item', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemA('w1') }));
    const u = usage();
    expect(u.writeUnits).toBe(4);
    expect(u.indexWriteUnits).toBe(2);
    expect(u.byIndex.gsi1?.writeUnits).toBe(2);
    expect(u.byIndex.gsi2).toBeUndefined();
    // dynalite counts the table only.
    expect(u.dynalite.writeUnits).toBe(2);
  });

  it('a put over a larger item is billed at the larger, and its caller gets no old item it did not ask for', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemV('w7') }));
    meter.reset();
    const out = await client.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: s('w7'), sk: s('1'), body: s('x') } }),
    );
    expect(usage().writeUnits).toBe(6);
    expect(out.Attributes).toBeUndefined();
  });

  it('Vietnamese text is billed by its UTF-8 bytes, which dynalite undercounts', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemV('w2') }));
    expect(usage().writeUnits).toBe(6);
    expect(usage().dynalite.writeUnits).toBe(2);
  });

  it('a changed index key costs two index writes, an unprojected change none', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemA('w3') }));
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemK('w4') }));
    expect(usage().writeUnits).toBe(4 + 3); // itemK: 2 on the table, 1 for its 20-byte gsi2 entry
    meter.reset();
    await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: s('w3'), sk: s('1') },
        UpdateExpression: 'SET gsi1sk = :v',
        ExpressionAttributeValues: { ':v': s('s2') },
      }),
    );
    expect(usage().writeUnits).toBe(2 + 2 + 2); // table, old gsi1 entry deleted, new one put
    meter.reset();
    await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: s('w4'), sk: s('1') },
        UpdateExpression: 'SET body = :v',
        ExpressionAttributeValues: { ':v': s('y'.repeat(2000)) },
      }),
    );
    expect(usage().writeUnits).toBe(2); // body is not in the KEYS_ONLY gsi2
    meter.reset();
    // The new item from the answer, not read again: the same bill, and the caller's answer intact.
    const out = await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: s('w3'), sk: s('1') },
        UpdateExpression: 'SET gsi1sk = :v',
        ExpressionAttributeValues: { ':v': s('s3') },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(out.Attributes?.gsi1sk).toEqual(s('s3'));
    expect(usage().writeUnits).toBe(2 + 2 + 2);
  });

  it('a refused condition is billed at the existing item, and the caller still gets the refusal', async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemA('w5') }));
    meter.reset();
    await expect(
      client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: itemA('w5'),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(usage().writeUnits).toBe(2);
    expect(usage().failedConditionalWrites).toBe(1);
    expect(usage().dynalite.writeUnits).toBe(0);
  });

  it('a BatchWriteItem bills each put and delete by itself', async () => {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { pk: s('b1'), sk: s('1'), body: s('x'.repeat(990)) } } }, // 1,000 bytes
            { PutRequest: { Item: itemA('b2') } },
            { DeleteRequest: { Key: { pk: s('none'), sk: s('2') } } },
          ],
        },
      }),
    );
    expect(usage().writeUnits).toBe(1 + 4 + 1);
    expect(usage().dynalite.writeUnits).toBe(1 + 2 + 1);
  });

  it('deleting nothing costs 1; deleting an indexed item frees its index entry too', async () => {
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: s('none'), sk: s('1') } }));
    expect(usage().writeUnits).toBe(1);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemA('w6') }));
    meter.reset();
    await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: s('w6'), sk: s('1') } }));
    expect(usage().writeUnits).toBe(4);
  });
});

describe('DynamoDB reads', () => {
  beforeAll(async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemA('r1') }));
    await client.send(new PutItemCommand({ TableName: TABLE, Item: itemV('r2') }));
    // Five items of 1,000 bytes (pk 2+1, sk 2+1, body 4+990) under one partition: 5 WRU.
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TABLE]: ['1', '2', '3', '4', '5'].map((sk) => ({
            PutRequest: { Item: { pk: s('rq'), sk: s(sk), body: s((sk === '1' ? 'y' : 'x').repeat(990)) } },
          })),
        },
      }),
    );
  });

  it('a GetItem is billed per 4 KB, halved when eventually consistent', async () => {
    const key = { pk: s('r2'), sk: s('1') };
    await client.send(new GetItemCommand({ TableName: TABLE, Key: key }));
    expect(usage().readUnits).toBe(1); // 6,010 bytes: two 4 KB steps, halved
    await client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    expect(usage().readUnits).toBe(1 + 2);
    expect(usage().dynalite.readUnits).toBe(0.5 + 1); // 2,010 UTF-16 units: one step
  });

  it('a Query is billed on every item it evaluated, whatever the filter and projection return', async () => {
    const out = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :p',
        FilterExpression: 'begins_with(#b, :y)',
        ProjectionExpression: '#b',
        ExpressionAttributeNames: { '#b': 'body' },
        ExpressionAttributeValues: { ':p': s('rq'), ':y': s('y') },
      }),
    );
    expect(out.Items).toHaveLength(1);
    expect(usage().readUnits).toBe(1); // 5,000 bytes evaluated: two 4 KB steps, halved
  });

  it('an empty Query still costs one step, which dynalite does not bill', async () => {
    await client.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': s('nothing-here') },
      }),
    );
    expect(usage().readUnits).toBe(0.5);
    expect(usage().byIndex.gsi1?.readUnits).toBe(0.5);
    expect(usage().dynalite.readUnits).toBe(0);
  });

  it('a BatchGetItem rounds each item by itself, and a key that found nothing costs a step', async () => {
    await client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [TABLE]: { Keys: ['r1', 'r2', 'missing'].map((pk) => ({ pk: s(pk), sk: s('1') })) },
        },
      }),
    );
    expect(usage().readUnits).toBe(0.5 + 1 + 0.5);
  });

  it('the answer carries ConsumedCapacity only when the caller asked for it', async () => {
    const key = { pk: s('r1'), sk: s('1') };
    const plain = await client.send(new GetItemCommand({ TableName: TABLE, Key: key }));
    expect(plain.ConsumedCapacity).toBeUndefined();
    expect(plain.Item?.body?.S).toHaveLength(1470);
    const asked = await client.send(
      new GetItemCommand({ TableName: TABLE, Key: key, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(asked.ConsumedCapacity?.CapacityUnits).toBe(0.5);
    expect(meter.snapshot().calls.GetItem).toBe(2);
  });
});

describe('DynamoDB storage', () => {
  it('sums item sizes plus 100 bytes per item and per index entry', async () => {
    const fresh = await startDynaliteWithTable();
    const m = await startMeter(fresh.url, 'dynamodb');
    const c = new DynamoDBClient({ endpoint: m.url, region: 'local', credentials });
    try {
      await c.send(new PutItemCommand({ TableName: TABLE, Item: itemA('a') }));
      await c.send(new PutItemCommand({ TableName: TABLE, Item: itemK('k') }));
      expect(await m.storage()).toEqual({
        items: 2,
        tableBytes: 1495 + 100 + 2024 + 100,
        indexBytes: 1495 + 100 + 20 + 100,
      });
    } finally {
      c.destroy();
      await m.close();
      await fresh.close();
    }
  });
});

describe("the meter on a thread with its own dynalite (the period benchmark's)", () => {
  it('bills and answers every call as the proxy in front of dynalite over HTTP does', async () => {
    const fresh = await startDynaliteWithTable();
    const overHttp = await startMeter(fresh.url, 'dynamodb');
    const inThread = await startMeterThread(undefined, 'dynamodb');
    await createTable(inThread.url);
    await inThread.reset();
    const clients = [overHttp.url, inThread.url].map(
      (endpoint) => new DynamoDBClient({ endpoint, region: 'local', credentials, maxAttempts: 1 }),
    );
    /** The same calls on both: puts, an update that moves an index key, a refused condition, reads. */
    const run = async (c: DynamoDBClient) => {
      const answers: unknown[] = [];
      const keep = async (call: Promise<{ $metadata: unknown }>) => {
        try {
          const { $metadata: _, ...answer } = await call;
          answers.push(answer);
        } catch (error) {
          answers.push({ error: (error as Error).name, message: (error as Error).message });
        }
      };
      await keep(c.send(new PutItemCommand({ TableName: TABLE, Item: itemA('a') })));
      await keep(c.send(new PutItemCommand({ TableName: TABLE, Item: itemK('k'), ReturnValues: 'ALL_OLD' })));
      await keep(c.send(new PutItemCommand({ TableName: TABLE, Item: itemV('v') })));
      await keep(
        c.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: { pk: s('a'), sk: s('1') },
            UpdateExpression: 'SET gsi1sk = :x',
            ExpressionAttributeValues: { ':x': s('s2') },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      await keep(
        c.send(
          new PutItemCommand({
            TableName: TABLE,
            Item: itemK('k', 'y'),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
      await keep(c.send(new GetItemCommand({ TableName: TABLE, Key: { pk: s('v'), sk: s('1') } })));
      await keep(
        c.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :g',
            ExpressionAttributeValues: { ':g': s('g') },
          }),
        ),
      );
      await keep(c.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: s('k'), sk: s('1') } })));
      return answers;
    };
    try {
      const [byHttp, byThread] = [
        await run(clients[0] as DynamoDBClient),
        await run(clients[1] as DynamoDBClient),
      ];
      expect(byThread).toEqual(byHttp);
      expect(byThread[4]).toMatchObject({ error: 'ConditionalCheckFailedException' });
      const [a, b] = [overHttp.snapshot(), await inThread.snapshot()];
      expect(b.calls).toEqual(a.calls);
      expect(b.dynamodb).toEqual(a.dynamodb);
      expect(b.dynamodb?.writeUnits).toBeGreaterThan(0);
      expect(await inThread.storage()).toEqual(await overHttp.storage());
    } finally {
      for (const c of clients) c.destroy();
      await overHttp.close();
      await inThread.close();
      await fresh.close();
    }
  });
});

describe('SES', () => {
  let ses: TestSes;
  let sesMeter: Meter;
  beforeAll(async () => {
    ses = await startSes();
    sesMeter = await startMeter(ses.endpoint, 'ses');
  });
  afterAll(async () => {
    await sesMeter.close();
    await ses.close();
  });

  it('bills every recipient of an accepted message and counts its bytes', async () => {
    const client = new SESv2Client({ endpoint: sesMeter.url, region: 'local', credentials });
    await client.send(
      new SendEmailCommand({
        FromEmailAddress: 'thidua@song-lam.example.org',
        Destination: { ToAddresses: ['a@x.example', 'b@x.example'], CcAddresses: ['c@x.example'] },
        Content: {
          Simple: {
            Subject: { Data: 'Thư mời' }, // 10 bytes
            Body: { Text: { Data: 'abc' }, Html: { Data: '<p>abc</p>' } }, // 3 + 10 bytes
          },
        },
      }),
    );
    client.destroy();
    // The emulator's own mailbox page, reached through the meter, is not an SES call.
    const stored = await (await fetch(`${sesMeter.url}/store`)).json();
    expect(stored).toMatchObject({ emails: [{ subject: 'Thư mời' }] });
    expect(sesMeter.snapshot().ses).toEqual({ messages: 1, emails: 3, bytes: 23, attachmentBytes: 0 });
    expect(sesMeter.snapshot().calls).toEqual({ SendEmail: 1 });
  });
});

describe('HTTP', () => {
  it('counts requests in 512 KB steps and the bytes each way', async () => {
    const big = Buffer.alloc(600 * 1024, 'a');
    const server: Server = createServer((req, res) => res.end(req.url === '/big' ? big : 'ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const m = await startMeter(urlOf(server), 'http');
    try {
      expect(await (await fetch(`${m.url}/small`)).text()).toBe('ok');
      expect((await (await fetch(`${m.url}/big`)).arrayBuffer()).byteLength).toBe(big.length);
      expect(m.snapshot().http).toEqual({
        requests: 2,
        billedRequests: 3,
        requestBytes: 0,
        responseBytes: 2 + big.length,
      });
    } finally {
      await m.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('operation names', () => {
  it('reads JSON targets and the REST calls of SES v2 and EventBridge Scheduler', () => {
    expect(operationOf('POST', '/', 'DynamoDB_20120810.Query')).toBe('Query');
    expect(operationOf('POST', '/v2/email/outbound-emails', undefined)).toBe('SendEmail');
    expect(operationOf('POST', '/schedules/period-2024Q3-open?x=1', undefined)).toBe('CreateSchedule');
    expect(operationOf('DELETE', '/schedules/period-2024Q3-open', undefined)).toBe('DeleteSchedule');
    expect(operationOf('GET', '/schedules', undefined)).toBe('ListSchedules');
  });
});
