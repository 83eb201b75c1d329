/**
 * The `launch`, `period`, `scoring` and `commendation` state machines as the local engine receives
 * them — extracted from the synthesized demo stack — are valid ASL, read like docs/cycle.md, and
 * route every outcome the way the process says. They run on the local engine (aws-local-stepfunctions
 * with its callback layer and virtual clock) with each Lambda task answered by a stand-in that
 * plays its handler's part, keyed by handler file: what the handlers do is tested with them; here
 * only the paths between them, the payloads they get, and the size of an execution.
 */
import '#local/runtime/polyfills';
import { join } from 'node:path';
import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { DAY_SECONDS, periodsOf } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import type { DistrictConfig } from '#domain/model';
import { plannedSchedules } from '#functions/launch/plan-schedules';
import { DistrictStack } from '#infra/district-stack';
import { PROJECT_ROOT } from '#infra/project';
import {
  type AslDefinition,
  type AslState,
  type ExtractedStateMachine,
  extractStateMachines,
  forEachState,
} from '#local/runtime/asl';
import { functionNameOf } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import type { LocalLambdas } from '#local/runtime/lambda';
import { HISTORY_EVENT_LIMIT, type Json, type LoggedEvent, SfnEngine } from '#local/runtime/sfn-engine';
import { digestStack, localApp } from '#local/runtime/stack';
import { failureInput } from '#steps/inputs';
import { COUNCIL_VOTE_CONCURRENCY } from '#workflows/commendation';
import { LAMBDA_SERVICE_ERRORS, STEP_MAP_CONCURRENCY } from '#workflows/common';
import { PERIOD_EVENTS } from '#workflows/executions';
import { UNKNOWN_EVENT_ERROR } from '#workflows/period';

const CYCLE = ['Launch', 'Period', 'Scoring', 'Commendation'] as const;
type CycleMachine = (typeof CYCLE)[number];

let config: DistrictConfig;
const machines = {} as Record<CycleMachine, ExtractedStateMachine>;

beforeAll(() => {
  const app = localApp({ outdir: join(PROJECT_ROOT, 'cdk.out', 'test-cycle-asl') });
  const district = loadDistrict(join(PROJECT_ROOT, 'districts', 'demo.yaml'));
  config = district.config;
  const stack = new DistrictStack(app, 'Thidua-demo', district);
  const extracted = extractStateMachines(digestStack(stack));
  expect(extracted.map((m) => m.name).sort()).toEqual([...CYCLE, 'Review'].sort());
  for (const name of CYCLE) machines[name] = extracted.find((m) => m.name === name)!;
}, 120_000);

const asl = (name: CycleMachine): AslDefinition => machines[name].definition;
const isCallback = (s: AslState) => String(s.Resource).endsWith('.waitForTaskToken');
const failure = (name: string, message = name) => Object.assign(new Error(message), { name });
const statesOf = (name: CycleMachine) => {
  const out: [string, AslState][] = [];
  forEachState(asl(name), (n, s) => out.push([n, s]));
  return out;
};
/** The handler file a Task state invokes. */
const entryOf = (machine: CycleMachine, state: AslState): string => {
  const fn = String((state.Parameters as { FunctionName: string }).FunctionName);
  return machines[machine].functionsByLogicalId.get(functionNameOf(fn))!;
};

// ------------------------------------------------------------------ running on the local engine

interface Call {
  entry: string;
  payload: Record<string, unknown>;
}
type StandIn = (payload: Record<string, unknown>, call: { n: number; engine: SfnEngine }) => unknown;

/**
 * The local engine with one machine and stand-in functions (by handler file; default `{}`).
 * A stand-in may throw a named error (as a failed Lambda does) or, for a callback, answer through
 * the engine with the task token it was given.
 */
