/**
 * What every workflow shares: how a Lambda step is invoked and retried, how a step that emails a
 * link waits for the person's answer, how a failure is recorded before the execution fails, how
 * a list is walked by a Map, and the state machine's own settings (Standard, logging without
 * execution data, tracing).
 *
 * Every Lambda task uses the optimized `lambda:invoke` integration (the local harness unwraps
 * `.Payload`) with an explicit payload, so a handler sees only what it needs and an execution's
 * state stays small (ids, never report contents, which stay in DynamoDB).
 */

import { Duration } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

/** The errors of the Lambda service itself (the invocation never ran, or was throttled). */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * How many iterations of a Map run at once when each one calls a step function that reads and
 * writes the table and mails: enough to invite 1,000 units in minutes, few enough to stay far
 * below Lambda's concurrency and SES's sending rate.
 */
export const STEP_MAP_CONCURRENCY = 10;

/** The most iterations an inline Map runs at once, whatever its `MaxConcurrency` says. */
export const INLINE_MAP_MAX_CONCURRENCY = 40;

/** Retry of the Lambda service errors: every Lambda task has it first. */
export const SERVICE_ERROR_RETRY = {
  errors: [...LAMBDA_SERVICE_ERRORS],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
} as const satisfies sfn.RetryProps;

/**
 * Errors retrying cannot help, listed before the step-failure retry so that it does not take them:
 * data of an earlier storage layout (README, "Upgrading") fails the execution at once.
 */
export const NOT_RETRIED = {
  errors: ['SchemaMismatch'],
  maxAttempts: 0,
} as const satisfies sfn.RetryProps;

/**
 * A callback's timeout is never retried (it has its path). Listed before the step-failure retry:
 * the local interpreter's `States.TaskFailed` also matches a timeout its callback layer raises.
 */
export const TIMEOUT_NOT_RETRIED = {
  errors: [sfn.Errors.TIMEOUT],
  maxAttempts: 0,
} as const satisfies sfn.RetryProps;

/**
 * Retry of a re-entrant step's own failure (it reads stored state first, so a rerun resumes). A
 * callback step is re-entrant too: the same approval id again with the new token swapped in, the
 * mail by its identity — the retry mails no second link, and the one mailed keeps working.
 */
export const STEP_FAILURE_RETRY = {
  errors: [sfn.Errors.TASKS_FAILED],
  interval: Duration.seconds(10),
  backoffRate: 2,
  maxAttempts: 2,
} as const satisfies sfn.RetryProps;

export interface StepResult {
  /** What to keep of the Lambda response (e.g. `{'reviewerId.$': '$.Payload.reviewerId'}`). */
  resultSelector?: Record<string, unknown>;
  /**
   * Where it goes in the state (default: discarded, the state passes through unchanged). `$`
   * replaces the state: rendered as ASL's default (no `ResultPath`), because the local
   * interpreter writes an explicit `ResultPath: "$"` under a key named `$`.
   */
  resultPath?: string;
}

/** `StepResult.resultPath` that replaces the whole state with the selected result. */
export const REPLACE_STATE = '$';

/**
 * A step that runs and returns (no callback). Step functions are re-entrant (they read stored
 * state first and skip what is done), so besides the Lambda service errors a failed run is
 * retried a few times before the workflow records the failure.
 */
export function lambdaStep(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  result: StepResult = {},
): tasks.LambdaInvoke {
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    payload: sfn.TaskInput.fromObject(payload),
    retryOnServiceExceptions: false,
    resultSelector: result.resultSelector,
    ...(result.resultPath === REPLACE_STATE ? {} : { resultPath: result.resultPath ?? sfn.JsonPath.DISCARD }),
  });
  task.addRetry(SERVICE_ERROR_RETRY);
  task.addRetry(NOT_RETRIED);
  task.addRetry(STEP_FAILURE_RETRY);
  return task;
}

/**
 * How long a person has to answer: seconds read from the state (`TimeoutSecondsPath`, resolved
 * against the state's input), for a wait whose end a step computes (docs/review.md). The same
 * value is passed in the payload as `waitSeconds`: the step may name it, and the local engine
 * reads it there and enforces it on its virtual clock (docs/local-runtime.md).
 */
export interface WaitLength {
  secondsAt: string;
}

export interface CallbackProps {
  length: WaitLength;
  /** Where the answer sent with `SendTaskSuccess` goes in the state. */
  resultPath: string;
}

