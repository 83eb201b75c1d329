import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  type ExtractedStateMachine,
  MAX_INTERPRETER_TIMEOUT_SECONDS,
  validateAsl,
} from '#local/runtime/asl';
import { type CfnTemplate, TemplateResolver } from '#local/runtime/cfn';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime/runtime';
import { HISTORY_EVENT_LIMIT } from '#local/runtime/sfn-engine';
import { fixtureState } from './fixtures/inbox.ts';
import { buildFixtureStack, DAY } from './fixtures/stack.ts';

const LAUNCH = new Date('2022-08-02T01:00:00Z');
let rt: LocalRuntime;
let sfn: SFNClient;

beforeAll(async () => {
  rt = await startLocalRuntime({ stack: buildFixtureStack(), clockStart: LAUNCH });
  // The real client, configured only by the runtime's endpoint.
  sfn = new SFNClient({
    endpoint: rt.endpoints.sfn,
    region: 'local',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}, 30_000);
afterAll(async () => {
  await rt?.stop();
});

const byName = (name: string): ExtractedStateMachine => {
  const m = rt.stateMachines.find((s) => s.name === name);
  if (!m) throw new Error(`no ${name}`);
  return m;
};

async function run(machine: string, name: string, input: unknown) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: rt.stateMachineArn(machine),
      name,
      input: JSON.stringify(input),
    }),
  );
  if (!executionArn) throw new Error(`${name} did not start`);
  return executionArn;
}

function requestFor(subject: string) {
  const r = fixtureState().requests.find((q) => q.subject === subject);
  if (!r) throw new Error(`no decision request for ${subject}`);
  return r;
}

describe('extracting the ASL from the synthesized stack', () => {
  it('finds every state machine, named after its construct', () => {
    expect(rt.stateMachines.map((m) => m.name).sort()).toEqual([
      'Approval',
      'Basics',
      'Fanout',
      'Patient',
      'Timed',
    ]);
    for (const m of rt.stateMachines) {
      expect(rt.template.Resources?.[m.logicalId]?.Type).toBe('AWS::StepFunctions::StateMachine');
      expect(m.arn).toBe(`arn:aws:states:local:000000000000:stateMachine:${m.name}`);
    }
  });

  it('flattens every intrinsic: function ARNs name the logical id, which maps to the handler file', () => {
    const basics = byName('Basics');
    const text = JSON.stringify(basics.definition);
    expect(text).not.toMatch(/Fn::|"Ref"/);
    const state = basics.definition.States.RecordIt as unknown as {
      Resource: string;
      Parameters: { FunctionName: string };
    };
    expect(state.Resource).toBe('arn:aws:states:::lambda:invoke');
    const m = /^arn:aws:lambda:local:000000000000:function:(\w+)$/.exec(state.Parameters.FunctionName);
    expect(m).not.toBeNull();
    expect(basics.functionsByLogicalId.get(m?.[1] ?? '')).toBe('test/local/fixtures/handlers/record.ts');
  });

  it('caps timeouts above 24 days and keeps the original values', () => {
    const patient = byName('Patient');
    const wait = patient.definition.States.WaitLong;
    expect(wait?.TimeoutSeconds).toBe(MAX_INTERPRETER_TIMEOUT_SECONDS);
    expect(patient.originalTimeouts.get('WaitLong')).toEqual({ timeoutSeconds: 30 * DAY });
    // Under the cap nothing changes.
    expect(byName('Approval').definition.States.AskForDecision?.TimeoutSeconds).toBe(14 * DAY);
  });

  it("replaces a callback's TimeoutSecondsPath by the cap and keeps where its parameters pass the seconds", () => {
    const timed = byName('Timed');
    const wait = timed.definition.States.WaitAsSaid;
    expect(wait?.TimeoutSecondsPath).toBeUndefined();
    expect(wait?.TimeoutSeconds).toBe(MAX_INTERPRETER_TIMEOUT_SECONDS);
    expect(timed.originalTimeouts.get('WaitAsSaid')).toEqual({
      timeoutSecondsAt: { path: '$.waitSeconds', inParameters: ['Payload', 'waitSeconds'] },
    });
    const props = rt.template.Resources?.[timed.logicalId]?.Properties;
    const written = JSON.parse(rt.resolver.flattenToString(props?.DefinitionString)) as AslDefinition;
    expect(written.States.WaitAsSaid).toMatchObject({ TimeoutSecondsPath: '$.waitSeconds' });
  });

  it('changes nothing else in the ASL', () => {
    const patient = byName('Patient');
    const original = structuredClone(patient.definition);
    const wait = original.States.WaitLong;
    if (wait) wait.TimeoutSeconds = 30 * DAY;
    const props = rt.template.Resources?.[patient.logicalId]?.Properties;
    expect(JSON.parse(rt.resolver.flattenToString(props?.DefinitionString))).toEqual(original);
  });

  it('rejects an invalid ASL with the validator errors, each time (only a valid one is remembered)', () => {
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } };
    for (let i = 0; i < 2; i++) {
      expect(() => validateAsl(broken, 'broken')).toThrow(/state machine broken is invalid[\s\S]*Missing/);
    }
    const fixed = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
    expect(() => validateAsl(fixed, 'fixed')).not.toThrow();
    expect(() => validateAsl(fixed, 'fixed')).not.toThrow();
  });
});

