/**
 * One whole period of an N-unit campaign (examples/generate-campaign.ts) with the real handlers on
 * the local runtime: the stack synthesized for that campaign, its state machines on the local
 * engine, the pages behind the local HTTP adapter, dynalite and the SES emulator each behind a
 * metering proxy (bench/metering.ts: read and write units by AWS's rules, emails), the HTTP API
 * behind one too. The DynamoDB meter runs on a thread of its own beside the handlers', with the
 * dynalite the handlers use (meter-worker.ts). The period: `open` (every unit invited) → every unit opens its page and submits
 * → each reviewer approves, one report in four is returned first, explained and approved in round
 * 2 → `remind` and `deadline` (nobody left to remind) → `close` → scoring → the results mail.
 * People act 5 at a time; the runtime settles between phases. The period's events start their
 * executions as the starter would (the launch that schedules them is not part of a period).
 *
 *   node bench/period.ts [--units 40] [--usage-out period-usage.json]
 *
 * Prints each phase's wall time, then `period N units: <s> s, peak <MiB> MiB, <transitions>
 * transitions, <reads> read units, <writes> write units, <emails> emails` last. `--usage-out`
 * writes the counts in bench/usage.ts's shape for bench/cost.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Period, Unit } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { DistrictStack } from '#infra/district-stack';
import { createTablesFromStack, dynamoClient } from '#local/runtime/emulators';
import { pageRoutes, startHttpServer } from '#local/runtime/http';
import { startLocalRuntime, stopLocalRuntime } from '#local/runtime/runtime';
import { localApp } from '#local/runtime/stack';
import { resetAwsClients } from '#ports/aws';
import { resetPorts } from '#ports/registry';
import { mapLimited } from '#steps/concurrency';
import { PERIOD_EVENTS, periodExecution } from '#workflows/executions';
import { generateCampaign } from '../examples/generate-campaign.ts';
import { fmtMs, intOption, memory, msSince, now, printBlock, printSummary } from './lib.ts';
import { startMeter, startMeterThread } from './metering.ts';
import {
  cpuMark,
  cpuSince,
  installProfile,
  memoryRow,
  profiled,
  profileRows,
  threadRow,
  threadTicks,
  traceLines,
} from './period-profile.ts';
import {
  confirmationForm,
  decisionForm,
  expectStatus,
  post,
  reportForm,
  reportLinks,
  request,
  reviewLinks,
} from './period-users.ts';
import { type LambdaUsageInput, type UsageFileInput, usageFile } from './usage.ts';

process.env.LOG_LEVEL ??= 'warn';
const started = now();
const unitCount = intOption('units', 40);
const usageOut = (() => {
  const i = process.argv.findIndex((a) => a === '--usage-out' || a.startsWith('--usage-out='));
  if (i < 0) return undefined;
  return process.argv[i]?.includes('=') ? process.argv[i]?.split('=')[1] : process.argv[i + 1];
})();
/** Per function: invocations, DynamoDB calls and their time; per phase: CPU seconds. */
const profile = process.argv.includes('--profile') || process.argv.includes('--trace');
if (profile) installProfile();
/** People acting at once. */
const PEOPLE_AT_ONCE = 5;
/** One report in this many is returned once before it is approved. */
const RETURN_EVERY = 4;

// ---------------------------------------------------------------- the campaign and its runtime

const generated = generateCampaign({ units: unitCount, seed: 1, periods: 1 });
const campaign = { config: generated.config, criteriaSets: generated.criteriaSets };
const period: Period =
  generated.periods[0]?.period ??
  (() => {
    throw new Error('no period');
  })();
const units: readonly Unit[] = campaign.config.units;

