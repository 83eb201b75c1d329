/**
 * A metering proxy in front of an emulator (built like test/helpers/fault-proxy.ts): point a
 * handler's endpoint (`AWS_ENDPOINT_URL_DYNAMODB`, `_SESV2`, …) or a browser at `meter.url` and it
 * forwards every call unchanged while counting what AWS would bill for it:
 * - every service: calls per operation (each attempt, as AWS bills retries too);
 * - DynamoDB: read and write request units by on-demand rules (bench/dynamodb-meter.ts), and the
 *   stored bytes of every table (`storage()`);
 * - SES: messages, emails (one per recipient, as SES bills), bytes, attachment bytes;
 * - HTTP (the product's pages behind the local adapter): requests, requests as billed in 512 KB
 *   steps, bytes in and out.
 * Step Functions transitions and Lambda durations are counted by the local engine, not here.
 */
import { createServer, Agent as HttpAgent, type IncomingMessage, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import { crc32 } from 'node:zlib';
import { DynamoMeter, type DynamoUsage, type Json } from './dynamodb-meter.ts';

export type MeteredService = 'dynamodb' | 'ses' | 'http' | 'other';

export interface SesUsage {
  /** SendEmail calls that SES accepted. */
  messages: number;
  /** Billed emails: every recipient (To, Cc, Bcc) of every accepted message. */
  emails: number;
  /** Subject and bodies (UTF-8) or the raw MIME message, summed over messages. */
  bytes: number;
  attachmentBytes: number;
}

export interface HttpUsage {
  requests: number;
  /** Requests as HTTP APIs meter them, in 512 KB steps of the larger of request and response. */
  billedRequests: number;
  requestBytes: number;
  responseBytes: number;
}

export interface MeterSnapshot {
  service: MeteredService;
  /** Operation → calls (DynamoDB and SES by operation name; HTTP by method). */
  calls: Record<string, number>;
  dynamodb?: DynamoUsage;
  ses?: SesUsage;
  http?: HttpUsage;
}

export interface Meter {
  url: string;
  service: MeteredService;
  snapshot(): MeterSnapshot;
  /** Starts counting from zero (e.g. after setting up a campaign that is not being measured). */
  reset(): void;
  close(): Promise<void>;
}

export interface DynamoDbMeter extends Meter {
  /** Items and stored bytes (item + 100 bytes, per table item and per index entry) now. */
  storage(): Promise<{ items: number; tableBytes: number; indexBytes: number }>;
}

/** HTTP APIs meter requests in 512 KB increments. */
export const HTTP_API_METERING_BYTES = 512 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

async function readBody(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function forwarder(target: URL, agent: HttpAgent) {
  return (method: string, path: string, headers: IncomingMessage['headers'], body: Buffer): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const out = request(
        {
          hostname: target.hostname,
          port: target.port,
          method,
          path,
          agent,
          headers: { ...headers, host: target.host, 'content-length': String(body.length) },
        },
        async (res) => {
          const h: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: h, body: await readBody(res) });
        },
      );
      out.on('error', reject);
      out.end(body);
    });
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function parseJson(body: Buffer): Json {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    return isObject(value) ? value : {};
  } catch {
    return {};
  }
}
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);
const utf8 = (v: unknown): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
const base64Bytes = (v: unknown): number => (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0);

/** An SES v2 `SendEmail` body: recipients, bytes, attachment bytes. */
export function sesV2Message(body: Json): { recipients: number; bytes: number; attachmentBytes: number } {
  const destination = isObject(body.Destination) ? body.Destination : {};
  const recipients = ['ToAddresses', 'CcAddresses', 'BccAddresses'].reduce(
    (n, field) => n + strings(destination[field]).length,
    0,
  );
  const content = isObject(body.Content) ? body.Content : {};
  let bytes = 0;
  let attachmentBytes = 0;
  if (isObject(content.Simple)) {
    const simple = content.Simple;
    const part = (v: unknown) => (isObject(v) ? utf8(v.Data) : 0);
    const bodyParts = isObject(simple.Body) ? simple.Body : {};
    bytes = part(simple.Subject) + part(bodyParts.Text) + part(bodyParts.Html);
    for (const a of Array.isArray(simple.Attachments) ? simple.Attachments.filter(isObject) : []) {
      attachmentBytes += base64Bytes(a.RawContent);
    }
    bytes += attachmentBytes;
  } else if (isObject(content.Raw)) {
    bytes = base64Bytes(content.Raw.Data);
  } else if (isObject(content.Template)) {
    bytes = utf8(content.Template.TemplateData);
  }
  return { recipients, bytes, attachmentBytes };
}

/** An SES v1 (query protocol) `SendEmail` or `SendRawEmail` form. */
export function sesV1Message(form: URLSearchParams): { recipients: number; bytes: number } {
  let recipients = 0;
  let bytes = 0;
  for (const [name, value] of form) {
    if (/^Destinations?\.(To|Cc|Bcc)Addresses\.member\.\d+$|^Destinations\.member\.\d+$/.test(name))
      recipients++;
    if (/^Message\.(Subject|Body\.Text|Body\.Html)\.Data$/.test(name)) bytes += utf8(value);
    if (name === 'RawMessage.Data') bytes += base64Bytes(value);
  }
  return { recipients: Math.max(recipients, 1), bytes };
}