function harness(name: CycleMachine, standIns: Record<string, StandIn>) {
  const machine = machines[name];
  const clock = new VirtualClock(new Date('2024-10-01T01:00:00Z'));
  const calls: Call[] = [];
  const counts = new Map<string, number>();
  let running = 0;
  const maxRunning = new Map<string, number>();
  let engine!: SfnEngine;
  const lambdas = {
    inFlight: 0,
    async invoke(arn: string, event: unknown) {
      const entry = machine.functionsByLogicalId.get(functionNameOf(arn));
      if (!entry) throw failure('Lambda.ResourceNotFoundException', arn);
      const payload = structuredClone(event) as Record<string, unknown>;
      calls.push({ entry, payload });
      const n = (counts.get(entry) ?? 0) + 1;
      counts.set(entry, n);
      running++;
      maxRunning.set(entry, Math.max(maxRunning.get(entry) ?? 0, running));
      try {
        // A turn of the event loop, as a real invocation takes: lets the Map run iterations side by side.
        await new Promise<void>((r) => setImmediate(r));
        return ((await standIns[entry]?.(payload, { n, engine })) ?? {}) as Json;
      } finally {
        running--;
      }
    },
    async invokeAsync() {
      throw new Error('no asynchronous invocation in a workflow');
    },
  };
  engine = new SfnEngine({ clock, lambdas: lambdas as unknown as LocalLambdas });
  clock.addSettler(() => engine.idle());
  engine.registerStateMachine(machine);

  async function run(input: Json, executionName: string, whileWaiting?: () => Promise<void>) {
    const { executionArn } = engine.startExecution({ stateMachineArn: name, name: executionName, input });
    await clock.settle();
    await whileWaiting?.();
    const result = await engine.waitForExecution(executionArn);
    const history = engine.history(executionArn);
    const entered = history
      .filter((e: LoggedEvent) => e.type === 'StateEntered')
      .map((e) => (e.state as { name: string }).name);
    return {
      ...result,
      output:
        result.output === undefined ? undefined : (JSON.parse(result.output) as Record<string, unknown>),
      calls,
      called: (entry: string) => calls.filter((c) => c.entry === entry),
      entered,
      last: entered[entered.length - 1],
      events: engine.historyEventCount(executionArn),
      maxConcurrent: (entry: string) => maxRunning.get(entry) ?? 0,
    };
  }
  return { engine, clock, run };
}

const F = {
  storeCampaign: 'functions/launch/store-campaign.ts',
  planSchedules: 'functions/launch/plan-schedules.ts',
  listRecipients: 'functions/period/list-recipients.ts',
  announceLaunch: 'functions/launch/announce-launch.ts',
  openPeriod: 'functions/period/open-period.ts',
  inviteUnit: 'functions/period/invite-unit.ts',
  remindUnit: 'functions/period/remind-unit.ts',
  closePeriod: 'functions/period/close-period.ts',
  computeResults: 'functions/scoring/compute-results.ts',
  publishResult: 'functions/scoring/publish-result.ts',
  notifyLeadership: 'functions/scoring/notify-leadership.ts',
  proposeCommendations: 'functions/commendation/propose-commendations.ts',
  requestVote: 'functions/commendation/request-vote.ts',
  remindVote: 'functions/commendation/remind-vote.ts',
  tallyVotes: 'functions/commendation/tally-votes.ts',
  notifyOutcome: 'functions/commendation/notify-outcome.ts',
  recordFailure: 'functions/record-failure.ts',
} as const;

const unitIds = (n: number) =>
  Array.from({ length: n }, (_, i) => `don-vi-${String(i + 1).padStart(4, '0')}`);

// ------------------------------------------------------------------ the ASL itself

