/**
 * A district-year priced at list prices: the counted usage of one period × the periods of a
 * year (4), plus the launch and the year's commendation when measured, plus the stack's fixed
 * items read from its template (alarms per metric, secrets, keys, parameters, dashboards, custom
 * metrics, and every recurring schedule: its invocations a year, each run's Lambda, DynamoDB,
 * log and trace cost). Free tiers are not applied. Pure: numbers in, rows and totals out.
 */
import { type PriceId, type PriceTable, unitPrice } from './prices.ts';
import type { RecurringSchedule, StackInventory } from './stack-template.ts';
import type { PhaseUsage, RecurringRun, YearUsage } from './usage.ts';

/** AWS bills "GB" of storage, logs and transfer as 2^30 bytes. */
export const GB = 1024 ** 3;
const MONTHS = 12;

/**
 * Log bytes per event, used only when a phase's log bytes were not counted (rows say
 * "estimated"): a JSON-format Lambda invocation writes its platform start and report records
 * (~1 KB with X-Ray fields) and little else at warn level; a Standard state machine logging ALL
 * without execution data writes ~3–5 events of ~300 bytes per transition; an access-log line in
 * the stack's format is ~350 bytes.
 */
export const LOG_ESTIMATES = {
  bytesPerLambdaInvocation: 1000,
  bytesPerStateTransition: 1200,
  bytesPerHttpRequest: 350,
} as const;

/**
 * One run of a recurring function (the sweep) when nobody measured it (rows say "estimated"):
 * three empty, eventually consistent index queries, 0.5 RRU each as an empty query still bills a
 * step (measured through the metering proxy on the sweep of 04/12/2026 with nothing to do), no
 * write; ~500 ms billed — an hourly run finds no warm container, and Lambda bills the init of a
 * cold start (since August 2025): a ~300 KB bundle's import and its first client, plus the run — and its
 * platform log records, both guessed: Lambda time cannot be measured on this machine.
 */
export const DEFAULT_RECURRING_RUN: RecurringRun = {
  billedMs: 500,
  readUnits: 1.5,
  writeUnits: 0,
  logBytes: 1000,
};

export interface CostRow {
  kind: 'usage' | 'fixed';
  service: string;
  item: string;
  /** Billed quantity a year, in the price's unit. */
  quantity: number;
  priceId: PriceId;
  usd: number;
  /** True when the quantity rests on an estimate rather than a count. */
  estimated: boolean;
}

export interface FloorKind {
  kind: string;
  emails: number;
}

export interface Floor {
  emails: number;
  usd: number;
  kinds: FloorKind[];
}

export interface CostReport {
  units: number | undefined;
  rows: CostRow[];
  usageUsd: number;
  fixedUsd: number;
  allInUsd: number;
  dominant: CostRow | undefined;
  floor: Floor | undefined;
  notes: string[];
}

type RowMaker = (
  service: string,
  item: string,
  quantity: number,
  priceId: PriceId,
  estimated?: boolean,
) => CostRow | undefined;

function rowMaker(kind: CostRow['kind'], prices: PriceTable): RowMaker {
  return (service, item, quantity, priceId, estimated = false) =>
    quantity > 0
      ? { kind, service, item, quantity, priceId, usd: quantity * unitPrice(prices, priceId), estimated }
      : undefined;
}

const present = (r: CostRow | undefined): r is CostRow => r !== undefined;

/** Months a byte of log is kept: the longest retention in the stack, capped at a year. */
export function logStorageMonths(inventory: StackInventory): number {
  if (inventory.logGroups.length === 0) return MONTHS;
  if (inventory.logGroups.some((g) => g.retentionDays === undefined)) return MONTHS;
  const days = Math.max(...inventory.logGroups.map((g) => g.retentionDays ?? 0));
  return Math.min(MONTHS, (days * MONTHS) / 365);
}

const tracingOn = (inv: StackInventory) =>
  inv.functions.some((f) => f.tracing) || inv.stateMachines.some((s) => s.tracing);

function phaseLogBytes(p: PhaseUsage): { bytes: number; estimated: boolean } {
  if (p.logBytes !== undefined) return { bytes: p.logBytes, estimated: false };
  const invocations = p.lambda.reduce((n, l) => n + l.invocations, 0);
  const bytes =
    invocations * LOG_ESTIMATES.bytesPerLambdaInvocation +
    p.stateTransitions * LOG_ESTIMATES.bytesPerStateTransition +
    p.httpRequests * LOG_ESTIMATES.bytesPerHttpRequest;
  return { bytes, estimated: true };
}

