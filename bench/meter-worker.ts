/**
 * A metering proxy (metering.ts) on a thread of its own, started by `startMeterThread`: the
 * DynamoDB meter reads, sizes and forwards every call of the handlers, work that would otherwise
 * share their thread. workerData: `{ target, service }`. Posts `{ url }` once listening, then
 * answers `{ id, ask }` (`snapshot`, `reset`, `storage`, `close`) with `{ id, result }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type Meter, type MeteredService, startMeter } from './metering.ts';

const { target, service } = workerData as { target: string; service: MeteredService }; // set by startMeterThread
const parent =
  parentPort ??
  (() => {
    throw new Error('meter-worker.ts runs as a worker thread');
  })();
const dynamo = service === 'dynamodb' ? await startMeter(target, 'dynamodb') : undefined;
const meter: Meter = dynamo ?? (await startMeter(target, service));
const answers: Record<string, () => unknown> = {
  snapshot: () => meter.snapshot(),
  reset: () => meter.reset(),
  storage: () => dynamo?.storage(),
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