/** The operation a call names: JSON protocols by `x-amz-target`, REST ones by method and path. */
export function operationOf(method: string, path: string, target: string | undefined): string {
  if (target) return target.slice(target.lastIndexOf('.') + 1);
  const p = path.split('?')[0] ?? '/';
  if (p === '/v2/email/outbound-emails' && method === 'POST') return 'SendEmail';
  const schedule = /^\/schedules(?:\/[^/]+)?$/.test(p);
  if (schedule) {
    const verbs: Record<string, string> = {
      POST: 'CreateSchedule',
      PUT: 'UpdateSchedule',
      DELETE: 'DeleteSchedule',
      GET: p === '/schedules' ? 'ListSchedules' : 'GetSchedule',
    };
    return verbs[method] ?? `${method} ${p}`;
  }
  return `${method} /${p.split('/')[1] ?? ''}`;
}

function jsonAnswer(answer: Answer, json: Json): Answer {
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  return {
    status: answer.status,
    headers: { ...answer.headers, 'content-length': String(body.length), 'x-amz-crc32': String(crc32(body)) },
    body,
  };
}

function emptySes(): SesUsage {
  return { messages: 0, emails: 0, bytes: 0, attachmentBytes: 0 };
}
function emptyHttp(): HttpUsage {
  return { requests: 0, billedRequests: 0, requestBytes: 0, responseBytes: 0 };
}

/** Sends one call on to the emulator and returns its whole answer. */
export type Forward = ReturnType<typeof forwarder>;

/** The counts of one proxy, and how each kind of call is forwarded and counted. */
class Counter {
  calls: Record<string, number> = {};
  ses = emptySes();
  http = emptyHttp();
  readonly dynamo: DynamoMeter | undefined;
  readonly service: MeteredService;
  private readonly forward: Forward;

  constructor(service: MeteredService, forward: Forward) {
    this.service = service;
    this.forward = forward;
    this.dynamo = service === 'dynamodb' ? new DynamoMeter((op, body) => this.direct(op, body)) : undefined;
  }

  snapshot(): MeterSnapshot {
    return {
      service: this.service,
      calls: { ...this.calls },
      ...(this.dynamo ? { dynamodb: this.dynamo.snapshot() } : {}),
      ...(this.service === 'ses' ? { ses: { ...this.ses } } : {}),
      ...(this.service === 'http' ? { http: { ...this.http } } : {}),
    };
  }

  reset(): void {
    this.calls = {};
    this.ses = emptySes();
    this.http = emptyHttp();
    this.dynamo?.reset();
  }

  async handle(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const amzTarget =
      typeof req.headers['x-amz-target'] === 'string' ? req.headers['x-amz-target'] : undefined;
    const headers = { ...req.headers };
    if (this.service === 'http') return this.page(method, path, headers, body);
    // The meter reads answers, so it asks for them uncompressed.
    delete headers['accept-encoding'];
    const op = operationOf(method, path, amzTarget);
    if (this.dynamo && amzTarget) return this.dynamoCall(this.dynamo, op, method, path, headers, body);
    const answer = await this.forward(method, path, headers, body);
    if (this.service === 'ses') this.meterSes(op, req, body, answer);
    else if (amzTarget || this.service === 'other') this.count(op);
    return answer;
  }

  private count(op: string): void {
    this.calls[op] = (this.calls[op] ?? 0) + 1;
  }