/** Traces: as counted, or (tracing on) one per execution, page request and scheduled start. */
function phaseTraces(p: PhaseUsage, tracing: boolean): { traces: number; estimated: boolean } {
  if (p.traces !== undefined) return { traces: p.traces, estimated: false };
  if (!tracing) return { traces: 0, estimated: false };
  return { traces: (p.executions ?? 0) + p.httpRequests + p.scheduleInvocations, estimated: true };
}

/** The year's phases with how often each happens. */
function phasesOf(year: YearUsage): { phase: PhaseUsage; times: number }[] {
  return [
    { phase: year.period, times: year.periodsPerYear },
    ...(year.launch ? [{ phase: year.launch, times: 1 }] : []),
    ...(year.commendation ? [{ phase: year.commendation, times: 1 }] : []),
  ];
}

const invocations = (p: PhaseUsage) => p.lambda.reduce((n, l) => n + l.invocations, 0);
const gbSeconds = (arch: string) => (p: PhaseUsage) =>
  p.lambda
    .filter((l) => l.architecture === arch)
    .reduce((n, l) => n + (l.billedMs / 1000) * (l.memoryMB / 1024), 0);

/** Usage summed over phases as it was counted, one row each: service, item, quantity, price. */
const COUNTED: readonly [string, string, (p: PhaseUsage) => number, PriceId][] = [
  [
    'Step Functions',
    'state transitions',
    (p) => p.stateTransitions,
    'stepFunctions.standard.stateTransition',
  ],
  ['Lambda', 'requests', invocations, 'lambda.request'],
  ['Lambda', 'duration, arm64', gbSeconds('arm64'), 'lambda.duration.arm64'],
  ['Lambda', 'duration, x86_64', gbSeconds('x86_64'), 'lambda.duration.x86_64'],
  ['DynamoDB', 'read request units', (p) => p.dynamodb.readUnits, 'dynamodb.onDemand.readRequestUnit'],
  ['DynamoDB', 'write request units', (p) => p.dynamodb.writeUnits, 'dynamodb.onDemand.writeRequestUnit'],
  ['SES', 'emails', (p) => p.emails.count, 'ses.email'],
  ['SES', 'attachments', (p) => (p.emails.attachmentBytes ?? 0) / GB, 'ses.attachmentData'],
  ['EventBridge Scheduler', 'one-time schedules fired', (p) => p.scheduleInvocations, 'scheduler.invocation'],
  ['API Gateway', 'HTTP API requests', (p) => p.httpRequests, 'httpApi.request'],
  [
    'Data transfer',
    'API responses out',
    (p) => (p.httpResponseBytes ?? 0) / GB,
    'dataTransfer.outToInternet',
  ],
  ['Secrets Manager', 'API calls', (p) => p.secretsManagerCalls ?? 0, 'secretsManager.apiCall'],
  ['KMS', 'requests', (p) => p.kmsRequests ?? 0, 'kms.request'],
  ['SQS', 'requests', (p) => p.sqsRequests ?? 0, 'sqs.standardRequest'],
  ['S3', 'PUT/LIST requests', (p) => p.s3?.putRequests ?? 0, 's3.standard.putRequest'],
  ['S3', 'GET requests', (p) => p.s3?.getRequests ?? 0, 's3.standard.getRequest'],
];

/** The rows of counted usage over a year. */
export function usageRows(year: YearUsage, inventory: StackInventory, prices: PriceTable): CostRow[] {
  const row = rowMaker('usage', prices);
  const phases = phasesOf(year);
  const sum = (f: (p: PhaseUsage) => number) =>
    phases.reduce((n, { phase, times }) => n + f(phase) * times, 0);
  const logs = phases.map(({ phase, times }) => ({ ...phaseLogBytes(phase), times }));
  const logGb = logs.reduce((n, l) => n + l.bytes * l.times, 0) / GB;
  const logsEstimated = logs.some((l) => l.estimated);
  const tracing = tracingOn(inventory);
  const traces = phases.map(({ phase, times }) => ({ ...phaseTraces(phase, tracing), times }));
  return [
    ...COUNTED.map(([service, item, quantity, priceId]) => row(service, item, sum(quantity), priceId)),
    row('CloudWatch Logs', 'ingestion', logGb, 'logs.ingestion', logsEstimated),
    row('CloudWatch Logs', 'storage', logGb * logStorageMonths(inventory), 'logs.storage', logsEstimated),
    row(
      'X-Ray',
      'traces recorded',
      traces.reduce((n, t) => n + t.traces * t.times, 0),
      'xray.traceRecorded',
      traces.some((t) => t.estimated),
    ),
    ...storageRows(year, inventory, row),
  ].filter(present);
}

