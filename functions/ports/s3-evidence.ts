/**
 * Evidence files on S3 (the `EvidenceFiles` port). The same code talks to AWS or, with
 * `AWS_ENDPOINT_URL_S3`, to the local emulator (local/runtime/s3.ts), which checks POST policies as S3
 * does. Why each step is what it is: docs/evidence.md.
 *
 * Signatures and expiries use the real time (the SDK's clock), never the campaign clock of
 * ports/clock.ts: S3 checks them against its own real clock, and the local runtime's virtual
 * clock may stand years in the past.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { region, requireEnv, sharedClient } from './aws.ts';
import {
  attachmentDisposition,
  checkUploadRequest,
  DOWNLOAD_EXPIRES_SECONDS,
  downloadFileName,
  EVIDENCE_MAX_BYTES,
  EVIDENCE_TAG,
  type EvidenceFiles,
  EvidenceInputError,
  type EvidenceKey,
  type EvidenceOwner,
  type EvidenceScanner,
  evidenceTypeByContentType,
  newEvidenceKey,
  type PresignedUpload,
  parseEvidenceKey,
  type RefusalReason,
  refusalMessage,
  UNVERIFIED_TAGGING,
  UPLOAD_EXPIRES_SECONDS,
  type UploadRequest,
  type VerifyResult,
} from './evidence.ts';
import { type ByteSource, checkSignature, HEAD_BYTES } from './file-signature.ts';

export interface S3EvidenceOptions {
  /** The evidence bucket; default `EVIDENCE_BUCKET`. */
  bucket?: string;
  /** Default: the shared client of aws.ts (endpoint from `AWS_ENDPOINT_URL_S3`). */
  client?: S3Client;
  /** The virus-scan hook; none by default (see `EvidenceScanner`). */
  scanner?: EvidenceScanner;
}

export class S3EvidenceFiles implements EvidenceFiles {
  private readonly bucket: string;
  private readonly options: S3EvidenceOptions;

  constructor(options: S3EvidenceOptions = {}) {
    this.options = options;
    this.bucket = options.bucket ?? requireEnv('EVIDENCE_BUCKET', 'the bucket holding evidence files');
  }

  private s3(): S3Client {
    return this.options.client ?? s3Client();
  }

  /**
   * The policy pins the exact key (a fresh random id: the browser never chooses it), the
   * declared type as the stored `Content-Type`, the `evidence=unverified` tag, and 1 byte to
   * 20 MB; S3 refuses anything else.
   */
  async presignUpload(request: UploadRequest): Promise<PresignedUpload> {
    const { type, safeName } = checkUploadRequest(request);
    const key = newEvidenceKey(request, safeName);
    const post = await createPresignedPost(this.s3(), {
      Bucket: this.bucket,
      Key: key,
      Conditions: [['content-length-range', 1, EVIDENCE_MAX_BYTES]],
      Fields: { 'Content-Type': type.contentType, tagging: UNVERIFIED_TAGGING },
      Expires: UPLOAD_EXPIRES_SECONDS,
    });
    return {
      url: post.url,
      fields: post.fields,
      key,
      contentType: type.contentType,
      expiresAt: policyExpiration(post.fields.Policy),
      maxBytes: EVIDENCE_MAX_BYTES,
    };
  }

  async verifyUpload(key: string, owner?: EvidenceOwner): Promise<VerifyResult> {
    const parsed = parseEvidenceKey(key);
    if (owner) checkOwnedBy(parsed, owner);
    const head = await this.head(key);
    if (!head) return refused('missing', parsed.safeName, 'nothing-stored');
    const size = head.ContentLength ?? 0;
    const versionId = head.VersionId;
    const refuse = async (reason: RefusalReason, detail: Parameters<typeof refusalMessage>[2] = {}) => {
      // A delete without a version id: in the versioned bucket the bytes stay, as a noncurrent
      // version only an operator can read, until the lifecycle expires them.
      await this.s3().send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      return refused(reason, parsed.safeName, 'deleted', detail);
    };
    if (size === 0) return refuse('empty');
    if (size > EVIDENCE_MAX_BYTES) return refuse('too-large', { size });
    const stored = evidenceTypeByContentType(head.ContentType ?? '');
    if (stored?.kind !== parsed.type.kind) {
      return refuse('type-not-allowed', { expected: parsed.type.label, actual: head.ContentType ?? '' });
    }
    // Every read names the version (or ETag) the HEAD saw, so the bytes checked are the bytes accepted.
    const source = this.byteSource(key, size, versionId, head.ETag);
    const first = await source.read(0, Math.min(size, HEAD_BYTES) - 1);
    const check = await checkSignature(parsed.type.kind, first, source);
    if (!check.ok) {
      return check.reason === 'office-macros'
        ? refuse('office-macros')
        : refuse('not-what-it-claims', { expected: parsed.type.label, actual: check.actual });
    }
    // The virus-scan hook: the object is what it claims; a scanner may still refuse it.
    const scan = await this.options.scanner?.scan({
      bucket: this.bucket,
      key,
      ...(versionId ? { versionId } : {}),
      size,
      contentType: stored.contentType,
    });
    if (scan?.verdict === 'infected') return refuse('infected', scan.name ? { actual: scan.name } : {});
    // The version checked becomes `verified`: the lifecycle keeps it for the retention period.
    await this.s3().send(
      new PutObjectTaggingCommand({
        Bucket: this.bucket,
        Key: key,
        ...(versionId ? { VersionId: versionId } : {}),
        Tagging: { TagSet: [{ Key: EVIDENCE_TAG.key, Value: EVIDENCE_TAG.verified }] },
      }),
    );
    return {
      status: 'accepted',
      scanned: scan !== undefined,
      file: {
        key,
        kind: stored.kind,
        contentType: stored.contentType,
        size,
        etag: head.ETag ?? '',
        ...(versionId ? { versionId } : {}),
      },
    };
  }

