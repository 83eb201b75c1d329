import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, type TestTable } from './dynalite.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let table: TestTable;

beforeAll(async () => {
  table = await startDynalite('fault-proxy');
});
afterAll(async () => table.close());

async function withProxy(
  options: Omit<Parameters<typeof startFaultProxy>[0], 'target'>,
  run: (client: DynamoDBClient, proxy: FaultProxy) => Promise<void>,
) {
  const proxy = await startFaultProxy({ target: table.endpoint, ...options });
  const client = new DynamoDBClient({ endpoint: proxy.url, region: 'local', credentials, maxAttempts: 3 });
  try {
    await run(client, proxy);
  } finally {
    client.destroy();
    await proxy.close();
  }
}

const item = (pk: string) => ({ pk: { S: pk }, sk: { S: 'X' } });
const stored = async (pk: string) =>
  (
    await new DynamoDBClient({ endpoint: table.endpoint, region: 'local', credentials }).send(
      new GetItemCommand({ TableName: table.tableName, Key: item(pk), ConsistentRead: true }),
    )
  ).Item;

describe('fault proxy in front of dynalite', () => {
  it('a fault before the call fails it after the SDK retries, and nothing is written', async () => {
    await withProxy({ rate: 1, seed: 's', kinds: ['before'] }, async (client, proxy) => {
      await expect(
        client.send(new PutItemCommand({ TableName: table.tableName, Item: item('before') })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500, attempts: 3 } });
      expect(proxy.injected).toEqual([{ kind: 'before', operation: 'PutItem' }]);
    });
    expect(await stored('before')).toBeUndefined();
  });

  it('a lost response fails the call although the write was applied, once', async () => {
    await withProxy({ rate: 1, seed: 's', kinds: ['lost'] }, async (client) => {
      await expect(
        client.send(
          new PutItemCommand({
            TableName: table.tableName,
            Item: item('lost'),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    });
    expect(await stored('lost')).toBeDefined();
  });

  it('fails about the share asked for, and none once healed', async () => {
    await withProxy({ rate: 0.2, seed: 'share' }, async (client, proxy) => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          client.send(new GetItemCommand({ TableName: table.tableName, Key: item(`g${i}`) })),
        ),
      );
      const failed = outcomes.filter((o) => o.status === 'rejected').length;
      expect(failed).toBe(proxy.injected.length);
      expect(failed).toBeGreaterThan(10);
      expect(failed).toBeLessThan(80);
      proxy.heal();
      await expect(
        client.send(new GetItemCommand({ TableName: table.tableName, Key: item('healed') })),
      ).resolves.toBeDefined();
    });
  });
});
