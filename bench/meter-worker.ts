/**
 * A metering proxy (metering.ts) on a thread of its own, started by `startMeterThread`: the
 * DynamoDB meter reads, sizes and forwards every call of the handlers, work that would otherwise
 * share their thread. workerData: `{ target?, service }`. Without a `target` (DynamoDB) the thread
 * also runs the dynalite the meter stands in front of, and hands it each call in this thread
 * (dynalite's own request handler, given the request's method, path, headers and body): no second
 * HTTP hop, and the meter's reads of whole items stay in the thread. Posts `{ url }` once
 * listening, then answers `{ id, ask }` (`snapshot`, `reset`, `storage`, `close`) with `{ id, result }`.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { atomicDynaliteWrites } from '../local/runtime/dynalite-atomic.ts';
import { closeDynaliteIterators } from '../local/runtime/dynalite-iterators.ts';
import {
  type DynamoDbMeter,
  type Forward,
  type Meter,
  type MeteredService,
  meterInFrontOf,
  startMeter,
} from './metering.ts';

const { target, service } = workerData as { target?: string; service: MeteredService }; // set by startMeterThread
const parent =
  parentPort ??
  (() => {
    throw new Error('meter-worker.ts runs as a worker thread');
  })();

/** dynalite in this thread, as the local runtime runs it (dynalite-worker.ts), reached by a call. */
function dynaliteHere(): Forward {
  closeDynaliteIterators();
  atomicDynaliteWrites();
  Buffer.poolSize = 0; // as dynalite-worker.ts: each stored Buffer keeps only its own bytes
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  const handle = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  return (method, path, headers, body) =>
    new Promise((resolve) => {
      // What dynalite's handler uses of a request and a response (node_modules/dynalite/index.js).
      const req = Object.assign(new EventEmitter(), { method, url: path, headers });
      const answerHeaders: Record<string, string> = {};
      const res = {
        statusCode: 200,
        contentType: '',
        setHeader(name: string, value: unknown) {
          answerHeaders[name.toLowerCase()] = String(value);
        },
        end(text?: string | Buffer) {
          resolve({ status: res.statusCode, headers: answerHeaders, body: Buffer.from(text ?? '') });
        },
      };
      handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
      if (body.length > 0) req.emit('data', body);
      req.emit('end');
    });
}

const meter: Meter =
  target === undefined && service === 'dynamodb'
    ? await meterInFrontOf(dynaliteHere(), service)
    : await startMeter(target ?? '', service);
const answers: Record<string, () => unknown> = {
  snapshot: () => meter.snapshot(),
  reset: () => meter.reset(),
  storage: () => ('storage' in meter ? (meter as DynamoDbMeter).storage() : undefined),
  close: () => meter.close(),
};
parent.on('message', async ({ id, ask }: { id: number; ask: string }) => {
  try {
    parent.postMessage({ id, result: await answers[ask]?.() });
  } catch (error) {
    parent.postMessage({ id, error: String(error) });
  }
});
parent.postMessage({ url: meter.url });
