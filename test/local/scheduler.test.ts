import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaArn } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import { LocalLambdas } from '#local/runtime/lambda';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime/runtime';
import { LocalScheduler, parseAt } from '#local/runtime/scheduler';
import { fixtureState } from './fixtures/inbox.ts';
import { buildFixtureStack, FIXTURE_SCHEDULE_GROUP } from './fixtures/stack.ts';

const LAUNCH = new Date('2022-08-02T01:00:00Z');
// On disk, as `npm start` runs it, so the last test can restart it.
const dataDir = mkdtempSync(join(tmpdir(), 'thidua-local-'));
let rt: LocalRuntime;
let scheduler: SchedulerClient;

beforeAll(async () => {
  rt = await startLocalRuntime({ stack: buildFixtureStack(), dataDir, clockStart: LAUNCH });
  // No endpoint given: the client finds the local scheduler through AWS_ENDPOINT_URL_SCHEDULER.
  scheduler = new SchedulerClient({});
}, 30_000);
afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const oneTime = (name: string, at: string, input: unknown, target = rt.functionArn('Starter')) =>
  new CreateScheduleCommand({
    Name: name,
    GroupName: FIXTURE_SCHEDULE_GROUP,
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: target,
      RoleArn: 'arn:aws:iam::000000000000:role/schedules',
      Input: JSON.stringify(input),
      DeadLetterConfig: { Arn: 'arn:aws:sqs:local:000000000000:dlq' },
    },
  });

