/**
 * The engine's journal and what a restart does with it, without killing anything: an engine is
 * stopped (its executions aborted without an end, as a killed process leaves them) and a new one
 * reads the same journal. The state machine is the test's own (a Map of callback waits on a task
 * stand-in), so these run without the emulators.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AslDefinition } from '#local/runtime/asl';
import { VirtualClock } from '#local/runtime/clock';
import { LocalLambdas } from '#local/runtime/lambda';
import { type Json, SfnEngine } from '#local/runtime/sfn-engine';
import { ExecutionJournal } from '#local/runtime/sfn-journal';

const T0 = new Date('2022-10-01T01:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ASK = 'arn:aws:states:::test:ask';
const FLAKY = 'arn:aws:states:::test:flaky';

/** Per item: ask (1 day), and when nobody answered, ask again (5 days). */
const ASKING: AslDefinition = {
  StartAt: 'EachItem',
  States: {
    EachItem: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: `${ASK}.waitForTaskToken`,
            Parameters: { 'item.$': '$', 'taskToken.$': '$$.Task.Token' },
            TimeoutSeconds: 86_400,
            Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'AskAgain' }],
            End: true,
          },
          AskAgain: {
            Type: 'Task',
            Resource: `${ASK}.waitForTaskToken`,
            Parameters: { 'item.$': '$', again: true, 'taskToken.$': '$$.Task.Token' },
            TimeoutSeconds: 5 * 86_400,
            End: true,
          },
        },
      },
      End: true,
    },
  },
};

const FAILING_ONCE: AslDefinition = {
  StartAt: 'Try',
  States: { Try: { Type: 'Task', Resource: FLAKY, End: true } },
};

