/**
 * Step Functions, locally: the ASL extracted from the stack runs on aws-local-stepfunctions;
 * this engine adds what the interpreter lacks — named executions (a name is taken for good, as on
 * AWS), Lambda tasks running the real handlers in-process, callbacks (`.waitForTaskToken`,
 * sfn-callbacks.ts) with their `TimeoutSeconds` on the virtual clock, a per-execution event log
 * and a history count weighted to what AWS would record (sfn-history.ts).
 *
 * With a journal (sfn-journal.ts) executions outlive the process: `restore()` reads back every
 * execution started in the same data folder, `resumeUnfinished()` runs again from its start, under
 * its name, each one that had not ended — the steps are re-entrant, so that is a resume — and each
 * callback wait it reaches again keeps the deadline it had (matched by state, task parameters and
 * occurrence). Only an execution's end ends it: a stopping engine aborts what runs without
 * recording an end, so the next start resumes it.
 *
 * It runs what the district stack emits — `lambda:invoke` tasks (with or without a task token),
 * Pass, Choice, Map (ItemProcessor), Succeed, Fail — and refuses at registration what it would
 * run wrongly: Wait and Parallel states, `HeartbeatSeconds`, a `TimeoutSecondsPath` it cannot read
 * (only a callback's whose Parameters pass the same path), a machine-level `TimeoutSeconds`, other
 * task resources (a test may add one with `setIntegration`).
 */
import './polyfills.ts';
import { randomBytes } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { crashPoint } from '#steps/crash-point';
import {
  type AslState,
  capTimeouts,
  type ExtractedStateMachine,
  forEachState,
  type OriginalTimeouts,
} from './asl.ts';
import { executionArn, LOCAL_ACCOUNT, stateMachineArn } from './cfn.ts';
import type { VirtualClock } from './clock.ts';
import type { LocalLambdas } from './lambda.ts';
import {
  checkSize,
  type ExecutionDescription,
  type ExecutionStatus,
  type Integration,
  inputTextOf,
  type Json,
  type LoggedEvent,
  namedError,
  type PendingTaskInfo,
  replaceDeep,
  SfnApiError,
  type StartExecutionInput,
  type TaskContext,
  validateExecutionName,
} from './sfn-api.ts';
import { CallbackRegistry, type CallbackTask } from './sfn-callbacks.ts';
import {
  describeExecution,
  type Execution,
  newExecution,
  type RegisteredMachine,
  settleFailure,
} from './sfn-execution.ts';
import { historyEventCount } from './sfn-history.ts';
import { type ExecutionJournal, waitDeadline } from './sfn-journal.ts';
import { CALLBACK_SUFFIX, isCallback, LAMBDA_INVOKE, registrationProblems } from './sfn-registration.ts';

export * from './sfn-api.ts';

export interface SfnEngineOptions {
  clock: VirtualClock;
  lambdas: LocalLambdas;
  /** Keeps executions across restarts (see `restore()`); in memory only when absent. */
  journal?: ExecutionJournal;
}

/** Put where `$$.Task.Token` is read; replaced by a fresh token in each callback task's payload. */
const TOKEN_SENTINEL = '__thidua_local_task_token__';

export class SfnEngine {
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly executions = new Map<string, Execution>();
  private readonly integrations = new Map<string, Integration>();
  private readonly callbacks: CallbackRegistry;
  /** Bumped by everything that happens, so that `idle()` sees work in progress. */
  private activity = 0;
  private readonly options: SfnEngineOptions;

  constructor(options: SfnEngineOptions) {
    this.options = options;
    this.callbacks = new CallbackRegistry(options.clock, () => {
      this.activity++;
    });
  }

  /** Runs tasks of `resource` with `integration` (a test's stand-in for a service). */
  setIntegration(resource: string, integration: Integration): void {
    this.integrations.set(resource, integration);
  }