describe('the cycle ASL extracted from the demo stack', () => {
  it('is valid ASL, every machine', () => {
    for (const name of CYCLE) {
      const result = aslValidator(structuredClone(asl(name)), { checkPaths: true, checkArn: true });
      expect(result.isValid, `${name}: ${result.errorsText('\n')}`).toBe(true);
    }
  });

  it('names its states after the steps of the process', () => {
    const names = (m: CycleMachine) =>
      statesOf(m)
        .map(([n]) => n)
        .sort();
    expect(names('Launch')).toEqual(
      [
        'StoreCampaign',
        'PlanSchedules',
        'ListLaunchRecipients',
        'AnnounceLaunch',
        'SendLaunchNotice',
        'CampaignLaunched',
        'RecordFailure',
        'LaunchFailed',
      ].sort(),
    );
    expect(names('Period')).toEqual(
      [
        'CalendarEvent',
        'MarkOpen',
        'ListUnitsToInvite',
        'InviteUnits',
        'InviteUnit',
        'PeriodOpened',
        'ListUnsubmitted',
        'RemindUnits',
        'RemindUnit',
        'RemindersSent',
        'MarkLateUnits',
        'SendLateNotices',
        'SendLateNotice',
        'LateNoticesSent',
        'CloseReview',
        'ReviewClosed',
        'UnknownEvent',
        'RecordFailure',
        'PeriodFailed',
      ].sort(),
    );
    expect(names('Scoring')).toEqual(
      [
        'ComputeResults',
        'NewResultsVersion',
        'PublishResults',
        'PublishToUnit',
        'NotifyLeadership',
        'ComputeAgain',
        'ResultsPublished',
        'ResultsUnchanged',
        'RecordFailure',
        'ScoringFailed',
      ].sort(),
    );
    expect(names('Commendation')).toEqual(
      [
        'Propose',
        'OpenCouncilVote',
        'CouncilVote',
        'RequestVote',
        'RemindVote',
        'VoteClosed',
        'MemberAbsent',
        'Tally',
        'NotifyOutcome',
        'CommendationDecided',
        'RecordFailure',
        'CommendationFailed',
      ].sort(),
    );
    expect(asl('Launch').StartAt).toBe('StoreCampaign');
    expect(asl('Period').StartAt).toBe('CalendarEvent');
    expect(asl('Scoring').StartAt).toBe('ComputeResults');
    expect(asl('Commendation').StartAt).toBe('Propose');
  });

  it('invokes the handler file each step names (docs/cycle.md)', () => {
    const expected: Record<string, string> = {
      StoreCampaign: F.storeCampaign,
      PlanSchedules: F.planSchedules,
      ListLaunchRecipients: F.listRecipients,
      SendLaunchNotice: F.announceLaunch,
      MarkOpen: F.openPeriod,
      ListUnitsToInvite: F.listRecipients,
      InviteUnit: F.inviteUnit,
      ListUnsubmitted: F.listRecipients,
      RemindUnit: F.remindUnit,
      MarkLateUnits: F.listRecipients,
      SendLateNotice: F.remindUnit,
      CloseReview: F.closePeriod,
      ComputeResults: F.computeResults,
      PublishToUnit: F.publishResult,
      NotifyLeadership: F.notifyLeadership,
      Propose: F.proposeCommendations,
      RequestVote: F.requestVote,
      RemindVote: F.remindVote,
      Tally: F.tallyVotes,
      NotifyOutcome: F.notifyOutcome,
      RecordFailure: F.recordFailure,
    };
    for (const name of CYCLE) {
      for (const [state, s] of statesOf(name)) {
        if (s.Type === 'Task') expect(entryOf(name, s), `${name}.${state}`).toBe(expected[state]);
      }
    }
  });

  it("retries every Task with backoff; every step also on its own failures, never a callback's timeout", () => {
    for (const name of CYCLE) {
      for (const [state, s] of statesOf(name)) {
        if (s.Type !== 'Task') continue;
        const retriers = s.Retry as { ErrorEquals: string[]; BackoffRate: number; MaxAttempts: number }[];
        expect(retriers?.[0], `${name}.${state}`).toMatchObject({
          ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
          BackoffRate: 2,
          MaxAttempts: 3,
        });
        const rest = retriers.slice(1).map((r) => [r.ErrorEquals, r.MaxAttempts]);
        // Data of an earlier storage layout fails at once: retrying cannot help.
        expect(rest, `${name}.${state}`).toEqual([
          ...(isCallback(s) ? [[['States.Timeout'], 0]] : []),
          [['SchemaMismatch'], 0],
          [['States.TaskFailed'], 2],
        ]);
        for (const r of retriers) expect(r.ErrorEquals).not.toContain('States.ALL');
      }
    }
  });

  it('times the vote callback from the state, its timeout into a reminder that waits again or ends at the close', () => {
    const callbacks = CYCLE.flatMap((name) =>
      statesOf(name)
        .filter(([, s]) => isCallback(s))
        .map(([state, s]) => ({ name, state, s })),
    );
    expect(callbacks.map((c) => `${c.name}.${c.state}`)).toEqual(['Commendation.RequestVote']);
    const [{ name, state, s }] = callbacks as [(typeof callbacks)[number]];
    // As synthesized: the length the state carries (the local harness then caps it, TOOLCHAIN.md).
    expect(machines[name].originalTimeouts.get(state)).toEqual({
      timeoutSecondsAt: { path: '$.timer.waitSeconds', inParameters: ['Payload', 'waitSeconds'] },
    });
    const catchers = s.Catch as { ErrorEquals: string[]; Next: string }[];
    // Inside the Map: the timeout has its path, and nothing else is caught there.
    expect(catchers).toEqual([{ ErrorEquals: ['States.Timeout'], Next: 'RemindVote', ResultPath: null }]);
    expect((s.Parameters as { Payload: Record<string, unknown> }).Payload['taskToken.$']).toBe(
      '$$.Task.Token',
    );
    const vote = asl('Commendation').States.CouncilVote as unknown as {
      ItemProcessor: { States: Record<string, Record<string, unknown>> };
    };
    const inside = vote.ItemProcessor.States;
    expect(inside.RemindVote).toMatchObject({ ResultPath: '$.timer', Next: 'VoteClosed' });
    expect(inside.VoteClosed).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.timer.pastLateDeadline', BooleanEquals: true, Next: 'MemberAbsent' }],
      Default: 'RequestVote',
    });
    expect(vote).toMatchObject({ ItemSelector: { timer: { 'waitSeconds.$': '$.timer.waitSeconds' } } });
  });

  it('records every failure before failing: a last Catch States.ALL → RecordFailure on each step and Map', () => {
    for (const name of CYCLE) {
      const top = asl(name).States;
      for (const [state, s] of Object.entries(top)) {
        if ((s.Type !== 'Task' && s.Type !== 'Map') || state === 'RecordFailure') continue;
        const catchers = s.Catch as { ErrorEquals: string[]; Next: string; ResultPath: string }[];
        expect(catchers?.at(-1), `${name}.${state}`).toEqual({
          ErrorEquals: ['States.ALL'],
          Next: 'RecordFailure',
          ResultPath: '$.failure',
        });
      }
      expect(top.RecordFailure!.Catch).toBeUndefined();
      const failed = top[top.RecordFailure!.Next as string]!;
      expect(failed).toMatchObject({
        Type: 'Fail',
        ErrorPath: '$.failure.Error',
        CausePath: '$.failure.Cause',
      });
    }
  });

  it('walks lists with Maps of at most 10 at a time (the council vote: every member at once), adding the period', () => {
    const maps = CYCLE.flatMap((name) =>
      statesOf(name)
        .filter(([, s]) => s.Type === 'Map')
        .map(([state, s]) => ({ name, state, s })),
    );
    expect(maps.map((m) => `${m.name}.${m.state}`).sort()).toEqual(
      [
        'Launch.AnnounceLaunch',
        'Period.InviteUnits',
        'Period.RemindUnits',
        'Period.SendLateNotices',
        'Scoring.PublishResults',
        'Commendation.CouncilVote',
      ].sort(),
    );
    for (const { name, state, s } of maps) {
      expect(s.ItemsPath, state).toMatch(/^\$\./);
      expect(s.ResultPath, state).toBeNull();
      if (state === 'CouncilVote') {
        expect(s.MaxConcurrency).toBe(COUNCIL_VOTE_CONCURRENCY);
        expect(config.council.length).toBeLessThanOrEqual(COUNCIL_VOTE_CONCURRENCY);
      } else {
        expect(s.MaxConcurrency, state).toBe(STEP_MAP_CONCURRENCY);
        expect(STEP_MAP_CONCURRENCY).toBeLessThanOrEqual(10);
      }
      if (name === 'Period' || name === 'Scoring') {
        expect(s.ItemSelector, state).toMatchObject({ 'periodId.$': '$.periodId' });
      }
    }
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
    for (const name of CYCLE) {
      for (const [state, s] of statesOf(name)) {
        if (s.Type === 'Choice')
          for (const rule of s.Choices as Record<string, unknown>[]) walk(rule, `${name}.${state}`);
      }
    }
    expect(negated).toEqual([]);
  });

  it('handles every period event the calendar schedules, and only those', () => {
    const choice = asl('Period').States.CalendarEvent!;
    const values = (choice.Choices as { And: { StringEquals?: string }[] }[]).map(
      (c) => c.And.find((r) => r.StringEquals !== undefined)!.StringEquals,
    );
    expect(values).toEqual([...PERIOD_EVENTS]);
    const scheduled = plannedSchedules(
      periodsOf(loadDistrict('districts/demo.yaml').config),
      'Asia/Ho_Chi_Minh',
    );
    const events = new Set(
      scheduled.flatMap((s) => (s.event.workflow === 'period' ? [s.event.input.event] : [])),
    );
    expect([...events].sort()).toEqual([...PERIOD_EVENTS].sort());
    expect(choice.Default).toBe('UnknownEvent');
  });
});

