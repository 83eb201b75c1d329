/**
 * The evidence-files port: a unit's scanned documents and photos, uploaded by the browser straight
 * to the evidence bucket (a presigned POST: neither the HTTP API nor Lambda can carry 20 MB),
 * checked after upload, and downloaded through short-lived signed URLs. Its one implementation is
 * `S3EvidenceFiles` (functions/ports/s3-evidence.ts); storage, limits and the bucket's settings are
 * described in docs/evidence.md.
 *
 * This module holds what does not depend on S3: the allowed types, the key scheme, the checks on a
 * request before anything is signed, and the messages people read (Vietnamese, then English).
 */
import { randomBytes } from 'node:crypto';

// ---------------------------------------------------------------- limits and types

export const EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;
/** How long a presigned POST may be used: long enough for a slow phone line, short enough to replay little. */
export const UPLOAD_EXPIRES_SECONDS = 300;
/** Download links are made when the person clicks, and used at once. */
export const DOWNLOAD_EXPIRES_SECONDS = 300;
/** The highest explanation round a key may carry (a report goes back and forth a few times at most). */
export const MAX_ROUND = 99;

export type EvidenceKind = 'pdf' | 'jpeg' | 'png' | 'docx' | 'xlsx' | 'pptx' | 'doc' | 'xls';

export interface EvidenceType {
  kind: EvidenceKind;
  /** The one Content-Type the policy pins and the object is stored with. */
  contentType: string;
  /** Accepted file-name extensions, the first one canonical. */
  extensions: readonly string[];
  /** How people call it. */
  label: string;
}

/**
 * Legacy Word and Excel (.doc, .xls) are accepted: communes still keep many documents in them,
 * and refusing them would push units back to links. Their check is the container's signature
 * only (see file-signature.ts); they may carry macros, which Office opens disabled for a file
 * downloaded from the web.
 */
export const EVIDENCE_TYPES: readonly EvidenceType[] = [
  { kind: 'pdf', contentType: 'application/pdf', extensions: ['.pdf'], label: 'PDF' },
  { kind: 'jpeg', contentType: 'image/jpeg', extensions: ['.jpg', '.jpeg'], label: 'ảnh JPEG' },
  { kind: 'png', contentType: 'image/png', extensions: ['.png'], label: 'ảnh PNG' },
  {
    kind: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['.docx'],
    label: 'Word (.docx)',
  },
  {
    kind: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['.xlsx'],
    label: 'Excel (.xlsx)',
  },
  {
    kind: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['.pptx'],
    label: 'PowerPoint (.pptx)',
  },
  { kind: 'doc', contentType: 'application/msword', extensions: ['.doc'], label: 'Word 97–2003 (.doc)' },
  {
    kind: 'xls',
    contentType: 'application/vnd.ms-excel',
    extensions: ['.xls'],
    label: 'Excel 97–2003 (.xls)',
  },
];

/**
 * The tag every upload carries (pinned by the POST policy) and verification changes: the bucket's
 * lifecycle rules filter on it, so an upload never verified expires within days while a verified
 * version — what reports cite — is kept for the retention period even after a later write to
 * its key made it noncurrent (docs/evidence.md).
 */
export const EVIDENCE_TAG = { key: 'evidence', unverified: 'unverified', verified: 'verified' } as const;

/** The POST form's `tagging` field: S3's XML tag set with `evidence=unverified`. */
export const UNVERIFIED_TAGGING = `<Tagging><TagSet><Tag><Key>${EVIDENCE_TAG.key}</Key><Value>${EVIDENCE_TAG.unverified}</Value></Tag></TagSet></Tagging>`;

/** Names browsers and operating systems use for the same types. */
const CONTENT_TYPE_ALIASES: Readonly<Record<string, string>> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
};

const ALLOWED_LIST_VI = 'PDF, ảnh JPEG/PNG, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx)';
const ALLOWED_LIST_EN = 'PDF, JPEG/PNG images, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx)';

