/**
 * What the local S3 emulator (local/runtime/s3.ts) checks before it stores or serves anything, as S3 does:
 * Signature Version 4 of every request (the `Authorization` header or a presigned URL's query,
 * including the URL's expiry), and the browser's POST upload — the form's multipart body, the
 * policy's signature (SigV4 over the base64 policy), its expiration and every condition
 * (`{field: value}`, `eq`, `starts-with`, `content-length-range`, the bucket, no field the
 * policy does not cover). Independent of the SDK's signer on purpose: the port's presigned
 * POSTs and URLs are checked by a second implementation of the same algorithm.
 *
 * The payload hash a request declares (`x-amz-content-sha256`) is taken as signed, not
 * recomputed: the emulator's requests with a body are bucket creations and form uploads, and a
 * form upload is authorized by its policy, not by a payload hash.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** An S3 error response: HTTP status, S3's error code and its message. */
export class S3Error extends Error {
  override readonly name = 'S3Error';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Access key id → secret access key. */
export type Credentials = Readonly<Record<string, string>>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a signed request's date may be from the emulator's clock (S3 allows 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest a presigned URL may live (7 days). */
const MAX_EXPIRES_SECONDS = 604_800;

const signatureMismatch = () =>
  new S3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

// ---------------------------------------------------------------- SigV4 primitives

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** RFC 3986 encoding, as SigV4 canonicalizes query names and values. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `yyyymmddThhmmssZ` → Date, or undefined when malformed. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

interface Scope {
  accessKeyId: string;
  secret: string;
  date: string;
  region: string;
  /** `date/region/s3/aws4_request` */
  scope: string;
}

/** A credential `AKID/yyyymmdd/region/s3/aws4_request` whose key is known and whose date is `amzDate`'s. */
function parseCredential(credential: string, amzDate: string, credentials: Credentials): Scope {
  const parts = credential.split('/');
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  if (parts.length !== 5 || service !== 's3' || terminator !== 'aws4_request' || !region) {
    throw new S3Error(400, 'AuthorizationQueryParametersError', `Malformed credential: ${credential}`);
  }
  const secret = credentials[accessKeyId];
  if (secret === undefined) {
    throw new S3Error(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  }
  if (date !== amzDate.slice(0, 8)) {
    throw new S3Error(
      403,
      'AuthorizationHeaderMalformed',
      `The credential date ${date} is not the request's.`,
    );
  }
  return { accessKeyId, secret, date, region, scope: `${date}/${region}/s3/aws4_request` };
}

// ---------------------------------------------------------------- signed requests

export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded), without the query. */
  rawPath: string;
  /** The query exactly as sent, without the `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

function queryPairs(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const name = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

interface Auth {
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  payload: string;
}

function headerAuth(authorization: string, headers: IncomingHttpHeaders): Auth {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization.trim(),
    );
  if (!m) throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed.');
  return {
    credential: m[1] ?? '',
    signedHeaders: m[2] ?? '',
    signature: m[3] ?? '',
    amzDate: header(headers, 'x-amz-date'),
    payload: header(headers, 'x-amz-content-sha256') || 'UNSIGNED-PAYLOAD',
  };
}

/** A presigned URL's parameters; neither them nor a header: unsigned, refused (buckets are private). */
function queryAuth(query: Map<string, string>): Auth {
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  return {
    credential: query.get('X-Amz-Credential') ?? '',
    signedHeaders: query.get('X-Amz-SignedHeaders') ?? '',
    signature: query.get('X-Amz-Signature') ?? '',
    amzDate: query.get('X-Amz-Date') ?? '',
    payload: query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  };
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/**
 * Checks a request's SigV4 signature (header or presigned query) against `credentials`: throws an
 * `S3Error` as S3 answers (403 AccessDenied when unsigned: every bucket here is private).
 */
export function verifyRequest(request: SignedRequest, credentials: Credentials, now: Date): void {
  const pairs = queryPairs(request.rawQuery);
  const query = new Map(pairs);
  const authorization = header(request.headers, 'authorization');
  const auth = authorization ? headerAuth(authorization, request.headers) : queryAuth(query);
  const signedAt = parseAmzDate(auth.amzDate);
  if (!signedAt) throw new S3Error(403, 'AccessDenied', 'The request carries no valid X-Amz-Date.');
  const scope = parseCredential(auth.credential, auth.amzDate, credentials);
  if (authorization) {
    if (Math.abs(now.getTime() - signedAt.getTime()) > MAX_SKEW_MS) {
      throw new S3Error(
        403,
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
      );
    }
  } else {
    const expires = Number(query.get('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) {
      throw new S3Error(
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Expires must be 1 to 604800 seconds.',
      );
    }
    if (now.getTime() > signedAt.getTime() + expires * 1000) {
      throw new S3Error(403, 'AccessDenied', 'Request has expired');
    }
  }
  const signedHeaders = auth.signedHeaders.split(';');
  if (!signedHeaders.includes('host')) {
    throw new S3Error(400, 'AuthorizationHeaderMalformed', 'The host header must be signed.');
  }
  const canonicalQuery = pairs
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${header(request.headers, name).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    request.rawPath,
    canonicalQuery,
    canonicalHeaders,
    auth.signedHeaders,
    auth.payload,
  ].join('\n');
  const stringToSign = [
    ALGORITHM,
    auth.amzDate,
    scope.scope,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const expected = hmac(signingKey(scope.secret, scope.date, scope.region, 's3'), stringToSign).toString(
    'hex',
  );
  if (!sameHex(expected, auth.signature)) throw signatureMismatch();
}

// ---------------------------------------------------------------- multipart form

export interface UploadForm {
  /** Fields before the file, names lower-cased (S3 treats form field names case-insensitively). */
  fields: Map<string, string>;
  file?: { fileName: string; data: Buffer };
}

/**
 * Parses a `multipart/form-data` body already in memory. As S3 does, the file is the field named
 * `file` and fields after it are ignored.
 */
export function parseMultipart(body: Buffer, contentType: string): UploadForm {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!/^multipart\/form-data/i.test(contentType) || !boundary) {
    throw new S3Error(
      412,
      'PreconditionFailed',
      'Bucket POST must be of the enclosure-type multipart/form-data',
    );
  }
  const malformed = () =>
    new S3Error(
      400,
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
    );
  const open = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const form: UploadForm = { fields: new Map() };
  let at = body.indexOf(open);
  if (at < 0) throw malformed();
  at += open.length;
  while (body.toString('latin1', at, at + 2) === '\r\n') {
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw malformed();
    const headers = body.toString('utf8', at + 2, headerEnd);
    const end = body.indexOf(next, headerEnd + 4);
    if (end < 0) throw malformed();
    const disposition = /^content-disposition:([^\r\n]*)/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw malformed();
    const data = body.subarray(headerEnd + 4, end);
    if (name.toLowerCase() === 'file') {
      form.file = { fileName: /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? '', data };
      return form;
    }
    form.fields.set(name.toLowerCase(), data.toString('utf8'));
    at = end + next.length;
  }
  return form;
}

// ---------------------------------------------------------------- POST policy

/** Fields every POST carries that no policy condition needs to name. */
const UNCONDITIONED = new Set(['policy', 'x-amz-signature', 'file']);

const policyFailed = (condition: unknown) =>
  new S3Error(
    403,
    'AccessDenied',
    `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`,
  );

/**
 * Authorizes a browser POST to `bucket` as S3 does and returns the object's key and Content-Type;
 * throws the `S3Error` S3 would answer with.
 */
export function checkPostPolicy(
  form: UploadForm,
  bucket: string,
  credentials: Credentials,
  now: Date,
): { key: string; contentType: string } {
  const field = (name: string) => form.fields.get(name);
  const policy = field('policy');
  if (policy === undefined) throw new S3Error(403, 'AccessDenied', 'Access Denied');
  for (const required of ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature']) {
    if (!field(required)) {
      throw new S3Error(400, 'InvalidArgument', `Bucket POST must contain a field named '${required}'.`);
    }
  }
  if (field('x-amz-algorithm') !== ALGORITHM) {
    throw new S3Error(400, 'InvalidArgument', `X-Amz-Algorithm must be ${ALGORITHM}.`);
  }
  const scope = parseCredential(field('x-amz-credential') ?? '', field('x-amz-date') ?? '', credentials);
  const expected = hmac(signingKey(scope.secret, scope.date, scope.region, 's3'), policy).toString('hex');
  if (!sameHex(expected, field('x-amz-signature') ?? '')) throw signatureMismatch();

  const document = decodePolicy(policy);
  if (now.getTime() >= document.expiration.getTime()) {
    throw new S3Error(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
  }
  const key = field('key');
  if (!key) {
    throw new S3Error(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.");
  }
  if (!form.file)
    throw new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
  const value = (name: string) => (name === 'bucket' ? bucket : field(name));
  const { covered, range } = checkConditions(document.conditions, value);
  for (const name of form.fields.keys()) {
    if (!UNCONDITIONED.has(name) && !name.startsWith('x-ignore-') && !covered.has(name)) {
      throw new S3Error(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${name}`);
    }
  }
  const size = form.file.data.length;
  if (range && size > range.max) {
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  }
  if (range && size < range.min) {
    throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
  }
  return { key, contentType: field('content-type') ?? 'binary/octet-stream' };
}

/** Checks each condition against the form; returns the fields they name and the size range. */
function checkConditions(
  conditions: unknown[],
  value: (name: string) => string | undefined,
): { covered: Set<string>; range?: { min: number; max: number } } {
  const covered = new Set<string>();
  let range: { min: number; max: number } | undefined;
  for (const condition of conditions) {
    if (Array.isArray(condition)) {
      const [op, target, operand] = condition as unknown[];
      if (op === 'content-length-range' && Number.isInteger(target) && Number.isInteger(operand)) {
        range = { min: Number(target), max: Number(operand) };
        continue;
      }
      if ((op !== 'eq' && op !== 'starts-with') || typeof target !== 'string' || !target.startsWith('$')) {
        throw new S3Error(
          400,
          'InvalidPolicyDocument',
          `Invalid Policy: Invalid condition ${JSON.stringify(condition)}.`,
        );
      }
      const name = target.slice(1).toLowerCase();
      covered.add(name);
      const actual = value(name);
      const ok = op === 'eq' ? actual === operand : actual?.startsWith(String(operand)) === true;
      if (!ok) throw policyFailed(condition);
    } else if (condition && typeof condition === 'object') {
      for (const [name, expectedValue] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (value(name.toLowerCase()) !== expectedValue)
          throw policyFailed(['eq', `$${name}`, expectedValue]);
      }
    } else {
      throw new S3Error(
        400,
        'InvalidPolicyDocument',
        `Invalid Policy: Invalid condition ${JSON.stringify(condition)}.`,
      );
    }
  }
  return range ? { covered, range } : { covered };
}

function decodePolicy(policy: string): { expiration: Date; conditions: unknown[] } {
  const invalid = (why: string) => new S3Error(400, 'InvalidPolicyDocument', `Invalid Policy: ${why}`);
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw invalid('Invalid JSON.');
  }
  // The decoded policy is untrusted input: each property is checked before use.
  const { expiration, conditions } = (document ?? {}) as { expiration?: unknown; conditions?: unknown };
  const at = typeof expiration === 'string' ? new Date(expiration) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw invalid('Policy missing expiration.');
  if (!Array.isArray(conditions)) throw invalid('Policy missing conditions.');
  return { expiration: at, conditions };
}
