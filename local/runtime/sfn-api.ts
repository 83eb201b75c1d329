/**
 * The shapes and rules of the Step Functions API as the local engine answers it: limits, errors
 * named as AWS names them, execution names and inputs checked as AWS checks them.
 */

/** AWS's limit on the history of a Standard execution. */
export const HISTORY_EVENT_LIMIT = 25_000;
/** AWS's limit on an execution's input, a task's result and a callback's output (256 KiB). */
export const PAYLOAD_LIMIT_BYTES = 262_144;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An error of the Step Functions API, named like AWS's (`ExecutionAlreadyExists`, `TaskTimedOut`…). */
export class SfnApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = code;
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface TaskContext {
  executionArn: string;
  stateName: string;
  resource: string;
  /** The task token, for a `.waitForTaskToken` task. */
  taskToken?: string;
}

/** A task resource run locally (a test's stand-in), keyed by its `Resource` (without `.waitForTaskToken`). */
export type Integration = (parameters: Json, context: TaskContext) => Promise<Json> | Json;

export interface StartExecutionInput {
  /** The state machine's ARN or local name. */
  stateMachineArn: string;
  /** The execution's name (default: a random one). */
  name?: string;
  /** A JSON string (as the API sends it) or a value. */
  input?: string | Json;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** One entry of an execution's log: an interpreter event, or one of the callback layer's. */
export interface LoggedEvent {
  type: string;
  /** Virtual time of the event. */
  at: Date;
  [detail: string]: unknown;
}

export interface PendingTaskInfo {
  taskToken: string;
  executionArn: string;
  executionName: string;
  stateMachineName: string;
  stateName: string;
  since: Date;
  timeoutAt?: Date;
}

/** An error with the name Step Functions matches in `Retry` and `Catch`. */
export function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

export function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** A task's result as AWS allows it (256 KiB at most). */
export function checkSize(result: Json): Json {
  if (Buffer.byteLength(JSON.stringify(result)) > PAYLOAD_LIMIT_BYTES) {
    throw namedError('States.DataLimitExceeded', 'The task result exceeds the 256 KiB payload limit');
  }
  return result;
}

/** An execution's input as the API takes it: JSON text of at most 256 KiB (default `{}`). */
export function inputTextOf(input: string | Json | undefined): string {
  const text = input === undefined ? '{}' : typeof input === 'string' ? input : JSON.stringify(input);
  if (Buffer.byteLength(text) > PAYLOAD_LIMIT_BYTES) {
    throw new SfnApiError('InvalidExecutionInput', 'The input exceeds 262144 bytes');
  }
  try {
    JSON.parse(text);
  } catch {
    throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
  }
  return text;
}

/** AWS's rule for execution names: 1–80 characters, none of whitespace, brackets, wildcards, specials. */
export function validateExecutionName(name: string): void {
  const control = [...name].some((ch) => {
    const c = ch.charCodeAt(0);
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  });
  if (name.length < 1 || name.length > 80 || control || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) {
    throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
  }
}

/** `value` with every string equal to `from` replaced by `to`, deeply. */
export function replaceDeep(value: Json, from: string, to: string): Json {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}