describe('flattening template values', () => {
  it('resolves the Ref, GetAtt, Join and pseudo parameters the stack uses to local values', () => {
    const t: CfnTemplate = {
      Resources: {
        T: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'thidua-demo' } },
        F: { Type: 'AWS::Lambda::Function' },
        Q: { Type: 'AWS::SQS::Queue' },
        Api: { Type: 'AWS::ApiGatewayV2::Api' },
      },
    };
    const r = new TemplateResolver(t);
    expect(r.flatten({ Ref: 'T' })).toBe('thidua-demo');
    expect(r.flatten({ 'Fn::GetAtt': ['T', 'Arn'] })).toBe(
      'arn:aws:dynamodb:local:000000000000:table/thidua-demo',
    );
    expect(r.flatten({ 'Fn::GetAtt': ['F', 'Arn'] })).toBe('arn:aws:lambda:local:000000000000:function:F');
    expect(r.flatten({ 'Fn::GetAtt': ['Q', 'Arn'] })).toBe('arn:aws:sqs:local:000000000000:Q');
    expect(
      r.flatten({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }]] }),
    ).toBe('arn:aws:x:local');
    const withApi = new TemplateResolver(t, {
      overrides: { 'AWS::ApiGatewayV2::Api.ApiEndpoint': 'http://127.0.0.1:8080' },
    });
    expect(withApi.flatten({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('http://127.0.0.1:8080');
  });

  it('refuses an intrinsic the stack does not use, naming it', () => {
    const r = new TemplateResolver({ Resources: {} });
    expect(() => r.flatten({ 'Fn::Split': [',', 'a,b'] })).toThrow(/cannot flatten Fn::Split/);
    expect(() => r.flatten({ 'Fn::ImportValue': 'x' })).toThrow(/cannot flatten Fn::ImportValue/);
  });
});

describe('Lambda tasks', () => {
  it('run the real handler in-process, with the stack environment, the emulators and the virtual clock', async () => {
    const arn = await run('Basics', 'basics-1', { id: 'unit-a', failTimes: 1 });
    const done = await rt.sfn.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? 'null');
    expect(output.record).toEqual({
      recorded: 'unit-a',
      at: LAUNCH.toISOString(),
      approvalMachine: 'arn:aws:states:local:000000000000:stateMachine:Approval',
      statusCode: 200,
    });
    // The handler wrote to dynalite through the endpoint variables the runtime set.
    const db = new DynamoDBClient({});
    const item = await db.send(
      new GetItemCommand({ TableName: rt.env.TABLE_NAME, Key: { pk: { S: 'unit-a' }, sk: { S: 'record' } } }),
    );
    expect(item.Item?.at?.S).toBe(LAUNCH.toISOString());
  });

  it('retry on the thrown error name (without the real interval), then the Catch takes the named error', async () => {
    const started = Date.now();
    const arn = await run('Basics', 'basics-2', { id: 'unit-b', failTimes: 2 });
    const done = await rt.sfn.waitForExecution(arn);
    expect(Date.now() - started).toBeLessThan(2_000); // 30 s + 60 s of retry intervals on AWS
    const output = JSON.parse(done.output ?? 'null');
    expect(output.flaky).toEqual({ attempts: 3 });
    // The Catch output is AWS's: the error name, and the Lambda error as a JSON cause.
    expect(output.rejection.Error).toBe('Fixture.Rejected');
    expect(JSON.parse(output.rejection.Cause)).toMatchObject({
      errorType: 'Fixture.Rejected',
      errorMessage: 'rejected: unit-b',
    });
    const events = rt.sfn.history(arn).map((e) => e.type);
    expect(events.filter((t) => t === 'StateRetried')).toHaveLength(2);
    expect(events).toContain('StateCaught');
  });

  it('take the Catch when the retries run out', async () => {
    const arn = await run('Basics', 'basics-3', { id: 'unit-c', failTimes: 5 });
    const done = await rt.sfn.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null').flakyFailure.Error).toBe('Fixture.QuotaError');
    expect(
      rt.sfn.history(arn).some((e) => (e.state as { name?: string } | undefined)?.name === 'GaveUp'),
    ).toBe(true);
  });
});

