/**
 * The starter, the target of every schedule, against the local Step Functions endpoint (real
 * SFNClient): it starts the named execution of the named workflow, and a name already used —
 * which Scheduler would otherwise send to its dead-letter queue — is success.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as starter } from '#functions/starter';
import { type CycleBed, startCycleBed } from './cycle-harness.ts';

let bed: CycleBed;

beforeAll(async () => {
  bed = await startCycleBed(undefined, { store: false });
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

const event = (input: Record<string, unknown>) => ({
  workflow: 'period',
  name: 'period-2022Q3-open',
  input,
});

describe('the starter', () => {
  it('starts the named execution of the named workflow with its input', async () => {
    expect(await bed.invoke(starter, event({ event: 'open', periodId: '2022Q3' }))).toEqual({
      status: 'started',
    });
    const [execution] = bed.engine.listExecutions({ stateMachineArn: 'period' });
    expect(execution).toMatchObject({ name: 'period-2022Q3-open' });
    expect(JSON.parse(execution!.input)).toEqual({ event: 'open', periodId: '2022Q3' });
    await bed.engine.waitForExecution(execution!.executionArn);
  });

  it('treats ExecutionAlreadyExists as success, starting nothing', async () => {
    // The execution has ended; a schedule firing again (or another input under the same name)
    // gets ExecutionAlreadyExists from Step Functions.
    expect(await bed.invoke(starter, event({ event: 'open', periodId: '2022Q3', again: true }))).toEqual({
      status: 'already-exists',
    });
    expect(await bed.invoke(starter, event({ event: 'open', periodId: '2022Q3' }))).toEqual({
      status: 'already-exists',
    });
    expect(bed.executions('period')).toEqual(['period-2022Q3-open']);
  });

  it('refuses a bad event with InvalidInput, naming the field', async () => {
    await expect(bed.invoke(starter, { workflow: 'launch', name: 'x', input: {} })).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('workflow'),
    });
    await expect(
      bed.invoke(starter, { workflow: 'scoring', name: 'scoring 2022Q3', input: {} }),
    ).rejects.toMatchObject({
      name: 'InvalidInput',
      message: expect.stringContaining('name'),
    });
  });
});