// ------------------------------------------------------------------ runs

describe('a period execution on the local engine', () => {
  const openPeriod = async (n: number) => {
    const units = unitIds(n);
    const { run } = harness('Period', {
      [F.listRecipients]: () => ({ items: units }),
    });
    return run({ periodId: '2024Q3', event: 'open' }, 'period-2024Q3-open');
  };

  it('opens the period and invites 500 units, 10 at a time, well inside the history limit', async () => {
    const r = await openPeriod(500);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('PeriodOpened');
    expect(r.called(F.openPeriod).map((c) => c.payload)).toEqual([{ periodId: '2024Q3' }]);
    expect(r.called(F.listRecipients).map((c) => c.payload)).toEqual([
      { purpose: 'invite', periodId: '2024Q3' },
    ]);
    const invited = r.called(F.inviteUnit).map((c) => c.payload);
    expect(invited).toHaveLength(500);
    expect(new Set(invited.map((p) => p.unitId)).size).toBe(500);
    for (const p of invited)
      expect(p).toEqual({ unitId: expect.stringMatching(/^don-vi-/), periodId: '2024Q3' });
    expect(r.maxConcurrent(F.inviteUnit)).toBeGreaterThan(1);
    expect(r.maxConcurrent(F.inviteUnit)).toBeLessThanOrEqual(STEP_MAP_CONCURRENCY);
    console.log(`period open, 500 units: ${r.events} weighted history events (limit ${HISTORY_EVENT_LIMIT})`);
    expect(r.events).toBeLessThan(HISTORY_EVENT_LIMIT);
  }, 60_000);

  it('stays below 25,000 history events for 500 units per group (1,000 in the district)', async () => {
    const r = await openPeriod(1000);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.called(F.inviteUnit)).toHaveLength(1000);
    // About 20 + 7 per unit (docs/cycle.md, "Size"): 5 per Task state, 2 per Map iteration.
    console.log(
      `period open, 1,000 units: ${r.events} weighted history events (limit ${HISTORY_EVENT_LIMIT})`,
    );
    expect(r.events).toBeLessThan(HISTORY_EVENT_LIMIT);
    expect(r.events).toBeGreaterThanOrEqual(7 * 1000);
  }, 60_000);

  it('reminds the units without a submitted report', async () => {
    const { run } = harness('Period', {
      [F.listRecipients]: () => ({ items: ['phong-noi-vu', 'phong-tu-phap'] }),
    });
    const r = await run({ periodId: '2024Q3', event: 'remind' }, 'period-2024Q3-remind');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('RemindersSent');
    expect(r.called(F.listRecipients)[0]!.payload).toEqual({ purpose: 'remind', periodId: '2024Q3' });
    expect(r.called(F.remindUnit).map((c) => c.payload)).toEqual([
      { unitId: 'phong-noi-vu', periodId: '2024Q3', kind: 'remind' },
      { unitId: 'phong-tu-phap', periodId: '2024Q3', kind: 'remind' },
    ]);
    expect(r.called(F.openPeriod)).toHaveLength(0);
  });

  it('at the deadline marks the late units and sends each the late notice', async () => {
    const { run } = harness('Period', {
      [F.listRecipients]: () => ({ items: ['ubnd-xa-a'] }),
    });
    const r = await run({ periodId: '2024Q3', event: 'deadline' }, 'period-2024Q3-deadline');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('LateNoticesSent');
    expect(r.called(F.listRecipients)[0]!.payload).toEqual({ purpose: 'late', periodId: '2024Q3' });
    expect(r.called(F.remindUnit).map((c) => c.payload)).toEqual([
      { unitId: 'ubnd-xa-a', periodId: '2024Q3', kind: 'late' },
    ]);
  });

  it('with no unit to remind, sends nothing and succeeds', async () => {
    const { run } = harness('Period', { [F.listRecipients]: () => ({ items: [] }) });
    const r = await run({ periodId: '2024Q3', event: 'remind' }, 'period-2024Q3-remind');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.called(F.remindUnit)).toHaveLength(0);
  });

  it('at review close, closes the review (which starts scoring)', async () => {
    const { run } = harness('Period', {});
    const r = await run({ periodId: '2024Q3', event: 'close' }, 'period-2024Q3-close');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('ReviewClosed');
    expect(r.calls.map((c) => [c.entry, c.payload])).toEqual([[F.closePeriod, { periodId: '2024Q3' }]]);
  });

  it('fails an unknown or missing event as UnknownEvent, calling nothing', async () => {
    for (const [input, name] of [
      [{ periodId: '2024Q3', event: 'reopen' }, 'period-2024Q3-reopen'],
      [{ periodId: '2024Q3' }, 'period-2024Q3-none'],
    ] as const) {
      const { run } = harness('Period', {});
      const r = await run(input, name);
      expect(r.status).toBe('FAILED');
      expect(r.error).toBe(UNKNOWN_EVENT_ERROR);
      expect(r.calls).toHaveLength(0);
    }
  });

  it('records a unit whose invitation keeps failing, with a payload RecordFailure reads, then fails', async () => {
    const { run } = harness('Period', {
      [F.listRecipients]: () => ({ items: ['phong-noi-vu'] }),
      [F.inviteUnit]: () => {
        throw failure('Error', 'table unreachable');
      },
    });
    const r = await run({ periodId: '2024Q3', event: 'open' }, 'period-2024Q3-open');
    expect(r.status).toBe('FAILED');
    expect(r.last).toBe('PeriodFailed');
    expect(r.called(F.inviteUnit)).toHaveLength(3); // the first run and two retries
    const [recorded] = r.called(F.recordFailure);
    expect(recorded!.payload).toEqual({
      periodId: '2024Q3',
      executionName: 'period-2024Q3-open',
      error: 'Error',
      cause: expect.stringContaining('table unreachable'),
    });
    // The shared handler's own schema takes it as is (the payload is adapted here, not the handler).
    expect(failureInput.parse(recorded!.payload)).toEqual(recorded!.payload);
    expect(r.error).toBe('Error');
  });
});

