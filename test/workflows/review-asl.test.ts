/**
 * The `review` state machine as the local engine receives it — extracted from the synthesized
 * demo stack — is valid ASL, reads like docs/review.md, and routes every outcome of the review
 * the way the process says. The routing runs on aws-local-stepfunctions with each Lambda task
 * answered by a stand-in that plays the handler's part (what handlers do is tested with them;
 * here only the paths between them are).
 */
import '#local/runtime/polyfills';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import { DistrictStack } from '#infra/district-stack';
import { PROJECT_ROOT } from '#infra/project';
import { type AslDefinition, type AslState, extractStateMachines } from '#local/runtime/asl';
import { digestStack, localApp } from '#local/runtime/stack';
import { LAMBDA_SERVICE_ERRORS, UNKNOWN_DECISION_ERROR } from '#workflows/review';

/** A JSON value as the interpreter passes it (its type is not exported). */
type JSONValue = Parameters<StateMachine['run']>[0];

let asl: AslDefinition;

beforeAll(() => {
  const app = localApp({ outdir: join(PROJECT_ROOT, 'cdk.out', 'test-review-asl') });
  const { config, criteriaSets } = loadDistrict(join(PROJECT_ROOT, 'districts', 'demo.yaml'));
  const stack = new DistrictStack(app, 'Thidua-demo', { config, criteriaSets });
  const machines = extractStateMachines(digestStack(stack));
  const review = machines.find((m) => m.name === 'Review');
  expect(review, machines.map((m) => m.name).join(', ')).toBeDefined();
  asl = review!.definition;
}, 120_000);

const tasks = () => Object.entries(asl.States).filter(([, s]) => s.Type === 'Task');
const isCallback = (s: AslState) => String(s.Resource).endsWith('.waitForTaskToken');
const failure = (name: string, message = name) => Object.assign(new Error(message), { name });

type Behaviour = (payload: Record<string, unknown>, call: number) => unknown;

/** Runs one review execution; each task answers as `behaviour[stateName]` says (default `{}`). */
async function review(behaviour: Record<string, Behaviour>) {
  const calls: { state: string; payload: Record<string, unknown> }[] = [];
  const count = new Map<string, number>();
  const handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  for (const [name, state] of tasks()) {
    handlers[name] = async (parameters) => {
      const payload = (parameters as { Payload: Record<string, unknown> }).Payload;
      calls.push({ state: name, payload });
      const n = (count.get(name) ?? 0) + 1;
      count.set(name, n);
      const out = ((await behaviour[name]?.(payload, n)) ?? {}) as JSONValue;
      // A callback's result is what SendTaskSuccess sent; a plain invoke's is wrapped by Lambda.
      return isCallback(state) ? out : { Payload: out, StatusCode: 200 };
    };
  }
  const machine = new StateMachine(asl as unknown as StateMachineDefinition);
  const execution = machine.run(
    { unitId: 'phong-noi-vu', periodId: '2024Q3' },
    {
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((n) => [n, 0])),
      },
      context: { Execution: { Name: 'review-phong-noi-vu-2024Q3' }, Task: { Token: 'token-1' } },
    },
  );
  const entered: string[] = [];
  const logging = (async () => {
    for await (const e of execution.eventLogs) if (e.type === 'StateEntered') entered.push(e.state.name);
  })();
  let output: Record<string, unknown> | undefined;
  let error: (Error & { cause?: Error }) | undefined;
  try {
    output = (await execution.result) as Record<string, unknown>;
  } catch (e) {
    error = e as Error & { cause?: Error };
  }
  await logging;
  const statesCalled = calls.map((c) => c.state);
  return { output, error, calls, statesCalled, entered, last: entered[entered.length - 1] };
}

/** The first round's wait: what AssignReviewer said (5 days, or less near the deadline). */
const FIRST_WAIT = 432_000;
const assigned = { AssignReviewer: () => ({ reviewerId: 'pham-van-duc', waitSeconds: FIRST_WAIT }) };

