/**
 * dynalite on a thread of its own (started by `startDynalite` in emulators.ts): it answers every
 * DynamoDB call of the handlers, which would otherwise share one thread with them. Written in
 * erasable TypeScript only, so Node runs it as it is, whatever loader the parent uses (Vitest,
 * plain Node).
 *
 * workerData: `{ port, path? }`. Posts `{ port }` once listening; on the message `'stop'` closes
 * the server and its store (LevelDB's lock on `path` is released) and posts `'stopped'`.
 */
import { flushCompileCache, getCompileCacheDir } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { atomicDynaliteWrites } from './dynalite-atomic.ts';
import { closeDynaliteIterators } from './dynalite-iterators.ts';
import { refuseBrowsers } from './loopback.ts';

closeDynaliteIterators();
atomicDynaliteWrites();

const { port, path } = workerData as { port: number; path?: string }; // set by startDynalite
const parent =
  parentPort ??
  (() => {
    throw new Error('dynalite-worker.ts runs as a worker thread');
  })();

// dynalite's in-memory store keeps every key and value as a small Buffer; from Node's shared
// 8 KB pool, each one kept alive keeps its whole slab (measured: ~1.3 MiB per unit of a period,
// 1.5 GiB of array buffers at 1,000 units). Unpooled, each keeps only its own bytes. The pool is
// per thread: the handlers' thread keeps it.
if (!path) Buffer.poolSize = 0;
const db = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(path ? { path } : {}),
});
// dynalite answers any Origin with `Access-Control-Allow-Origin: *`: any web page open in the
// operator's browser could read and write the tables. Only the runtime's own calls get through.
refuseBrowsers(db);
db.listen(port, '127.0.0.1', () => {
  const address = db.address();
  parent.postMessage({ port: typeof address === 'object' && address ? address.port : port });
  // The thread's modules kept compiled for the next start (local/product/compile-cache.ts): a
  // killed process writes nothing at its end.
  if (getCompileCacheDir()) flushCompileCache();
});
parent.on('message', (message: unknown) => {
  if (message !== 'stop') return;
  db.close(() => parent.postMessage('stopped'));
  db.closeAllConnections();
});