export function evidenceTypeByKind(kind: EvidenceKind): EvidenceType {
  const type = EVIDENCE_TYPES.find((t) => t.kind === kind);
  if (!type) throw new Error(`Unknown evidence kind ${kind}`);
  return type;
}

export function evidenceTypeByContentType(contentType: string): EvidenceType | undefined {
  const normal = contentType.trim().toLowerCase();
  const canonical = CONTENT_TYPE_ALIASES[normal] ?? normal;
  return EVIDENCE_TYPES.find((t) => t.contentType === canonical);
}

export function evidenceTypeByExtension(extension: string): EvidenceType | undefined {
  const ext = extension.toLowerCase();
  return EVIDENCE_TYPES.find((t) => t.extensions.includes(ext));
}

// ---------------------------------------------------------------- errors and refusals

/**
 * A request the port refuses before signing or reading anything: a disallowed type or size, a
 * malformed id or key. `vi` is for the person (pages show it as is), `en` the same in English;
 * `field` names the input at fault.
 */
export class EvidenceInputError extends Error {
  override readonly name = 'EvidenceInputError';
  readonly field: string;
  readonly vi: string;
  readonly en: string;
  constructor(field: string, vi: string, en: string) {
    super(`${vi}\n${en}`);
    this.field = field;
    this.vi = vi;
    this.en = en;
  }
}

export type RefusalReason =
  | 'missing'
  | 'empty'
  | 'too-large'
  | 'type-not-allowed'
  | 'not-what-it-claims'
  | 'office-macros'
  | 'infected';

// ---------------------------------------------------------------- the port

export interface UploadRequest {
  unitId: string;
  periodId: string;
  /** The report's round: 1 for the first submission, n + 1 after the n-th return. */
  round: number;
  /** The name on the person's device (any language; only a safe ASCII form goes into the key). */
  fileName: string;
  /** What the browser declares (`File.type`); empty or `application/octet-stream` → from the extension. */
  contentType: string;
  /** `File.size` in bytes. */
  size: number;
}

/** What the page's script posts to: every field as given, then the file as the last field `file`. */
export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  key: string;
  contentType: string;
  /** When the policy stops being accepted (ISO instant, from the signed policy itself). */
  expiresAt: string;
  maxBytes: number;
}

/** A verified object: what a report may cite. */
export interface StoredEvidence {
  key: string;
  kind: EvidenceKind;
  contentType: string;
  size: number;
  etag: string;
  /**
   * The object's version (the bucket is versioned): a report cites this version, and downloads
   * ask for it, so a later write to the same key can never change what the report shows.
   */
  versionId?: string;
}

export type VerifyResult =
  | {
      status: 'accepted';
      file: StoredEvidence;
      /** Whether a virus scanner looked at it (false while no scanner is configured). */
      scanned: boolean;
    }
  | {
      status: 'refused';
      reason: RefusalReason;
      vi: string;
      en: string;
      /**
       * `deleted`: the object was deleted (in a versioned bucket a delete marker: the bytes stay
       * as a noncurrent version, readable only by an operator, until the lifecycle expires them).
       * `nothing-stored`: there was no object to delete.
       */
      removed: 'deleted' | 'nothing-stored';
    };

/** Who an upload belongs to: the unit, period and round of the report citing it. */
export interface EvidenceOwner {
  unitId: string;
  periodId: string;
  round: number;
}

export interface EvidenceFiles {
  /** A presigned POST for one file; refuses a disallowed type or size before signing. */
  presignUpload(request: UploadRequest): Promise<PresignedUpload>;
  /**
   * Checks an uploaded object (size, type, file signature, the virus-scan hook) and deletes it
   * when refused. With `owner`, a key of another unit, period or round is refused before any
   * read. Verifying the same accepted object again accepts it again.
   */
  verifyUpload(key: string, owner?: EvidenceOwner): Promise<VerifyResult>;
  /**
   * A short-lived signed GET URL served as an attachment under `fileName` (Vietnamese kept), with
   * the stored content type. Pass the verified `versionId` so the link serves exactly that version.
   */
  downloadUrl(key: string, fileName: string, options?: { versionId?: string }): Promise<string>;
  /**
   * Whether that version exists and verification tagged it `verified`: a refused or never-checked
   * upload is not, whatever a form claims.
   */
  isVerified(key: string, versionId: string): Promise<boolean>;
}

