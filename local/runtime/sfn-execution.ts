/**
 * An execution as the local engine holds it: its record (name, input, status, dates, event log,
 * open callbacks, callback deadlines kept across runs), how it is made, described as the API
 * describes it, and how a rejected run ends it.
 */
import { ExecutionAbortedError, ExecutionError, type StateMachine } from 'aws-local-stepfunctions';
import type { AslDefinition, AslState, OriginalTimeouts } from './asl.ts';
import { executionArn } from './cfn.ts';
import type { VirtualClock } from './clock.ts';
import {
  describeError,
  type ExecutionDescription,
  type ExecutionStatus,
  type LoggedEvent,
} from './sfn-api.ts';
import type { CallbackTask } from './sfn-callbacks.ts';
import type { JournaledWait } from './sfn-journal.ts';

export interface RegisteredMachine {
  name: string;
  arn: string;
  definition: AslDefinition;
  originalTimeouts: Map<string, OriginalTimeouts>;
  tasks: Map<string, AslState>;
  stateNames: string[];
  interpreter: StateMachine;
}

export interface Execution {
  arn: string;
  name: string;
  machine: RegisteredMachine;
  machineName: string;
  status: ExecutionStatus;
  inputText: string;
  outputText?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  events: LoggedEvent[];
  pending: Set<CallbackTask>;
  /** Task invocations running now (a callback task counts until its handler returns). */
  inFlight: number;
  abort: () => void;
  /** Set when stopped; `byEngine`: the engine stopped, not the execution (no end is journaled). */
  stopReason?: { error?: string; cause?: string; byEngine?: boolean };
  /** Journaled by an earlier process and not running in this one (yet). */
  dormant: boolean;
  /** Callback deadlines by `waitKey`, kept across runs of the same execution. */
  waits: Map<string, JournaledWait>;
  /** How many times this run opened each (state, parameters) wait. */
  occurrences: Map<string, number>;
  finished: Promise<void>;
  markFinished: () => void;
  log(event: { type: string; [detail: string]: unknown }): void;
}

/** A new execution, RUNNING and not yet run; `changed` is told of every event it logs. */
export function newExecution(
  what: { machine: RegisteredMachine; name: string; inputText: string; startDate: Date },
  clock: VirtualClock,
  changed: () => void,
): Execution {
  let markFinished: () => void = () => undefined;
  const finished = new Promise<void>((r) => {
    markFinished = r;
  });
  const execution: Execution = {
    ...what,
    arn: executionArn(what.machine.name, what.name),
    machineName: what.machine.name,
    status: 'RUNNING',
    events: [],
    pending: new Set(),
    inFlight: 0,
    abort: () => undefined,
    dormant: false,
    waits: new Map(),
    occurrences: new Map(),
    finished,
    markFinished,
    log: (event) => {
      execution.events.push({ ...event, at: clock.now() });
      changed();
    },
  };
  return execution;
}

export function describeExecution(e: Execution): ExecutionDescription {
  return {
    executionArn: e.arn,
    stateMachineArn: e.machine.arn,
    name: e.name,
    status: e.status,
    startDate: e.startDate,
    input: e.inputText,
    ...(e.stopDate ? { stopDate: e.stopDate } : {}),
    ...(e.outputText !== undefined ? { output: e.outputText } : {}),
    ...(e.error !== undefined ? { error: e.error } : {}),
    ...(e.cause !== undefined ? { cause: e.cause } : {}),
  };
}

/** How an execution the interpreter rejected ended: stopped (ABORTED) or failed with its error. */
export function settleFailure(execution: Execution, error: unknown): void {
  if (execution.stopReason || error instanceof ExecutionAbortedError) {
    execution.status = 'ABORTED';
    if (execution.stopReason?.error !== undefined) execution.error = execution.stopReason.error;
    if (execution.stopReason?.cause !== undefined) execution.cause = execution.stopReason.cause;
    return;
  }
  execution.status = 'FAILED';
  const { name, message } = describeError(error instanceof ExecutionError ? error.cause : error);
  execution.error = name;
  execution.cause = message;
}
