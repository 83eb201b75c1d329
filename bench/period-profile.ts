/**
 * Where a period's time goes, for `bench/period.ts --profile`: every handler invocation (step or
 * page) runs inside an AsyncLocalStorage context named after its function, and the DynamoDB and SES
 * clients' `send` is wrapped to count calls (by operation) and their wall time per function. Per
 * phase, the process's CPU seconds (`process.cpuUsage`) beside the wall time.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

interface FunctionFigures {
  invocations: number;
  ms: number;
  dynamoCalls: number;
  dynamoMs: number;
  byOperation: Map<string, number>;
  emails: number;
}

interface Invocation {
  name: string;
  calls: string[];
}
const context = new AsyncLocalStorage<Invocation>();
/** The calls of each function's first invocation, one line each (operation and keys). */
const traces = new Map<string, string[]>();
const figures = new Map<string, FunctionFigures>();

function entry(name: string): FunctionFigures {
  let f = figures.get(name);
  if (!f) {
    f = { invocations: 0, ms: 0, dynamoCalls: 0, dynamoMs: 0, byOperation: new Map(), emails: 0 };
    figures.set(name, f);
  }
  return f;
}

type Send = (command: { constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown>;

/** Wraps a client class's `send` so every call counts against the function whose context made it. */
function wrapSend(proto: { send: Send }, onCall: (f: FunctionFigures, op: string, ms: number) => void): void {
  const original = proto.send;
  proto.send = async function (this: unknown, command, ...rest) {
    const start = performance.now();
    try {
      return await original.call(this, command, ...rest);
    } finally {
      const op = command.constructor.name.replace(/Command$/, '');
      const invocation = context.getStore();
      invocation?.calls.push(`${op} ${describe(command)}`);
      onCall(entry(invocation?.name ?? '(bench)'), op, performance.now() - start);
    }
  };
}

let installed = false;
export function installProfile(): void {
  if (installed) return;
  installed = true;
  // The clients' classes are the boundary: their `send` is what every port calls.
  // The document client's `send` is its own (it does not go through DynamoDBClient's).
  for (const client of [DynamoDBClient, DynamoDBDocumentClient]) {
    wrapSend(client.prototype as unknown as { send: Send }, (f, op, ms) => {
      f.dynamoCalls++;
      f.dynamoMs += ms;
      f.byOperation.set(op, (f.byOperation.get(op) ?? 0) + 1);
    });
  }
  wrapSend(SESv2Client.prototype as unknown as { send: Send }, (f) => {
    f.emails++;
  });
}

/** Runs one invocation of `name` in its context, counting it. */
export async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    const invocation: Invocation = { name, calls: [] };
    const result = await context.run(invocation, run);
    if (!traces.has(name)) traces.set(name, invocation.calls);
    return result;
  } finally {
    const f = entry(name);
    f.invocations++;
    f.ms += performance.now() - start;
  }
}

/** One row per function, most DynamoDB calls first, plus the calls per unit. */
export function profileRows(units: number): [string, string][] {
  const rows = [...figures].sort((a, b) => b[1].dynamoCalls - a[1].dynamoCalls);
  const total = rows.reduce((s, [, f]) => s + f.dynamoCalls, 0);
  return [
    ['DynamoDB calls per unit (all functions)', (total / units).toFixed(1)],
    ...rows.map(([name, f]): [string, string] => [
      name,
      `${f.invocations} inv, ${(f.ms / Math.max(1, f.invocations)).toFixed(1)} ms/inv, ` +
        `${(f.dynamoCalls / Math.max(1, f.invocations)).toFixed(1)} calls/inv ` +
        `(${[...f.byOperation].map(([op, n]) => `${op} ${n}`).join(', ')}), ` +
        `${(f.dynamoMs / Math.max(1, f.dynamoCalls)).toFixed(1)} ms/call${f.emails ? `, ${f.emails} emails` : ''}`,
    ]),
  ];
}

