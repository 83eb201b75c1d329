/**
 * Step Functions, locally: the ASL extracted from the stack runs on aws-local-stepfunctions;
 * this engine adds what the interpreter lacks — named executions (a name is taken for the
 * engine's lifetime, as on AWS), Lambda tasks running the real handlers in-process, callbacks
 * (`.waitForTaskToken`) with a fresh token per task settled by SendTaskSuccess/Failure, their
 * `TimeoutSeconds` on the virtual clock, a per-execution event log and a history count weighted
 * to what AWS would record.
 *
 * It runs what the district stack emits — `lambda:invoke` tasks (with or without a task token),
 * Pass, Choice, Map (ItemProcessor), Succeed, Fail — and refuses at registration what it would
 * run wrongly: Wait and Parallel states, `HeartbeatSeconds`, `…Path` timeouts, a machine-level
 * `TimeoutSeconds`, other task resources (a test may add one with `setIntegration`).
 */
import './polyfills.ts';
import { randomBytes } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import {
  type AslDefinition,
  type AslState,
  type ExtractedStateMachine,
  forEachState,
  type OriginalTimeouts,
} from './asl.ts';
import { executionArn, LOCAL_ACCOUNT, stateMachineArn } from './cfn.ts';
import type { ClockTimer, VirtualClock } from './clock.ts';
import type { LocalLambdas } from './lambda.ts';

/** AWS's limit on the history of a Standard execution. */
export const HISTORY_EVENT_LIMIT = 25_000;
/** AWS's limit on an execution's input, a task's result and a callback's output (256 KiB). */
export const PAYLOAD_LIMIT_BYTES = 262_144;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An error of the Step Functions API, named like AWS's (`ExecutionAlreadyExists`, `TaskTimedOut`…). */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
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

export interface SfnEngineOptions {
  clock: VirtualClock;
  lambdas: LocalLambdas;
}

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

interface Registered {
  name: string;
  arn: string;
  definition: AslDefinition;
  originalTimeouts: Map<string, OriginalTimeouts>;
  tasks: Map<string, AslState>;
  stateTypes: Map<string, string>;
  interpreter: StateMachine;
}

interface PendingTask {
  token: string;
  execution: Execution;
  stateName: string;
  since: Date;
  timeoutAt?: Date;
  resolve: (output: Json) => void;
  reject: (error: Error) => void;
  timers: ClockTimer[];
}

interface Execution {
  arn: string;
  name: string;
  machine: Registered;
  status: ExecutionStatus;
  inputText: string;
  outputText?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  events: LoggedEvent[];
  pending: Set<PendingTask>;
  /** Task invocations running now (a callback task counts until its handler returns). */
  inFlight: number;
  abort: () => void;
  stopReason?: { error?: string; cause?: string };
  finished: Promise<void>;
}

/** Put where `$$.Task.Token` is read; replaced by a fresh token in each callback task's payload. */
const TOKEN_SENTINEL = '__thidua_local_task_token__';
const TOKEN_PATTERN = /^LTT1[A-Za-z0-9_-]{64}$/;
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** Fields the engine cannot honour on the virtual clock; the stack never sets them. */
const UNSUPPORTED_FIELDS = ['HeartbeatSeconds', 'HeartbeatSecondsPath', 'TimeoutSecondsPath'];
const CALLBACK_SUFFIX = '.waitForTaskToken';

export class SfnEngine {
  private readonly machines = new Map<string, Registered>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new Map<string, PendingTask>();
  /** Tokens of tasks that ended, and how (a later call answers TaskTimedOut). */
  private readonly closedTokens = new Map<string, string>();
  private readonly integrations = new Map<string, Integration>();
  private activity = 0;

  constructor(private readonly options: SfnEngineOptions) {}

  /** Runs tasks of `resource` with `integration` (a test's stand-in for a service). */
  setIntegration(resource: string, integration: Integration): void {
    this.integrations.set(resource, integration);
  }

