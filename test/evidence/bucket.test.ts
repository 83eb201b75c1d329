// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; the assertions are the check.
/**
 * The evidence bucket as the demo district's stack declares it (docs/evidence.md, "What the stack
 * must give the bucket"): private, encrypted, TLS only, versioned, kept when the stack goes, its
 * access logged, uploads allowed from the pages' origin only, and the lifecycle that keeps
 * verified files for the retention period and removes what was never verified.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_RETENTION_DAYS, QUARANTINE_DAYS, UNVERIFIED_DAYS } from '#infra/evidence';
import { DemoTemplate } from '../infra/demo-template.ts';

let demo: DemoTemplate;
let bucketId: string;
let bucket: Record<string, any>;

beforeAll(() => {
  demo = new DemoTemplate('test-evidence-bucket');
  bucketId = demo.idOf(demo.stack.evidence.bucket);
  bucket = demo.template.Resources[bucketId] ?? {};
}, 120_000);

describe('the evidence bucket', () => {
  it('is private, encrypted at rest, versioned, logged, and kept when the stack is deleted', () => {
    const p = bucket.Properties;
    expect(p.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(p.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(p.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.LoggingConfiguration.DestinationBucketName).toEqual({
      Ref: demo.idOf(demo.stack.evidence.accessLogs),
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(p.BucketName).toBeUndefined();
  });

  it('refuses every request without TLS', () => {
    const policy = demo
      .resources('AWS::S3::BucketPolicy')
      .find(([, r]) => JSON.stringify(r.Properties?.Bucket) === JSON.stringify({ Ref: bucketId }));
    expect(policy?.[1].Properties?.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it("takes uploads (POST) from the pages' origin only", () => {
    const api = demo.idOf(demo.stack.pages.api);
    expect(bucket.Properties.CorsConfiguration.CorsRules).toEqual([
      {
        AllowedHeaders: ['*'],
        AllowedMethods: ['POST'],
        AllowedOrigins: [{ 'Fn::GetAtt': [api, 'ApiEndpoint'] }],
        MaxAge: 3000,
      },
    ]);
  });

  it('keeps verified files for the retention period, removes unverified ones within days and refused ones after the quarantine', () => {
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    const byId = Object.fromEntries(rules.map((r) => [r.Id, r]));
    expect(byId['never-verified']).toMatchObject({
      Prefix: 'evidence/',
      TagFilters: [{ Key: 'evidence', Value: 'unverified' }],
      ExpirationInDays: UNVERIFIED_DAYS,
      NoncurrentVersionExpiration: { NoncurrentDays: QUARANTINE_DAYS },
    });
    expect(byId.verified).toMatchObject({
      Prefix: 'evidence/',
      TagFilters: [{ Key: 'evidence', Value: 'verified' }],
      ExpirationInDays: EVIDENCE_RETENTION_DAYS,
      NoncurrentVersionExpiration: { NoncurrentDays: EVIDENCE_RETENTION_DAYS },
    });
    expect(byId.housekeeping).toMatchObject({ ExpiredObjectDeleteMarker: true });
    expect(byId['incomplete-uploads']).toMatchObject({
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
    expect(EVIDENCE_RETENTION_DAYS).toBeGreaterThanOrEqual(5 * 365);
  });

  it("gives the report page the bucket's upload origin and the evidence handlers its name", () => {
    const variables = (fn: 'reportPage' | 'evidenceVerify'): any =>
      demo.template.Resources[demo.idOf(demo.stack.functions[fn])]?.Properties?.Environment.Variables;
    expect(JSON.stringify(variables('reportPage').EVIDENCE_UPLOAD_ORIGIN)).toContain(bucketId);
    expect(variables('evidenceVerify').EVIDENCE_BUCKET).toEqual({ Ref: bucketId });
  });
});