describe('a launch execution on the local engine', () => {
  it('reads the stored campaign back, plans the schedules and announces the launch to each recipient', async () => {
    const recipients = ['unit:phong-noi-vu', 'unit:phong-tu-phap'];
    const { run } = harness('Launch', {
      [F.storeCampaign]: () => ({ campaignVersion: 1, superseded: false, periods: ['2024Q3', '2024Q4'] }),
      [F.planSchedules]: () => ({ created: 9, updated: 0, unchanged: 0, skippedPast: 3, superseded: false }),
      [F.listRecipients]: () => ({ items: recipients }),
    });
    const input = { campaignVersion: 1, contentHash: 'a'.repeat(64) };
    const r = await run(input, 'launch-v1-aaaaaaaaaaaa');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('CampaignLaunched');
    expect(r.calls.map((c) => c.entry)).toEqual([
      F.storeCampaign,
      F.planSchedules,
      F.listRecipients,
      F.announceLaunch,
      F.announceLaunch,
    ]);
    expect(r.called(F.storeCampaign)[0]!.payload).toEqual(input);
    expect(r.called(F.planSchedules)[0]!.payload).toEqual({ campaignVersion: 1 });
    expect(r.called(F.listRecipients)[0]!.payload).toEqual({ purpose: 'launch', campaignVersion: 1 });
    expect(r.called(F.announceLaunch).map((c) => c.payload)).toEqual(
      recipients.map((recipientId) => ({ recipientId, campaignVersion: 1 })),
    );
    // Ids only, from the input to the end; the output says what was done.
    expect(r.output).toEqual({
      campaignVersion: 1,
      superseded: false,
      periods: ['2024Q3', '2024Q4'],
      schedules: { created: 9, updated: 0, unchanged: 0, skippedPast: 3 },
      recipients: { items: recipients },
    });
  });

  it('records a config the first step refuses, then fails', async () => {
    const { run } = harness('Launch', {
      [F.storeCampaign]: () => {
        throw failure('InvalidInput', 'units[3].id: must be an ASCII id');
      },
    });
    const r = await run({ campaignVersion: 2, contentHash: 'b'.repeat(64) }, 'launch-v2-bbbbbbbbbbbb');
    expect(r.status).toBe('FAILED');
    expect(r.last).toBe('LaunchFailed');
    expect(r.called(F.recordFailure)[0]!.payload).toMatchObject({
      executionName: 'launch-v2-bbbbbbbbbbbb',
      error: 'InvalidInput',
      cause: expect.stringContaining('units[3].id'),
    });
    expect(r.called(F.planSchedules)).toHaveLength(0);
  });
});