  /** Registers a state machine; throws when one of its tasks cannot run locally. */
  registerStateMachine(
    sm: Pick<ExtractedStateMachine, 'name' | 'definition'> &
      Partial<Pick<ExtractedStateMachine, 'aliases' | 'originalTimeouts'>>,
  ): string {
    const tasks = new Map<string, AslState>();
    const stateTypes = new Map<string, string>();
    const problems: string[] = [];
    if (sm.definition.TimeoutSeconds !== undefined) {
      problems.push('a machine-level TimeoutSeconds is not enforced locally');
    }
    forEachState(sm.definition, (stateName, state) => {
      stateTypes.set(stateName, state.Type);
      if (state.Type === 'Wait' || state.Type === 'Parallel') {
        problems.push(`${stateName}: ${state.Type} states are not run locally (long waits are schedules)`);
      }
      if (state.Type === 'Map' && state.ItemProcessor === undefined) {
        problems.push(`${stateName}: a Map needs an ItemProcessor (the legacy Iterator is not run locally)`);
      }
      for (const field of UNSUPPORTED_FIELDS) {
        if (state[field] !== undefined) problems.push(`${stateName}: ${field} is not enforced locally`);
      }
      if (state.Type !== 'Task') return;
      tasks.set(stateName, state);
      const resource = String(state.Resource);
      const base = resource.endsWith(CALLBACK_SUFFIX) ? resource.slice(0, -CALLBACK_SUFFIX.length) : resource;
      if (resource.endsWith(CALLBACK_SUFFIX)) {
        if (!JSON.stringify(state.Parameters ?? {}).includes('$$.Task.Token')) {
          problems.push(`${stateName}: a callback task must pass $$.Task.Token in its Parameters`);
        }
        if (typeof state.TimeoutSeconds !== 'number') {
          problems.push(
            `${stateName}: a callback task needs a fixed TimeoutSeconds (the local engine enforces it)`,
          );
        }
      }
      if (!this.canRun(base)) problems.push(`${stateName}: no local implementation for ${resource}`);
    });
    if (problems.length > 0) {
      throw new Error(`State machine ${sm.name} cannot run locally:\n  ${problems.join('\n  ')}`);
    }
    const registered: Registered = {
      name: sm.name,
      arn: stateMachineArn(sm.name),
      definition: sm.definition,
      originalTimeouts: sm.originalTimeouts ?? new Map(),
      tasks,
      stateTypes,
      interpreter: new StateMachine(sm.definition as unknown as StateMachineDefinition, {
        validationOptions: { noValidate: true },
      }),
    };
    for (const name of [sm.name, ...(sm.aliases ?? [])]) {
      if (this.machines.has(name)) throw new Error(`A state machine named ${name} is already registered`);
      this.machines.set(name, registered);
    }
    return registered.arn;
  }

