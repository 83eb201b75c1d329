/**
 * The cost model against sums worked out by hand at the repo's price table (ap-southeast-1):
 * $0.025 per 1,000 transitions, $0.1423 per million RRU, $0.7115 per million WRU, $0.20 per
 * million Lambda requests, $0.0000133334 per arm64 GB-second, $0.10 per alarm metric-month,
 * $0.40 per secret-month, $1 per million scheduler invocations, $5 per million traces, $0.70 per
 * GB of logs ingested and $0.033 per GB-month kept, $0.10 per 1,000 emails.
 */
import { describe, expect, it } from 'vitest';
import {
  type CostRow,
  fixedRows,
  floorEmails,
  floorOf,
  GB,
  priceYear,
  usageRows,
} from '../../bench/cost-model.ts';
import { loadPriceTable, parsePriceTable } from '../../bench/prices.ts';
import type { StackInventory } from '../../bench/stack-template.ts';
import { type PhaseUsage, parseUsageFile, withFunctionConfig, type YearUsage } from '../../bench/usage.ts';

const prices = loadPriceTable();

function inventory(overrides: Partial<StackInventory> = {}): StackInventory {
  return {
    alarms: [],
    compositeAlarms: [],
    dashboards: [],
    secrets: [],
    kmsKeys: [],
    parameters: [],
    recurringSchedules: [],
    functions: [],
    tables: [],
    stateMachines: [],
    logGroups: [{ id: 'Logs', retentionDays: 365 }],
    buckets: [],
    customMetrics: [],
    unpriced: [],
    ...overrides,
  };
}

function phase(overrides: Partial<PhaseUsage> = {}): PhaseUsage {
  return {
    stateTransitions: 0,
    lambda: [],
    dynamodb: { readUnits: 0, writeUnits: 0 },
    emails: { count: 0 },
    scheduleInvocations: 0,
    httpRequests: 0,
    logBytes: 0,
    traces: 0,
    ...overrides,
  };
}

const year = (period: PhaseUsage, extra: Partial<YearUsage> = {}): YearUsage => ({
  units: 27,
  periodsPerYear: 4,
  period,
  ...extra,
});

const usdOf = (rows: CostRow[], item: string) => rows.find((r) => r.item.startsWith(item))?.usd;

describe('usage over a year', () => {
  it('a period is counted four times, the launch and the commendation once', () => {
    const rows = usageRows(
      year(phase({ stateTransitions: 1000 }), {
        launch: phase({ stateTransitions: 300 }),
        commendation: phase({ stateTransitions: 200 }),
      }),
      inventory(),
      prices,
    );
    expect(rows.find((r) => r.item === 'state transitions')?.quantity).toBe(4500);
    expect(usdOf(rows, 'state transitions')).toBeCloseTo(0.1125, 10);
  });

  it('prices a million read units and 400,000 write units', () => {
    const rows = usageRows(
      year(phase({ dynamodb: { readUnits: 250_000, writeUnits: 100_000 } })),
      inventory(),
      prices,
    );
    expect(usdOf(rows, 'read request units')).toBeCloseTo(0.1423, 10);
    expect(usdOf(rows, 'write request units')).toBeCloseTo(0.2846, 10);
  });

  it('bills Lambda by requests and by GB-seconds of the configured memory', () => {
    // 1,000 invocations of 200 ms at 512 MB a period: 100 GB-s, 400 a year.
    const lambda = [
      {
        function: 'InviteUnit',
        invocations: 1000,
        billedMs: 200_000,
        memoryMB: 512,
        architecture: 'arm64' as const,
      },
    ];
    const rows = usageRows(year(phase({ lambda })), inventory(), prices);
    expect(rows.find((r) => r.item === 'duration, arm64')?.quantity).toBeCloseTo(400, 10);
    expect(usdOf(rows, 'duration, arm64')).toBeCloseTo(400 * 0.0000133334, 12);
    expect(usdOf(rows, 'requests')).toBeCloseTo(4000 * 0.0000002, 12);
    expect(rows.find((r) => r.item === 'duration, x86_64')).toBeUndefined();
  });

  it('keeps logs for the stack’s retention, and says when log bytes are an estimate', () => {
    const counted = usageRows(year(phase({ logBytes: GB / 4 })), inventory(), prices);
    expect(usdOf(counted, 'ingestion')).toBeCloseTo(0.7, 10); // 1 GB a year
    expect(usdOf(counted, 'storage')).toBeCloseTo(12 * 0.033, 10);
    expect(counted.every((r) => !r.estimated)).toBe(true);
    const shortRetention = usageRows(
      year(phase({ logBytes: GB / 4 })),
      inventory({ logGroups: [{ id: 'L', retentionDays: 73 }] }),
      prices,
    );
    expect(usdOf(shortRetention, 'storage')).toBeCloseTo(2.4 * 0.033, 10); // 73 days = 2.4 months
    const { logBytes: _none, ...uncounted } = phase({ stateTransitions: 1000 });
    const estimated = usageRows(year(uncounted), inventory(), prices);
    expect(estimated.find((r) => r.item === 'ingestion')?.estimated).toBe(true);
  });

  it('estimates one trace per execution, page request and scheduled start when tracing is on', () => {
    const { traces: _none, ...untraced } = phase({
      executions: 10,
      httpRequests: 20,
      scheduleInvocations: 5,
    });
    const tracing = inventory({ stateMachines: [{ id: 'Sm', type: 'STANDARD', tracing: true }] });
    const rows = usageRows(year(untraced), tracing, prices);
    expect(rows.find((r) => r.item === 'traces recorded')).toMatchObject({ quantity: 140, estimated: true });
    expect(
      usageRows(year(untraced), inventory(), prices).find((r) => r.item === 'traces recorded'),
    ).toBeUndefined();
  });

  it('prices stored data held all year, and PITR on the table’s own bytes only when it is on', () => {
    const stored = { tableBytes: GB, indexBytes: GB };
    const withPitr = inventory({ tables: [{ id: 'T', indexes: 2, pitr: true }] });
    const rows = usageRows(year(phase(), { stored }), withPitr, prices);
    expect(usdOf(rows, 'storage (year-end')).toBeCloseTo(2 * 12 * 0.285, 10);
    expect(usdOf(rows, 'point-in-time recovery')).toBeCloseTo(12 * 0.228, 10);
    const noPitr = usageRows(
      year(phase(), { stored }),
      inventory({ tables: [{ id: 'T', indexes: 2, pitr: false }] }),
      prices,
    );
    expect(usdOf(noPitr, 'point-in-time recovery')).toBeUndefined();
  });
});

