/**
 * The local engine's journal: what it must not forget when the process dies. Step Functions keeps
 * an execution running whatever happens to the caller; the local interpreter lives in this process
 * and cannot checkpoint. So every execution's start (state machine, name, input, start time) is
 * appended to `<dataDir>/executions.jsonl` before it runs, its end when it ends, and every
 * callback wait's absolute deadline when the wait opens. After a restart the engine reads it back:
 * names stay taken (a start under a finished name is `ExecutionAlreadyExists`, as on AWS), and
 * every execution without an end is run again from its start under its name — the re-entrant
 * steps make that a resume — its waits keeping their deadlines.
 *
 * One JSON object per line, appended with one write each: a process killed mid-write leaves at
 * most a torn last line, which is ignored. The lines survive a killed process (the kernel holds
 * them), not a power cut (no fsync: a local product, not a ledger).
 *
 *   {"type":"started","machine":"Review","name":"review-x-2022Q3-1","input":"{…}","startDate":"…"}
 *   {"type":"waiting","machine":"Review","name":"review-x-2022Q3-1","state":"AwaitAppraisal",
 *    "key":"<hash of the task's parameters>","occurrence":1,"since":"…","timeoutAt":"…"}
 *   {"type":"ended","machine":"Review","name":"review-x-2022Q3-1","status":"SUCCEEDED","stopDate":"…"}
 *   {"type":"redriven","machine":"Launch","name":"launch-…","redriveDate":"…"}
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExecutionStatus, Json } from './sfn-api.ts';

/** Which execution a line is about: its state machine's local name and its own name. */
interface Subject {
  machine: string;
  name: string;
}

export type JournalEntry =
  | (Subject & { type: 'started'; input: string; startDate: string })
  | (Subject & { type: 'ended'; status: ExecutionStatus; stopDate: string; error?: string; cause?: string })
  | (Subject & { type: 'redriven'; redriveDate: string })
  | (Subject & {
      type: 'waiting';
      state: string;
      key: string;
      occurrence: number;
      since: string;
      timeoutAt: string;
    });

/** A callback wait as journaled: when it opened and when it times out. */
export interface JournaledWait {
  since: Date;
  timeoutAt: Date;
}

/** What the journal knows of one execution. */
export interface JournaledExecution {
  machine: string;
  name: string;
  input: string;
  startDate: Date;
  /** Absent while the execution has not ended (or was redriven since it ended). */
  end?: { status: ExecutionStatus; stopDate: Date; error?: string; cause?: string };
  /** Deadlines by `waitKey(state, key, occurrence)`. */
  waits: Map<string, JournaledWait>;
}

/** The identity of a wait within its execution: the n-th opening of a task with these parameters. */
export function waitKey(state: string, key: string, occurrence: number): string {
  return `${state}\u0000${key}\u0000${occurrence}`;
}

/**
 * The deadline of a callback wait opening now. A wait is identified within its execution by its
 * state, its task's resolved parameters (the ids and round it waits about; hashed) and how many
 * times this run opened that same wait before: when an earlier run of the execution reached the
 * same wait, it keeps the deadline it had then; else it is `now + timeoutSeconds`, journaled
 * before the task's handler runs.
 */
export function waitDeadline(open: {
  execution: {
    machineName: string;
    name: string;
    waits: Map<string, JournaledWait>;
    occurrences: Map<string, number>;
  };
  stateName: string;
  parameters: Json;
  timeoutSeconds: number;
  now: Date;
  journal?: ExecutionJournal;
}): JournaledWait {
  const { execution, stateName, now } = open;
  const key = createHash('sha256').update(JSON.stringify(open.parameters)).digest('hex').slice(0, 16);
  const counter = `${stateName}\u0000${key}`;
  const occurrence = (execution.occurrences.get(counter) ?? 0) + 1;
  execution.occurrences.set(counter, occurrence);
  const id = waitKey(stateName, key, occurrence);
  const known = execution.waits.get(id);
  if (known) return known;
  const wait = { since: now, timeoutAt: new Date(now.getTime() + open.timeoutSeconds * 1000) };
  execution.waits.set(id, wait);
  open.journal?.append({
    type: 'waiting',
    machine: execution.machineName,
    name: execution.name,
    state: stateName,
    key,
    occurrence,
    since: wait.since.toISOString(),
    timeoutAt: wait.timeoutAt.toISOString(),
  });
  return wait;
}

export class ExecutionJournal {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
  }

  /** Every execution the journal holds, in the order they started. */
  read(): JournaledExecution[] {
    if (!existsSync(this.path)) return [];
    const executions = new Map<string, JournaledExecution>();
    const lines = readFileSync(this.path, 'utf8').split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      const entry = parseLine(line);
      if (!entry) {
        // A torn last line (no newline after it) is a write the kill interrupted; anything else
        // is a damaged file.
        if (index === lines.length - 1) return;
        throw new Error(`${this.path}:${index + 1}: not a journal entry: ${line.slice(0, 120)}`);
      }
      apply(executions, entry);
    });
    return [...executions.values()];
  }

  append(entry: JournalEntry): void {
    appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
  }
}

function apply(executions: Map<string, JournaledExecution>, entry: JournalEntry): void {
  const id = `${entry.machine}:${entry.name}`;
  if (entry.type === 'started') {
    executions.set(id, {
      machine: entry.machine,
      name: entry.name,
      input: entry.input,
      startDate: new Date(entry.startDate),
      waits: new Map(),
    });
    return;
  }
  const execution = executions.get(id);
  if (!execution) return;
  switch (entry.type) {
    case 'ended':
      execution.end = {
        status: entry.status,
        stopDate: new Date(entry.stopDate),
        ...(entry.error !== undefined ? { error: entry.error } : {}),
        ...(entry.cause !== undefined ? { cause: entry.cause } : {}),
      };
      return;
    case 'redriven':
      delete execution.end;
      return;
    case 'waiting':
      execution.waits.set(waitKey(entry.state, entry.key, entry.occurrence), {
        since: new Date(entry.since),
        timeoutAt: new Date(entry.timeoutAt),
      });
      return;
  }
}

/** One line as a journal entry, or undefined when it is not one (a torn write). */
function parseLine(line: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, machine, name } = value as Record<string, unknown>;
  const known = type === 'started' || type === 'ended' || type === 'redriven' || type === 'waiting';
  // The journal's own lines, written by append() above.
  return known && typeof machine === 'string' && typeof name === 'string'
    ? (value as JournalEntry)
    : undefined;
}
