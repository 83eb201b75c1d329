/**
 * What the district's records live in: the one table (keys and access patterns in docs/store.md),
 * and the signing key of the emailed links — an SSM SecureString the stack only names (`thidua
 * keys init` creates it before the first deploy: CloudFormation cannot create a SecureString).
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { signingKeyParameterName } from '#ports/signing-key-name';
import { TABLE_SCHEMA } from '#ports/table-schema';
import { Room } from './room.ts';

/** Actions of the store (docs/store.md): no Scan anywhere, no table management. */
const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export interface DistrictDataProps {
  slug: string;
}

export class DistrictData extends Room {
  readonly table: dynamodb.Table;
  /** The SSM parameter holding the signing keyring: `/thidua/<slug>/signing-key`. */
  readonly signingKeyParameterName: string;

  constructor(scope: Construct, id: string, props: DistrictDataProps) {
    super(scope, id);
    const attribute = (k: { name: string }) => ({ name: k.name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: attribute(TABLE_SCHEMA.partitionKey),
      sortKey: attribute(TABLE_SCHEMA.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
    });
    for (const gsi of TABLE_SCHEMA.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: attribute(gsi.partitionKey),
        sortKey: attribute(gsi.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    this.signingKeyParameterName = signingKeyParameterName(props.slug);
  }

  /** Item actions (never Scan) on the table and its indexes: every handler's least privilege on it. */
  itemAccess(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: [...TABLE_ITEM_ACTIONS],
      resources: [
        this.table.tableArn,
        ...TABLE_SCHEMA.globalSecondaryIndexes.map((g) => `${this.table.tableArn}/index/${g.indexName}`),
      ],
    });
  }

  /** `arn:…:ssm:<region>:<account>:parameter/thidua/<slug>/signing-key`. */
  signingKeyParameterArn(): string {
    return Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      // The name starts with `/`; the ARN joins it to `parameter` without a second one.
      resourceName: this.signingKeyParameterName.replace(/^\//, ''),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  /**
   * Reading the signing key: for the handlers that make or check signed links. GetParameter on
   * that one parameter. No kms:Decrypt: the parameter is encrypted with the AWS-managed key
   * `aws/ssm`, whose key policy already lets every principal of the account decrypt through SSM,
   * so a grant would add nothing (and could only name the key as `key/*`).
   */
  keyAccess(): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [this.signingKeyParameterArn()],
    });
  }
}