/**
 * Where a virus scan runs: after the signature check, before an upload is accepted. Not
 * implemented; docs/evidence.md says what would plug in here.
 */
export interface EvidenceScanner {
  scan(object: {
    bucket: string;
    key: string;
    versionId?: string;
    size: number;
    contentType: string;
  }): Promise<{ verdict: 'clean' } | { verdict: 'infected'; name?: string }>;
}

// ---------------------------------------------------------------- keys

/**
 * A unit id: domain/config.ts's `SLUG`, repeated here because importing that module brings its
 * schemas and all of zod (~440 KB) into every bundle that uses the port; a test keeps them equal.
 */
export const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Period ids as the calendar makes them: 2024Q3, 2024H1, or 2024 for a yearly calendar. */
const PERIOD_ID = /^\d{4}(?:Q[1-4]|H[12])?$/;
const EVIDENCE_KEY =
  /^evidence\/([a-z0-9][a-z0-9-]{0,39})\/(\d{4}(?:Q[1-4]|H[12])?)\/r([1-9]\d?)\/([0-9a-f]{32})-([a-z0-9][a-z0-9._-]{0,79})$/;

export interface EvidenceKey extends EvidenceOwner {
  key: string;
  /** 128 random bits, hex: unique per upload, never chosen by the browser. */
  id: string;
  /** The ASCII name the key ends with (its extension names the type). */
  safeName: string;
  type: EvidenceType;
}

/** `evidence/<unit>/<period>/r<round>/`: everything a unit uploads for one round of one report. */
export function evidencePrefix(owner: EvidenceOwner): string {
  checkOwner(owner);
  return `evidence/${owner.unitId}/${owner.periodId}/r${owner.round}/`;
}

export function newEvidenceKey(owner: EvidenceOwner, safeName: string): string {
  return `${evidencePrefix(owner)}${randomBytes(16).toString('hex')}-${safeName}`;
}

/** The parts of an evidence key, or an error naming what is wrong with it. */
export function parseEvidenceKey(key: string): EvidenceKey {
  const m = EVIDENCE_KEY.exec(key);
  const type = m ? evidenceTypeByExtension(extensionOf(m[5] ?? '')) : undefined;
  if (!m || !type) {
    throw new EvidenceInputError(
      'key',
      `Mã tệp minh chứng không hợp lệ: "${shorten(key)}".`,
      `Not an evidence file key: "${shorten(key)}" (expected evidence/<unit>/<period>/r<round>/<id>-<name>).`,
    );
  }
  return {
    key,
    unitId: m[1] ?? '',
    periodId: m[2] ?? '',
    round: Number(m[3]),
    id: m[4] ?? '',
    safeName: m[5] ?? '',
    type,
  };
}

function checkOwner(owner: EvidenceOwner): void {
  if (!UNIT_ID.test(owner.unitId)) {
    throw new EvidenceInputError(
      'unitId',
      `Mã đơn vị không hợp lệ: "${shorten(owner.unitId)}".`,
      `unitId must be an ASCII slug (a-z, 0-9, -), got "${shorten(owner.unitId)}".`,
    );
  }
  if (!PERIOD_ID.test(owner.periodId)) {
    throw new EvidenceInputError(
      'periodId',
      `Mã kỳ báo cáo không hợp lệ: "${shorten(owner.periodId)}".`,
      `periodId must look like 2024Q3, 2024H1 or 2024, got "${shorten(owner.periodId)}".`,
    );
  }
  if (!Number.isInteger(owner.round) || owner.round < 1 || owner.round > MAX_ROUND) {
    throw new EvidenceInputError(
      'round',
      `Vòng báo cáo không hợp lệ: ${String(owner.round)} (phải là số nguyên từ 1 đến ${MAX_ROUND}).`,
      `round must be an integer from 1 to ${MAX_ROUND}, got ${String(owner.round)}.`,
    );
  }
}

