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
import { type ExtractedStateMachine, MAX_INTERPRETER_TIMEOUT_SECONDS, validateAsl } from '#local/runtime/asl';
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
  return executionArn!;
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
      'Deadline',
      'Fanout',
      'Patient',
      'Plan',
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
    expect(basics.functionsByLogicalId.get(m![1]!)).toBe('test/local/fixtures/handlers/record.ts');
  });

  it('caps timeouts above 24 days and keeps the original values', () => {
    const patient = byName('Patient');
    const wait = patient.definition.States.WaitLong as unknown as {
      TimeoutSeconds: number;
      HeartbeatSeconds: number;
    };
    expect(wait.TimeoutSeconds).toBe(MAX_INTERPRETER_TIMEOUT_SECONDS);
    expect(patient.definition.TimeoutSeconds).toBe(MAX_INTERPRETER_TIMEOUT_SECONDS);
    expect(patient.originalTimeouts.get('WaitLong')).toEqual({
      timeoutSeconds: 30 * DAY,
      heartbeatSeconds: 25 * DAY,
    });
    expect(patient.executionTimeoutSeconds).toBe(300 * DAY);
    // Under the cap nothing changes.
    const approval = byName('Approval');
    expect(
      (approval.definition.States.AskForDecision as unknown as { TimeoutSeconds: number }).TimeoutSeconds,
    ).toBe(14 * DAY);
  });

  it('changes nothing else in the ASL', () => {
    const patient = byName('Patient');
    const original = JSON.parse(JSON.stringify(patient.definition));
    original.TimeoutSeconds = 300 * DAY;
    original.States.WaitLong.TimeoutSeconds = 30 * DAY;
    const props = rt.template.Resources?.[patient.logicalId]?.Properties;
    expect(JSON.parse(rt.resolver.flattenToString(props?.DefinitionString))).toEqual(original);
  });

  it('rejects an invalid ASL with the validator errors', () => {
    expect(() =>
      validateAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } }, 'broken'),
    ).toThrow(/state machine broken is invalid[\s\S]*Missing/);
  });
});

describe('flattening template values', () => {
  it('resolves Ref, GetAtt, Join, Sub and pseudo parameters to local values', () => {
    const t: CfnTemplate = {
      Resources: {
        T: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'thidua-demo' } },
        F: { Type: 'AWS::Lambda::Function' },
        Q: { Type: 'AWS::SQS::Queue' },
      },
    };
    const r = new TemplateResolver(t, { stackName: 'S' });
    expect(r.flatten({ Ref: 'T' })).toBe('thidua-demo');
    expect(r.flatten({ 'Fn::GetAtt': ['T', 'Arn'] })).toBe(
      'arn:aws:dynamodb:local:000000000000:table/thidua-demo',
    );
    expect(
      r.flatten({ 'Fn::Join': ['', ['x-', { Ref: 'AWS::Region' }, '-', { Ref: 'AWS::AccountId' }]] }),
    ).toBe('x-local-000000000000');
    // CloudFormation's Fn::Sub syntax, not template literals.
    const sub = (...parts: string[]) => parts.map((p) => `\${${p}}`).join('|');
    expect(r.flatten({ 'Fn::Sub': sub('F.Arn', 'AWS::StackName', '!Literal') })).toBe(
      `arn:aws:lambda:local:000000000000:function:F|S|${sub('Literal')}`,
    );
    expect(r.flatten({ 'Fn::Sub': [sub('v'), { v: { Ref: 'Q' } }] })).toBe(
      'http://sqs.local.localhost/000000000000/Q',
    );
    expect(r.flatten({ a: { Ref: 'AWS::NoValue' }, b: 1 })).toEqual({ b: 1 });
    const withApi = new TemplateResolver(
      { Resources: { Api: { Type: 'AWS::ApiGatewayV2::Api' } } },
      { stackName: 'S', overrides: { 'AWS::ApiGatewayV2::Api.ApiEndpoint': 'http://127.0.0.1:8080' } },
    );
    expect(withApi.flatten({ 'Fn::GetAtt': ['Api', 'ApiEndpoint'] })).toBe('http://127.0.0.1:8080');
    expect(() => r.flatten({ 'Fn::ImportValue': 'x' })).toThrow(/cannot flatten Fn::ImportValue/);
  });
});

describe('Lambda tasks', () => {
  it('run the real handler in-process, with the stack environment, the emulators and the virtual clock', async () => {
    const arn = await run('Basics', 'basics-1', { id: 'unit-a', failTimes: 1 });
    const done = await rt.sfn.waitForExecution(arn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output!);
    expect(output.record).toEqual({
      recorded: 'unit-a',
      at: LAUNCH.toISOString(),
      machineName: 'Approval',
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
    const output = JSON.parse(done.output!);
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
    expect(JSON.parse(done.output!).flakyFailure.Error).toBe('Fixture.QuotaError');
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
    expect(JSON.parse(described.output!)).toEqual({
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
    expect(JSON.parse(done.output!).escalation).toEqual({ escalated: true });
    // The person clicks after the timeout: AWS answers TaskTimedOut.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: requestFor('report slow').taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
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

  it('HeartbeatSeconds and TimeoutSeconds hold on the virtual clock; a heartbeat renews the first', async () => {
    const before = fixtureState().requests.length;
    const renewed = await run('Patient', 'patient-renewed', {});
    const silent = await run('Patient', 'patient-silent', {});
    await rt.settle();
    const tokenOf = (arn: string) => rt.sfn.pendingTasks({ executionArn: arn })[0]!.taskToken;
    expect(fixtureState().requests.length).toBe(before + 2);
    const start = rt.clock.now().getTime();
    const day = (n: number) => new Date(start + n * DAY * 1000);
    await rt.advanceClock(day(20));
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: tokenOf(renewed) }));
    await rt.advanceClock(day(26)); // heartbeat every 25 days at most
    expect(rt.sfn.describeExecution(silent)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(rt.sfn.history(silent).find((e) => e.type === 'TaskTimedOut')?.which).toBe('HeartbeatSeconds');
    expect(rt.sfn.describeExecution(renewed).status).toBe('RUNNING');
    await rt.advanceClock(day(30)); // the 30-day task timeout
    expect(rt.sfn.describeExecution(renewed)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(rt.sfn.history(renewed).find((e) => e.type === 'TaskTimedOut')?.which).toBe('TimeoutSeconds');
  });
});

describe('the execution timeout', () => {
  it("ends the execution TIMED_OUT when the virtual clock passes the machine's TimeoutSeconds", async () => {
    const arn = await run('Deadline', 'deadline-1', {});
    await rt.settle();
    const { taskToken } = rt.sfn.pendingTasks({ executionArn: arn })[0]!;
    await rt.advanceClock(new Date(rt.clock.now().getTime() + 10 * DAY * 1000));
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(done.status).toBe('TIMED_OUT');
    expect(done.stopDate?.getTime()).toBe(rt.clock.now().getTime());
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(
      TaskTimedOut,
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
    const results = JSON.parse(done.output!).results as { index: number; unit: string; seen: boolean }[];
    expect(results).toHaveLength(500);
    expect(results[499]).toEqual({ index: 499, unit: 'unit-499', seen: true });
    const count = rt.sfn.historyEventCount(arn);
    // start 1 + Map 4 + 500 × (iteration 2 + Task 5) + Succeed 2 + end 1
    expect(count).toBe(1 + 4 + 500 * 7 + 2 + 1);
    expect(count).toBeLessThan(HISTORY_EVENT_LIMIT);
  });
});
