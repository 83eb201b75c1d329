/**
 * A small S3-compatible server for the local runtime and the tests, in this process, with its
 * data on disk: exactly the operations the evidence port and the pages use, each authorized as S3
 * does (local/runtime/s3-auth.ts) — create and probe a bucket (PUT/HEAD), the browser's form upload
 * (POST, with its policy checked), HEAD, GET (ranges, `If-Match`, `versionId`, the `response-*`
 * overrides of a presigned URL), DELETE, and an object version's tags (PUT/GET `?tagging`, and the
 * POST's `tagging` field), on which the stack's lifecycle rules depend. Buckets are versioned, as the stack's
 * is: a write adds a version, a delete adds a delete marker, and an old version stays readable by
 * its id. CORS answers the pages' origins for POST only, as the bucket's CORS rule will.
 *
 * Anything else answers 501 NotImplemented. Why not `s3rver`: it verifies no SigV4 signature
 * (its source says so), ignores POST policies, knows one hard-coded key pair, and pulls in
 * deprecated packages; a policy check in front of it would have had to parse and re-send every
 * upload anyway (docs/evidence.md).
 *
 * Layout under `dataDir`: `<bucket>/<sha256 of key>/versions.json` (the versions, newest last)
 * and `<version id>.bin` (the bytes), each written to a temporary file and renamed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LOCAL_AWS_ENV } from './emulators.ts';
import { type Credentials, checkPostPolicy, parseMultipart, S3Error, verifyRequest } from './s3-auth.ts';

export interface S3EmulatorOptions {
  /** Where objects are kept (created when missing); what is there is served again after a restart. */
  dataDir: string;
  /** 0 (the default) for any free port. */
  port?: number;
  /** Buckets to create at start; existing ones are kept as they are. */
  buckets?: readonly string[];
  /** Access key id → secret; default the local runtime's dummy pair (`LOCAL_AWS_ENV`). */
  credentials?: Credentials;
  /** Origins whose pages may POST uploads (CORS), e.g. the local product's `http://127.0.0.1:3000`. */
  allowedOrigins?: readonly string[];
  /** A body larger than this is refused unread (S3 would end it at the policy's size limit). */
  maxPostBytes?: number;
}

export interface S3Emulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `AWS_ENDPOINT_URL_S3` for the handlers' S3 client. */
  env: { AWS_ENDPOINT_URL_S3: string };
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DEFAULT_MAX_POST_BYTES = 64 * 1024 * 1024;
const RESPONSE_OVERRIDES: Readonly<Record<string, string>> = {
  'response-content-type': 'Content-Type',
  'response-content-disposition': 'Content-Disposition',
  'response-cache-control': 'Cache-Control',
  'response-content-language': 'Content-Language',
  'response-content-encoding': 'Content-Encoding',
  'response-expires': 'Expires',
};

interface Version {
  versionId: string;
  tags?: Record<string, string>;
  deleteMarker?: true;
  size?: number;
  etag?: string;
  contentType?: string;
  lastModified: string;
}

export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const store = new DiskStore(options.dataDir);
  await mkdir(options.dataDir, { recursive: true });
  for (const bucket of options.buckets ?? []) await store.createBucket(bucket);
  const context: Context = {
    store,
    credentials: options.credentials ?? {
      [LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID]: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
    },
    allowedOrigins: new Set(options.allowedOrigins ?? []),
    maxPostBytes: options.maxPostBytes ?? DEFAULT_MAX_POST_BYTES,
  };
  const server: Server = createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      const s3 =
        error instanceof S3Error
          ? error
          : new S3Error(
              500,
              'InternalError',
              `Local S3: ${error instanceof Error ? error.message : String(error)}`,
            );
      sendError(res, req, s3);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  // Listening on a TCP port, the address is an AddressInfo (a string only for a pipe).
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    env: { AWS_ENDPOINT_URL_S3: url },
    createBucket: (name) => store.createBucket(name),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Context {
  store: DiskStore;
  credentials: Credentials;
  allowedOrigins: ReadonlySet<string>;
  maxPostBytes: number;
}