// ---------------------------------------------------------------- checking a request

/** The type and safe name of a request the port will sign, or an error naming the problem. */
export function checkUploadRequest(request: UploadRequest): { type: EvidenceType; safeName: string } {
  checkOwner(request);
  const name = typeof request.fileName === 'string' ? request.fileName.normalize('NFC').trim() : '';
  if (name === '' || name.length > 255) {
    throw new EvidenceInputError(
      'fileName',
      'Tên tệp phải có từ 1 đến 255 ký tự.',
      'fileName must have 1 to 255 characters.',
    );
  }
  const ext = extensionOf(name);
  const declared = (request.contentType ?? '').trim().toLowerCase();
  const fromExtension = evidenceTypeByExtension(ext);
  const type =
    declared === '' || declared === 'application/octet-stream'
      ? fromExtension
      : evidenceTypeByContentType(declared);
  if (!type) {
    const what =
      declared && declared !== 'application/octet-stream' ? request.contentType.trim() : ext || 'không rõ';
    throw new EvidenceInputError(
      'contentType',
      `Không nhận loại tệp này (${what}) cho tệp "${name}". Chỉ nhận: ${ALLOWED_LIST_VI}.`,
      `File type not allowed (${what}) for "${name}". Allowed: ${ALLOWED_LIST_EN}.`,
    );
  }
  if (!type.extensions.includes(ext)) {
    throw new EvidenceInputError(
      'fileName',
      `Tên tệp "${name}" ${ext ? `có đuôi ${ext}` : 'không có đuôi'}, không khớp với loại tệp ${type.label}` +
        ` (cần đuôi ${type.extensions.join(' hoặc ')}).`,
      `The name "${name}" does not end in ${type.extensions.join(' or ')} as a ${type.contentType} file must.`,
    );
  }
  checkSize(request.size, name);
  return { type, safeName: safeFileName(name, type) };
}

function checkSize(size: number, name: string): void {
  if (!Number.isInteger(size) || size < 0) {
    // A size that was not a number at all (NaN from the form) is named as such, never as "NaN".
    const got = Number.isFinite(size) ? String(size) : 'không phải một số';
    throw new EvidenceInputError(
      'size',
      `Dung lượng tệp "${name}" không hợp lệ (${got}): phải là số byte nguyên dương.`,
      `size must be a whole number of bytes, got ${Number.isFinite(size) ? String(size) : 'no number'}.`,
    );
  }
  if (size === 0) {
    throw new EvidenceInputError('size', `Tệp "${name}" rỗng (0 byte).`, `The file "${name}" is empty.`);
  }
  if (size > EVIDENCE_MAX_BYTES) {
    throw new EvidenceInputError(
      'size',
      `Tệp "${name}" có dung lượng ${formatMegabytes(size)}, vượt quá giới hạn ${formatMegabytes(EVIDENCE_MAX_BYTES)} cho mỗi tệp.`,
      `The file "${name}" is ${formatMegabytes(size, 'en')}, over the ${formatMegabytes(EVIDENCE_MAX_BYTES, 'en')} limit per file.`,
    );
  }
}

/** "25,3 MB" (Vietnamese decimal comma) or "25.3 MB"; 1 MB = 1,048,576 bytes. */
export function formatMegabytes(bytes: number, locale: 'vi' | 'en' = 'vi'): string {
  const mb = bytes / (1024 * 1024);
  const text = Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
  return `${locale === 'vi' ? text.replace('.', ',') : text} MB`;
}

// ---------------------------------------------------------------- names

/** The lower-case extension with its dot ("" when there is none). */
export function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** Vietnamese without its diacritics ("Báo cáo quý" → "Bao cao quy"), for ASCII-only places. */
export function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/**
 * The ASCII name a key ends with: "Báo cáo CCHC quý 3.PDF" → "bao-cao-cchc-quy-3.pdf". Readable
 * in the console and in logs, safe in a URL path, and never the source of the type (the
 * extension is the type's own).
 */