/** Data kept at year end, held all year: an upper bound, as the year's data accumulates through it. */
function storageRows(year: YearUsage, inventory: StackInventory, row: RowMaker): (CostRow | undefined)[] {
  const stored = year.stored;
  if (!stored) return [];
  const pitr = inventory.tables.some((t) => t.pitr);
  const held = 'year-end size, 12 months';
  return [
    row(
      'DynamoDB',
      `storage (${held})`,
      ((stored.tableBytes + stored.indexBytes) / GB) * MONTHS,
      'dynamodb.storage',
    ),
    row(
      'DynamoDB',
      `point-in-time recovery (${held})`,
      pitr ? (stored.tableBytes / GB) * MONTHS : 0,
      'dynamodb.pitr',
    ),
    row('S3', `storage (${held})`, ((stored.s3Bytes ?? 0) / GB) * MONTHS, 's3.standard.storage'),
  ];
}

/** `SweepSchedule80B1140B` → `SweepSchedule`: the construct id CDK's logical id starts with. */
const constructName = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/** A recurring schedule a year: its invocations, and each run's function, reads, logs, trace. */
function recurringRows(
  s: RecurringSchedule,
  run: RecurringRun,
  estimated: boolean,
  logMonths: number,
  row: RowMaker,
): (CostRow | undefined)[] {
  const runs = s.runsPerYear;
  const name = `${constructName(s.id)} ${s.expression}`;
  const rows = [
    row(
      'EventBridge Scheduler',
      `${name}: ${runs.toLocaleString('en-US')} runs`,
      runs,
      'scheduler.invocation',
    ),
  ];
  const fn = s.target;
  if (!fn) return rows;
  const logGb = (runs * run.logBytes) / GB;
  return [
    ...rows,
    row('Lambda', `${name}: requests`, runs, 'lambda.request'),
    row(
      'Lambda',
      `${name}: duration (${run.billedMs} ms × ${fn.memoryMB} MB)`,
      runs * (run.billedMs / 1000) * (fn.memoryMB / 1024),
      fn.architecture === 'arm64' ? 'lambda.duration.arm64' : 'lambda.duration.x86_64',
      estimated,
    ),
    row(
      'DynamoDB',
      `${name}: read request units`,
      runs * run.readUnits,
      'dynamodb.onDemand.readRequestUnit',
      estimated,
    ),
    row(
      'DynamoDB',
      `${name}: write request units`,
      runs * run.writeUnits,
      'dynamodb.onDemand.writeRequestUnit',
      estimated,
    ),
    row('CloudWatch Logs', `${name}: ingestion`, logGb, 'logs.ingestion', estimated),
    row('CloudWatch Logs', `${name}: storage`, logGb * logMonths, 'logs.storage', estimated),
    row('X-Ray', `${name}: traces`, fn.tracing ? runs : 0, 'xray.traceRecorded'),
  ];
}

