/**
 * A proxy in front of an emulator (dynalite, the SES emulator, the local Step Functions endpoint)
 * that makes a share of the calls fail the way a real service sometimes does — so the product's own
 * handling is what a test exercises, not a mock of it.
 *
 * Faults are decided per SDK *invocation* (the `amz-sdk-invocation-id` header stays the same across
 * the SDK's own retries of one call), and a faulted invocation fails on every attempt: the product
 * sees the error only after the SDK has retried, as it would after a real outage longer than the
 * SDK's backoff. Two kinds:
 * - `before`: nothing reaches the emulator; every attempt answers a 500.
 * - `lost`: the first attempt reaches the emulator and is applied, its answer is replaced by a 500,
 *   and later attempts answer 500 without reaching it — "applied, but the response lost".
 * - `throttled`: nothing reaches the emulator; every attempt answers 429 `TooManyRequestsException`
 *   (SES's answer when the account's sending rate is exceeded). Only when asked for.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FaultKind = 'before' | 'lost' | 'throttled';

export interface FaultProxyOptions {
  /** The emulator's base URL, e.g. `http://127.0.0.1:4567`. */
  target: string;
  /** Share of invocations that fail, 0..1. */
  rate: number;
  /** Seeds the choice: the same seed gives the n-th call the same fate. */
  seed: string;
  /** Which kinds to inject (default `before` and `lost`, half each). */
  kinds?: readonly FaultKind[];
  /** Only calls for which this answers true may fail (e.g. by operation); default all. */
  eligible?: (call: { operation: string; method: string; path: string }) => boolean;
}

export interface FaultProxy {
  url: string;
  /** Injected faults so far, by kind and operation. */
  injected: { kind: FaultKind; operation: string }[];
  /** Calls seen (first attempts only). */
  calls: number;
  /** Stops injecting (the proxy keeps forwarding). */
  heal(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The operation a request names: JSON protocols by `x-amz-target`, REST ones by method and path. */
function operationOf(req: IncomingMessage): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  return `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
}

/** A 429 as SES v2 answers when the account's sending rate is exceeded. */
function throttle(res: ServerResponse): void {
  res.writeHead(429, {
    'content-type': 'application/json',
    'x-amzn-errortype': 'TooManyRequestsException',
  });
  res.end(JSON.stringify({ message: 'Maximum sending rate exceeded.' }));
}

/** A 500 every AWS protocol's SDK reads as a retryable service error. */
function fail(res: ServerResponse, operation: string): void {
  const body = JSON.stringify({
    __type: 'InternalFailure',
    message: `injected fault on ${operation}`,
  });
  res.writeHead(500, {
    'content-type': 'application/x-amz-json-1.0',
    'x-amzn-errortype': 'InternalFailure',
  });
  res.end(body);
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const out = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
      },
      async (res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const kinds = options.kinds ?? ['before', 'lost'];
  const fates = new Map<string, FaultKind | 'none'>();
  const injected: FaultProxy['injected'] = [];
  let calls = 0;
  let healed = false;

  const fateOf = (invocation: string, call: { operation: string; method: string; path: string }) => {
    const known = fates.get(invocation);
    if (known) return { fate: known, first: false };
    calls++;
    let fate: FaultKind | 'none' = 'none';
    if (!healed && kinds.length > 0 && (options.eligible?.(call) ?? true)) {
      // By the call's place in the sequence, not its random invocation id: a seed replays its draw.
      const digest = createHash('sha256').update(`${options.seed}:${calls}`).digest();
      const draw = digest.readUInt32BE(0) / 0x1_0000_0000;
      if (draw < options.rate) fate = kinds[digest.readUInt8(4) % kinds.length] ?? 'before';
    }
    fates.set(invocation, fate);
    if (fate !== 'none') injected.push({ kind: fate, operation: call.operation });
    return { fate, first: true };
  };

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const operation = operationOf(req);
      const header = req.headers['amz-sdk-invocation-id'];
      // A call without the SDK's header (a browser, a test's fetch) is its own invocation.
      const invocation = typeof header === 'string' ? header : `anon-${calls}-${Math.random()}`;
      const { fate, first } = fateOf(invocation, {
        operation,
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0] ?? '/',
      });
      if (fate === 'throttled') return throttle(res);
      if (fate === 'before' || (fate === 'lost' && !first)) return fail(res, operation);
      const answer = await forward(target, req, body);
      if (fate === 'lost') return fail(res, operation);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    injected,
    get calls() {
      return calls;
    },
    heal: () => {
      healed = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
