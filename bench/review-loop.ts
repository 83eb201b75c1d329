/**
 * The whole review loop on the local runtime, unit after unit: the demo district's stack
 * (DistrictStack) started by startLocalRuntime as the tests do (state machines on the local
 * engine, handlers in-process, dynalite, aws-ses-v2-local, virtual clock), its pages behind the
 * local HTTP adapter, the campaign stored, the clock an hour into the 2022Q3 submission window.
 * For each of N units (default 27, the demo's own; more are synthesized): invite; the unit opens
 * its page, saves a draft and submits over HTTP (the submit starts its `review` execution, which
 * assigns a reviewer and mails the review request); the reviewer opens the decision page and
 * approves. Prints total wall time, ms per unit-loop (and per step), emails sent, the weighted
 * history-event count of each review execution and memory.
 *
 *   node bench/review-loop.ts [--units 27]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { criteriaSetFor, periodById } from '#domain/calendar';
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, Unit } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { inviteUnit } from '#functions/period/invitation';
import { DistrictStack } from '#infra/district-stack';
import { pageRoutes, startHttpServer } from '#local/runtime/http';
import { startLocalRuntime, stopLocalRuntime } from '#local/runtime/runtime';
import { HISTORY_EVENT_LIMIT } from '#local/runtime/sfn-engine';
import { localApp } from '#local/runtime/stack';
import { resetAwsClients } from '#ports/aws';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { log } from '#ports/log';
import { resetPorts } from '#ports/registry';
import { approvalUrl } from '#ports/signing';
import { loadCampaign } from '#steps/campaign';
import { reportLink } from '#steps/grants';
import { reviewExecution } from '#workflows/executions';
import {
  fmtMemory,
  fmtMs,
  fmtSpread,
  intOption,
  loadDemo,
  memory,
  msSince,
  now,
  printBlock,
  printSummary,
  spread,
  syntheticUnits,
} from './lib.ts';

// Handlers log every request as JSON at info level (loggers are made on first use, after this).
process.env.LOG_LEVEL ??= 'warn';

const PERIOD_ID = '2022Q3';
const started = now();
const unitCount = intOption('units', 27);

// ---------------------------------------------------------------- the district and its runtime

const demo = loadDemo();
const config = structuredClone(demo.config);
const { criteriaSets } = demo;
if (unitCount > config.units.length) {
  // More units than the demo has: synthetic offices and communes, alternately.
  const extra = unitCount - config.units.length;
  const offices = syntheticUnits('office', Math.ceil(extra / 2));
  const communes = syntheticUnits('commune', Math.floor(extra / 2));
  config.units.push(...offices, ...communes);
}
// Offices and communes alternately, so a short run covers both groups and their criteria sets.
const officeUnits = config.units.filter((u) => u.group === 'office');
const communeUnits = config.units.filter((u) => u.group === 'commune');
const looped: Unit[] = [];
for (let i = 0; looped.length < unitCount; i++) {
  if (officeUnits[i]) looped.push(officeUnits[i]!);
  if (communeUnits[i] && looped.length < unitCount) looped.push(communeUnits[i]!);
}
const period = periodById(config, PERIOD_ID)!;

const startupStart = now();
const keyDir = mkdtempSync(join(tmpdir(), 'thidua-bench-'));
resetPorts();
const http = await startHttpServer({ routes: await pageRoutes() });
const stack = new DistrictStack(localApp(), 'Thidua-demo', { config, criteriaSets });
const rt = await startLocalRuntime({
  stack,
  clockStart: new Date(Date.parse(period.opensAt) + 3_600_000),
  extraEnv: {
    BASE_URL: http.url,
    SIGNING_KEY_FILE: join(keyDir, 'signing-key.json'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
});
resetAwsClients();
resetPorts();
await storeCampaign({ config, criteriaSets });
const campaign = await loadCampaign();
const startupMs = msSince(startupStart);

// ---------------------------------------------------------------- what a browser sends

function leavesOf(set: CriteriaSet): { id: string; max: number }[] {
  return indexCriteria(set).leaves.map(({ leaf }) => ({ id: leaf.id, max: leaf.max }));
}

/** The report form filled in: every leaf at 80 % of its maximum, with one piece of evidence. */
function reportForm(unit: Unit, version: number, action: 'save' | 'submit'): URLSearchParams {
  const form = new URLSearchParams({ version: String(version), action, selfcheck: '1' });
  for (const leaf of leavesOf(criteriaSetFor(config, criteriaSets, unit.group, period))) {
    form.set(`score[${leaf.id}]`, (Math.floor((leaf.max * 4) / 5) / 100).toFixed(2).replace('.', ','));
    form.set(`explanation[${leaf.id}]`, `Đã thực hiện tiêu chí ${leaf.id}`);
    form.set(`evidence[${leaf.id}][0][number]`, `${leaf.id}/BC-UBND`);
    form.set(`evidence[${leaf.id}][0][date]`, '30/09/2022');
  }
  for (let i = 0; i < 5; i++) {
    form.append('t05', String(i));
    form.append('k05', String(i));
  }
  return form;
}

/**
 * The reviewer's form as the decision page filled it (the self-scores kept), with the decision,
 * confirmed at once (`confirm=yes`: the confirmation page's press; the period bench makes both).
 */