describe('a scoring execution on the local engine', () => {
  it('publishes a new results version to every unit, then to leadership', async () => {
    const { run } = harness('Scoring', {
      [F.computeResults]: () => ({
        version: 2,
        isNew: true,
        created: true,
        again: false,
        unitIds: ['phong-noi-vu', 'ubnd-xa-a'],
      }),
    });
    const r = await run({ periodId: '2024Q3' }, 'scoring-2024Q3-late-phong-y-te-r1');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('ResultsPublished');
    // The execution's name says why it scores (workflows/executions.ts).
    expect(r.called(F.computeResults)[0]!.payload).toEqual({
      periodId: '2024Q3',
      executionName: 'scoring-2024Q3-late-phong-y-te-r1',
    });
    expect(r.called(F.publishResult).map((c) => c.payload)).toEqual([
      { periodId: '2024Q3', version: 2, unitId: 'phong-noi-vu' },
      { periodId: '2024Q3', version: 2, unitId: 'ubnd-xa-a' },
    ]);
    expect(r.called(F.notifyLeadership).map((c) => c.payload)).toEqual([{ periodId: '2024Q3', version: 2 }]);
  });

  it('publishes a version left unannounced first, then computes again and publishes the newer one', async () => {
    const computed = [
      { version: 2, isNew: true, created: false, again: true, unitIds: ['phong-y-te'] },
      { version: 3, isNew: true, created: true, again: false, unitIds: ['phong-noi-vu'] },
    ];
    const { run } = harness('Scoring', { [F.computeResults]: () => computed.shift() });
    const r = await run({ periodId: '2024Q3' }, 'scoring-2024Q3-late-phong-noi-vu-r1');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('ResultsPublished');
    expect(r.called(F.computeResults)).toHaveLength(2);
    expect(r.called(F.publishResult).map((c) => c.payload)).toEqual([
      { periodId: '2024Q3', version: 2, unitId: 'phong-y-te' },
      { periodId: '2024Q3', version: 3, unitId: 'phong-noi-vu' },
    ]);
    expect(r.called(F.notifyLeadership).map((c) => c.payload)).toEqual([
      { periodId: '2024Q3', version: 2 },
      { periodId: '2024Q3', version: 3 },
    ]);
  });

  it('publishes nothing again when the results are unchanged', async () => {
    const { run } = harness('Scoring', {
      [F.computeResults]: () => ({ version: 1, isNew: false, created: false, again: false, unitIds: [] }),
    });
    const r = await run({ periodId: '2024Q3' }, 'scoring-2024Q3-admin-2');
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('ResultsUnchanged');
    expect(r.calls.map((c) => c.entry)).toEqual([F.computeResults]);
  });
});