const keyDir = mkdtempSync(join(tmpdir(), 'thidua-bench-'));
resetPorts();
const pages = await startHttpServer({
  routes: (await pageRoutes()).map((r) => ({
    ...r,
    handler: (event, ctx) => profiled(`${r.method} ${r.path}`, () => r.handler(event, ctx)),
  })),
});
const httpMeter = await startMeter(pages.url, 'http');
const stack = new DistrictStack(localApp(), `Thidua-${campaign.config.district.slug}`, campaign);
const rt = await startLocalRuntime({
  stack,
  clockStart: new Date(Date.parse(period.opensAt) - 60_000),
  extraEnv: {
    BASE_URL: httpMeter.url,
    SIGNING_KEY_FILE: join(keyDir, 'signing-key.json'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
});
// The DynamoDB meter's thread runs the dynalite the handlers use (metering.ts, `startMeterThread`):
// the runtime's own stays empty. The SES and pages' meters stay on this thread: measured on a
// thread of their own too, the handlers' thread, which the period waits on, did not get faster
// (the two cores are shared by more busy threads) and the peak rose by ~100 MiB.
const dynamoMeter = await startMeterThread(undefined, 'dynamodb');
const sesMeter = await startMeter(rt.endpoints.sesv2, 'ses');
await createTablesFromStack(rt.template, dynamoClient(dynamoMeter.url), rt.resolver);
process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoMeter.url;
process.env.AWS_ENDPOINT_URL_SESV2 = sesMeter.url;
resetAwsClients();
resetPorts();
await storeCampaign(campaign);
const arns = JSON.parse(rt.env.STATE_MACHINE_ARNS ?? '{}') as Record<string, string>;

// ---------------------------------------------------------------- counting what the engine runs

const lambdaMs = new Map<string, { invocations: number; billedMs: number }>();
function countInvocation(name: string, ms: number): void {
  const entry = lambdaMs.get(name) ?? { invocations: 0, billedMs: 0 };
  entry.invocations++;
  entry.billedMs += Math.max(1, Math.ceil(ms));
  lambdaMs.set(name, entry);
}
const invoke = rt.lambdas.invoke.bind(rt.lambdas);
rt.lambdas.invoke = async (arn: string, event: unknown) => {
  const start = now();
  try {
    return await profiled(rt.lambdas.logicalIdOf(arn) ?? arn, () => invoke(arn, event));
  } finally {
    countInvocation(rt.lambdas.logicalIdOf(arn) ?? arn, msSince(start));
  }
};
/** A page request, timed as its function's invocation. */
async function page(fn: 'ReportPage' | 'DecisionPage', request: () => Promise<Response>): Promise<Response> {
  const start = now();
  const res = await request();
  const body = await res.text();
  countInvocation(fn, msSince(start));
  return new Response(res.status === 303 || res.status === 204 ? null : body, { status: res.status });
}

// ---------------------------------------------------------------- the period

await dynamoMeter.reset();
sesMeter.reset();
httpMeter.reset();
const phases: [string, string][] = [];
const periodStart = now();
const periodCpu = cpuMark();
const periodThreads = threadTicks();
async function phase(name: string, fn: () => Promise<void>): Promise<void> {
  const start = now();
  const cpu = cpuMark();
  await fn();
  await rt.settle();
  phases.push([name, `${fmtMs(msSince(start))}, ${cpuSince(cpu)}`]);
}
async function event(name: (typeof PERIOD_EVENTS)[number], at: string): Promise<void> {
  await rt.advanceClock(new Date(Date.parse(at) + 1_000));
  const execution = periodExecution(period.id, name);
  rt.sfn.startExecution({
    stateMachineArn: arns.period ?? '',
    name: execution.name,
    input: { ...execution.input },
  });
}

async function review(url: string, unitId: string, decision: 'approve' | 'return'): Promise<void> {
  const form = await page('DecisionPage', () => request(url));
  expectStatus(form, 200, `${unitId} decision page`);
  const filled = decisionForm(await form.text(), decision);
  // Two presses, as a reviewer makes them: the decision, then its confirmation page's button.
  const confirmation = await page('DecisionPage', () => post(url, filled));
  expectStatus(confirmation, 200, `${decision} (confirmation page)`);
  const confirmed = confirmationForm(await confirmation.text());
  expectStatus(await page('DecisionPage', () => post(url, confirmed)), 200, decision);
}
async function act(unit: Unit, links: Map<string, string>, action: 'submit' | 'explain'): Promise<void> {
  const url = links.get(unit.id) ?? '';
  const form = await page('ReportPage', () => request(url));
  expectStatus(form, 200, `${unit.id} report page`);
  const version = Number(/name="version" value="(\d+)"/.exec(await form.text())?.[1] ?? 0);
  const res = await page('ReportPage', () => post(url, reportForm(campaign, unit, period, version, action)));
  expectStatus(res, 303, `${unit.id} ${action}`);
}

const returned = units.filter((_, i) => i % RETURN_EVERY === 0);
let links = new Map<string, string>();
await phase('open: every unit invited', () => event('open', period.opensAt));
await phase('every unit opens its page and submits', async () => {
  await rt.advanceClock(new Date(Date.parse(period.opensAt) + 3_600_000));
  links = await reportLinks(rt.endpoints.sesv2, units);
  await mapLimited(units, PEOPLE_AT_ONCE, (u) => act(u, links, 'submit'));
});
await phase('reviewers approve, return one in four', async () => {
  const review1 = await reviewLinks(rt.endpoints.sesv2, units, 1);
  await mapLimited(units, PEOPLE_AT_ONCE, (u, i) =>
    review(review1.get(u.id) ?? '', u.id, i % RETURN_EVERY === 0 ? 'return' : 'approve'),
  );
});
await phase('returned units explain', () =>
  mapLimited(returned, PEOPLE_AT_ONCE, (u) => act(u, links, 'explain')).then(() => undefined),
);
await phase('reviewers approve round 2', async () => {
  const review2 = await reviewLinks(rt.endpoints.sesv2, returned, 2);
  await mapLimited(returned, PEOPLE_AT_ONCE, (u) => review(review2.get(u.id) ?? '', u.id, 'approve'));
});
await phase('remind, deadline: nobody left', async () => {
  await event('remind', period.remindAt);
  await rt.settle();
  await event('deadline', period.deadlineAt);
});
await phase('close → scoring → results mail', () => event('close', period.reviewClosesAt));
const periodMs = msSince(periodStart);
const periodCpuUsed = cpuSince(periodCpu);
const threadsUsed = threadRow(periodThreads, ["the runtime's dynalite (idle)", 'dynalite and its meter']);

// ---------------------------------------------------------------- what was counted

const executions = rt.sfn.listExecutions();
const failed = executions.filter((e) => e.status !== 'SUCCEEDED');
const transitions = executions.reduce(
  (sum, e) => sum + rt.sfn.history(e.executionArn).filter((ev) => ev.type === 'StateEntered').length,
  0,
);
const dynamo = (await dynamoMeter.snapshot()).dynamodb;
const ses = sesMeter.snapshot().ses;
const http = httpMeter.snapshot().http;
const mem = memory();
if (!dynamo || !ses) throw new Error('the meters counted nothing');
const stored = await dynamoMeter.storage();
const lambda: LambdaUsageInput[] = [...lambdaMs].map(([fn, u]) => ({ function: fn, ...u }));
const usage: UsageFileInput = {
  units: unitCount,
  period: {
    stateTransitions: transitions,
    executions: executions.length,
    lambda,
    dynamodb: { readUnits: dynamo.readUnits, writeUnits: dynamo.writeUnits },
    emails: { count: ses.emails, bytes: ses.bytes },
    scheduleInvocations: PERIOD_EVENTS.length,
    httpRequests: http?.billedRequests ?? 0,
    ...(http ? { httpResponseBytes: http.responseBytes } : {}),
  },
  // A year holds four periods' items: one period's stored bytes × 4 (the campaign counted four
  // times, an upper bound).
  stored: { tableBytes: stored.tableBytes * 4, indexBytes: stored.indexBytes * 4 },
};
usageFile.parse(usage);
if (usageOut) writeFileSync(usageOut, `${JSON.stringify(usage, null, 2)}\n`);

await stopLocalRuntime(rt);
for (const m of [dynamoMeter, sesMeter, httpMeter]) await m.close();
await pages.close();
rmSync(keyDir, { recursive: true, force: true });

printBlock(`Period ${period.id}, ${unitCount} units, real handlers on the local runtime`, [
  ...phases,
  ['the period, total', `${fmtMs(periodMs)}, ${periodCpuUsed}`],
  [
    'executions',
    `${executions.length}${failed.length ? `, NOT SUCCEEDED: ${failed.map((e) => `${e.name} ${e.status}`).join(', ')}` : ', all succeeded'}`,
  ],
  ['Lambda invocations (pages included)', String(lambda.reduce((s, l) => s + l.invocations, 0))],
  ['HTTP API requests', String(http?.billedRequests ?? 0)],
  [
    'DynamoDB calls',
    `${dynamo.calls}: ${Object.entries(dynamo.byOperation)
      .map(([op, t]) => `${op} ${t.calls} (${t.readUnits.toFixed(0)} RRU, ${t.writeUnits.toFixed(0)} WRU)`)
      .join(
        ', ',
      )}; ${dynamo.indexWriteUnits.toFixed(0)} WRU into indexes; the meter's own reads ${dynamo.meterReads}`,
  ],
  ['peak RSS', `${mem.peakRssMiB} MiB`],
  ...(profile ? [threadsUsed, memoryRow(), ...profileRows(unitCount)] : []),
]);
const seconds = (periodMs / 1000).toFixed(1);
printSummary({
  bench: 'period',
  totalMs: msSince(started),
  figures: {
    units: String(unitCount),
    's (period)': seconds,
    'peak MiB': String(mem.peakRssMiB),
    transitions: String(transitions),
    'read units': dynamo.readUnits.toFixed(1),
    'write units': dynamo.writeUnits.toFixed(0),
    emails: String(ses.emails),
  },
});
console.log(
  `period ${unitCount} units: ${seconds} s, peak ${mem.peakRssMiB} MiB, ${transitions} transitions, ` +
    `${dynamo.readUnits.toFixed(1)} read units, ${dynamo.writeUnits.toFixed(0)} write units, ${ses.emails} emails`,
);
if (process.argv.includes('--trace')) console.error(traceLines().join('\n'));
if (failed.length > 0) process.exitCode = 1;