  /** A request to dynalite that is not metered (the meter's own reads of whole items). */
  private async direct(op: string, body: Json): Promise<{ status: number; json: Json }> {
    const answer = await this.forward(
      'POST',
      '/',
      {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${op}`,
        // dynalite wants a signed-looking request; it does not check the signature.
        authorization:
          'AWS4-HMAC-SHA256 Credential=meter/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'x-amz-date': '20200101T000000Z',
      },
      Buffer.from(JSON.stringify(body)),
    );
    return { status: answer.status, json: parseJson(answer.body) };
  }

  private async page(method: string, path: string, headers: IncomingMessage['headers'], body: Buffer) {
    this.count(method);
    const answer = await this.forward(method, path, headers, body);
    const larger = Math.max(body.length, answer.body.length);
    this.http.requests++;
    this.http.billedRequests += Math.max(1, Math.ceil(larger / HTTP_API_METERING_BYTES));
    this.http.requestBytes += body.length;
    this.http.responseBytes += answer.body.length;
    return answer;
  }

  private async dynamoCall(
    dynamo: DynamoMeter,
    op: string,
    method: string,
    path: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): Promise<Answer> {
    this.count(op);
    const request = parseJson(body);
    const last: { raw?: Answer; json?: Json } = {};
    const result = await dynamo.handle(op, request, async (_operation, json) => {
      // The caller's own bytes when the meter left the request as it was.
      const sent = json === request ? body : Buffer.from(JSON.stringify(json));
      last.raw = await this.forward(method, path, headers, sent);
      last.json = parseJson(last.raw.body);
      return { status: last.raw.status, json: last.json };
    });
    if (!last.raw) throw new Error(`${op}: the meter did not forward the call`);
    // Re-encoded only when the meter took out the ConsumedCapacity it had asked for.
    return result.json === last.json ? last.raw : jsonAnswer(last.raw, result.json);
  }

  private meterSes(op: string, req: IncomingMessage, body: Buffer, answer: Answer): void {
    const form = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded')
      ? new URLSearchParams(body.toString('utf8'))
      : undefined;
    const action = form?.get('Action') ?? undefined;
    // The emulator's own pages (`/store`, `/clear-store`) are not SES calls.
    if (!action && !(req.url ?? '').startsWith('/v2/')) return;
    this.count(action ?? op);
    if (answer.status < 200 || answer.status >= 300) return;
    let message: { recipients: number; bytes: number; attachmentBytes?: number } | undefined;
    if (!form && op === 'SendEmail') message = sesV2Message(parseJson(body));
    else if (form && (action === 'SendEmail' || action === 'SendRawEmail')) message = sesV1Message(form);
    if (!message) return;
    this.ses.messages++;
    this.ses.emails += message.recipients;
    this.ses.bytes += message.bytes;
    this.ses.attachmentBytes += message.attachmentBytes ?? 0;
  }
}

/** Starts a metering proxy for `service` in front of `target` (an emulator's base URL). */
export async function startMeter(target: string, service: 'dynamodb'): Promise<DynamoDbMeter>;
export async function startMeter(target: string, service: MeteredService): Promise<Meter>;
export async function startMeter(target: string, service: MeteredService): Promise<Meter | DynamoDbMeter> {
  const agent = new HttpAgent({ keepAlive: true });
  return meterInFrontOf(forwarder(new URL(target), agent), service, () => agent.destroy());
}

/**
 * A metering proxy that hands each call to `forward` (an emulator reached over HTTP, or one running
 * in this thread: meter-worker.ts's dynalite) and calls `release` when it closes.
 */
export async function meterInFrontOf(
  forward: Forward,
  service: MeteredService,
  release: () => void = () => {},
): Promise<Meter | DynamoDbMeter> {
  const counter = new Counter(service, forward);
  const server = createServer(async (req, res) => {
    try {
      const answer = await counter.handle(req, await readBody(req));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`metering proxy: ${String(err)}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the metering proxy is not listening on TCP');
  const meter: Meter = {
    url: `http://127.0.0.1:${address.port}`,
    service,
    snapshot: () => counter.snapshot(),
    reset: () => counter.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const dynamo = counter.dynamo;
  return dynamo ? { ...meter, storage: () => dynamo.storage() } : meter;
}

/** A meter on its own thread (meter-worker.ts): its counts are fetched from there, hence async. */
export interface MeterThread {
  url: string;
  snapshot(): Promise<MeterSnapshot>;
  reset(): Promise<void>;
  /** DynamoDB only: as `DynamoDbMeter.storage`. */
  storage(): Promise<{ items: number; tableBytes: number; indexBytes: number }>;
  /** Closes the proxy and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts `startMeter(target, service)` on a worker thread, beside the handlers' thread. With no
 * `target` (DynamoDB only) the thread also runs the dynalite the meter stands in front of, which
 * it then reaches without HTTP: one hop a call instead of two, and the meter's own reads of whole
 * items cost no HTTP at all (make its tables with `createTablesFromStack` on `url`).
 */
export async function startMeterThread(
  target: string | undefined,
  service: MeteredService,
): Promise<MeterThread> {
  const worker = new Worker(new URL('./meter-worker.ts', import.meta.url), {
    workerData: { target, service },
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let ready: { resolve(v: unknown): void; reject(e: Error): void } | undefined;
  const started = new Promise<unknown>((resolve, reject) => {
    ready = { resolve, reject };
  });
  worker.on('message', (m: { url?: string; id?: number; result?: unknown; error?: string }) => {
    if (m.url) return ready?.resolve(m.url);
    const call = waiting.get(m.id ?? -1);
    waiting.delete(m.id ?? -1);
    if (m.error) call?.reject(new Error(m.error));
    else call?.resolve(m.result);
  });
  worker.on('error', (error) => {
    ready?.reject(error);
    for (const call of waiting.values()) call.reject(error);
  });
  const url = String(await started);
  let ids = 0;
  const ask = <T>(question: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++ids;
      // The worker answers each question with the value of the same-named Meter method.
      waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      worker.postMessage({ id, ask: question });
    });
  return {
    url,
    snapshot: () => ask('snapshot'),
    reset: () => ask('reset'),
    storage: () => ask('storage'),
    close: async () => {
      await ask('close');
      await worker.terminate();
    },
  };
}