/**
 * A step that emails a link and waits for the person's answer (`SendTaskSuccess`); the payload
 * gets the task token as `taskToken`. Retried as any step is (the timeout excepted: it has its
 * path), since arming is re-entrant (functions/steps/arm.ts). Its catchers come
 * from `awaitAnswer`: `States.Timeout` first (a timeout always has a path), then any other.
 */
function lambdaCallback(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  props: CallbackProps,
): tasks.LambdaInvoke {
  const { length } = props;
  const task = new tasks.LambdaInvoke(scope, id, {
    lambdaFunction: fn,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: sfn.TaskInput.fromObject({
      ...payload,
      waitSeconds: sfn.JsonPath.numberAt(length.secondsAt),
      taskToken: sfn.JsonPath.taskToken,
    }),
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.at(length.secondsAt),
    resultPath: props.resultPath,
  });
  task.addRetry(SERVICE_ERROR_RETRY);
  task.addRetry(TIMEOUT_NOT_RETRIED);
  task.addRetry(NOT_RETRIED);
  task.addRetry(STEP_FAILURE_RETRY);
  return task;
}

export interface AwaitAnswerProps extends CallbackProps {
  /** Where a wait whose timeout passed goes: caught first, so a timeout always has a path. */
  onTimeout: sfn.IChainable;
  /** Where any other error goes; none inside a Map, whose own catcher records it. */
  failure?: FailurePath;
}

/**
 * A callback (`lambdaCallback`) whose timeout has its path: `States.Timeout → onTimeout` first,
 * then every other error to the failure path.
 */