export function safeFileName(name: string, type: EvidenceType): string {
  const ext = extensionOf(name);
  const stem = name.slice(
    Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1,
    ext ? -ext.length : undefined,
  );
  const slug = withoutDiacritics(stem)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const extension = type.extensions.includes(ext) ? ext : (type.extensions[0] ?? '');
  return `${slug || 'tep'}${extension}`;
}

/**
 * The name a download is saved under: the person's own name (NFC, so a name typed on macOS shows
 * right on Windows) without path separators, control or quote characters or leading dots (a
 * hidden file), ending in the type's extension.
 */
export function downloadFileName(fileName: string, type: EvidenceType): string {
  const cleaned = fileName
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}"\\/:*?<>|]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .trim();
  const ext = extensionOf(cleaned);
  const stem = (type.extensions.includes(ext) ? cleaned.slice(0, -ext.length) : cleaned).slice(0, 150).trim();
  return `${stem || 'tep'}${type.extensions.includes(ext) ? ext : (type.extensions[0] ?? '')}`;
}

/**
 * `Content-Disposition: attachment` with the UTF-8 name (RFC 6266 / RFC 8187 `filename*`) and an
 * ASCII fallback for clients that ignore `filename*`.
 */
export function attachmentDisposition(name: string): string {
  const ascii = withoutDiacritics(name).replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function shorten(value: unknown): string {
  const s = String(value);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

// ---------------------------------------------------------------- refusal messages

/** The messages of a refusal at verification; `name` is the key's safe name. */
export function refusalMessage(
  reason: RefusalReason,
  name: string,
  detail: { expected?: string; actual?: string; size?: number } = {},
): { vi: string; en: string } {
  const again = 'Tệp đã bị xoá; hãy tải lên lại đúng tệp.';
  switch (reason) {
    case 'missing':
      return {
        vi: `Không thấy tệp "${name}" trong kho lưu trữ: việc tải lên chưa hoàn tất hoặc đã hết hạn. Hãy tải lên lại.`,
        en: `No stored object for "${name}": the upload did not complete or expired. Upload it again.`,
      };
    case 'empty':
      return { vi: `Tệp "${name}" rỗng (0 byte). ${again}`, en: `"${name}" is empty; it was deleted.` };
    case 'too-large':
      return {
        vi: `Tệp "${name}" có dung lượng ${formatMegabytes(detail.size ?? 0)}, vượt quá ${formatMegabytes(EVIDENCE_MAX_BYTES)}. ${again}`,
        en: `"${name}" is ${formatMegabytes(detail.size ?? 0, 'en')}, over ${formatMegabytes(EVIDENCE_MAX_BYTES, 'en')}; it was deleted.`,
      };
    case 'type-not-allowed':
      return {
        vi: `Tệp "${name}" được lưu với loại "${detail.actual ?? ''}", không khớp loại ${detail.expected ?? ''} của tên tệp. ${again}`,
        en: `"${name}" was stored as "${detail.actual ?? ''}", not ${detail.expected ?? ''} as its name says; it was deleted.`,
      };
    case 'not-what-it-claims':
      return {
        vi: `Tệp "${name}" không phải là ${detail.expected ?? ''} như đã khai báo (nội dung thực tế: ${detail.actual ?? 'không xác định'}). ${again}`,
        en: `"${name}" is not a ${detail.expected ?? ''} file as declared (its content is ${detail.actual ?? 'unknown'}); it was deleted.`,
      };
    case 'office-macros':
      return {
        vi: `Tệp "${name}" chứa macro (VBA); không nhận tài liệu có macro. Hãy lưu lại thành tệp .docx, .xlsx hoặc .pptx thường rồi tải lên. Tệp đã bị xoá.`,
        en: `"${name}" contains macros (VBA), which are not accepted; save it as a plain .docx, .xlsx or .pptx. It was deleted.`,
      };
    case 'infected':
      return {
        vi: `Tệp "${name}" bị phát hiện có mã độc${detail.actual ? ` (${detail.actual})` : ''} và đã bị xoá.`,
        en: `"${name}" was found to contain malware${detail.actual ? ` (${detail.actual})` : ''}; it was deleted.`,
      };
  }
}