  /** Registers a state machine; throws, listing every problem, when it cannot run locally. */
  registerStateMachine(
    sm: Pick<ExtractedStateMachine, 'name' | 'definition'> &
      Partial<Pick<ExtractedStateMachine, 'aliases' | 'originalTimeouts'>>,
  ): string {
    // A definition registered by hand (a test's) is capped here; an extracted one was already.
    const { definition, originalTimeouts } = sm.originalTimeouts
      ? { definition: sm.definition, originalTimeouts: sm.originalTimeouts }
      : capTimeouts(sm.definition);
    const problems = registrationProblems(definition, (resource) => this.canRun(resource));
    if (problems.length > 0) {
      throw new Error(`State machine ${sm.name} cannot run locally:\n  ${problems.join('\n  ')}`);
    }
    const tasks = new Map<string, AslState>();
    const stateNames: string[] = [];
    forEachState(definition, (stateName, state) => {
      stateNames.push(stateName);
      if (state.Type === 'Task') tasks.set(stateName, state);
    });
    const registered: RegisteredMachine = {
      name: sm.name,
      arn: stateMachineArn(sm.name),
      definition,
      originalTimeouts,
      tasks,
      stateNames,
      // The ASL was validated (asl-validator) when it was extracted; the interpreter's own
      // definition type is narrower than the JSON the template holds.
      interpreter: new StateMachine(definition as unknown as StateMachineDefinition, {
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
    const execution = this.record(machine, name, inputText, this.options.clock.now());
    this.options.journal?.append({
      type: 'started',
      machine: machine.name,
      name,
      input: inputText,
      startDate: execution.startDate.toISOString(),
    });
    crashPoint('local.after-journal');
    this.run(execution);
    return { executionArn: execution.arn, startDate: execution.startDate };
  }

  /**
   * Reads back the journal of an earlier process (call once, after registering the state
   * machines): every execution it started is known again — ended ones with their status, the
   * others RUNNING and dormant until `resumeUnfinished()`. Returns the unfinished ones' names.
   */
  restore(): string[] {
    const unfinished: string[] = [];
    for (const j of this.options.journal?.read() ?? []) {
      const machine = this.machines.get(j.machine);
      // A state machine the stack no longer has: its executions cannot run here.
      if (!machine) continue;
      const e = this.record(machine, j.name, j.input, j.startDate);
      e.waits = j.waits;
      if (j.end) {
        Object.assign(e, { status: j.end.status, stopDate: j.end.stopDate });
        if (j.end.error !== undefined) e.error = j.end.error;
        if (j.end.cause !== undefined) e.cause = j.end.cause;
        e.markFinished();
      } else {
        e.dormant = true;
        unfinished.push(e.name);
      }
    }
    return unfinished;
  }

  /**
   * Runs again, from its start and under its name, every execution restored unfinished, each when
   * the clock is at its start time: at once for one that started before the clock's position, and
   * on the clock for one that a killed clock move had started later (the restart goes back to the
   * last position whose timers all ran; the move, finished again, reaches it), so that what a
   * resumed execution does happens at the time it happened. Returns their names, oldest first.
   */
  resumeUnfinished(): string[] {
    const clock = this.options.clock;
    const dormant = [...this.executions.values()]
      .filter((e) => e.dormant)
      .sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
    for (const e of dormant) {
      if (e.startDate.getTime() <= clock.now().getTime()) this.run(e);
      else {
        // Unless StopExecution ended it before the clock got there.
        clock.setTimer(e.startDate, () => e.dormant && this.run(e), { label: `resume ${e.name}` });
      }
    }
    return dormant.map((e) => e.name);
  }

  /**
   * AWS's RedriveExecution for an execution that failed, timed out or was aborted: it runs again
   * under its name (locally from its start; the re-entrant steps skip what was done).
   */
  redriveExecution(arn: string): { redriveDate: Date } {
    const e = this.executionOf(arn);
    if (e.status === 'RUNNING' || e.status === 'SUCCEEDED') {
      throw new SfnApiError('ExecutionNotRedrivable', `Execution ${arn} is ${e.status}: nothing to redrive`);
    }
    const redriveDate = this.options.clock.now();
    this.options.journal?.append({
      type: 'redriven',
      machine: e.machine.name,
      name: e.name,
      redriveDate: redriveDate.toISOString(),
    });
    const again = this.record(e.machine, e.name, e.inputText, e.startDate);
    again.waits = e.waits;
    this.run(again);
    return { redriveDate };
  }

  describeExecution(arn: string): ExecutionDescription {
    return describeExecution(this.executionOf(arn));
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
      .map(describeExecution);
  }

  /** Resolves with the description once the execution has ended. */
  async waitForExecution(arn: string): Promise<ExecutionDescription> {
    const e = this.executionOf(arn);
    await e.finished;
    return describeExecution(e);
  }

  stopExecution(arn: string, details: { error?: string; cause?: string } = {}): { stopDate: Date } {
    const e = this.executionOf(arn);
    if (e.status === 'RUNNING') this.terminate(e, details);
    return { stopDate: e.stopDate ?? this.options.clock.now() };
  }

  sendTaskSuccess(taskToken: string, output: string | Json): void {
    this.callbacks.succeed(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.callbacks.fail(taskToken, error, cause);
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.callbacks.heartbeat(taskToken);
  }

  /** Callback tasks waiting now, oldest first (what the tests and the local admin page show). */
  pendingTasks(filter: { executionArn?: string; stateName?: string } = {}): PendingTaskInfo[] {
    return this.callbacks.pending(filter);
  }

  /** The execution's event log (interpreter events and the callback layer's), in order. */
  history(arn: string): readonly LoggedEvent[] {
    return this.executionOf(arn).events;
  }

  /** How many history events AWS would record for the execution so far (see sfn-history.ts). */
  historyEventCount(arn: string): number {
    const e = this.executionOf(arn);
    return historyEventCount(e.events, (stateName) => isCallback(e.machine.tasks.get(stateName)));
  }

  /**
   * Resolves when every running execution is waiting for a callback with nothing in flight —
   * what the clock awaits after each thing it fires.
   */
  async idle(): Promise<void> {
    let stableTurns = 0;
    let lastActivity = -1;
    for (;;) {
      await new Promise<void>((r) => setImmediate(r));
      const busy =
        this.options.lambdas.inFlight > 0 ||
        [...this.executions.values()].some(
          (e) => e.status === 'RUNNING' && !e.dormant && (e.inFlight > 0 || e.pending.size === 0),
        );
      if (busy || this.activity !== lastActivity) {
        stableTurns = 0;
        lastActivity = this.activity;
        continue;
      }
      if (++stableTurns >= 2) return;
    }
  }

  /**
   * Aborts every running execution (their pending callbacks settle, their timers stop) without
   * journaling an end: with a journal, the next start resumes them.
   */
  async stop(): Promise<void> {
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING' && !e.dormant);
    for (const e of running) this.terminate(e, { cause: 'The local engine stopped', byEngine: true });
    await Promise.all(running.map((e) => e.finished));
  }

  // ------------------------------------------------------------------ internals

  private canRun(resource: string): boolean {
    return resource === LAMBDA_INVOKE || this.integrations.has(resource);
  }

  private machineOf(arnOrName: string): RegisteredMachine {
    const m = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:stateMachine:([^:]+)$/.exec(arnOrName);
    const machine = this.machines.get(m?.[1] ?? arnOrName);
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

  /** A new execution record, RUNNING and not yet run; it takes the name. */
  private record(machine: RegisteredMachine, name: string, inputText: string, startDate: Date): Execution {
    const execution = newExecution({ machine, name, inputText, startDate }, this.options.clock, () => {
      this.activity++;
    });
    this.executions.set(execution.arn, execution);
    this.activity++;
    return execution;
  }

  /** Runs the execution on the interpreter; its end is recorded (and journaled) when it settles. */
  private run(execution: Execution): void {
    const { machine, name, arn } = execution;
    const clock = this.options.clock;
    execution.dormant = false;
    const run = machine.interpreter.run(JSON.parse(execution.inputText), {
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          [...machine.tasks].map(([stateName, state]) => [
            stateName,
            (taskInput: Json) => this.runTask(execution, stateName, state, taskInput),
          ]),
        ),
        // Retries happen at once: their intervals are real time, which the virtual clock cannot move.
        retryIntervalOverrides: Object.fromEntries(machine.stateNames.map((s) => [s, 0])),
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
        const { timestamp: _realTime, type, ...rest } = event;
        execution.log({ ...rest, type: String(type) });
      }
    })();

    run.result
      .then(
        (output) => {
          execution.status = 'SUCCEEDED';
          execution.outputText = JSON.stringify(output);
        },
        (error: unknown) => settleFailure(execution, error),
      )
      .finally(async () => {
        execution.stopDate = clock.now();
        for (const task of [...execution.pending]) this.callbacks.cancel(task, 'ended');
        if (!execution.stopReason?.byEngine) this.journalEnd(execution);
        this.activity++;
        await logging;
        execution.markFinished();
      });
  }

  private journalEnd(e: Execution): void {
    this.options.journal?.append({
      type: 'ended',
      machine: e.machine.name,
      name: e.name,
      status: e.status,
      stopDate: (e.stopDate ?? this.options.clock.now()).toISOString(),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
    });
  }

  private terminate(e: Execution, reason: NonNullable<Execution['stopReason']>): void {
    if (e.status !== 'RUNNING' || e.stopReason) return;
    e.stopReason = reason;
    if (e.dormant) {
      // Restored but not running in this process: it ends here, as StopExecution asks.
      Object.assign(e, { status: 'ABORTED', stopDate: this.options.clock.now(), dormant: false });
      if (reason.error !== undefined) e.error = reason.error;
      if (reason.cause !== undefined) e.cause = reason.cause;
      this.journalEnd(e);
      e.markFinished();
      return;
    }
    e.abort();
    // The interpreter leaves a Task's race pending on abort: settle our side so its timers clear.
    for (const task of [...e.pending]) this.callbacks.cancel(task, 'was stopped');
  }

  private async runTask(
    execution: Execution,
    stateName: string,
    state: AslState,
    input: Json,
  ): Promise<Json> {
    // A stopped execution runs nothing more, as on AWS: the interpreter would otherwise retry a
    // state whose task the stop rejected (a Retry on States.TaskFailed) and open a new wait.
    if (execution.status !== 'RUNNING')
      throw namedError('States.Runtime', 'The execution is no longer running');
    const resource = String(state.Resource);
    const callback = resource.endsWith(CALLBACK_SUFFIX);
    const base = callback ? resource.slice(0, -CALLBACK_SUFFIX.length) : resource;
    const context = { executionArn: execution.arn, stateName, resource };
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
        const result = checkSize(await this.invoke(base, input, context));
        crashPoint(`local.after-task.${stateName}`);
        return result;
      }
      const task = this.openCallback(execution, stateName, input);
      try {
        await this.invoke(base, replaceDeep(input, TOKEN_SENTINEL, task.token), {
          ...context,
          taskToken: task.token,
        });
      } catch (error) {
        // The function that was to send the token failed: the task fails with its error.
        this.callbacks.discard(task);
        throw error;
      }
      crashPoint(`local.after-task.${stateName}`);
      execution.log({ type: 'TaskSubmitted', stateName });
      // A resumed wait whose deadline passed before the process died: it timed out then (its
      // handler ran first, as on the first run, and may have delivered a decision already).
      if (task.timeoutAt && task.timeoutAt <= this.options.clock.now()) this.callbacks.timeOut(task);
      done();
      return await task.answer;
    } finally {
      done();
    }
  }

  /**
   * Opens the wait of a callback task, with the deadline journaled for the same wait when an
   * earlier run of the execution reached it (see `waitDeadline`), else now + its timeout: the
   * fixed `TimeoutSeconds`, or the seconds its `TimeoutSecondsPath` reads (from the parameters
   * that pass it). Those seconds are left out of the wait's identity: a run resumed after a
   * restart recomputes them later on the clock, and must still find the wait it had opened.
   */
  private openCallback(execution: Execution, stateName: string, parameters: Json): CallbackTask {
    // Registration requires a TimeoutSeconds or a readable TimeoutSecondsPath on every callback task.
    const timeout = execution.machine.originalTimeouts.get(stateName) ?? {};
    const at = timeout.timeoutSecondsAt;
    const wait = waitDeadline({
      execution,
      stateName,
      parameters: at ? without(parameters, at.inParameters) : parameters,
      timeoutSeconds: at ? secondsAt(parameters, at, stateName) : fixedTimeout(timeout, stateName),
      now: this.options.clock.now(),
      ...(this.options.journal ? { journal: this.options.journal } : {}),
    });
    return this.callbacks.openTask(execution, stateName, wait);
  }

  private async invoke(resource: string, params: Json, context: TaskContext): Promise<Json> {
    if (resource === LAMBDA_INVOKE) {
      const { FunctionName, Payload } = lambdaParameters(params);
      const result = await this.options.lambdas.invoke(FunctionName, Payload);
      // What the optimized integration returns, so `$.Payload…` paths read as on AWS.
      return { ExecutedVersion: '$LATEST', Payload: toJson(result), StatusCode: 200 };
    }
    const integration = this.integrations.get(resource);
    if (!integration) throw namedError('States.Runtime', `No local implementation for ${resource}`);
    return await integration(params, context);
  }
}

function fixedTimeout(timeout: OriginalTimeouts, stateName: string): number {
  if (timeout.timeoutSeconds === undefined) {
    throw namedError('States.Runtime', `${stateName}: a callback task without a timeout reached the engine`);
  }
  return timeout.timeoutSeconds;
}

/**
 * The seconds a `TimeoutSecondsPath` reads. Anything but a positive integer fails the execution
 * as on AWS: a `States.Runtime` error no Retry or Catch matches.
 */
function secondsAt(
  parameters: Json,
  at: { path: string; inParameters: string[] },
  stateName: string,
): number {
  let value: unknown = parameters;
  for (const key of at.inParameters) value = (value as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    const error = namedError(
      'States.Runtime',
      `${stateName}: TimeoutSecondsPath ${at.path} must select a positive integer (got ${JSON.stringify(value) ?? 'nothing'})`,
    );
    // The interpreter reads these (RuntimeError's getters): neither retried nor caught.
    throw Object.assign(error, { isRetryable: false, isCatchable: false });
  }
  return value;
}

/** A copy of `parameters` without the value at `keys`. */
function without(parameters: Json, keys: string[]): Json {
  const [first, ...rest] = keys;
  if (first === undefined || !parameters || typeof parameters !== 'object' || Array.isArray(parameters)) {
    return parameters;
  }
  const { [first]: inner, ...others } = parameters;
  return rest.length === 0 || inner === undefined ? others : { ...others, [first]: without(inner, rest) };
}

function lambdaParameters(params: Json): { FunctionName: string; Payload: Json } {
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    const { FunctionName, Payload = null } = params;
    if (typeof FunctionName === 'string') return { FunctionName, Payload };
  }
  throw namedError('States.Runtime', 'lambda:invoke needs a FunctionName');
}

/** A handler's result as the JSON it is on the wire (LocalLambdas already copied it through JSON). */
function toJson(value: unknown): Json {
  return value as Json;
}