let dir: string;
let engines: SfnEngine[] = [];
/** Calls of the flaky stand-in, across engines: it fails the first one. */
let flakyCalls = 0;
afterEach(async () => {
  for (const e of engines) await e.stop();
  engines = [];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * An engine on the journal in `dir` at `now`, as a process starting on that data folder builds it.
 * Its stand-in for the person's inbox delivers a decision already recorded at once, as a re-armed
 * step does (functions/review/arm.ts); the others wait for `answer()`.
 */
function engineAt(now: Date, decided: Map<string, Json> = new Map()) {
  const clock = new VirtualClock(now);
  const engine = new SfnEngine({
    clock,
    lambdas: new LocalLambdas(new Map()),
    journal: new ExecutionJournal(join(dir, 'executions.jsonl')),
  });
  engines.push(engine);
  clock.addSettler(() => engine.idle());
  const asked: { item: string; again: boolean; token: string }[] = [];
  engine.setIntegration(ASK, (params, context) => {
    const { item, again } = params as { item: string; again?: boolean };
    const token = context.taskToken ?? '';
    asked.push({ item, again: again === true, token });
    const decision = decided.get(item);
    if (decision !== undefined) engine.sendTaskSuccess(token, decision);
    return {};
  });
  engine.setIntegration(FLAKY, () => {
    flakyCalls++;
    if (flakyCalls === 1) throw Object.assign(new Error('not yet'), { name: 'Test.NotYet' });
    return { calls: flakyCalls };
  });
  engine.registerStateMachine({ name: 'Asking', definition: ASKING });
  engine.registerStateMachine({ name: 'FailingOnce', definition: FAILING_ONCE });
  const unfinished = engine.restore();
  const waiting = () =>
    engine.pendingTasks().map((t) => ({
      state: t.stateName,
      since: t.since.toISOString(),
      timeoutAt: t.timeoutAt?.toISOString(),
    }));
  return { clock, engine, asked, unfinished, waiting };
}

describe('the journal of the local engine', () => {
  it('keeps names across a restart: a finished execution is described as it ended, its name taken', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thidua-journal-'));
    const first = engineAt(T0);
    const { executionArn } = first.engine.startExecution({ stateMachineArn: 'FailingOnce', name: 'once' });
    const done = await first.engine.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'Test.NotYet' });

    const second = engineAt(new Date(T0.getTime() + DAY));
    expect(second.unfinished).toEqual([]);
    expect(second.engine.describeExecution(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'Test.NotYet',
      startDate: T0,
    });
    expect(() => second.engine.startExecution({ stateMachineArn: 'FailingOnce', name: 'once' })).toThrow(
      /Execution Already Exists/,
    );
    // A failed execution may be redriven: it runs again under its name, and stays ended after a restart.
    second.engine.redriveExecution(executionArn);
    expect((await second.engine.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    const third = engineAt(new Date(T0.getTime() + 2 * DAY));
    expect(third.engine.describeExecution(executionArn).status).toBe('SUCCEEDED');
  });

  it('resumes an execution a stop left unfinished, from its start; every wait keeps its deadline', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thidua-journal-'));
    const first = engineAt(T0);
    const input = { items: ['a', 'b', 'c'] };
    const { executionArn } = first.engine.startExecution({ stateMachineArn: 'Asking', name: 'ask-1', input });
    await first.clock.settle();
    const before = first.waiting();
    expect(before).toHaveLength(3);
    expect(new Set(before.map((w) => w.timeoutAt))).toEqual(
      new Set([new Date(T0.getTime() + DAY).toISOString()]),
    );
    await first.clock.advanceTo(new Date(T0.getTime() + 20 * HOUR));
    await first.engine.stop();

    // The next process, 20 hours later on the clock: the execution is known, not yet running.
    const second = engineAt(new Date(T0.getTime() + 20 * HOUR));
    expect(second.unfinished).toEqual(['ask-1']);
    expect(second.engine.describeExecution(executionArn)).toMatchObject({ status: 'RUNNING', startDate: T0 });
    expect(second.waiting()).toEqual([]);
    expect(
      second.engine.startExecution({ stateMachineArn: 'Asking', name: 'ask-1', input }).executionArn,
    ).toBe(executionArn);
    expect(second.engine.resumeUnfinished()).toEqual(['ask-1']);
    await second.clock.settle();
    expect(second.asked.map((a) => a.item).sort()).toEqual(['a', 'b', 'c']);
    // Not a fresh day from the restart: the deadlines of the first run.
    expect(second.waiting()).toEqual(before);
  });

  it('a wait whose deadline passed before the stop times out when reached again; a recorded decision still wins', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thidua-journal-'));
    const decided = new Map<string, Json>();
    const first = engineAt(T0, decided);
    const { executionArn } = first.engine.startExecution({
      stateMachineArn: 'Asking',
      name: 'ask-2',
      input: { items: ['a', 'b'] },
    });
    await first.clock.settle();
    // a answers within the day (its decision is recorded where a re-armed step finds it); b does not.
    const a = first.asked.find((x) => x.item === 'a');
    decided.set('a', { answer: 'yes' });
    first.engine.sendTaskSuccess(a?.token ?? '', { answer: 'yes' });
    await first.clock.advanceTo(new Date(T0.getTime() + DAY));
    const asking = first.waiting();
    expect(asking).toEqual([
      {
        state: 'AskAgain',
        since: new Date(T0.getTime() + DAY).toISOString(),
        timeoutAt: new Date(T0.getTime() + 6 * DAY).toISOString(),
      },
    ]);
    await first.engine.stop();

    const second = engineAt(new Date(T0.getTime() + DAY), decided);
    second.engine.resumeUnfinished();
    await second.clock.settle();
    // b's first wait had timed out: it times out again at once and b is asked again, same deadline;
    // a's decision is delivered again, whatever the deadline of its first wait.
    expect(second.waiting()).toEqual(asking);
    const b = second.asked.find((x) => x.item === 'b' && x.again);
    second.engine.sendTaskSuccess(b?.token ?? '', { answer: 'late' });
    const done = await second.engine.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? 'null')).toEqual([{ answer: 'yes' }, { answer: 'late' }]);
    expect(second.engine.history(executionArn).filter((e) => e.type === 'TaskTimedOut')).toHaveLength(1);
  });

  it('reads back a journal whose last line a kill cut short', async () => {
    dir = mkdtempSync(join(tmpdir(), 'thidua-journal-'));
    const first = engineAt(T0);
    first.engine.startExecution({ stateMachineArn: 'Asking', name: 'ask-3', input: { items: ['a'] } });
    await first.clock.settle();
    await first.engine.stop();
    const file = join(dir, 'executions.jsonl');
    expect(readFileSync(file, 'utf8')).toContain('"type":"waiting"');
    appendFileSync(file, '{"type":"ended","machine":"Asking","name":"ask-3","sta');
    expect(engineAt(T0).unfinished).toEqual(['ask-3']);
  });
});
