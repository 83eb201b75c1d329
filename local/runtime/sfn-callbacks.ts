/**
 * Callback tasks (`.waitForTaskToken`), locally. The interpreter has one `$$.Task.Token` per run
 * and no callback semantics, so the engine opens a task here for each invocation: a fresh token
 * (`LTT1` + 64 base64url characters), a promise that SendTaskSuccess / SendTaskFailure settle,
 * and the task's `TimeoutSeconds` on the virtual clock (it rejects with `States.Timeout`, which
 * the state's `Catch` matches by name). A token that ended answers `TaskTimedOut`, as on AWS for
 * a closed task; a well-formed token never issued `TaskDoesNotExist`; anything else `InvalidToken`.
 */
import { randomBytes } from 'node:crypto';
import type { ClockTimer, VirtualClock } from './clock.ts';
import { type Json, namedError, PAYLOAD_LIMIT_BYTES, type PendingTaskInfo, SfnApiError } from './sfn-api.ts';

/** The execution a task belongs to, as the registry needs it. */
export interface CallbackOwner {
  readonly arn: string;
  readonly name: string;
  readonly machineName: string;
  /** Its open tasks (the engine settles them when the execution ends). */
  readonly pending: Set<CallbackTask>;
  log(event: { type: string; [detail: string]: unknown }): void;
}

export interface CallbackTask {
  readonly token: string;
  readonly owner: CallbackOwner;
  readonly stateName: string;
  readonly since: Date;
  readonly timeoutAt?: Date;
  /** Settled by SendTaskSuccess (the output), SendTaskFailure or the timeout (the error). */
  readonly answer: Promise<Json>;
}

interface OpenTask extends CallbackTask {
  resolve(output: Json): void;
  reject(error: Error): void;
  timer?: ClockTimer;
}

const TOKEN_PATTERN = /^LTT1[A-Za-z0-9_-]{64}$/;

export class CallbackRegistry {
  private readonly open = new Map<string, OpenTask>();
  /** Tokens of tasks that ended, and how (a later call answers TaskTimedOut). */
  private readonly closed = new Map<string, string>();
  private readonly clock: VirtualClock;
  /** Told of every change, so that the engine's idle check sees the activity. */
  private readonly changed: () => void;

  constructor(clock: VirtualClock, changed: () => void) {
    this.clock = clock;
    this.changed = changed;
  }

  /** Opens a task waiting from `since` until `timeoutAt` (on the virtual clock). */
  openTask(owner: CallbackOwner, stateName: string, wait: { since: Date; timeoutAt?: Date }): CallbackTask {
    const token = `LTT1${randomBytes(48).toString('base64url')}`;
    let resolve: (output: Json) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const answer = new Promise<Json>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Settled (e.g. by StopExecution) while the handler still runs: awaited later, never unhandled.
    answer.catch(() => undefined);
    const task: OpenTask = { token, owner, stateName, ...wait, answer, resolve, reject };
    const { timeoutAt } = wait;
    if (timeoutAt) {
      task.timer = this.clock.setTimer(timeoutAt, () => this.timeOut(task), {
        label: `${owner.name} ${stateName} timeout`,
      });
    }
    this.open.set(token, task);
    owner.pending.add(task);
    this.changed();
    return task;
  }

  succeed(taskToken: string, output: string | Json): void {
    const task = this.find(taskToken);
    let value: Json = typeof output === 'string' ? null : output;
    if (typeof output === 'string') {
      if (Buffer.byteLength(output) > PAYLOAD_LIMIT_BYTES) {
        throw new SfnApiError('ValidationException', 'output exceeds 262144 bytes');
      }
      try {
        value = JSON.parse(output);
      } catch {
        throw new SfnApiError('InvalidOutput', 'Invalid State Machine Output: the output is not valid JSON');
      }
    }
    this.close(task, 'succeeded');
    task.owner.log({ type: 'TaskCallbackSucceeded', stateName: task.stateName });
    task.resolve(value);
  }

  fail(taskToken: string, error?: string, cause?: string): void {
    const task = this.find(taskToken);
    this.close(task, 'failed');
    task.owner.log({ type: 'TaskCallbackFailed', stateName: task.stateName, error });
    task.reject(namedError(error ?? '', cause ?? ''));
  }

  /** Answers as AWS does for the token; there is no heartbeat timeout to renew (none is registered). */
  heartbeat(taskToken: string): void {
    this.find(taskToken);
  }

  /** Ends a task whose execution stopped or ended: its answer rejects, its token is closed. */
  cancel(task: CallbackTask, why: string): void {
    const open = this.open.get(task.token);
    if (!open) return;
    this.close(open, why);
    open.reject(namedError('States.Runtime', `The execution ${why}`));
  }

  /** Closes a task whose handler failed: nobody can answer it any more. */
  discard(task: CallbackTask): void {
    const open = this.open.get(task.token);
    if (open) this.close(open, 'the task failed');
  }

  /** Times the task out now, as its timer would: its answer rejects with `States.Timeout`. */
  timeOut(task: CallbackTask): void {
    const open = this.open.get(task.token);
    if (!open) return;
    this.close(open, 'timed out');
    open.owner.log({ type: 'TaskTimedOut', stateName: open.stateName });
    open.reject(namedError('States.Timeout', 'The task did not answer within its TimeoutSeconds'));
  }

  /** Tasks waiting now, oldest first. */
  pending(filter: { executionArn?: string; stateName?: string } = {}): PendingTaskInfo[] {
    return [...this.open.values()]
      .filter(
        (t) =>
          (!filter.executionArn || t.owner.arn === filter.executionArn) &&
          (!filter.stateName || t.stateName === filter.stateName),
      )
      .sort((a, b) => a.since.getTime() - b.since.getTime())
      .map((t) => ({
        taskToken: t.token,
        executionArn: t.owner.arn,
        executionName: t.owner.name,
        stateMachineName: t.owner.machineName,
        stateName: t.stateName,
        since: t.since,
        ...(t.timeoutAt ? { timeoutAt: t.timeoutAt } : {}),
      }));
  }

  private find(taskToken: string): OpenTask {
    if (typeof taskToken !== 'string' || !TOKEN_PATTERN.test(taskToken)) {
      throw new SfnApiError('InvalidToken', 'Invalid Token');
    }
    const task = this.open.get(taskToken);
    if (task) return task;
    if (this.closed.has(taskToken)) {
      throw new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist');
  }

  private close(task: OpenTask, how: string): void {
    this.open.delete(task.token);
    this.closed.set(task.token, how);
    task.owner.pending.delete(task);
    task.timer?.cancel();
    this.changed();
  }
}