  /** Starts an execution; its name stays taken for the engine's lifetime (as AWS keeps it 90 days). */
  startExecution(request: StartExecutionInput): { executionArn: string; startDate: Date } {
    const machine = this.machineOf(request.stateMachineArn);
    const name = request.name ?? randomBytes(16).toString('hex');
    validateExecutionName(name);
    const inputText = inputTextOf(request.input);
    const arn = executionArn(machine.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // AWS: the same name and input while the execution runs is the same start (idempotent).
      if (existing.status === 'RUNNING' && existing.inputText === inputText) {
        return { executionArn: arn, startDate: existing.startDate };
      }
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.launch(machine, arn, name, inputText);
    return { executionArn: execution.arn, startDate: execution.startDate };
  }

  describeExecution(arn: string): ExecutionDescription {
    const e = this.executionOf(arn);
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

  listExecutions(
    filter: { stateMachineArn?: string; statusFilter?: ExecutionStatus } = {},
  ): ExecutionDescription[] {
    const machine = filter.stateMachineArn ? this.machineOf(filter.stateMachineArn) : undefined;
    return [...this.executions.values()]
      .filter(
        (e) =>
          (!machine || e.machine === machine) && (!filter.statusFilter || e.status === filter.statusFilter),
      )
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((e) => this.describeExecution(e.arn));
  }

  /** Resolves with the description once the execution has ended. */
  async waitForExecution(arn: string): Promise<ExecutionDescription> {
    const e = this.executionOf(arn);
    await e.finished;
    return this.describeExecution(e.arn);
  }

  stopExecution(arn: string, details: { error?: string; cause?: string } = {}): { stopDate: Date } {
    const e = this.executionOf(arn);
    if (e.status === 'RUNNING') this.terminate(e, details);
    return { stopDate: e.stopDate ?? this.options.clock.now() };
  }

  sendTaskSuccess(taskToken: string, output: string | Json): void {
    const task = this.openTask(taskToken);
    let value: Json;
    if (typeof output === 'string') {
      if (Buffer.byteLength(output) > PAYLOAD_LIMIT_BYTES) {
        throw new SfnApiError('ValidationException', 'output exceeds 262144 bytes');
      }
      try {
        value = JSON.parse(output) as Json;
      } catch {
        throw new SfnApiError('InvalidOutput', 'Invalid State Machine Output: the output is not valid JSON');
      }
    } else {
      value = output;
    }
    this.closeTask(task, 'succeeded');
    this.log(task.execution, { type: 'TaskCallbackSucceeded', stateName: task.stateName });
    task.resolve(value);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    const task = this.openTask(taskToken);
    this.closeTask(task, 'failed');
    this.log(task.execution, { type: 'TaskCallbackFailed', stateName: task.stateName, error });
    task.reject(namedError(error ?? '', cause ?? ''));
  }

  /** Answers as AWS does for the token; there is no heartbeat timeout to renew (none is registered). */
  sendTaskHeartbeat(taskToken: string): void {
    this.openTask(taskToken);
  }

  /** Callback tasks waiting now, oldest first (what the tests and the local admin page show). */
  pendingTasks(filter: { executionArn?: string; stateName?: string } = {}): PendingTaskInfo[] {
    return [...this.tokens.values()]
      .filter(
        (t) =>
          (!filter.executionArn || t.execution.arn === filter.executionArn) &&
          (!filter.stateName || t.stateName === filter.stateName),
      )
      .sort((a, b) => a.since.getTime() - b.since.getTime())
      .map((t) => ({
        taskToken: t.token,
        executionArn: t.execution.arn,
        executionName: t.execution.name,
        stateMachineName: t.execution.machine.name,
        stateName: t.stateName,
        since: t.since,
        ...(t.timeoutAt ? { timeoutAt: t.timeoutAt } : {}),
      }));
  }

  /** The execution's event log (interpreter events and the callback layer's), in order. */
  history(arn: string): readonly LoggedEvent[] {
    return this.executionOf(arn).events;
  }

  /**
   * How many history events AWS would record for the execution so far, estimated from the local
   * log with these weights (AWS's event names in brackets):
   * - execution start 1, end 1;
   * - Task state 5 [TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded|Failed,
   *   TaskStateExited], a callback task 6 (+ TaskSubmitted), each retry 3 (4 for a callback)
   *   [TaskScheduled, TaskStarted, (TaskSubmitted,) TaskSucceeded|Failed];
   * - Map and Parallel state 4 [Entered, Started, Succeeded|Failed, Exited], each Map iteration
   *   2 [MapIterationStarted, MapIterationSucceeded|Failed] plus its own states;
   * - Pass, Choice, Wait, Succeed 2 [Entered, Exited]; Fail 1 [FailStateEntered].
   */
  historyEventCount(arn: string): number {
    const e = this.executionOf(arn);
    let count = 0;
    for (const ev of e.events) {
      const state = ev.state as { name: string; type: string } | undefined;
      switch (ev.type) {
        case 'ExecutionStarted':
        case 'ExecutionSucceeded':
        case 'ExecutionFailed':
        case 'ExecutionAborted':
        case 'ExecutionTimeout':
          count += 1;
          break;
        case 'MapIterationStarted':
          count += 2;
          break;
        case 'StateEntered':
          count += this.stateWeight(e.machine, state!.name, state!.type);
          break;
        case 'StateRetried':
          count += this.isCallback(e.machine, state!.name) ? 4 : 3;
          break;
      }
    }
    return count;
  }

  /**
   * Resolves when every running execution is waiting for a callback with nothing in flight — what the clock awaits after each thing it fires.
   */
  async idle(): Promise<void> {
    let stableTurns = 0;
    let lastActivity = -1;
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      const busy =
        this.options.lambdas.inFlight > 0 ||
        [...this.executions.values()].some(
          (e) => e.status === 'RUNNING' && (e.inFlight > 0 || e.pending.size === 0),
        );
      if (busy || this.activity !== lastActivity) {
        stableTurns = 0;
        lastActivity = this.activity;
        continue;
      }
      if (++stableTurns >= 2) return;
    }
  }

  /** Aborts every running execution (their pending callbacks settle, their timers stop). */
  async stop(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    for (const e of running) this.terminate(e, { cause: 'The local engine stopped' });
    await Promise.all(running.map((e) => e.finished));
  }

  // ------------------------------------------------------------------ internals

  private canRun(resource: string): boolean {
    return resource === LAMBDA_INVOKE || this.integrations.has(resource);
  }

  private machineOf(arnOrName: string): Registered {
    const m = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:stateMachine:([^:]+)$/.exec(arnOrName);
    const machine = this.machines.get(m ? m[1]! : arnOrName);
    if (!machine) {
      if (!m && arnOrName.startsWith('arn:'))
        throw new SfnApiError('InvalidArn', `Invalid Arn: '${arnOrName}'`);
      throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arnOrName}'`);
    }
    return machine;
  }