describe('a commendation execution on the local engine', () => {
  const members = Array.from({ length: 8 }, (_, i) => `thanh-vien-${i + 1}`);
  const absent = new Set(['thanh-vien-3', 'thanh-vien-7']);

  it('asks all 8 members at once; 2 never vote, are reminded a day before the close, then counted absent; the tally follows', async () => {
    const DAY_MS = DAY_SECONDS * 1000;
    let closesAt = 0;
    const { run, engine, clock } = harness('Commendation', {
      [F.proposeCommendations]: () => {
        closesAt = clock.now().getTime() + 7 * DAY_MS;
        return {
          memberIds: members,
          waitSeconds: 6 * DAY_SECONDS,
          closesAt: new Date(closesAt).toISOString(),
          remindAt: new Date(closesAt - DAY_MS).toISOString(),
        };
      },
      [F.requestVote]: (p, { engine }) => {
        // The page stores the ballot and answers the task; the absent never open the link.
        if (!absent.has(String(p.memberId))) engine.sendTaskSuccess(String(p.taskToken), { vote: 'cast' });
      },
      // As functions/commendation/remind-vote.ts answers, from the times it is given: the next
      // wait, until the close.
      [F.remindVote]: (p) => {
        const left = Math.ceil((Date.parse(String(p.closesAt)) - clock.now().getTime()) / 1000);
        return { pastLateDeadline: left <= 0, waitSeconds: Math.max(60, left) };
      },
      [F.tallyVotes]: () => ({ passed: ['phong-noi-vu'], quorumMet: true }),
    });
    const start = clock.now();
    const r = await run({ cycleId: '2024' }, 'commendation-2024-1', async () => {
      // Every member has the link before anyone's wait ends; only the absent still wait.
      const waiting = engine.pendingTasks({ stateName: 'RequestVote' });
      expect(waiting).toHaveLength(2);
      for (const t of waiting) expect(t.timeoutAt!.getTime() - t.since.getTime()).toBe(6 * DAY_MS);
      await clock.advanceTo(new Date(start.getTime() + 6 * DAY_MS + 1000));
      // Reminded, and waiting again (a new callback behind the same link) until the close.
      const again = engine.pendingTasks({ stateName: 'RequestVote' });
      expect(again).toHaveLength(2);
      for (const t of again) expect(t.timeoutAt!.getTime()).toBeLessThanOrEqual(closesAt + 1000);
      await clock.advanceTo(new Date(closesAt + 2000));
    });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.last).toBe('CommendationDecided');
    const asked = r.called(F.requestVote).map((c) => c.payload);
    // The six who voted were asked once; the two absent twice (after the reminder, the same link).
    expect(asked.map((p) => p.memberId).sort()).toEqual([...members, ...absent].sort());
    for (const p of asked) {
      expect(p).toEqual({
        cycleId: '2024',
        memberId: expect.any(String),
        taskToken: expect.any(String),
        waitSeconds: expect.any(Number),
      });
    }
    expect(new Set(asked.map((p) => p.taskToken)).size).toBe(10); // a token per callback
    const reminded = r.called(F.remindVote).map((c) => c.payload);
    expect(reminded.map((p) => p.memberId).sort()).toEqual([...absent, ...absent].sort());
    expect(reminded[0]).toEqual({
      cycleId: '2024',
      memberId: expect.any(String),
      closesAt: new Date(closesAt).toISOString(),
      remindAt: new Date(closesAt - DAY_MS).toISOString(),
    });
    expect(r.entered.filter((s) => s === 'MemberAbsent')).toHaveLength(2);
    expect(r.called(F.tallyVotes).map((c) => c.payload)).toEqual([{ cycleId: '2024' }]);
    expect(r.called(F.notifyOutcome).map((c) => c.payload)).toEqual([{ cycleId: '2024' }]);
    expect(r.output).toMatchObject({ cycleId: '2024', memberIds: members, tally: { quorumMet: true } });
    console.log(`commendation, 8 members (2 absent): ${r.events} weighted history events`);
  });

  it('retries a vote request whose function failed twice (arming is re-entrant), then records the failure', async () => {
    const { run } = harness('Commendation', {
      [F.proposeCommendations]: () => ({
        memberIds: ['thanh-vien-1'],
        waitSeconds: 6 * DAY_SECONDS,
        closesAt: '2025-02-04T10:00:00.000Z',
        remindAt: '2025-02-03T10:00:00.000Z',
      }),
      [F.requestVote]: () => {
        throw failure('Error', 'mail service down');
      },
    });
    const r = await run({ cycleId: 'phase' }, 'commendation-phase-1');
    expect(r.status).toBe('FAILED');
    expect(r.last).toBe('CommendationFailed');
    expect(r.called(F.requestVote)).toHaveLength(3);
    expect(r.called(F.tallyVotes)).toHaveLength(0);
    expect(r.called(F.recordFailure)[0]!.payload).toMatchObject({ executionName: 'commendation-phase-1' });
  });
});
