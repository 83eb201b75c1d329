/**
 * The AWS emulators the handlers talk to through the real SDK clients: dynalite (DynamoDB; in
 * memory, or on disk under a path) and aws-ses-v2-local (SES v2; keeps mail in memory, its page
 * `GET /` shows every email). Both run in this process on 127.0.0.1 with free ports.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import sesModule from 'aws-ses-v2-local';
import dynalite from 'dynalite';
import { type CfnTemplate, TemplateResolver } from './cfn.ts';
import { portFor } from './ports.ts';
import { closeServer } from './sfn-endpoint.ts';

/** The region and dummy credentials every local client uses. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'ap-southeast-1',
  AWS_DEFAULT_REGION: 'ap-southeast-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

export interface Emulators {
  dynamodbUrl: string;
  sesUrl: string;
  /** `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SESV2`, region and dummy credentials. */
  env: Record<string, string>;
  /** Creates the template's tables (see `createTablesFromStack`). */
  createTablesFromStack(template: CfnTemplate, resolver?: TemplateResolver): Promise<string[]>;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  /** Keep DynamoDB data on disk in this folder (LevelDB); in memory when absent. */
  dynamodbPath?: string;
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  if (options.dynamodbPath) mkdirSync(options.dynamodbPath, { recursive: true });
  // dynalite's in-memory store keeps every key and value as a small Buffer; from Node's shared
  // 8 KB pool, each one kept alive keeps its whole slab (measured: ~1.3 MiB per unit of a period,
  // 1.5 GiB of array buffers at 1,000 units). Unpooled, each keeps only its own bytes.
  if (!options.dynamodbPath) Buffer.poolSize = 0;
  const db = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dynamodbPath ? { path: options.dynamodbPath } : {}),
  });
  const dbPort = await portFor('dynamodb');
  await new Promise<void>((resolve) => db.listen(dbPort, '127.0.0.1', resolve));
  const dynamodbUrl = `http://127.0.0.1:${(db.address() as AddressInfo).port}`;

  const startSes = ((sesModule as unknown as { default?: unknown }).default ?? sesModule) as (config: {
    host: string;
    port: number;
  }) => Promise<Server>;
  const ses = await startSes({ host: '127.0.0.1', port: await portFor('sesv2') });
  const sesUrl = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  // The emulator's store is per process: start each runtime with an empty mailbox.
  await fetch(`${sesUrl}/clear-store`, { method: 'POST' });

  const env = {
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodbUrl,
    AWS_ENDPOINT_URL_SESV2: sesUrl,
  };
  return {
    dynamodbUrl,
    sesUrl,
    env,
    createTablesFromStack: (template, resolver) =>
      createTablesFromStack(template, dynamoClient(dynamodbUrl), resolver),
    stop: async () => {
      await Promise.all([closeServer(db), closeServer(ses)]);
    },
  };
}

export function dynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

type TableProps = Record<string, unknown> & {
  KeySchema?: unknown;
  AttributeDefinitions?: unknown;
  GlobalSecondaryIndexes?: Record<string, unknown>[];
  BillingMode?: string;
};

/**
 * Creates every `AWS::DynamoDB::Table` of a synthesized template with its keys, attributes and
 * global secondary indexes, on demand as the stack declares it, named as the local runtime names
 * it (its `TableName`, else its logical id); tables that exist already are left as they are.
 * Returns the names of the tables created.
 */
export async function createTablesFromStack(
  template: CfnTemplate,
  client: DynamoDBClient,
  resolver: TemplateResolver = new TemplateResolver(template),
): Promise<string[]> {
  const created: string[] = [];
  for (const [logicalId, resource] of resolver.resourcesOfType('AWS::DynamoDB::Table')) {
    const props = resolver.flatten(resource.Properties ?? {}) as TableProps;
    const TableName = resolver.localName(logicalId);
    if (props.BillingMode !== 'PAY_PER_REQUEST') {
      throw new Error(
        `Table ${logicalId}: the local runtime creates on-demand (PAY_PER_REQUEST) tables only`,
      );
    }
    const input = {
      TableName,
      KeySchema: props.KeySchema,
      AttributeDefinitions: props.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      ...(props.GlobalSecondaryIndexes?.length
        ? {
            GlobalSecondaryIndexes: props.GlobalSecondaryIndexes.map((i) => ({
              IndexName: i.IndexName,
              KeySchema: i.KeySchema,
              Projection: i.Projection,
            })),
          }
        : {}),
    } as CreateTableCommandInput;
    try {
      await client.send(new CreateTableCommand(input));
      created.push(TableName);
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) {
        throw new Error(
          `Creating table ${TableName} (${logicalId}) locally failed: ${(error as Error).message}`,
        );
      }
    }
    for (let i = 0; i < 200; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  return created;
}