export function awaitAnswer(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  props: AwaitAnswerProps,
): tasks.LambdaInvoke {
  const task = lambdaCallback(scope, id, fn, payload, props);
  task.addCatch(props.onTimeout, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
  props.failure?.catchAll(task);
  return task;
}

/** Where a reminded wait reads how long it lasts: `{waitSeconds, pastLateDeadline?}`. */
export const WAIT_TIMER_PATH = '$.timer';

export interface RemindedWaitProps {
  /**
   * The wait: its id, the function that mails the link, what it is given, where its answer goes.
   * It lasts `$.timer.waitSeconds`: whoever enters it sets that (docs/review.md).
   */
  wait: { id: string; fn: lambda.IFunction; payload: Record<string, unknown>; resultPath: string };
  /**
   * The step run each time the wait's timeout passes; it answers
   * `{pastLateDeadline: boolean, waitSeconds}`, the length of the next wait, into `$.timer`.
   */
  remind: { id: string; fn: lambda.IFunction; payload: Record<string, unknown> };
  /** Id of the Choice that reads the reminder's answer, e.g. `PastLateAppraisalDeadline`. */
  deadlineChoiceId: string;
  /** Where the execution goes once the late deadline has passed. */
  pastDeadline: sfn.IChainable;
  /** Where any other error goes; none inside a Map, whose own catcher records it. */
  failure?: FailurePath;
}

/**
 * A wait for a person's answer that, each time its timeout passes, runs a reminder step and
 * waits again with the same link — until the reminder reports that the late deadline passed:
 *
 *   Wait ─ States.Timeout → Remind → PastDeadline? ─ yes → pastDeadline
 *    ▲                                             └ no ─┐
 *    └───────────────────────────────────────────────────┘
 *
 * Returns the wait; the caller chains what follows an answer.
 */
export function remindedWait(scope: Construct, props: RemindedWaitProps): tasks.LambdaInvoke {
  const { wait, remind, failure } = props;
  const reminder = lambdaStep(scope, remind.id, remind.fn, remind.payload, {
    resultSelector: {
      'pastLateDeadline.$': '$.Payload.pastLateDeadline',
      'waitSeconds.$': '$.Payload.waitSeconds',
    },
    resultPath: WAIT_TIMER_PATH,
  });
  failure?.catchAll(reminder);
  const task = awaitAnswer(scope, wait.id, wait.fn, wait.payload, {
    length: { secondsAt: `${WAIT_TIMER_PATH}.waitSeconds` },
    resultPath: wait.resultPath,
    onTimeout: reminder,
    ...(failure ? { failure } : {}),
  });
  reminder.next(
    new sfn.Choice(scope, props.deadlineChoiceId)
      .when(sfn.Condition.booleanEquals(`${WAIT_TIMER_PATH}.pastLateDeadline`, true), props.pastDeadline)
      .otherwise(task),
  );
  return task;
}

export interface FailurePathProps {
  /** The shared RecordFailure function (functions/record-failure.ts: audit + admins told). */
  recordFailure: lambda.IFunction;
  /** Id of the Fail state that ends the execution, e.g. `ReviewFailed`. */
  failedId: string;
  /**
   * What the failure is about, beside `executionName`, `error` and `cause`: fields of the state
   * that are present whenever a step has run (e.g. `{periodId: $.periodId}`).
   */
  about?: Record<string, unknown>;
}

/** The end of every failure: RecordFailure, then Fail with the recorded error and cause. */
export class FailurePath {
  /** The RecordFailure task (its own errors are retried, then the execution fails anyway). */
  readonly recordFailure: tasks.LambdaInvoke;
  readonly failed: sfn.Fail;

  constructor(scope: Construct, props: FailurePathProps) {
    this.failed = new sfn.Fail(scope, props.failedId, {
      errorPath: '$.failure.Error',
      causePath: '$.failure.Cause',
    });
    this.recordFailure = lambdaStep(scope, 'RecordFailure', props.recordFailure, {
      ...props.about,
      executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
      error: sfn.JsonPath.stringAt('$.failure.Error'),
      cause: sfn.JsonPath.stringAt('$.failure.Cause'),
    });
    this.recordFailure.next(this.failed);
  }

  /**
   * Adds `Catch States.ALL → RecordFailure` (the error at `$.failure`) after the catchers the
   * state already has — so a callback's `States.Timeout` catcher stays first.
   */
  catchAll<T extends sfn.TaskStateBase | sfn.Map>(state: T): T {
    state.addCatch(this.recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    return state;
  }
}

export interface EachItemProps {
  comment: string;
  /** Where the list is (an array the list step returned). */
  itemsPath: string;
  /** What each iteration receives, e.g. `{unitId: $$.Map.Item.Value.unitId, periodId: $.periodId}`. */
  itemSelector: Record<string, unknown>;
  /** Default `STEP_MAP_CONCURRENCY`. */
  maxConcurrency?: number;
}

/**
 * A Map over a list the previous step returned, whose iterations' outputs are dropped (each
 * step stores what it did). An iteration's error, after its task's retries, fails the Map; the
 * caller catches that on the Map and records it.
 */
export function eachItem(scope: Construct, id: string, props: EachItemProps): sfn.Map {
  const maxConcurrency = props.maxConcurrency ?? STEP_MAP_CONCURRENCY;
  if (
    !Number.isInteger(maxConcurrency) ||
    maxConcurrency < 1 ||
    maxConcurrency > INLINE_MAP_MAX_CONCURRENCY
  ) {
    throw new Error(`${id}: maxConcurrency must be 1..${INLINE_MAP_MAX_CONCURRENCY} (got ${maxConcurrency})`);
  }
  return new sfn.Map(scope, id, {
    comment: props.comment,
    itemsPath: props.itemsPath,
    itemSelector: props.itemSelector,
    maxConcurrency,
    resultPath: sfn.JsonPath.DISCARD,
  });
}

/**
 * `IsPresent: true` first, then the value: the local interpreter never matches `IsPresent:
 * false`, and AWS fails a comparison on a missing path with an uncatchable runtime error.
 */
export function stringIs(path: string, value: string): sfn.Condition {
  return sfn.Condition.and(sfn.Condition.isPresent(path), sfn.Condition.stringEquals(path, value));
}

/** `IsPresent: true`, then `BooleanEquals` (see `stringIs`). */
export function booleanIs(path: string, value: boolean): sfn.Condition {
  return sfn.Condition.and(sfn.Condition.isPresent(path), sfn.Condition.booleanEquals(path, value));
}

/** What every workflow's state machine is given besides its functions. */
export interface WorkflowBaseProps {
  /** Where the state machine logs (execution data is never logged). */
  logGroup: logs.ILogGroup;
  /**
   * The role it runs as, when the caller grants it (e.g. one role shared by a district's
   * machines); by default a role of its own, granted what its definition uses.
   */
  role?: iam.IRole;
}

export interface WorkflowMachineProps extends WorkflowBaseProps {
  definition: sfn.IChainable;
  comment: string;
}

/** The state machine of a workflow: Standard, logging ALL without execution data, traced. */
export function workflowStateMachine(scope: Construct, props: WorkflowMachineProps): sfn.StateMachine {
  return new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    comment: props.comment,
    tracingEnabled: true,
    logs: { destination: props.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    ...(props.role ? { role: props.role } : {}),
  });
}