describe('callbacks (.waitForTaskToken)', () => {
  it('complete through the real SFNClient: the execution succeeds with the output sent', async () => {
    const arn = await run('Approval', 'approval-1', { subject: 'report A' });
    await rt.settle();
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    const { taskToken } = requestFor('report A');
    expect(taskToken).toMatch(/^LTT1/);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ decision: 'approve', round: 1 }) }),
    );
    await rt.sfn.waitForExecution(arn);
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? 'null')).toEqual({
      subject: 'report A',
      decision: { decision: 'approve', round: 1 },
    });
    // A second answer on the same token: the task is gone.
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  });

  it('give each task its own token', async () => {
    await run('Approval', 'approval-2', { subject: 'report B' });
    await run('Approval', 'approval-3', { subject: 'report C' });
    await rt.settle();
    expect(requestFor('report B').taskToken).not.toBe(requestFor('report C').taskToken);
    expect(rt.sfn.pendingTasks().map((t) => t.executionName)).toEqual(
      expect.arrayContaining(['approval-2', 'approval-3']),
    );
  });

  it('fail with SendTaskFailure and go down the Catch', async () => {
    const arn = await run('Approval', 'approval-4', { subject: 'report D' });
    await rt.settle();
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: requestFor('report D').taskToken,
        error: 'Review.Broken',
        cause: 'x',
      }),
    );
    const done = await rt.sfn.waitForExecution(arn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Review.Broken');
  });

  it('time out after 14 days of virtual time, in well under a second, through the States.Timeout Catch', async () => {
    const arn = await run('Approval', 'approval-slow', { subject: 'report slow' });
    await rt.settle();
    const started = Date.now();
    await rt.advanceClock(new Date(rt.clock.now().getTime() + 14 * DAY * 1000 - 1000));
    expect(rt.sfn.describeExecution(arn).status).toBe('RUNNING');
    await rt.advanceClock(new Date(rt.clock.now().getTime() + 2000));
    const done = await rt.sfn.waitForExecution(arn);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null').escalation).toEqual({ escalated: true });
    // The person clicks after the timeout: AWS answers TaskTimedOut.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: requestFor('report slow').taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });
});

describe('a callback whose wait its input sets (TimeoutSecondsPath)', () => {
  it('lasts the seconds it was given, on the virtual clock', async () => {
    const arn = await run('Timed', 'timed-1', { subject: 'report timed', waitSeconds: 3_600 });
    await rt.settle();
    const start = rt.clock.now().getTime();
    expect(requestFor('report timed').waitSeconds).toBe(3_600);
    await rt.advanceClock(new Date(start + 3_599_000));
    expect(rt.sfn.describeExecution(arn).status).toBe('RUNNING');
    await rt.advanceClock(new Date(start + 3_601_000));
    const done = await rt.sfn.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toMatchObject({ timedOut: true });
  });

  it('fails the execution, past every catcher as on AWS, when the seconds are not a positive integer', async () => {
    for (const [name, waitSeconds] of [
      ['timed-zero', 0],
      ['timed-text', '60'],
      ['timed-half', 1.5],
    ] as const) {
      const arn = await run('Timed', name, { subject: name, waitSeconds });
      const done = await rt.sfn.waitForExecution(arn);
      expect(done, name).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
      expect(done.cause, name).toContain('TimeoutSecondsPath $.waitSeconds must select a positive integer');
    }
  });
});

