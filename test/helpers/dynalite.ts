/**
 * An in-memory dynalite with the district table created from TABLE_SCHEMA, for tests of the
 * storage port. (local/runtime/emulators.ts is the runtime's version; this stays small and test-only.)
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { createDocumentClient } from '#ports/dynamo/table';
import { createTableInput } from '#ports/table-schema';
import { atomicDynaliteWrites } from '../../local/runtime/dynalite-atomic.ts';
import { closeDynaliteIterators } from '../../local/runtime/dynalite-iterators.ts';

export interface TestTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBDocumentClient;
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function startDynalite(tableName = 'thidua-test'): Promise<TestTable> {
  closeDynaliteIterators(); // as the runtime's dynalite thread does
  atomicDynaliteWrites();
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = new DynamoDBClient({ endpoint, region: 'local', credentials });
  await raw.send(new CreateTableCommand(createTableInput(tableName)));
  return {
    endpoint,
    tableName,
    client: createDocumentClient(raw),
    close: async () => {
      raw.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
