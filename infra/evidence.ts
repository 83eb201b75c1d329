/**
 * The evidence room: the bucket holding units' evidence files (docs/evidence.md, "What the stack
 * must give the bucket") and its access-log bucket, and the three grants of the handlers that
 * touch it — each on `evidence/*` of this bucket only. No role may delete a version, change the
 * lifecycle, the versioning or the bucket policy.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { EVIDENCE_TAG } from '#ports/evidence';
import { Room } from './room.ts';

/** Days a verified file is kept from its upload: a 5-year phase plus a year for commendation and complaints. */
export const EVIDENCE_RETENTION_DAYS = 2_192;
/** An upload never verified (the page closed between upload and check) goes after this. */
export const UNVERIFIED_DAYS = 2;
/** Refused files stay this long as noncurrent versions (a quarantine an operator can read). */
export const QUARANTINE_DAYS = 30;

/** What a handler does with evidence files: sign uploads, check them, or sign downloads. */
export type EvidenceAccess = 'upload' | 'check' | 'download';

const ACTIONS: Record<EvidenceAccess, readonly string[]> = {
  // A POST with a `tagging` field needs both, as the signer.
  upload: ['s3:PutObject', 's3:PutObjectTagging'],
  // HEAD and ranged GETs of the version seen, the delete marker over a refused file, the `verified` tag.
  check: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:DeleteObject',
    's3:PutObjectTagging',
    's3:PutObjectVersionTagging',
  ],
  // The cited version, by its id, once its tag says verification accepted it.
  download: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectVersionTagging'],
};

export interface EvidenceStoreProps {
  /** The pages' origin (the only one whose script may POST uploads). */
  allowedOrigin: string;
}

export class EvidenceStore extends Room {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: EvidenceStoreProps) {
    super(scope, id);
    this.accessLogs = new s3.Bucket(this, 'EvidenceAccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'one-year', expiration: Duration.days(366) }],
    });
    const prefix = 'evidence/';
    this.bucket = new s3.Bucket(this, 'EvidenceBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'evidence-bucket/',
      cors: [
        {
          allowedOrigins: [props.allowedOrigin],
          allowedMethods: [s3.HttpMethods.POST],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          id: 'never-verified',
          prefix,
          tagFilters: { [EVIDENCE_TAG.key]: EVIDENCE_TAG.unverified },
          expiration: Duration.days(UNVERIFIED_DAYS),
          noncurrentVersionExpiration: Duration.days(QUARANTINE_DAYS),
        },
        {
          id: 'verified',
          prefix,
          tagFilters: { [EVIDENCE_TAG.key]: EVIDENCE_TAG.verified },
          expiration: Duration.days(EVIDENCE_RETENTION_DAYS),
          noncurrentVersionExpiration: Duration.days(EVIDENCE_RETENTION_DAYS),
        },
        // Delete markers and multipart uploads cannot share a rule with days or tags.
        { id: 'housekeeping', prefix, expiredObjectDeleteMarker: true },
        { id: 'incomplete-uploads', prefix, abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
  }

  /** The statement of one kind of access, on `evidence/*` of this bucket only. */
  access(kind: EvidenceAccess): iam.PolicyStatement {
    return new iam.PolicyStatement({
      actions: [...ACTIONS[kind]],
      resources: [this.bucket.arnForObjects('evidence/*')],
    });
  }

  /**
   * The origin the pages' script posts uploads to: what `createPresignedPost` answers, the bucket's
   * regional domain (spelled from the name and region, so it resolves wherever the name does).
   */
  uploadOrigin(): string {
    const { region, urlSuffix } = Stack.of(this);
    return `https://${this.bucket.bucketName}.s3.${region}.${urlSuffix}`;
  }
}