async function handle(context: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  const slash = rawPath.indexOf('/', 1);
  const bucket = decodeURIComponent(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const key = slash < 0 ? '' : decodeURIComponent(rawPath.slice(slash + 1));
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return preflight(context, req, res);
  if (!bucket) throw new S3Error(501, 'NotImplemented', 'Only bucket and object operations are implemented.');
  if (method === 'POST' && !key) return postObject(context, req, res, bucket);

  verifyRequest({ method, rawPath, rawQuery, headers: req.headers }, context.credentials, new Date());
  // Bucket creations and tag sets are small; a bucket's optional configuration is not used.
  const body = await readBody(req, 1024 * 1024);
  const query = new URLSearchParams(rawQuery);
  if (!key) {
    if (method === 'PUT') {
      if (await context.store.bucketExists(bucket)) {
        throw new S3Error(
          409,
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded.',
        );
      }
      await context.store.createBucket(bucket);
      res.writeHead(200, { Location: `/${bucket}` }).end();
      return;
    }
    if (method === 'HEAD') {
      res.writeHead((await context.store.bucketExists(bucket)) ? 200 : 404).end();
      return;
    }
  } else if (query.has('tagging') && (method === 'PUT' || method === 'GET')) {
    return objectTagging(context, res, bucket, key, query, method === 'PUT' ? body : undefined);
  } else if (method === 'GET' || method === 'HEAD') {
    return getObject(context, req, res, bucket, key, query);
  } else if (method === 'DELETE' && !query.has('versionId')) {
    await requireBucket(context, bucket);
    const marker = await context.store.deleteObject(bucket, key);
    res.writeHead(204, marker ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker } : {}).end();
    return;
  }
  throw new S3Error(501, 'NotImplemented', `${method} ${key ? 'object' : 'bucket'} is not implemented here.`);
}

async function postObject(context: Context, req: IncomingMessage, res: ServerResponse, bucket: string) {
  const origin = req.headers.origin;
  const cors: Record<string, string> =
    origin && context.allowedOrigins.has(origin)
      ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }
      : {};
  for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
  const body = await readBody(req, context.maxPostBytes);
  const form = parseMultipart(body, req.headers['content-type'] ?? '');
  const { key, contentType } = checkPostPolicy(form, bucket, context.credentials, new Date());
  await requireBucket(context, bucket);
  const status = form.fields.get('success_action_status') ?? '204';
  if (!['200', '201', '204'].includes(status)) {
    throw new S3Error(400, 'InvalidArgument', 'success_action_status must be 200, 201 or 204.');
  }
  const data = form.file?.data ?? Buffer.alloc(0);
  const tagging = form.fields.get('tagging');
  const version = await context.store.putObject(
    bucket,
    key,
    data,
    contentType,
    tagging ? parseTags(tagging) : {},
  );
  const location = `http://${req.headers.host ?? '127.0.0.1'}/${bucket}/${encodeKey(key)}`;
  const headers = { ETag: version.etag ?? '', Location: location, 'x-amz-version-id': version.versionId };
  if (status === '201') {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>' +
      `<Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucket)}</Bucket>` +
      `<Key>${escapeXml(key)}</Key><ETag>${escapeXml(version.etag ?? '')}</ETag></PostResponse>`;
    res.writeHead(201, { ...headers, 'Content-Type': 'application/xml' }).end(xml);
  } else {
    res.writeHead(Number(status), headers).end();
  }
}