/** The rows of what the stack costs a year whatever it does. */
export function fixedRows(
  inventory: StackInventory,
  prices: PriceTable,
  run: RecurringRun = DEFAULT_RECURRING_RUN,
  runMeasured = false,
): CostRow[] {
  const row = rowMaker('fixed', prices);
  const standard = inventory.alarms.filter((a) => !a.highResolution);
  const highRes = inventory.alarms.filter((a) => a.highResolution);
  const metrics = (alarms: typeof standard) => alarms.reduce((n, a) => n + a.metrics, 0);
  const advanced = inventory.parameters.filter((p) => p.tier === 'Advanced').length;
  const rows: (CostRow | undefined)[] = [
    row(
      'CloudWatch',
      `alarms: ${standard.length} alarms watching ${metrics(standard)} metrics`,
      metrics(standard) * MONTHS,
      'cloudwatch.alarmMetric.standard',
    ),
    row(
      'CloudWatch',
      `high-resolution alarms: ${highRes.length}`,
      metrics(highRes) * MONTHS,
      'cloudwatch.alarmMetric.highResolution',
    ),
    row(
      'CloudWatch',
      'composite alarms',
      inventory.compositeAlarms.length * MONTHS,
      'cloudwatch.compositeAlarm',
    ),
    row('CloudWatch', 'dashboards', inventory.dashboards.length * MONTHS, 'cloudwatch.dashboard'),
    row('CloudWatch', 'custom metrics', inventory.customMetrics.length * MONTHS, 'cloudwatch.customMetric'),
    row(
      'Secrets Manager',
      `secrets: ${inventory.secrets.length}`,
      inventory.secrets.length * MONTHS,
      'secretsManager.secret',
    ),
    row('Systems Manager', `advanced parameters: ${advanced}`, advanced * MONTHS, 'ssm.advancedParameter'),
    row(
      'KMS',
      `customer-managed keys: ${inventory.kmsKeys.length}`,
      inventory.kmsKeys.length * MONTHS,
      'kms.customerManagedKey',
    ),
  ];
  for (const s of inventory.recurringSchedules) {
    rows.push(...recurringRows(s, run, !runMeasured, logStorageMonths(inventory), row));
  }
  return rows.filter(present);
}

/**
 * The emails the process must send in a year, whatever the implementation: per unit and period
 * the invitation, the review request, the unit's receipt, the reviewer's decision and the results; per period the
 * leadership's results summary; at launch one notice per unit; for the commendation one ballot
 * request per council member. Reminders, returns and escalations depend on people, so they are
 * not part of the floor.
 */
export function floorEmails(units: number, periodsPerYear: number, councilMembers = 0): FloorKind[] {
  const perUnitPeriod = units * periodsPerYear;
  return [
    { kind: 'invitations (unit × period)', emails: perUnitPeriod },
    { kind: 'review requests (unit × period)', emails: perUnitPeriod },
    { kind: 'submission receipts (unit × period)', emails: perUnitPeriod },
    { kind: 'review decisions (unit × period)', emails: perUnitPeriod },
    { kind: 'results (unit × period)', emails: perUnitPeriod },
    { kind: 'leadership summaries (period)', emails: periodsPerYear },
    { kind: 'launch notices (unit)', emails: units },
    { kind: 'council ballots (member)', emails: councilMembers },
  ];
}

export function floorOf(kinds: FloorKind[], prices: PriceTable): Floor {
  const emails = kinds.reduce((n, k) => n + k.emails, 0);
  return { emails, usd: emails * unitPrice(prices, 'ses.email'), kinds };
}

/** Usage (when counted) and fixed items, priced; rows sorted by cost, largest first. */
export function priceYear(
  usage: YearUsage | undefined,
  inventory: StackInventory,
  prices: PriceTable,
): CostReport {
  const run = usage?.recurringRun;
  const rows = [
    ...(usage ? usageRows(usage, inventory, prices) : []),
    ...fixedRows(inventory, prices, run ?? DEFAULT_RECURRING_RUN, run !== undefined),
  ].sort((a, b) => b.usd - a.usd);
  const total = (kind: CostRow['kind']) => rows.filter((r) => r.kind === kind).reduce((n, r) => n + r.usd, 0);
  const notes: string[] = [];
  if (usage && !usage.launch) notes.push('the launch was not measured: not included');
  if (usage && !usage.commendation) notes.push("the year's commendation was not measured: not included");
  if (usage && !usage.stored)
    notes.push('stored data was not measured: DynamoDB storage and PITR not included');
  for (const u of inventory.unpriced) notes.push(`not priced: ${u.count} × ${u.type}`);
  const usageUsd = total('usage');
  const fixedUsd = total('fixed');
  return {
    units: usage?.units,
    rows,
    usageUsd,
    fixedUsd,
    allInUsd: usageUsd + fixedUsd,
    dominant: rows[0],
    floor: usage
      ? floorOf(floorEmails(usage.units, usage.periodsPerYear, usage.councilMembers ?? 0), prices)
      : undefined,
    notes,
  };
}