describe('stopping and heartbeats', () => {
  it('StopExecution aborts a waiting execution; its token is then gone', async () => {
    const arn = await run('Approval', 'approval-stopped', { subject: 'report stopped' });
    await rt.settle();
    await sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Admin.Stopped', cause: 'restart' }));
    const done = await rt.sfn.waitForExecution(arn);
    expect(done).toMatchObject({ status: 'ABORTED', error: 'Admin.Stopped', cause: 'restart' });
    await expect(
      sfn.send(
        new SendTaskSuccessCommand({ taskToken: requestFor('report stopped').taskToken, output: '{}' }),
      ),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it("a timeout beyond the interpreter's 24 days holds on the virtual clock; a heartbeat is answered", async () => {
    const arn = await run('Patient', 'patient-1', {});
    await rt.settle();
    const [task] = rt.sfn.pendingTasks({ executionArn: arn });
    if (!task) throw new Error('the patient task did not start');
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    const start = rt.clock.now().getTime();
    await rt.advanceClock(new Date(start + 29 * DAY * 1000));
    expect(rt.sfn.describeExecution(arn).status).toBe('RUNNING');
    await rt.advanceClock(new Date(start + 30 * DAY * 1000));
    expect(rt.sfn.describeExecution(arn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });
});

describe('registration', () => {
  it('refuses what the engine would run wrongly, listing every problem', () => {
    const task = (extra: Record<string, unknown>) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'F' },
      End: true,
      ...extra,
    });
    expect(() =>
      rt.sfn.registerStateMachine({
        name: 'Refused',
        definition: {
          StartAt: 'Pause',
          TimeoutSeconds: 60,
          States: {
            Pause: { Type: 'Wait', Seconds: 60, Next: 'Both' },
            Both: { Type: 'Parallel', Branches: [], Next: 'Beat' },
            Beat: task({ HeartbeatSeconds: 60, Next: 'Sdk', End: undefined }),
            Sdk: {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:scheduler:createSchedule',
              Next: 'Unread',
            },
            // A path the engine could not read from the parameters, and one on a plain task.
            Unread: task({
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'F', Payload: { 'taskToken.$': '$$.Task.Token' } },
              TimeoutSecondsPath: '$.waitSeconds',
              Next: 'Plain',
              End: undefined,
            }),
            Plain: task({
              Parameters: { FunctionName: 'F', 'waitSeconds.$': '$.waitSeconds' },
              TimeoutSecondsPath: '$.waitSeconds',
            }),
          },
        },
      }),
    ).toThrow(
      /machine-level TimeoutSeconds[\s\S]*Pause: Wait states[\s\S]*Both: Parallel states[\s\S]*Beat: HeartbeatSeconds[\s\S]*Sdk: no local implementation[\s\S]*Unread: TimeoutSecondsPath is enforced locally only on a callback task whose Parameters pass the same path[\s\S]*Plain: TimeoutSecondsPath/,
    );
  });
});

describe('the Step Functions API errors', () => {
  it('a name used before is ExecutionAlreadyExists (the same start while running is the same execution)', async () => {
    const input = { subject: 'dup' };
    const first = await run('Approval', 'dup-1', input);
    expect(await run('Approval', 'dup-1', input)).toBe(first);
    await expect(run('Approval', 'dup-1', { subject: 'other input' })).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
    const basics = await run('Basics', 'dup-2', { id: 'x', failTimes: 0 });
    await rt.sfn.waitForExecution(basics);
    await expect(run('Basics', 'dup-2', { id: 'x', failTimes: 0 })).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
  });

  it('an unknown token is TaskDoesNotExist, a malformed one InvalidToken, bad output InvalidOutput', async () => {
    const unknown = `LTT1${'A'.repeat(64)}`;
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: unknown, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'forged', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await run('Approval', 'bad-output', { subject: 'report E' });
    await rt.settle();
    await expect(
      sfn.send(
        new SendTaskSuccessCommand({ taskToken: requestFor('report E').taskToken, output: 'not json' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidOutput' });
  });
});

describe('size', () => {
  it('runs a Map over 500 items and reports the history AWS would record', async () => {
    const units = Array.from({ length: 500 }, (_, i) => `unit-${i}`);
    const arn = await run('Fanout', 'fanout-500', { units });
    const done = await rt.sfn.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const results = JSON.parse(done.output ?? 'null').results as {
      index: number;
      unit: string;
      seen: boolean;
    }[];
    expect(results).toHaveLength(500);
    expect(results[499]).toEqual({ index: 499, unit: 'unit-499', seen: true });
    const count = rt.sfn.historyEventCount(arn);
    // start 1 + Map 4 + 500 × (iteration 2 + Task 5) + Succeed 2 + end 1
    expect(count).toBe(1 + 4 + 500 * 7 + 2 + 1);
    expect(count).toBeLessThan(HISTORY_EVENT_LIMIT);
  });
});