describe('the local scheduler', () => {
  it('reads at() in the schedule time zone', () => {
    expect(parseAt('at(2024-07-01T08:00:00)', 'Asia/Ho_Chi_Minh').toISOString()).toBe(
      '2024-07-01T01:00:00.000Z',
    );
    expect(parseAt('at(2024-07-01T08:00:00)').toISOString()).toBe('2024-07-01T08:00:00.000Z');
  });

  it('fires a schedule made through the real SchedulerClient when the clock passes it, then deletes it', async () => {
    await scheduler.send(
      oneTime('period-2022Q3-open', '2022-08-15T08:00:00', {
        name: 'period-2022Q3-open',
        input: { subject: 'Q3' },
      }),
    );
    const got = await scheduler.send(
      new GetScheduleCommand({ Name: 'period-2022Q3-open', GroupName: FIXTURE_SCHEDULE_GROUP }),
    );
    expect(got.ScheduleExpression).toBe('at(2022-08-15T08:00:00)');
    expect(got.Target?.Arn).toBe(rt.functionArn('test/local/fixtures/handlers/starter.ts'));
    await expect(
      scheduler.send(oneTime('period-2022Q3-open', '2022-08-15T08:00:00', {})),
    ).rejects.toBeInstanceOf(ConflictException);

    expect(rt.clock.nextEventTime()?.toISOString()).toBe('2022-08-15T01:00:00.000Z');
    await rt.advanceClock(new Date('2022-08-15T00:59:59Z'));
    expect(rt.sfn.listExecutions()).toHaveLength(0);
    await rt.advanceToNextEvent();
    expect(rt.clock.now().toISOString()).toBe('2022-08-15T01:00:00.000Z');

    // The starter ran in-process and started the named execution through the local endpoint.
    const [execution] = rt.sfn.listExecutions();
    expect(execution?.name).toBe('period-2022Q3-open');
    expect(execution?.startDate.toISOString()).toBe('2022-08-15T01:00:00.000Z');
    expect(fixtureState().requests.map((r) => r.subject)).toContain('Q3');
    await expect(
      scheduler.send(
        new GetScheduleCommand({ Name: 'period-2022Q3-open', GroupName: FIXTURE_SCHEDULE_GROUP }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers AWS errors for unknown names, unknown groups and bad expressions', async () => {
    await expect(
      scheduler.send(new DeleteScheduleCommand({ Name: 'nope', GroupName: FIXTURE_SCHEDULE_GROUP })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      scheduler.send(
        new CreateScheduleCommand({
          Name: 'x',
          GroupName: 'no-such-group',
          ScheduleExpression: 'at(2022-09-01T00:00:00)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: rt.functionArn('Starter'), RoleArn: 'r' },
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(scheduler.send(oneTime('bad', '2022-13-01T00:00:00', {}))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('records a failing target as the on-failure record after Lambda retries, and an unknown target as a dead letter', async () => {
    await scheduler.send(
      oneTime('rejecting', '2022-08-20T08:00:00', { reason: 'r' }, rt.functionArn('Reject')),
    );
    await scheduler.send(
      oneTime('nowhere', '2022-08-20T09:00:00', {}, 'arn:aws:lambda:local:000000000000:function:Missing'),
    );
    await rt.advanceClock(new Date('2022-08-21T00:00:00Z'));
    const failure = rt.lambdas.asyncFailures.at(-1);
    expect(failure?.requestContext).toMatchObject({
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    });
    expect(failure?.requestPayload).toEqual({ reason: 'r' });
    expect(failure?.responsePayload.errorType).toBe('Fixture.Rejected');
    expect(rt.scheduler.deadLetters.at(-1)).toMatchObject({
      deadLetterArn: 'arn:aws:sqs:local:000000000000:dlq',
      error: expect.stringMatching(/Function not found/),
    });
  });

  it("runs the stack's own recurring schedule once per move, not once per missed occurrence", async () => {
    const before = fixtureState().sweeps.length;
    await rt.advanceClock(new Date('2022-08-25T00:00:00Z'));
    expect(fixtureState().sweeps.slice(before)).toEqual(['2022-08-25T00:00:00.000Z']);
  });
});

describe('the emulators', () => {
  it('take mail through the real SESv2Client configured by the environment only', async () => {
    await new SESv2Client({}).send(
      new SendEmailCommand({
        FromEmailAddress: 'phongnoivu@example.gov.vn',
        Destination: { ToAddresses: ['ubnd-xa@example.gov.vn'] },
        Content: { Simple: { Subject: { Data: 'Thư mời báo cáo' }, Body: { Text: { Data: 'Kính gửi…' } } } },
      }),
    );
    const store = (await (await fetch(`${rt.endpoints.sesv2}/store`)).json()) as {
      emails: { subject: string }[];
    };
    expect(store.emails.map((e) => e.subject)).toContain('Thư mời báo cáo');
  });

  it('create the tables of the template in dynalite, with their keys and indexes', async () => {
    const db = new DynamoDBClient({});
    const { Table } = await db.send(new DescribeTableCommand({ TableName: rt.env.TABLE_NAME }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byStatus']);
    expect(
      rt.resolver.localName(
        Object.keys(rt.template.Resources ?? {}).find((k) => k.startsWith('Table')) ?? '',
      ),
    ).toBe(rt.env.TABLE_NAME);
  });
});

describe('a restart on the same data folder (npm start)', () => {
  it('keeps the table data, the schedules and the clock, and the schedules still fire', async () => {
    const basics = rt.sfn.startExecution({
      stateMachineArn: 'Basics',
      name: 'b',
      input: { id: 'kept', failTimes: 0 },
    });
    await rt.sfn.waitForExecution(basics.executionArn);
    const recordedAt = rt.clock.now().toISOString();
    await scheduler.send(
      oneTime('after-restart', '2022-09-01T08:00:00', {
        name: 'after-restart',
        input: { subject: 'after restart' },
      }),
    );
    await rt.stop();

    // Same process, same handler modules (their SDK clients kept their endpoints): same ports again.
    rt = await startLocalRuntime({ stack: buildFixtureStack(), dataDir, clockStart: LAUNCH });
    expect(rt.clock.now().toISOString()).toBe(recordedAt);
    const stored = await new DynamoDBClient({}).send(
      new GetItemCommand({ TableName: rt.env.TABLE_NAME, Key: { pk: { S: 'kept' }, sk: { S: 'record' } } }),
    );
    expect(stored.Item?.at?.S).toBe(recordedAt);
    const kept = await scheduler.send(
      new GetScheduleCommand({ Name: 'after-restart', GroupName: FIXTURE_SCHEDULE_GROUP }),
    );
    expect(kept.ScheduleExpression).toBe('at(2022-09-01T08:00:00)');
    // The journal kept the execution: its name is still taken, as on AWS.
    expect(rt.sfn.describeExecution(basics.executionArn).status).toBe('SUCCEEDED');
    expect(() =>
      rt.sfn.startExecution({ stateMachineArn: 'Basics', name: 'b', input: { id: 'kept', failTimes: 0 } }),
    ).toThrow(/Execution Already Exists/);
    await rt.advanceToNextEvent();
    expect(rt.clock.now().toISOString()).toBe('2022-09-01T01:00:00.000Z');
    expect(rt.sfn.listExecutions().map((e) => e.name)).toContain('after-restart');
    expect(fixtureState().requests.map((r) => r.subject)).toContain('after restart');
  }, 20_000);

  it('resumes the executions a stop left running and finishes a clock move a kill left half done', async () => {
    // The executions the schedules started wait for a decision; a schedule lies ahead.
    await scheduler.send(
      oneTime('mid-move', '2022-09-10T08:00:00', { name: 'mid-move', input: { subject: 'mid move' } }),
    );
    const position = rt.clock.now();
    await rt.stop();
    // What a process killed during a move to 20/09 leaves: the position before the schedule, the target.
    const target = '2022-09-20T00:00:00.000Z';
    writeFileSync(join(dataDir, 'clock.json'), JSON.stringify({ now: position.toISOString(), target }));

    rt = await startLocalRuntime({ stack: buildFixtureStack(), dataDir, clockStart: LAUNCH });
    expect(rt.clock.now()).toEqual(position);
    const recovery = await rt.recover();
    expect(recovery.resumed).toEqual(['period-2022Q3-open', 'after-restart']);
    expect(recovery.advancedTo?.toISOString()).toBe(target);
    expect(rt.clock.now().toISOString()).toBe(target);
    expect(
      rt.sfn
        .listExecutions()
        .find((e) => e.name === 'mid-move')
        ?.startDate.toISOString(),
    ).toBe('2022-09-10T01:00:00.000Z');
    expect(JSON.parse(readFileSync(join(dataDir, 'clock.json'), 'utf8'))).toEqual({ now: target });
  }, 20_000);
});

describe('a one-time schedule on disk', () => {
  it('stays there until its target has run, so that a kill in between fires it again after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thidua-schedules-'));
    const path = join(dir, 'schedules.json');
    const clock = new VirtualClock(LAUNCH);
    const lambdas = new LocalLambdas(
      new Map([['Peek', { entry: 'test/local/fixtures/handlers/peek-schedules.ts' }]]),
    );
    const local = new LocalScheduler({ clock, lambdas, persistPath: path });
    try {
      local.createSchedule('once', {
        ScheduleExpression: 'at(2022-08-03T00:00:00)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { Arn: lambdaArn('Peek'), RoleArn: 'role', Input: JSON.stringify({ path, name: 'once' }) },
      });
      const before = fixtureState().peeks.length;
      await clock.advanceTo(new Date('2022-08-04T00:00:00Z'));
      expect(fixtureState().peeks.slice(before)).toEqual([true]);
      expect(readFileSync(path, 'utf8')).not.toContain('"once"');
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