  async downloadUrl(key: string, fileName: string, options: { versionId?: string } = {}): Promise<string> {
    const parsed = parseEvidenceKey(key);
    const name = downloadFileName(fileName, parsed.type);
    return getSignedUrl(
      this.s3(),
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(options.versionId ? { VersionId: options.versionId } : {}),
        ResponseContentDisposition: attachmentDisposition(name),
        ResponseCacheControl: 'private, no-store',
      }),
      { expiresIn: DOWNLOAD_EXPIRES_SECONDS },
    );
  }

  async isVerified(key: string, versionId: string): Promise<boolean> {
    parseEvidenceKey(key);
    try {
      const out = await this.s3().send(
        new GetObjectTaggingCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }),
      );
      return (out.TagSet ?? []).some((t) => t.Key === EVIDENCE_TAG.key && t.Value === EVIDENCE_TAG.verified);
    } catch (error) {
      // No such key or version (a version id made up, or expired by the lifecycle): not verified.
      const name = (error as { name?: string } | null)?.name;
      if (name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NotFound') return false;
      throw error;
    }
  }

  private async head(key: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      return await this.s3().send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      // The SDK names its errors after S3's codes; a HEAD's 404 has no body and becomes NotFound.
      if ((error as { name?: string } | null)?.name === 'NotFound') return undefined;
      throw error;
    }
  }

  private byteSource(key: string, size: number, versionId?: string, etag?: string): ByteSource {
    return {
      size,
      read: async (start, end) => {
        const out = await this.s3().send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Range: `bytes=${start}-${end}`,
            ...(versionId ? { VersionId: versionId } : etag ? { IfMatch: etag } : {}),
          }),
        );
        if (!out.Body) throw new Error(`S3 returned no body for ${key} bytes ${start}-${end}`);
        return out.Body.transformToByteArray();
      },
    };
  }
}

function refused(
  reason: RefusalReason,
  name: string,
  removed: 'deleted' | 'nothing-stored',
  detail: Parameters<typeof refusalMessage>[2] = {},
): VerifyResult {
  return { status: 'refused', reason, removed, ...refusalMessage(reason, name, detail) };
}

function checkOwnedBy(parsed: EvidenceKey, owner: EvidenceOwner): void {
  if (parsed.unitId !== owner.unitId || parsed.periodId !== owner.periodId || parsed.round !== owner.round) {
    throw new EvidenceInputError(
      'key',
      `Tệp "${parsed.safeName}" không thuộc báo cáo này (đơn vị ${owner.unitId}, kỳ ${owner.periodId}, vòng ${owner.round}).`,
      `The file ${parsed.key} does not belong to unit ${owner.unitId}, period ${owner.periodId}, round ${owner.round}.`,
    );
  }
}

/** The `expiration` of a presigned POST's policy (base64 JSON, as S3 reads it). */
function policyExpiration(policy: string | undefined): string {
  // The policy is JSON the SDK has just built from our own input: a boundary only in form.
  const parsed = JSON.parse(Buffer.from(policy ?? '', 'base64').toString('utf8')) as { expiration?: unknown };
  if (typeof parsed.expiration !== 'string')
    throw new Error('The presigned POST carries no policy expiration');
  return parsed.expiration;
}

/**
 * The container's S3 client. Requests go virtual-hosted style to AWS and path style to an
 * endpoint given as an IP address (the SDK decides that from the endpoint, so the local emulator
 * on 127.0.0.1 needs no setting of its own).
 */
function s3Client(): S3Client {
  return sharedClient('s3', () => new S3Client({ region: region() }));
}
