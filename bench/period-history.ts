/**
 * The size of a `period` execution: the `Period` state machine as the demo stack synthesizes it
 * (workflows/period.ts), its `open` event run on the local engine for 500 and 1,000 units, each
 * Lambda task answered by a stand-in (as test/workflows/cycle-asl.test.ts does: the list step
 * returns the units, the others `{}`). Prints the weighted history-event count
 * (SfnEngine.historyEventCount) against the 25,000 events a Standard execution may have.
 * Skips with a message when the stack has no `Period` state machine.
 *
 *   node bench/period-history.ts [--units 500,1000]
 */
import '#local/runtime/polyfills';
import { loadDistrict } from '#domain/config-files';
import { DistrictStack } from '#infra/district-stack';
import { type ExtractedStateMachine, extractStateMachines } from '#local/runtime/asl';
import { functionNameOf } from '#local/runtime/cfn';
import { VirtualClock } from '#local/runtime/clock';
import type { LocalLambdas } from '#local/runtime/lambda';
import { HISTORY_EVENT_LIMIT, type Json, SfnEngine } from '#local/runtime/sfn-engine';
import { digestStack, localApp } from '#local/runtime/stack';
import { DEMO_DISTRICT, fmtMemory, fmtMs, memory, msSince, now, printBlock, printSummary } from './lib.ts';

const LIST_RECIPIENTS = 'functions/period/list-recipients.ts';
const started = now();

const sizes = (() => {
  const i = process.argv.findIndex((a) => a === '--units' || a.startsWith('--units='));
  const raw =
    i < 0
      ? '500,1000'
      : process.argv[i]!.includes('=')
        ? process.argv[i]!.split('=')[1]
        : process.argv[i + 1];
  const list = String(raw)
    .split(',')
    .map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--units: whole numbers > 0, got ${raw}`);
  return list;
})();

const synthStart = now();
const district = loadDistrict(DEMO_DISTRICT, { now: new Date('2022-08-02T00:00:00Z') });
const stack = new DistrictStack(localApp(), 'Thidua-demo', district);
const machines = extractStateMachines(digestStack(stack));
const synthMs = msSince(synthStart);
const period = machines.find((m) => m.name === 'Period' || m.aliases.includes('Period'));

if (!period) {
  const message = `no Period state machine in the stack (have ${machines.map((m) => m.name).join(', ')}): skipped`;
  console.log(`\nPeriod history: ${message}`);
  printSummary({ bench: 'period-history', totalMs: msSince(started), figures: {}, skipped: message });
} else {
  const rows: [string, string][] = [['stack synth + ASL extraction', fmtMs(synthMs)]];
  const figures: Record<string, string> = {};
  for (const n of sizes) {
    const r = await openPeriod(period, n);
    rows.push([
      `open, ${n} units`,
      `${r.events} weighted events = ${((r.events / HISTORY_EVENT_LIMIT) * 100).toFixed(1)} % of ${HISTORY_EVENT_LIMIT}; ` +
        `${(r.events / n).toFixed(2)} per unit; ${r.invited} invited; ${r.status}; ${fmtMs(r.ms)}`,
    ]);
    figures[`events, ${n} units`] = `${r.events} / ${HISTORY_EVENT_LIMIT}`;
  }
  rows.push(['memory', fmtMemory(memory())]);
  printBlock('Period history (period state machine, event open, stand-in handlers)', rows);
  printSummary({ bench: 'period-history', totalMs: msSince(started), figures });
}

/** One `open` execution over `n` units on a fresh engine; every task answered by a stand-in. */
async function openPeriod(machine: ExtractedStateMachine, n: number) {
  const clock = new VirtualClock(new Date('2024-10-01T01:00:00Z'));
  const units = Array.from({ length: n }, (_, i) => ({ unitId: `don-vi-${String(i + 1).padStart(4, '0')}` }));
  let inFlight = 0;
  let invited = 0;
  const lambdas = {
    get inFlight() {
      return inFlight;
    },
    async invoke(arn: string, event: unknown): Promise<Json> {
      const entry = machine.functionsByLogicalId.get(functionNameOf(arn));
      if (!entry) throw Object.assign(new Error(arn), { name: 'Lambda.ResourceNotFoundException' });
      inFlight++;
      try {
        // A turn of the event loop, as a real invocation takes: the Map runs iterations side by side.
        await new Promise<void>((r) => setImmediate(r));
        if (entry === LIST_RECIPIENTS) {
          const periodId = (event as { periodId: string }).periodId;
          return { items: units.map((u) => ({ ...u, periodId })) };
        }
        if (entry.endsWith('invite-unit.ts')) invited++;
        return {};
      } finally {
        inFlight--;
      }
    },
    async invokeAsync() {
      throw new Error('no asynchronous invocation in a workflow');
    },
  };
  const engine = new SfnEngine({ clock, lambdas: lambdas as unknown as LocalLambdas });
  clock.addSettler(() => engine.idle());
  engine.registerStateMachine(machine);
  const start = now();
  const { executionArn } = engine.startExecution({
    stateMachineArn: machine.name,
    name: 'period-2024Q3-open',
    input: { periodId: '2024Q3', event: 'open' },
  });
  const done = await engine.waitForExecution(executionArn);
  const ms = msSince(start);
  const events = engine.historyEventCount(executionArn);
  await engine.stop();
  return { events, status: done.status, invited, ms };
}