  private executionOf(arn: string): Execution {
    const e = this.executions.get(arn);
    if (!e) {
      if (!/^arn:aws[a-z-]*:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/.test(arn)) {
        throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
      }
      throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    }
    return e;
  }

  private launch(machine: Registered, arn: string, name: string, inputText: string): Execution {
    const clock = this.options.clock;
    const input = JSON.parse(inputText) as Json;
    let markFinished!: () => void;
    const execution: Execution = {
      arn,
      name,
      machine,
      status: 'RUNNING',
      inputText,
      startDate: clock.now(),
      events: [],
      pending: new Set(),
      inFlight: 0,
      abort: () => undefined,
      finished: new Promise<void>((r) => {
        markFinished = r;
      }),
    };
    this.executions.set(arn, execution);
    this.activity++;

    const taskHandlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const [stateName, state] of machine.tasks) {
      taskHandlers[stateName] = (taskInput) => this.runTask(execution, stateName, state, taskInput);
    }
    // Retries happen at once: their intervals are real time, which the virtual clock cannot move.
    const retryIntervalOverrides = Object.fromEntries([...machine.stateTypes.keys()].map((s) => [s, 0]));
    const run = machine.interpreter.run(input, {
      overrides: {
        taskResourceLocalHandlers: taskHandlers as never,
        retryIntervalOverrides,
      },
      context: {
        Execution: {
          Id: arn,
          Name: name,
          RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-state-machine`,
          StartTime: execution.startDate.toISOString(),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: TOKEN_SENTINEL },
      },
    });
    execution.abort = run.abort;

    const logging = (async () => {
      for await (const event of run.eventLogs) {
        this.activity++;
        const { timestamp: _realTime, ...rest } = event as unknown as Record<string, unknown>;
        execution.events.push({ ...rest, type: String(rest.type), at: clock.now() });
      }
    })();

    run.result
      .then(
        (output) => {
          execution.status = 'SUCCEEDED';
          execution.outputText = JSON.stringify(output);
        },
        (error: unknown) => {
          if (execution.stopReason) {
            execution.status = 'ABORTED';
            if (execution.stopReason.error !== undefined) execution.error = execution.stopReason.error;
            if (execution.stopReason.cause !== undefined) execution.cause = execution.stopReason.cause;
          } else if (error instanceof ExecutionAbortedError) {
            execution.status = 'ABORTED';
          } else {
            execution.status = 'FAILED';
            const cause = error instanceof ExecutionError ? error.cause : error;
            const { name, message } = describeError(cause);
            execution.error = name;
            execution.cause = message;
          }
        },
      )
      .finally(async () => {
        execution.stopDate = clock.now();
        for (const task of [...execution.pending]) {
          this.closeTask(task, 'execution ended');
          task.reject(namedError('States.Runtime', 'The execution ended'));
        }
        this.activity++;
        await logging;
        markFinished();
      });
    return execution;
  }

  private terminate(e: Execution, reason: NonNullable<Execution['stopReason']>): void {
    if (e.status !== 'RUNNING' || e.stopReason) return;
    e.stopReason = reason;
    e.abort();
    // The interpreter leaves a Task's race pending on abort: settle our side so its timers clear.
    for (const task of [...e.pending]) {
      this.closeTask(task, 'execution stopped');
      task.reject(namedError('States.Runtime', 'The execution was stopped'));
    }
  }

  private async runTask(
    execution: Execution,
    stateName: string,
    state: AslState,
    input: Json,
  ): Promise<Json> {
    const resource = String(state.Resource);
    const callback = resource.endsWith(CALLBACK_SUFFIX);
    const base = callback ? resource.slice(0, -CALLBACK_SUFFIX.length) : resource;
    execution.inFlight++;
    this.activity++;
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        execution.inFlight--;
        this.activity++;
      }
    };
    try {
      if (!callback) {
        return checkSize(
          await this.invoke(base, input, { executionArn: execution.arn, stateName, resource }),
        );
      }
      const task = this.openCallback(execution, stateName);
      const payload = replaceDeep(input, TOKEN_SENTINEL, task.token);
      const waiting = new Promise<Json>((resolve, reject) => {
        task.resolve = resolve;
        task.reject = reject;
      });
      // Settled (e.g. by StopExecution) while the handler still runs: awaited below, not unhandled.
      waiting.catch(() => undefined);
      try {
        await this.invoke(base, payload, {
          executionArn: execution.arn,
          stateName,
          resource,
          taskToken: task.token,
        });
      } catch (error) {
        // The function that was to send the token failed: the task fails with its error.
        if (this.tokens.has(task.token)) this.closeTask(task, 'the task failed');
        throw error;
      }
      this.log(execution, { type: 'TaskSubmitted', stateName });
      done();
      return await waiting;
    } finally {
      done();
    }
  }

  private async invoke(resource: string, params: Json, ctx: TaskContext): Promise<Json> {
    if (resource === LAMBDA_INVOKE) {
      const p = (params ?? {}) as { FunctionName?: string; Payload?: Json };
      if (!p.FunctionName) throw namedError('States.Runtime', 'lambda:invoke needs a FunctionName');
      const result = (await this.options.lambdas.invoke(p.FunctionName, p.Payload ?? null)) as Json;
      return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
    }
    const integration = this.integrations.get(resource);
    if (!integration) throw namedError('States.Runtime', `No local implementation for ${resource}`);
    return await integration(params, ctx);
  }

  private openCallback(execution: Execution, stateName: string): PendingTask {
    const clock = this.options.clock;
    const token = `LTT1${randomBytes(48).toString('base64url')}`;
    const original = execution.machine.originalTimeouts.get(stateName) ?? {};
    const since = clock.now();
    const task: PendingTask = {
      token,
      execution,
      stateName,
      since,
      resolve: () => undefined,
      reject: () => undefined,
      timers: [],
    };
    if (original.timeoutSeconds !== undefined) {
      task.timeoutAt = new Date(since.getTime() + original.timeoutSeconds * 1000);
      task.timers.push(
        clock.setTimer(task.timeoutAt, () => this.timeOut(task, 'TimeoutSeconds'), {
          label: `${execution.name} ${stateName} timeout`,
        }),
      );
    }
    this.tokens.set(token, task);
    execution.pending.add(task);
    return task;
  }

  private timeOut(task: PendingTask, which: string): void {
    if (!this.tokens.has(task.token)) return;
    this.closeTask(task, 'timed out');
    this.log(task.execution, { type: 'TaskTimedOut', stateName: task.stateName, which });
    task.reject(namedError('States.Timeout', `The task did not answer within its ${which}`));
  }

  private openTask(taskToken: string): PendingTask {
    if (typeof taskToken !== 'string' || !TOKEN_PATTERN.test(taskToken)) {
      throw new SfnApiError('InvalidToken', 'Invalid Token');
    }
    const task = this.tokens.get(taskToken);
    if (task) return task;
    if (this.closedTokens.has(taskToken)) {
      throw new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private closeTask(task: PendingTask, how: string): void {
    this.tokens.delete(task.token);
    this.closedTokens.set(task.token, how);
    task.execution.pending.delete(task);
    for (const t of task.timers) t.cancel();
    this.activity++;
  }

  private log(e: Execution, event: { type: string; [detail: string]: unknown }): void {
    e.events.push({ ...event, at: this.options.clock.now() });
    this.activity++;
  }

  private isCallback(machine: Registered, stateName: string): boolean {
    return String(machine.tasks.get(stateName)?.Resource ?? '').endsWith(CALLBACK_SUFFIX);
  }

  private stateWeight(machine: Registered, stateName: string, type: string): number {
    switch (type) {
      case 'Task':
        return this.isCallback(machine, stateName) ? 6 : 5;
      case 'Map':
        return 4;
      case 'Fail':
        return 1;
      default:
        return 2;
    }
  }
}

function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

function describeError(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

function checkSize(result: Json): Json {
  if (Buffer.byteLength(JSON.stringify(result)) > PAYLOAD_LIMIT_BYTES) {
    throw namedError('States.DataLimitExceeded', 'The task result exceeds the 256 KiB payload limit');
  }
  return result;
}

function inputTextOf(input: string | Json | undefined): string {
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
function validateExecutionName(name: string): void {
  const control = [...name].some((ch) => {
    const c = ch.charCodeAt(0);
    return c < 0x20 || (c >= 0x7f && c <= 0x9f);
  });
  if (name.length < 1 || name.length > 80 || control || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) {
    throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
  }
}

function replaceDeep(value: Json, from: string, to: string): Json {
  if (value === from) return to;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  }
  return value;
}