async function getObject(
  context: Context,
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  key: string,
  query: URLSearchParams,
): Promise<void> {
  await requireBucket(context, bucket);
  const version = await context.store.getVersion(bucket, key, query.get('versionId') ?? undefined);
  if (!version || version.deleteMarker) {
    throw new S3Error(
      404,
      query.has('versionId') ? 'NoSuchVersion' : 'NoSuchKey',
      'The specified key does not exist.',
    );
  }
  const size = version.size ?? 0;
  const ifMatch = req.headers['if-match'];
  if (ifMatch && ifMatch.replace(/"/g, '') !== (version.etag ?? '').replace(/"/g, '')) {
    throw new S3Error(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  }
  const headers: Record<string, string> = {
    'Content-Type': version.contentType ?? 'binary/octet-stream',
    ETag: version.etag ?? '',
    'Last-Modified': new Date(version.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    'x-amz-version-id': version.versionId,
  };
  const tagCount = Object.keys(version.tags ?? {}).length;
  if (tagCount > 0) headers['x-amz-tagging-count'] = String(tagCount);
  for (const [param, name] of Object.entries(RESPONSE_OVERRIDES)) {
    const value = query.get(param);
    if (value !== null) headers[name] = value;
  }
  const range = req.method === 'GET' ? parseRange(req.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    res.setHeader('Content-Range', `bytes */${size}`);
    throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable');
  }
  const [start, end] = range ?? [0, size - 1];
  headers['Content-Length'] = String(Math.max(0, end - start + 1));
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return;
  }
  const stream = createReadStream(context.store.dataPath(bucket, key, version.versionId), { start, end });
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject);
    res.once('finish', resolve);
    res.once('close', resolve);
    stream.pipe(res);
  });
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` → inclusive bounds; anything else serves the whole object. */
function parseRange(value: string | undefined, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = value ? /^bytes=(\d*)-(\d*)$/.exec(value.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(m[1]);
  if (start >= size) return 'unsatisfiable';
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return end < start ? undefined : [start, end];
}

/** CORS preflight: allowed for the configured origins and POST only, as the bucket's rule. */
function preflight(context: Context, req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  const method = req.headers['access-control-request-method'];
  if (!origin || !context.allowedOrigins.has(origin) || method !== 'POST') {
    throw new S3Error(
      403,
      'AccessForbidden',
      'CORSResponse: This CORS request is not allowed. The origin or method is not in the bucket’s CORS rule.',
    );
  }
  const requested = req.headers['access-control-request-headers'];
  res
    .writeHead(200, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'POST',
      ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
      'Access-Control-Max-Age': '3000',
      Vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
    })
    .end();
}

async function requireBucket(context: Context, bucket: string): Promise<void> {
  if (!(await context.store.bucketExists(bucket))) {
    throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
  }
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume();
    throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  }
  const chunks: Buffer[] = [];
  let length = 0;
  // A request without an encoding set yields Buffers; Node types its chunks as any.
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > max) {
      req.resume();
      throw new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** `PUT ?tagging` replaces a version's tag set (the current version without `versionId`); `GET` reads it. */
async function objectTagging(
  context: Context,
  res: ServerResponse,
  bucket: string,
  key: string,
  query: URLSearchParams,
  body: Buffer | undefined,
): Promise<void> {
  await requireBucket(context, bucket);
  const versionId = query.get('versionId') ?? undefined;
  const version = body
    ? await context.store.setTags(bucket, key, versionId, parseTags(body.toString('utf8')))
    : await context.store.getVersion(bucket, key, versionId);
  if (!version || version.deleteMarker) {
    throw new S3Error(404, versionId ? 'NoSuchVersion' : 'NoSuchKey', 'The specified key does not exist.');
  }
  if (body) {
    res.writeHead(200, { 'x-amz-version-id': version.versionId }).end();
    return;
  }
  const tags = Object.entries(version.tags ?? {})
    .map(([k, v]) => `<Tag><Key>${escapeXml(k)}</Key><Value>${escapeXml(v)}</Value></Tag>`)
    .join('');
  res
    .writeHead(200, { 'Content-Type': 'application/xml', 'x-amz-version-id': version.versionId })
    .end(`<?xml version="1.0" encoding="UTF-8"?>\n<Tagging><TagSet>${tags}</TagSet></Tagging>`);
}

/** The tags of an S3 `<Tagging>` document (the form's `tagging` field or a `PUT ?tagging` body). */
function parseTags(xml: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const m of xml.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)) {
    tags[unescapeXml(m[1] ?? '')] = unescapeXml(m[2] ?? '');
  }
  if (Object.keys(tags).length === 0 && !/<TagSet>\s*<\/TagSet>|<TagSet\/>/.test(xml)) {
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed.');
  }
  return tags;
}

function unescapeXml(text: string): string {
  const named: Record<string, string> = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };
  return text.replace(/&(#\d+|\w+);/g, (entity, name: string) =>
    name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : (named[name] ?? entity),
  );
}

function sendError(res: ServerResponse, req: IncomingMessage, error: S3Error): void {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `<RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>`;
  // A HEAD answer has no body: the SDK reads the status alone (404 → NotFound). The connection
  // closes because a refused upload's body may not have been read to its end.
  res.writeHead(error.status, { 'Content-Type': 'application/xml', Connection: 'close' });
  res.end(req.method === 'HEAD' ? undefined : xml);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

// ---------------------------------------------------------------- storage

class DiskStore {
  /** One write at a time per key: a version list is read, extended and written back. */
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async createBucket(name: string): Promise<void> {
    if (!BUCKET_NAME.test(name)) {
      throw new S3Error(400, 'InvalidBucketName', `The specified bucket is not valid: ${name}`);
    }
    await mkdir(join(this.root, name), { recursive: true });
  }

  async bucketExists(name: string): Promise<boolean> {
    return BUCKET_NAME.test(name) && existsSync(join(this.root, name));
  }

  private keyDir(bucket: string, key: string): string {
    return join(this.root, bucket, createHash('sha256').update(key, 'utf8').digest('hex'));
  }

  dataPath(bucket: string, key: string, versionId: string): string {
    return join(this.keyDir(bucket, key), `${versionId}.bin`);
  }

  private async versions(bucket: string, key: string): Promise<Version[]> {
    try {
      // Written by this module only (below): a boundary with our own earlier output.
      return JSON.parse(await readFile(join(this.keyDir(bucket, key), 'versions.json'), 'utf8')) as Version[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async getVersion(bucket: string, key: string, versionId?: string): Promise<Version | undefined> {
    const all = await this.versions(bucket, key);
    return versionId === undefined ? all.at(-1) : all.find((v) => v.versionId === versionId);
  }

  putObject(
    bucket: string,
    key: string,
    data: Buffer,
    contentType: string,
    tags: Record<string, string>,
  ): Promise<Version> {
    return this.exclusive(bucket, key, async () => {
      const version: Version = {
        versionId: randomBytes(18).toString('base64url'),
        tags,
        size: data.length,
        etag: `"${createHash('md5').update(data).digest('hex')}"`,
        contentType,
        lastModified: new Date().toISOString(),
      };
      const dir = this.keyDir(bucket, key);
      await mkdir(dir, { recursive: true });
      await writeAtomically(join(dir, `${version.versionId}.bin`), data);
      await this.saveVersions(bucket, key, [...(await this.versions(bucket, key)), version]);
      return version;
    });
  }

  setTags(
    bucket: string,
    key: string,
    versionId: string | undefined,
    tags: Record<string, string>,
  ): Promise<Version | undefined> {
    return this.exclusive(bucket, key, async () => {
      const all = await this.versions(bucket, key);
      const version = versionId === undefined ? all.at(-1) : all.find((v) => v.versionId === versionId);
      if (!version || version.deleteMarker) return undefined;
      version.tags = tags;
      await this.saveVersions(bucket, key, all);
      return version;
    });
  }

  /** Adds a delete marker over a live object; returns its version id, or undefined when there was none. */
  deleteObject(bucket: string, key: string): Promise<string | undefined> {
    return this.exclusive(bucket, key, async () => {
      const all = await this.versions(bucket, key);
      if (all.length === 0 || all.at(-1)?.deleteMarker) return undefined;
      const marker: Version = {
        versionId: randomBytes(18).toString('base64url'),
        deleteMarker: true,
        lastModified: new Date().toISOString(),
      };
      await this.saveVersions(bucket, key, [...all, marker]);
      return marker.versionId;
    });
  }

  private async saveVersions(bucket: string, key: string, all: Version[]): Promise<void> {
    await writeAtomically(join(this.keyDir(bucket, key), 'versions.json'), JSON.stringify(all));
  }

  private exclusive<T>(bucket: string, key: string, work: () => Promise<T>): Promise<T> {
    const id = this.keyDir(bucket, key);
    const result = (this.locks.get(id) ?? Promise.resolve()).then(work, work);
    const settled = result.catch(() => undefined);
    this.locks.set(id, settled);
    void settled.then(() => {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    });
    return result;
  }
}

async function writeAtomically(path: string, data: Buffer | string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
