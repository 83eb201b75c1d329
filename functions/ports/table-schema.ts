/**
 * The district table's shape: the one source of truth for the CDK stack (infra/) and for the
 * local runtime and tests (which create the same table in dynalite). Key design: docs/store.md.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export interface KeyAttribute {
  readonly name: string;
  /** Every key is a string. Equal to CDK's `AttributeType.STRING` value. */
  readonly type: 'S';
}

export interface GlobalIndexSchema {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'ALL';
}

export interface TableSchema {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalSecondaryIndexes: readonly GlobalIndexSchema[];
  /** Epoch seconds after which DynamoDB may delete the item (sessions, sign-in links). */
  readonly timeToLiveAttribute: string;
}

export const TABLE_SCHEMA = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    {
      /** Listings: a period's reports, approvals and audit; every outbox message newest first. */
      indexName: 'gsi1',
      partitionKey: { name: 'gsi1pk', type: 'S' },
      sortKey: { name: 'gsi1sk', type: 'S' },
      projection: 'ALL',
    },
    {
      /** Sparse work queues: undelivered decisions, gone tasks, mail needing attention. */
      indexName: 'gsi2',
      partitionKey: { name: 'gsi2pk', type: 'S' },
      sortKey: { name: 'gsi2sk', type: 'S' },
      projection: 'ALL',
    },
  ],
  timeToLiveAttribute: 'purgeAt',
} as const satisfies TableSchema;

/**
 * `CreateTable` input for dynalite and the local runtime (on-demand billing, as in the cloud).
 * dynalite cannot enable TTL; nothing relies on TTL for correctness (reads check expiry).
 */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const s: TableSchema = TABLE_SCHEMA;
  const keyNames = [
    s.partitionKey,
    s.sortKey,
    ...s.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyNames.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    KeySchema: [
      { AttributeName: s.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: s.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: s.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: g.projection },
    })),
  };
}
