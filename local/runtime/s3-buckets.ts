/**
 * The stack's buckets on the local S3 emulator (local/runtime/s3.ts): every `AWS::S3::Bucket` of
 * the template, under the name its `Ref` flattens to, data under `<data dir>/s3` (a temporary
 * folder, removed on stop, when the runtime keeps nothing). Uploads are allowed from the product's
 * own origin (`BASE_URL`), as the bucket's CORS rule allows in the cloud. The pages' upload origin
 * is the emulator's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TemplateResolver } from './cfn.ts';
import { portFor } from './ports.ts';
import { startS3Emulator } from './s3.ts';

export interface LocalBuckets {
  url: string;
  /** `AWS_ENDPOINT_URL_S3` and the report page's `EVIDENCE_UPLOAD_ORIGIN`. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalBuckets(
  resolver: TemplateResolver,
  options: { dataDir?: string; baseUrl?: string },
): Promise<LocalBuckets> {
  const temporary = !options.dataDir;
  const dataDir = options.dataDir ? join(options.dataDir, 's3') : mkdtempSync(join(tmpdir(), 'thidua-s3-'));
  const buckets = resolver.resourcesOfType('AWS::S3::Bucket').map(([id]) => resolver.ref(id));
  const s3 = await startS3Emulator({
    dataDir,
    port: await portFor('s3'),
    buckets,
    allowedOrigins: options.baseUrl ? [new URL(options.baseUrl).origin] : [],
  });
  return {
    url: s3.url,
    env: { ...s3.env, EVIDENCE_UPLOAD_ORIGIN: s3.url },
    stop: async () => {
      await s3.stop();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
