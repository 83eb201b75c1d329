/**
 * The AWS emulators the handlers talk to through the real SDK clients: dynalite (DynamoDB; in
 * memory, or on disk under a path) and aws-ses-v2-local (SES v2; keeps mail in memory, its page
 * `GET /` shows every email). Both listen on 127.0.0.1 with free ports; dynalite on a worker thread
 * of its own (dynalite-worker.ts), so that its work runs beside the handlers' on a second core.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import sesModule from 'aws-ses-v2-local';
import { type CfnTemplate, TemplateResolver } from './cfn.ts';
import { refuseBrowsers } from './loopback.ts';
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
  /** dynalite started before on `dynamodbPath` (`startDiskDynalite`): used instead of starting one. */
  dynalite?: Promise<Dynalite>;
}

/** dynalite on its thread, as `startDynalite` answers it. */
export interface Dynalite {
  url: string;
  /** Once; a second call answers the first's promise. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on disk under `path` for a runtime to come (`EmulatorOptions.dynalite`): its
 * thread loads and opens the store while the caller does the rest of its start.
 */
export async function startDiskDynalite(path: string): Promise<Dynalite> {
  mkdirSync(path, { recursive: true });
  return startDynalite(await portFor('dynamodb'), path);
}

export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const db = await (options.dynalite ??
    (options.dynamodbPath
      ? startDiskDynalite(options.dynamodbPath)
      : startDynalite(await portFor('dynamodb'))));
  const dynamodbUrl = db.url;

  const startSes = ((sesModule as unknown as { default?: unknown }).default ?? sesModule) as (config: {
    host: string;
    port: number;
  }) => Promise<Server>;
  const ses = await startSes({ host: '127.0.0.1', port: await portFor('sesv2') });
  // Its `/store` holds every mail, signed links included: the runtime's alone (./loopback.ts).
  refuseBrowsers(ses);
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
      await Promise.all([db.stop(), closeServer(ses)]);
    },
  };
}

/**
 * dynalite on its own thread, listening on `port` (in memory, or on disk under `path`). `stop`
 * closes it and its store, then ends the thread. The thread does not keep the process alive.
 */
export async function startDynalite(port: number, path?: string): Promise<Dynalite> {
  const worker = new Worker(new URL('./dynalite-worker.ts', import.meta.url), {
    workerData: { port, ...(path ? { path } : {}) },
    // Node runs the worker's erasable TypeScript itself: no loader (Vitest's) on that thread.
    execArgv: [],
  });
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const fail = (error: Error) => reject(new Error(`dynalite's thread failed: ${error.message}`));
      worker.once('error', fail);
      worker.once('message', (message: unknown) => {
        worker.off('error', fail);
        resolve(message);
      });
    });
  const listening = (await next()) as { port: number }; // posted by dynalite-worker.ts
  worker.unref();
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // While it closes, the thread keeps the process alive: its answer may be the only thing left
    // to wait for, and an unreferenced thread would let the process end before it comes.
    worker.ref();
    const stopped = next();
    worker.postMessage('stop');
    await stopped;
    await worker.terminate();
  };
  return {
    url: `http://127.0.0.1:${listening.port}`,
    // A stopped thread answers no second 'stop': a second call waits for the first.
    stop: () => {
      stopping ??= stop();
      return stopping;
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