describe('fixed items', () => {
  it('bills alarms per metric they read: 8 one-metric alarms $9.60 a year, 5 of them on two metrics $15.60', () => {
    const single = Array.from({ length: 8 }, (_, i) => ({ id: `A${i}`, metrics: 1, highResolution: false }));
    expect(usdOf(fixedRows(inventory({ alarms: single }), prices), 'alarms')).toBeCloseTo(9.6, 10);
    const math = single.map((a, i) => ({ ...a, metrics: i < 5 ? 2 : 1 }));
    const rows = fixedRows(inventory({ alarms: math }), prices);
    expect(rows.find((r) => r.service === 'CloudWatch')?.item).toBe('alarms: 8 alarms watching 13 metrics');
    expect(usdOf(rows, 'alarms')).toBeCloseTo(15.6, 10);
  });

  it('a secret is $4.80 a year, an advanced parameter $0.60, a customer key $12; standard parameters nothing', () => {
    const rows = fixedRows(
      inventory({
        secrets: ['S'],
        parameters: [
          { id: 'P1', tier: 'Advanced' },
          { id: 'P2', tier: 'Standard' },
        ],
        kmsKeys: ['K'],
      }),
      prices,
    );
    expect(usdOf(rows, 'secrets')).toBeCloseTo(4.8, 10);
    expect(usdOf(rows, 'advanced parameters')).toBeCloseTo(0.6, 10);
    expect(usdOf(rows, 'customer-managed keys')).toBeCloseTo(12, 10);
    expect(rows).toHaveLength(3);
  });

  it('prices each run of a recurring schedule: invocation, its function, reads, logs and trace', () => {
    const target = { id: 'Sweep576358E8', memoryMB: 512, architecture: 'arm64' as const, tracing: true };
    const sweep = {
      id: 'SweepSchedule80B1140B',
      expression: 'rate(5 minutes)',
      runsPerYear: 105_120,
      target,
    };
    const run = { billedMs: 100, readUnits: 1.5, writeUnits: 0, logBytes: 1024 };
    const rows = fixedRows(inventory({ recurringSchedules: [sweep] }), prices, run, true);
    const usd = (item: string) => usdOf(rows, `SweepSchedule rate(5 minutes): ${item}`);
    expect(usd('105,120 runs')).toBeCloseTo(0.10512, 10);
    expect(usd('requests')).toBeCloseTo(0.021024, 10);
    expect(usd('duration (100 ms × 512 MB)')).toBeCloseTo(5256 * 0.0000133334, 10);
    expect(usd('read request units')).toBeCloseTo(157_680 * 0.0000001423, 10);
    expect(usd('ingestion')).toBeCloseTo((105_120 / 1024 ** 2) * 0.7, 10);
    expect(usd('storage')).toBeCloseTo((105_120 / 1024 ** 2) * 12 * 0.033, 10);
    expect(usd('traces')).toBeCloseTo(0.5256, 10);
    expect(usd('write request units')).toBeUndefined();
    expect(rows.every((r) => !r.estimated)).toBe(true);
    // Without a measured run, the rows resting on the default run say so.
    expect(fixedRows(inventory({ recurringSchedules: [sweep] }), prices).some((r) => r.estimated)).toBe(true);
  });
});

