/**
 * The callbacks port through the real SFNClient: a gone task is reported as such (the decision
 * stays recorded), a transient error is thrown (the sweep re-sends), a duplicate start is success.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfnCallbacks } from '#ports/callbacks';
import { awsError, type JsonService, startJsonService } from '../helpers/json-service.ts';

let sfn: JsonService;
let callbacks: SfnCallbacks;

beforeAll(async () => {
  sfn = await startJsonService({
    SendTaskSuccess: (input) => {
      const token = String(input.taskToken);
      if (token === 'timed-out') return awsError('TaskTimedOut', 'Task Timed Out');
      if (token === 'invalid') return awsError('InvalidToken', 'Invalid token');
      if (token === 'missing') return awsError('TaskDoesNotExist', 'Task does not exist');
      if (token === 'busy')
        return { status: 500, body: { __type: 'ServiceUnavailable', message: 'try later' } };
      return { body: {} };
    },
    SendTaskFailure: (input) =>
      input.taskToken === 'invalid' ? awsError('InvalidToken', 'x') : { body: {} },
    StartExecution: (input) =>
      input.name === 'review-phong-tu-phap-2024Q3'
        ? awsError('ExecutionAlreadyExists', 'Execution already exists')
        : {
            body: { executionArn: `arn:aws:states:local:0:execution:m:${String(input.name)}`, startDate: 1 },
          },
  });
  callbacks = new SfnCallbacks(
    new SFNClient({
      endpoint: sfn.endpoint,
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
      maxAttempts: 1,
    }),
  );
});
afterAll(async () => {
  await sfn.close();
});

describe('SfnCallbacks', () => {
  it('delivers a decision as the task output', async () => {
    expect(await callbacks.sendDecision('live', { decision: 'approve', round: 1 })).toBe('delivered');
    const call = sfn.calls.find((c) => c.operation === 'SendTaskSuccess' && c.input.taskToken === 'live');
    expect(JSON.parse(String(call?.input.output))).toEqual({ decision: 'approve', round: 1 });
  });

  it('reports a timed-out, invalid or missing task as gone, and throws on a transient error', async () => {
    expect(await callbacks.sendDecision('timed-out', {})).toBe('task-gone');
    expect(await callbacks.sendDecision('invalid', {})).toBe('task-gone');
    expect(await callbacks.sendDecision('missing', {})).toBe('task-gone');
    await expect(callbacks.sendDecision('busy', {})).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    expect(await callbacks.sendFailure('invalid', 'RecordFailed', 'x')).toBe('task-gone');
    expect(await callbacks.sendFailure('live', 'RecordFailed', 'x')).toBe('delivered');
  });

  it('treats an existing execution of the same name as success and refuses a bad name', async () => {
    expect(
      await callbacks.startExecution('arn:m', 'review-xa-an-binh-2024Q3', { unitId: 'xa-an-binh' }),
    ).toBe('started');
    expect(await callbacks.startExecution('arn:m', 'review-phong-tu-phap-2024Q3', {})).toBe('already-exists');
    await expect(callbacks.startExecution('arn:m', 'xét duyệt', {})).rejects.toThrow(/Execution name/);
  });
});
