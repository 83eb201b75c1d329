/**
 * The template reader on a small stack synthesized here from aws-cdk-lib's own constructs (not
 * the product's stack, whose layout may change): what it finds is what CloudFormation receives.
 */
import { join } from 'node:path';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#infra/project';
import {
  findFunction,
  readStackTemplate,
  runsPerYear,
  type StackInventory,
} from '../../bench/stack-template.ts';

let inv: StackInventory;

beforeAll(() => {
  const app = new App({ outdir: join(PROJECT_ROOT, 'cdk.out', 'test-bench-stack-template') });
  const stack = new Stack(app, 'Priced');
  const fn = new lambda.Function(stack, 'Sweep', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    tracing: lambda.Tracing.ACTIVE,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  new scheduler.Schedule(stack, 'Backstop', {
    schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
    target: new targets.LambdaInvoke(fn, {}),
  });
  const errors = fn.metricErrors({ period: Duration.minutes(5) });
  const throttles = fn.metricThrottles({ period: Duration.minutes(5) });
  const math = new cloudwatch.MathExpression({
    expression: 'e + t',
    usingMetrics: { e: errors, t: throttles },
  });
  const failing = math.createAlarm(stack, 'Failing', { threshold: 1, evaluationPeriods: 1 });
  const custom = new cloudwatch.Metric({
    namespace: 'Thidua',
    metricName: 'Stuck',
    period: Duration.seconds(10),
  });
  const stuck = custom.createAlarm(stack, 'Stuck', { threshold: 1, evaluationPeriods: 1 });
  new cloudwatch.CompositeAlarm(stack, 'Either', {
    alarmRule: cloudwatch.AlarmRule.anyOf(failing, stuck),
  });
  new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  }).addGlobalSecondaryIndex({
    indexName: 'gsi1',
    partitionKey: { name: 'g', type: dynamodb.AttributeType.STRING },
  });
  new secretsmanager.Secret(stack, 'Key');
  new kms.Key(stack, 'Cmk');
  new ssm.StringParameter(stack, 'Big', { stringValue: 'x', tier: ssm.ParameterTier.ADVANCED });
  new ssm.StringParameter(stack, 'Small', { stringValue: 'x' });
  const group = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
  group.addMetricFilter('Refused', {
    metricNamespace: 'Thidua',
    metricName: 'Refused',
    filterPattern: logs.FilterPattern.literal('refused'),
  });
  new CfnResource(stack, 'Ip', { type: 'AWS::EC2::EIP' });
  inv = readStackTemplate(app.synth().getStackArtifact(stack.artifactId).template);
}, 120_000);

describe('reading a synthesized template', () => {
  it('counts every metric an alarm reads, high resolution apart, and composite alarms', () => {
    expect(inv.alarms.map((a) => [a.metrics, a.highResolution]).sort()).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(inv.compositeAlarms).toHaveLength(1);
  });

  it('finds the custom metrics: alarmed outside AWS/ namespaces, and metric filters', () => {
    expect(inv.customMetrics).toEqual(['Thidua/Refused', 'Thidua/Stuck[]']);
  });

  it('finds secrets, customer keys and parameters by tier', () => {
    expect(inv.secrets).toHaveLength(1);
    expect(inv.kmsKeys).toHaveLength(1);
    expect(inv.parameters.map((p) => p.tier).sort()).toEqual(['Advanced', 'Standard']);
  });

  it('prices a recurring schedule by its runs a year and the function it invokes', () => {
    expect(inv.recurringSchedules).toEqual([
      expect.objectContaining({
        expression: 'rate(1 hour)',
        runsPerYear: 8760,
        target: expect.objectContaining({ memoryMB: 256, architecture: 'arm64', tracing: true }),
      }),
    ]);
    expect(findFunction(inv, 'Sweep')?.memoryMB).toBe(256);
  });

  it('reads tables’ indexes and PITR, log retention, and lists what it cannot price', () => {
    expect(inv.tables).toEqual([expect.objectContaining({ indexes: 1, pitr: true })]);
    expect(inv.logGroups).toEqual([expect.objectContaining({ retentionDays: 90 })]);
    expect(inv.unpriced).toEqual([{ type: 'AWS::EC2::EIP', count: 1 }]);
  });
});

describe('runs a year of a schedule expression', () => {
  it('understands rate, cron and one-time schedules', () => {
    expect(runsPerYear('rate(5 minutes)')).toBe(105_120);
    expect(runsPerYear('rate(1 day)')).toBe(365);
    expect(runsPerYear('cron(0 * * * ? *)')).toBe(8760);
    expect(runsPerYear('cron(0/15 8-17 ? * MON-FRI *)')).toBe(4 * 10 * 5 * 52);
    expect(runsPerYear('cron(0 2 1 JAN,JUL ? *)')).toBe(2);
    expect(runsPerYear('cron(0 9 ? * WED *)')).toBe(52);
    expect(runsPerYear('at(2026-07-01T08:00:00)')).toBe(0);
  });

  it('refuses what it would have to guess', () => {
    expect(() => runsPerYear('cron(0 0 L * ? *)')).toThrow(/not understood/);
    expect(() => runsPerYear('cron(0 0 ? * 6#2 *)')).toThrow(/not understood/);
    expect(() => runsPerYear('every five minutes')).toThrow(/not understood/);
  });
});