/** Keys (pk, sk, an index's) of a call, abbreviated, to see which items a step reads and writes. */
function describe(command: unknown): string {
  const input = (command as { input?: Record<string, unknown> }).input ?? {};
  const parts: string[] = [];
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  if (key) parts.push(`${String(key.pk)} / ${String(key.sk)}`);
  if (input.IndexName) parts.push(`index ${String(input.IndexName)}`);
  if (input.KeyConditionExpression) {
    parts.push(`${String(input.KeyConditionExpression)} ${JSON.stringify(input.ExpressionAttributeValues)}`);
  }
  if (input.RequestItems) parts.push(JSON.stringify(input.RequestItems).slice(0, 200));
  return parts.join(' ').slice(0, 240);
}

/** Each function's first invocation, call by call. */
export function traceLines(): string[] {
  return [...traces].flatMap(([name, calls]) => [`${name}:`, ...calls.map((c) => `    ${c}`)]);
}

/** Where the memory is at the end: V8's heap, and buffers outside it. */
export function memoryRow(): [string, string] {
  const m = process.memoryUsage();
  const mib = (n: number) => `${Math.round(n / 1_048_576)} MiB`;
  return [
    'memory at the end',
    `RSS ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(m.heapTotal)}, external ${mib(m.external)} (array buffers ${mib(m.arrayBuffers)})`,
  ];
}

/** Where the CPU clocks stood: the whole process (every thread) and the handlers' thread alone. */
export interface CpuMark {
  process: NodeJS.CpuUsage;
  thread: NodeJS.CpuUsage;
}
export const cpuMark = (): CpuMark => ({ process: process.cpuUsage(), thread: process.threadCpuUsage() });

/**
 * CPU seconds (user + system) since `from`, as `CPU <process> s (handlers' thread <thread> s)`:
 * dynalite and the DynamoDB meter run on a thread of their own, so the process can use more CPU
 * than wall time, and the handlers' thread is the one a phase waits on.
 */
export function cpuSince(from: CpuMark): string {
  const seconds = (d: NodeJS.CpuUsage) => ((d.user + d.system) / 1e6).toFixed(1);
  return `CPU ${seconds(process.cpuUsage(from.process))} s (handlers' thread ${seconds(process.threadCpuUsage(from.thread))} s)`;
}

/** One OS thread's name and CPU ticks (user + system), from Linux's /proc; empty elsewhere. */
type ThreadTicks = Map<number, { name: string; ticks: number }>;
export function threadTicks(): ThreadTicks {
  const threads: ThreadTicks = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')
      .map(Number)
      .sort((a, b) => a - b)) {
      try {
        const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
        // Fields after the parenthesised name: utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        threads.set(tid, { name, ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // not Linux
  }
  return threads;
}

/**
 * CPU seconds per thread since `from`, by role: the handlers' (main) thread, the worker threads in
 * the order they started (`workers` names them: the runtime's dynalite, then the DynamoDB meter's), and V8's
 * helper threads (garbage collection, compilation) together. Clock ticks are 1/100 s on Linux.
 */
export function threadRow(from: ThreadTicks, workers: string[]): [string, string] {
  const now = threadTicks();
  if (!now.size) return ['CPU by thread', 'not measured (no /proc)'];
  const since = (tid: number) => ((now.get(tid)?.ticks ?? 0) - (from.get(tid)?.ticks ?? 0)) / 100;
  const parts: string[] = [];
  let helpers = 0;
  let workerIndex = 0;
  for (const [tid, t] of now) {
    if (t.name === 'MainThread') parts.push(`handlers' thread ${since(tid).toFixed(1)} s`);
    else if (t.name === 'WorkerThread')
      parts.push(`${workers[workerIndex++] ?? `worker ${tid}`} ${since(tid).toFixed(1)} s`);
    else if (t.name.startsWith('V8')) helpers += since(tid);
  }
  parts.push(`V8's helper threads (GC, compiling) ${helpers.toFixed(1)} s`);
  return ['CPU by thread', parts.join(', ')];
}