function decisionForm(page: string, decision: string): URLSearchParams {
  const form = new URLSearchParams({ decision, confirm: 'yes' });
  for (const m of page.matchAll(
    /<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g,
  )) {
    form.set(m[1]!, m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  }
  return form;
}

async function post(url: string, form: URLSearchParams): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

async function mailCount(): Promise<number> {
  const store = (await (await fetch(`${rt.endpoints.sesv2}/store`)).json()) as { emails: unknown[] };
  return store.emails.length;
}

// ---------------------------------------------------------------- the loop

const STEPS = ['invite', 'open + save', 'submit → review request', 'review page + approve'] as const;
type Step = (typeof STEPS)[number];
const stepMs = new Map<Step, number[]>(STEPS.map((s) => [s, []]));
const loopMs: number[] = [];
const historyCounts: number[] = [];
const failures: string[] = [];

async function step<T>(name: Step, fn: () => Promise<T>): Promise<T> {
  const start = now();
  const result = await fn();
  await rt.settle();
  stepMs.get(name)!.push(msSince(start));
  return result;
}

function expectStatus(res: Response, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}`);
}

async function reviewLoop(unit: Unit): Promise<void> {
  await step('invite', () => inviteUnit(campaign, unit.id, PERIOD_ID, log));
  const reportUrl = (await reportLink(unit.id, period)).url;

  await step('open + save', async () => {
    expectStatus(await fetch(reportUrl), 200, 'report page');
    expectStatus(await post(reportUrl, reportForm(unit, 0, 'save')), 303, 'save');
  });
  await step('submit → review request', async () => {
    const version = (await reports().get(unit.id, PERIOD_ID))?.version ?? 0;
    expectStatus(await post(reportUrl, reportForm(unit, version, 'submit')), 303, 'submit');
  });
  await step('review page + approve', async () => {
    const approval = (await reviews().listUnitPeriodApprovals(unit.id, PERIOD_ID)).find(
      (a) => a.kind === 'appraise' && a.round === 1 && a.status === 'pending',
    );
    if (!approval) throw new Error('no review request waiting');
    const decisionUrl = await approvalUrl(approval);
    const page = await fetch(decisionUrl);
    expectStatus(page, 200, 'decision page');
    expectStatus(await post(decisionUrl, decisionForm(await page.text(), 'approve')), 200, 'approve');
  });

  const arn = rt.sfn
    .listExecutions()
    .find((e) => e.name === reviewExecution(unit.id, PERIOD_ID).name)?.executionArn;
  const status = arn ? rt.sfn.describeExecution(arn).status : 'not started';
  const report = (await reports().get(unit.id, PERIOD_ID))?.status;
  if (status !== 'SUCCEEDED' || report !== 'approved') throw new Error(`review ${status}, report ${report}`);
  historyCounts.push(rt.sfn.historyEventCount(arn!));
}

const loopStart = now();
for (const unit of looped) {
  const start = now();
  try {
    await reviewLoop(unit);
    loopMs.push(msSince(start));
  } catch (error) {
    failures.push(`${unit.id}: ${(error as Error).message}`);
  }
}
const loopTotalMs = msSince(loopStart);
const emails = await mailCount();
const mem = memory();

await stopLocalRuntime(rt);
await http.close();
resetPorts();
resetAwsClients();
rmSync(keyDir, { recursive: true, force: true });

// ---------------------------------------------------------------- figures

const loops = spread(loopMs);
const third = Math.max(1, Math.floor(loopMs.length / 3));
const history = spread(historyCounts);
printBlock(`Review loop on the local runtime: ${looped.length} units, period ${PERIOD_ID}`, [
  ['startup (synth + runtime + campaign)', fmtMs(startupMs)],
  [
    'loops completed',
    `${loopMs.length}/${looped.length}${failures.length ? ` — failed: ${failures.join('; ')}` : ''}`,
  ],
  ['loops, total wall time', fmtMs(loopTotalMs)],
  ['per unit-loop', fmtSpread(loops)],
  ...STEPS.map((s): [string, string] => [`  ${s}`, `median ${fmtMs(spread(stepMs.get(s)!).median)}`]),
  // Whether a loop slows down as the table and the engine fill up.
  [
    'first third / last third',
    `median ${fmtMs(spread(loopMs.slice(0, third)).median)} / ${fmtMs(spread(loopMs.slice(-third)).median)}`,
  ],
  ['emails sent', `${emails} (${(emails / Math.max(1, loopMs.length)).toFixed(2)} per unit)`],
  [
    'history events per review',
    `${history.min === history.max ? history.min : `${history.min}–${history.max}`} weighted (limit ${HISTORY_EVENT_LIMIT})`,
  ],
  ['memory at the end', fmtMemory(mem)],
  ['whole run', fmtMs(msSince(started))],
]);

printSummary({
  bench: 'review-loop',
  totalMs: msSince(started),
  figures: {
    units: String(looped.length),
    'startup ms': startupMs.toFixed(0),
    'loops total ms': loopTotalMs.toFixed(0),
    'ms/unit-loop (median)': loops.median.toFixed(0),
    'emails sent': String(emails),
    'history events/review': String(history.max),
    'peak RSS MiB': String(mem.peakRssMiB),
    ...(failures.length ? { failures: String(failures.length) } : {}),
  },
});
if (failures.length > 0) process.exitCode = 1;