describe('the year', () => {
  const inv = inventory({
    alarms: [{ id: 'A', metrics: 1, highResolution: false }],
    secrets: ['S'],
  });
  const usage = year(phase({ stateTransitions: 1000, emails: { count: 100 } }), { councilMembers: 8 });

  it('adds usage and fixed items, names the largest and gives each its share', () => {
    const report = priceYear(usage, inv, prices);
    expect(report.usageUsd).toBeCloseTo(0.1 + 0.04, 10); // transitions, 400 emails
    expect(report.fixedUsd).toBeCloseTo(4.8 + 1.2, 10);
    expect(report.allInUsd).toBeCloseTo(report.usageUsd + report.fixedUsd, 10);
    expect(report.dominant?.item).toBe('secrets: 1');
    expect(report.rows.map((r) => r.usd)).toEqual([...report.rows.map((r) => r.usd)].sort((a, b) => b - a));
  });

  it('the floor is the emails the process must send: 27 units, 4 periods, 8 council members → 579', () => {
    const kinds = floorEmails(27, 4, 8);
    // Per unit and period: invitation, review request, receipt, decision, results.
    expect(kinds.reduce((n, k) => n + k.emails, 0)).toBe(27 * 4 * 5 + 4 + 27 + 8);
    expect(floorOf(kinds, prices).usd).toBeCloseTo(0.0579, 10);
    expect(priceYear(usage, inv, prices).floor?.emails).toBe(579);
  });

  it('says what was not measured and which resource types it could not price', () => {
    const report = priceYear(
      usage,
      inventory({ unpriced: [{ type: 'AWS::EC2::NatGateway', count: 1 }] }),
      prices,
    );
    expect(report.notes).toEqual([
      'the launch was not measured: not included',
      "the year's commendation was not measured: not included",
      'stored data was not measured: DynamoDB storage and PITR not included',
      'not priced: 1 × AWS::EC2::NatGateway',
    ]);
  });

  it('without usage prices the fixed items alone', () => {
    const report = priceYear(undefined, inv, prices);
    expect(report.usageUsd).toBe(0);
    expect(report.allInUsd).toBeCloseTo(6, 10);
    expect(report.floor).toBeUndefined();
  });
});

describe('inputs', () => {
  it('a usage file names its first bad field', () => {
    expect(() => parseUsageFile({ units: 27, period: { stateTransitions: -1 } }, 'u.json')).toThrow(
      /^u\.json: period\.stateTransitions: /,
    );
    expect(parseUsageFile({ units: 27, period: phase() }).periodsPerYear).toBe(4);
  });

  it('completes Lambda entries from the template, or names the function it cannot find', () => {
    const input = { ...phase(), lambda: [{ function: 'Sweep', invocations: 1, billedMs: 10 }] };
    const config = (name: string) =>
      name === 'Sweep' ? { memoryMB: 512, architecture: 'arm64' as const } : undefined;
    expect(withFunctionConfig(input, config).lambda[0]).toMatchObject({
      memoryMB: 512,
      architecture: 'arm64',
    });
    expect(() =>
      withFunctionConfig({ ...input, lambda: [{ function: 'Gone', invocations: 1, billedMs: 1 }] }, config),
    ).toThrow(/lambda Gone/);
  });

  it('a price table missing an item the model uses is refused, naming it', () => {
    const { 'ses.email': _gone, ...items } = prices.items;
    expect(() => parsePriceTable({ ...prices, items }, 'p.json')).toThrow('p.json: missing items: ses.email');
  });
});