describe('the review ASL extracted from the demo stack', () => {
  it('is valid ASL', () => {
    const result = aslValidator(structuredClone(asl), { checkPaths: true, checkArn: true });
    expect(result.isValid, result.errorsText('\n')).toBe(true);
  });

  it('names its states after the steps of the review', () => {
    expect(asl.StartAt).toBe('AssignReviewer');
    expect(Object.keys(asl.States).sort()).toEqual(
      [
        'AssignReviewer',
        'OpenFirstRound',
        'OpenExplanation',
        'AwaitAppraisal',
        'AppraisalDecision',
        'EscalateReview',
        'PastLateAppraisalDeadline',
        'AwaitExplanation',
        'ExplanationDecision',
        'RemindExplanation',
        'PastLateExplanationDeadline',
        'NextRound',
        'RecordApproval',
        'ReviewApproved',
        'MarkUnappraised',
        'ReviewClosedUnappraised',
        'UnknownDecision',
        'RecordFailure',
        'ReviewFailed',
      ].sort(),
    );
  });

  it('never tests for absence with IsPresent: false (the local interpreter never matches it)', () => {
    const negated: string[] = [];
    const walk = (rule: Record<string, unknown>, where: string) => {
      for (const [key, value] of Object.entries(rule)) {
        if (/^Is[A-Z]/.test(key) && value === false) negated.push(`${where}: ${key}`);
        if (Array.isArray(value)) for (const r of value) walk(r as Record<string, unknown>, where);
        else if (key === 'Not') walk(value as Record<string, unknown>, where);
      }
    };
    for (const [name, s] of Object.entries(asl.States)) {
      if (s.Type === 'Choice') for (const rule of s.Choices as Record<string, unknown>[]) walk(rule, name);
    }
    expect(negated).toEqual([]);
  });

  it('retries every Lambda task with backoff, re-entrant steps also on their own failures but never on data of an earlier layout', () => {
    for (const [name, s] of tasks()) {
      const retriers = s.Retry as { ErrorEquals: string[]; BackoffRate: number; MaxAttempts: number }[];
      expect(retriers[0], name).toMatchObject({
        ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
        BackoffRate: 2,
        MaxAttempts: 3,
      });
      // A callback's step is re-entrant and retried as any step, its timeout excepted (it has its path).
      expect(
        retriers.slice(1).map((r) => [r.ErrorEquals, r.MaxAttempts]),
        name,
      ).toEqual([
        ...(isCallback(s) ? [[['States.Timeout'], 0]] : []),
        [['SchemaMismatch'], 0],
        [['States.TaskFailed'], 2],
      ]);
    }
  });

  it('records every failure before failing, and passes the task token to the two callbacks', () => {
    for (const [name, s] of tasks()) {
      if (name === 'RecordFailure') {
        expect(s.Next).toBe('ReviewFailed');
        continue;
      }
      const catchers = s.Catch as { ErrorEquals: string[]; Next: string; ResultPath: string }[];
      expect(catchers.at(-1), name).toEqual({
        ErrorEquals: ['States.ALL'],
        Next: 'RecordFailure',
        ResultPath: '$.failure',
      });
      const params = s.Parameters as { Payload: Record<string, unknown> };
      expect(params.Payload['taskToken.$'], name).toBe(isCallback(s) ? '$$.Task.Token' : undefined);
    }
    expect(asl.States.ReviewFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error' });
  });
});

describe('a review run on the local interpreter', () => {
  it('approves at once: one round, the approval recorded', async () => {
    const run = await review({ ...assigned, AwaitAppraisal: () => ({ decision: 'approve', round: 1 }) });
    expect(run.error).toBeUndefined();
    expect(run.statesCalled).toEqual(['AssignReviewer', 'AwaitAppraisal', 'RecordApproval']);
    expect(run.calls[0]!.payload).toEqual({ unitId: 'phong-noi-vu', periodId: '2024Q3' });
    expect(run.calls[1]!.payload).toEqual({
      unitId: 'phong-noi-vu',
      periodId: '2024Q3',
      round: 1,
      reviewerId: 'pham-van-duc',
      waitSeconds: FIRST_WAIT,
      taskToken: 'token-1',
    });
    expect(run.calls[2]!.payload).toEqual({
      unitId: 'phong-noi-vu',
      periodId: '2024Q3',
      round: 1,
      reviewerId: 'pham-van-duc',
    });
    expect(run.last).toBe('ReviewApproved');
    expect(run.output).toMatchObject({
      round: 1,
      reviewerId: 'pham-van-duc',
      decision: { decision: 'approve' },
    });
  });

  it('returns for explanation, then appraises the explained report in round 2', async () => {
    const run = await review({
      ...assigned,
      AwaitAppraisal: (_, n) =>
        n === 1 ? { decision: 'return', round: 1, waitSeconds: 3_600 } : { decision: 'approve', round: 2 },
      AwaitExplanation: () => ({ decision: 'explained', round: 1, waitSeconds: 7_200 }),
    });
    expect(run.error).toBeUndefined();
    expect(run.statesCalled).toEqual([
      'AssignReviewer',
      'AwaitAppraisal',
      'AwaitExplanation',
      'AwaitAppraisal',
      'RecordApproval',
    ]);
    expect(run.calls.map((c) => c.payload.round)).toEqual([undefined, 1, 1, 2, 2]);
    // Each wait lasts what the decision before it said (docs/review.md, "How long a wait lasts").
    expect(run.calls.map((c) => c.payload.waitSeconds)).toEqual([
      undefined,
      FIRST_WAIT,
      3_600,
      7_200,
      undefined,
    ]);
    expect(run.calls[2]!.payload.taskToken).toBe('token-1');
    expect(run.last).toBe('ReviewApproved');
  });

  it('tells the admin when the reviewer does not answer and keeps waiting behind the same round', async () => {
    const run = await review({
      ...assigned,
      AwaitAppraisal: (_, n) => {
        if (n === 1) throw failure('States.Timeout');
        return { decision: 'approve', round: 1 };
      },
      EscalateReview: () => ({ pastLateDeadline: false, waitSeconds: 60 }),
    });
    expect(run.error).toBeUndefined();
    expect(run.statesCalled).toEqual([
      'AssignReviewer',
      'AwaitAppraisal',
      'EscalateReview',
      'AwaitAppraisal',
      'RecordApproval',
    ]);
    expect(run.calls[2]!.payload).toEqual({
      unitId: 'phong-noi-vu',
      periodId: '2024Q3',
      round: 1,
      reviewerId: 'pham-van-duc',
      kind: 'appraise',
    });
    expect(run.calls[3]!.payload.round).toBe(1);
    // The wait after the reminder lasts what the reminder said: to the deadline, here a minute.
    expect(run.calls[3]!.payload.waitSeconds).toBe(60);
    expect(run.last).toBe('ReviewApproved');
  });

  it('closes the review unappraised once the late-appraisal deadline has passed', async () => {
    const run = await review({
      ...assigned,
      AwaitAppraisal: () => {
        throw failure('States.Timeout');
      },
      EscalateReview: (_, n) => ({ pastLateDeadline: n >= 2, waitSeconds: 1 }),
    });
    expect(run.error).toBeUndefined();
    expect(run.statesCalled).toEqual([
      'AssignReviewer',
      'AwaitAppraisal',
      'EscalateReview',
      'AwaitAppraisal',
      'EscalateReview',
      'MarkUnappraised',
    ]);
    expect(run.last).toBe('ReviewClosedUnappraised');
  });

  it('reminds a unit that does not explain, and closes unappraised after the deadline', async () => {
    const run = await review({
      ...assigned,
      AwaitAppraisal: () => ({ decision: 'return', round: 1, waitSeconds: 3_600 }),
      AwaitExplanation: () => {
        throw failure('States.Timeout');
      },
      RemindExplanation: (_, n) => ({ pastLateDeadline: n >= 2, waitSeconds: 1 }),
    });
    expect(run.error).toBeUndefined();
    expect(run.statesCalled).toEqual([
      'AssignReviewer',
      'AwaitAppraisal',
      'AwaitExplanation',
      'RemindExplanation',
      'AwaitExplanation',
      'RemindExplanation',
      'MarkUnappraised',
    ]);
    expect(run.calls[3]!.payload.kind).toBe('explain');
    expect(run.last).toBe('ReviewClosedUnappraised');
  });

  it('records an unknown decision as a failure and fails the execution with its name', async () => {
    const run = await review({ ...assigned, AwaitAppraisal: () => ({ decision: 'maybe', round: 1 }) });
    expect(run.statesCalled).toEqual(['AssignReviewer', 'AwaitAppraisal', 'RecordFailure']);
    expect(run.calls[2]!.payload).toMatchObject({
      unitId: 'phong-noi-vu',
      periodId: '2024Q3',
      executionName: 'review-phong-noi-vu-2024Q3',
      error: UNKNOWN_DECISION_ERROR,
    });
    expect(run.last).toBe('ReviewFailed');
    // The Fail state names the recorded error (ErrorPath), not a generic one.
    expect(run.error?.cause?.name).toBe(UNKNOWN_DECISION_ERROR);
  });

  it('records a return that does not say how long the explanation may take as a failure', async () => {
    const run = await review({ ...assigned, AwaitAppraisal: () => ({ decision: 'return', round: 1 }) });
    expect(run.statesCalled).toEqual(['AssignReviewer', 'AwaitAppraisal', 'RecordFailure']);
    expect(run.calls[2]!.payload).toMatchObject({ error: UNKNOWN_DECISION_ERROR });
    expect(run.last).toBe('ReviewFailed');
  });

  it('retries a failing step twice, then records the failure with its cause', async () => {
    const run = await review({
      AssignReviewer: () => {
        throw failure('Error', 'table unreachable');
      },
    });
    expect(run.statesCalled).toEqual(['AssignReviewer', 'AssignReviewer', 'AssignReviewer', 'RecordFailure']);
    expect(run.calls[3]!.payload).toMatchObject({
      error: 'Error',
      cause: expect.stringContaining('table unreachable'),
    });
    expect(run.last).toBe('ReviewFailed');
    expect(run.error?.cause?.name).toBe('Error');
  });

  it('retries a callback whose function failed twice (arming is re-entrant), then records the failure', async () => {
    const run = await review({
      ...assigned,
      AwaitAppraisal: () => {
        throw failure('Error', 'mail service down');
      },
    });
    expect(run.statesCalled).toEqual([
      'AssignReviewer',
      'AwaitAppraisal',
      'AwaitAppraisal',
      'AwaitAppraisal',
      'RecordFailure',
    ]);
    expect(run.last).toBe('ReviewFailed');
  });

  it('retries a callback the Lambda service throttled', async () => {
    const run = await review({
      ...assigned,
      AwaitAppraisal: (_, n) => {
        if (n === 1) throw failure('Lambda.TooManyRequestsException');
        return { decision: 'approve', round: 1 };
      },
    });
    expect(run.error).toBeUndefined();
    expect(run.statesCalled).toEqual([
      'AssignReviewer',
      'AwaitAppraisal',
      'AwaitAppraisal',
      'RecordApproval',
    ]);
  });
});
