// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; the assertions are the check.
/**
 * The demo district's stack as CloudFormation will receive it: what must hold for security and
 * for the district's records, read from the synthesized template, and cdk-nag clean.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE, HTTP_ROUTES, PAGE_HANDLER_ENTRIES, routeKey } from '#functions/http/routes';
import { FAILED_EXECUTION_STATUSES } from '#infra/alarms';
import type { DistrictStack } from '#infra/district-stack';
import { ASYNC_RETRIES, WORKFLOWS, type WorkflowName } from '#infra/handlers';
import { ACCESS_LOG_FIELDS } from '#infra/pages-api';
import { PROJECT_ROOT } from '#infra/project';
import { type AslDefinition, extractStateMachines } from '#local/runtime/asl';
import { TemplateResolver } from '#local/runtime/cfn';
import { digestStack } from '#local/runtime/stack';
import { TABLE_SCHEMA } from '#ports/table-schema';
import { LAMBDA_SERVICE_ERRORS } from '#workflows/review';
import { districtApp } from './build-district.ts';
import { DemoTemplate, list, type Statement } from './demo-template.ts';

let demo: DemoTemplate;
let app: App;
let stack: DistrictStack;
let template: DemoTemplate['template'];

beforeAll(() => {
  demo = new DemoTemplate('test-district-stack');
  ({ app, stack, template } = demo);
}, 120_000);

const resources = (type: string) => demo.resources(type);
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
const idOf = (c: IConstruct) => demo.idOf(c);
const machineRef = (w: WorkflowName) => demo.machineRef(w);
const statements = () => demo.statements();

describe('the demo district stack', () => {
  it('synthesizes with every cdk-nag finding acknowledged', () => {
    const report = join(app.outdir, 'validation-report.json');
    const detail = existsSync(report) ? readFileSync(report, 'utf8') : String(demo.synthError);
    expect(demo.synthError, detail).toBeUndefined();
  });

  it('acknowledges each remaining finding by its exact id, with a reason', () => {
    expect(stack.nagAcknowledgements.length).toBeGreaterThan(0);
    for (const a of stack.nagAcknowledgements) {
      expect(a.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.path.startsWith(`${stack.stackName}/`)).toBe(true);
    }
  });

  it('is named from the district and tagged with it, and names nothing but the state machines’ log group', () => {
    expect(stack.stackName).toBe('Thidua-demo');
    expect(stack.tags.tagValues()).toMatchObject({ district: 'demo' });
    // Names unique per account or region: left to CloudFormation, so two districts never collide.
    const nameOf: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::IAM::Role': 'RoleName',
      'AWS::StepFunctions::StateMachine': 'StateMachineName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::CloudWatch::Alarm': 'AlarmName',
      'AWS::SecretsManager::Secret': 'Name',
      'AWS::Scheduler::Schedule': 'Name',
      'AWS::SES::ConfigurationSet': 'Name',
    };
    const named = Object.entries(template.Resources).filter(([, r]) => {
      const p = nameOf[r.Type];
      return p !== undefined && r.Properties?.[p] !== undefined;
    });
    // Its name must start with /aws/vendedlogs/ (below); the stack's name and id keep it unique.
    expect(named.map(([id]) => id)).toEqual([idOf(stack.workflowsRoom.logGroup)]);
  });

  it('keeps exactly one table, with point-in-time recovery, deletion protection and Retain', () => {
    const tables = resources('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const [, table] = tables[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey.name, KeyType: 'RANGE' },
      ],
    });
    expect(table.Properties!.SSESpecification.KMSMasterKeyId).toBeUndefined();
    expect(table.Properties!.GlobalSecondaryIndexes.map((g: { IndexName: string }) => g.IndexName)).toEqual(
      TABLE_SCHEMA.globalSecondaryIndexes.map((g) => g.indexName),
    );
  });

  it('keeps failures in one queue, encrypted, over TLS only, for 14 days: the schedules’ dead letters and the starter’s and sweep’s failed runs', () => {
    const failures = idOf(stack.alarms.failures);
    expect(resources('AWS::SQS::Queue').map(([id]) => id)).toEqual([failures]);
    expect(stack.scheduling.deadLetters).toBe(stack.alarms.failures);
    expect(template.Resources[failures]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    const policies = resources('AWS::SQS::QueuePolicy').filter(([, p]) =>
      ((p.Properties?.Queues ?? []) as { Ref: string }[]).some((x) => x.Ref === failures),
    );
    expect(policies.flatMap(([, p]) => p.Properties?.PolicyDocument.Statement)).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const invokeConfigs = resources('AWS::Lambda::EventInvokeConfig').map(([, c]) => c.Properties);
    expect(invokeConfigs.map((c) => c?.FunctionName).sort(byJson)).toEqual(
      [{ Ref: idOf(stack.functions.starter) }, { Ref: idOf(stack.functions.sweep) }].sort(byJson),
    );
    for (const c of invokeConfigs) {
      expect(c).toMatchObject({
        MaximumRetryAttempts: ASYNC_RETRIES,
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failures, 'Arn'] } } },
      });
    }
    // The starter only starts executions (and writes its failures): no table, mail or key.
    const starterActions = statements()
      .filter(({ functions }) => functions.includes('Starter'))
      .flatMap(({ statement }) => list(statement.Action));
    expect(starterActions.filter((a) => /^(dynamodb|ses|ssm):/.test(a))).toEqual([]);
  });

  it('keeps SES open and click tracking off (it would rewrite the signed links)', () => {
    const sets = resources('AWS::SES::ConfigurationSet');
    expect(sets).toHaveLength(1);
    const props = sets[0]![1].Properties!;
    expect(props.TrackingOptions).toBeUndefined();
    expect(props.VdmOptions?.DashboardOptions?.EngagementMetrics).toBe('DISABLED');
    expect(resources('AWS::SES::ConfigurationSetEventDestination')).toHaveLength(0);
  });

  it('runs the five workflows as Standard state machines, logged without execution data, traced', () => {
    const machines = resources('AWS::StepFunctions::StateMachine');
    expect(machines.map(([id]) => id).sort()).toEqual(
      WORKFLOWS.map((w) => idOf(stack.stateMachines[w])).sort(),
    );
    const logGroupId = idOf(stack.workflowsRoom.logGroup);
    for (const [id, m] of machines) {
      expect(m.Properties, id).toMatchObject({
        StateMachineType: 'STANDARD',
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: false,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } } }],
        },
        TracingConfiguration: { Enabled: true },
      });
    }
  });

  it('logs the state machines under /aws/vendedlogs/states/, in a group named from the stack and its id', () => {
    // One statement of the account's CloudWatch Logs resource policy covers every vended group,
    // so adding districts never fills that 5,120-character policy.
    const group = template.Resources[idOf(stack.workflowsRoom.logGroup)];
    expect(group?.Properties?.LogGroupName).toEqual({
      'Fn::Join': [
        '',
        [
          '/aws/vendedlogs/states/Thidua-demo-',
          { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] },
        ],
      ],
    });
    expect(group).toMatchObject({ DeletionPolicy: 'Retain', Properties: { RetentionInDays: 365 } });
  });

  it('runs one function per handler file, each on nodejs24.x', () => {
    const handlerFiles = [
      ...['launch', 'period', 'review', 'scoring', 'commendation', 'http'].flatMap((dir) =>
        readdirSync(join(PROJECT_ROOT, 'functions', dir)).map((f) => `functions/${dir}/${f}`),
      ),
      'functions/sweep.ts',
      'functions/starter.ts',
      'functions/record-failure.ts',
    ]
      .filter((f) => f.endsWith('.ts'))
      // A handler file exports `handler` (functions/http/routes.ts, say, is shared data).
      .filter((f) =>
        /export (const|(async )?function) handler\b/.test(readFileSync(join(PROJECT_ROOT, f), 'utf8')),
      )
      .sort();
    expect(
      Object.values(stack.functions)
        .map((f) => f.entryPath)
        .sort(),
    ).toEqual(handlerFiles);
    for (const [name, entry] of Object.entries(PAGE_HANDLER_ENTRIES)) {
      expect(stack.functions[name as keyof typeof PAGE_HANDLER_ENTRIES].entryPath).toBe(entry);
    }
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(handlerFiles.length);
    for (const [, fn] of functions) {
      expect(fn.Properties?.Runtime).toBe('nodejs24.x');
      // Traced only within a sampled execution, never a trace of its own per run or request.
      expect(fn.Properties?.TracingConfig).toEqual({ Mode: 'PassThrough' });
    }
  });

  it('gives every function the environment of docs/review.md, with BASE_URL the API endpoint', () => {
    const apiId = resources('AWS::ApiGatewayV2::Api')[0]![0];
    const arnVariables: Record<string, Partial<Record<WorkflowName, string[]>>> = {
      REVIEW_STATE_MACHINE_ARN: { review: ['AdminActions', 'ReportPage', 'Sweep'] },
      SCORING_STATE_MACHINE_ARN: { scoring: ['AdminActions', 'ClosePeriod', 'RecordApproval'] },
    };
    for (const [variable, byMachine] of Object.entries(arnVariables)) {
      for (const [w, fns] of Object.entries(byMachine) as [WorkflowName, string[]][]) {
        const having = Object.values(stack.functions)
          .filter(
            (fn) => template.Resources[idOf(fn)]!.Properties!.Environment.Variables[variable] !== undefined,
          )
          .map((fn) => fn.node.id)
          .sort();
        expect(having, variable).toEqual(fns);
        for (const fn of fns) {
          const construct = Object.values(stack.functions).find((f) => f.node.id === fn);
          expect(construct, fn).toBeDefined();
          const env = template.Resources[idOf(construct as IConstruct)]?.Properties?.Environment.Variables;
          expect(env[variable]).toEqual(machineRef(w));
        }
      }
    }
    for (const [name, fn] of Object.entries(stack.functions)) {
      const env = template.Resources[idOf(fn)]!.Properties!.Environment.Variables;
      expect(Object.keys(env), name).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'MAIL_FROM',
          'BASE_URL',
          'SIGNING_KEY_PARAMETER',
          'SES_CONFIGURATION_SET',
          'DISTRICT_SLUG',
        ]),
      );
      expect(env.BASE_URL).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
      expect(env.MAIL_FROM).toBe('thidua@song-lam.example.org');
      expect(env.DISTRICT_SLUG).toBe('demo');
      // A machine's own steps cannot name it (a dependency cycle) and never need to.
      for (const w of WORKFLOWS) {
        const steps: unknown[] = Object.values(stack.workflows[w].functions);
        if (steps.includes(fn))
          expect(JSON.stringify(env), `${name} names ${w}`).not.toContain(idOf(stack.stateMachines[w]));
      }
    }
    const starter = template.Resources[idOf(stack.functions.starter)]!.Properties!.Environment.Variables;
    expect(stack.resolve(starter.STATE_MACHINE_ARNS)).toEqual({
      'Fn::Join': [
        '',
        [
          '{"period":"',
          machineRef('period'),
          '","scoring":"',
          machineRef('scoring'),
          '","commendation":"',
          machineRef('commendation'),
          '","review":"',
          machineRef('review'),
          '"}',
        ],
      ],
    });
    const plan = template.Resources[idOf(stack.functions.planSchedules)]!.Properties!.Environment.Variables;
    expect(plan).toMatchObject({
      SCHEDULE_GROUP: stack.scheduling.group.scheduleGroupName,
      SCHEDULE_ROLE_ARN: { 'Fn::GetAtt': [idOf(stack.scheduling.scheduleRole), 'Arn'] },
      SCHEDULE_DLQ_ARN: { 'Fn::GetAtt': [idOf(stack.scheduling.deadLetters), 'Arn'] },
      STARTER_ARN: { 'Fn::GetAtt': [idOf(stack.functions.starter), 'Arn'] },
    });
  });

  it('serves the pages on the routes the handlers answer, throttled, logging route keys but never paths', () => {
    const routes = resources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.RouteKey as string);
    // Every route the handlers answer, and $default for the rest: a Vietnamese 404 page.
    expect(routes.sort()).toEqual([...HTTP_ROUTES.map(routeKey), DEFAULT_ROUTE.routeKey].sort());
    const [, fallback] = resources('AWS::ApiGatewayV2::Route').find(
      ([, r]) => r.Properties!.RouteKey === DEFAULT_ROUTE.routeKey,
    )!;
    const [, adminGet] = resources('AWS::ApiGatewayV2::Route').find(
      ([, r]) => r.Properties!.RouteKey === 'GET /admin',
    )!;
    expect(fallback.Properties!.Target).toEqual(adminGet.Properties!.Target);
    expect(routes).toEqual(
      expect.arrayContaining(['GET /d', 'HEAD /d', 'POST /d', 'GET /r', 'HEAD /r', 'POST /r']),
    );
    for (const [, integration] of resources('AWS::ApiGatewayV2::Integration')) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
    const stages = resources('AWS::ApiGatewayV2::Stage');
    expect(stages).toHaveLength(1);
    const stage = stages[0]![1].Properties!;
    expect(stage.StageName).toBe('$default');
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingBurstLimit: 50, ThrottlingRateLimit: 20 });
    const format: string = stage.AccessLogSettings.Format;
    expect(JSON.parse(format)).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toContain('$context.routeKey');
    expect(format).toContain('$context.status');
    expect(format).not.toMatch(/\$context\.(path|resourcePath)|querystring/i);
  });

  it('runs the sweep every hour as a backstop (the calendar’s and the sweep’s own one-time schedules are made at run time, not here)', () => {
    const schedules = resources('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const props = schedules[0]![1].Properties!;
    expect(props.ScheduleExpression).toBe('rate(1 hour)');
    expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [idOf(stack.functions.sweep), 'Arn'] });
  });

  it('has one alarm, on the failures queue, billed as one metric', () => {
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms.map(([id]) => id)).toEqual([idOf(stack.alarms.failuresAlarm)]);
    const props = alarms[0]?.[1].Properties;
    expect(props?.Metrics).toBeUndefined(); // no metric math: one metric
    expect(props).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.alarms.failures), 'QueueName'] } },
      ],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('sends every failed or timed-out execution of the five machines to the failures queue, without its data', () => {
    const rules = resources('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.[1].Properties;
    expect(rule?.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: [...FAILED_EXECUTION_STATUSES],
        stateMachineArn: WORKFLOWS.map((w) => machineRef(w)),
      },
    });
    const [target] = rule?.Targets ?? [];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [idOf(stack.alarms.failures), 'Arn'] });
    const paths = Object.values(target.InputTransformer.InputPathsMap as Record<string, string>).sort();
    expect(paths).toEqual(['$.detail.executionArn', '$.detail.stateMachineArn', '$.detail.status', '$.time']);
    // EventBridge may write to the queue for this rule only.
    const allowsRule = resources('AWS::SQS::QueuePolicy')
      .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Statement[])
      .filter((st) => st.Effect === 'Allow');
    expect(allowsRule).toEqual([
      expect.objectContaining({
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rules[0]?.[0], 'Arn'] } } },
      }),
    ]);
  });

  it('waits for callbacks as long as the step before said and retries their re-entrant step but never its timeout', () => {
    const digest = digestStack(stack);
    const [logicalId] = Object.entries(digest.stateMachines).find(([, m]) => m.name === 'Review')!;
    // The ASL as written in the template (the local engine's copy replaces the path: below).
    const written = JSON.parse(
      new TemplateResolver(digest.template).flattenToString(
        digest.template.Resources?.[logicalId]?.Properties?.DefinitionString,
        'review',
      ),
    ) as AslDefinition;
    const review = extractStateMachines(digest).find((m) => m.name === 'Review');
    const callbacks = Object.entries(written.States).filter(([, s]) =>
      String(s.Resource).endsWith('.waitForTaskToken'),
    );
    expect(callbacks.map(([name]) => name).sort()).toEqual(['AwaitAppraisal', 'AwaitExplanation']);
    for (const [name, state] of callbacks) {
      // The wait's length is the state's timer (docs/review.md), passed to the step as well, so
      // AWS reads the same number whether it resolves the path against the input or the parameters.
      expect(state.TimeoutSeconds, name).toBeUndefined();
      expect(state.TimeoutSecondsPath, name).toBe('$.timer.waitSeconds');
      expect((state.Parameters as { Payload: Record<string, unknown> }).Payload['waitSeconds.$'], name).toBe(
        '$.timer.waitSeconds',
      );
      // The local engine runs it: it reads the seconds from the parameters, on its virtual clock.
      expect(review!.originalTimeouts.get(name), name).toEqual({
        timeoutSecondsAt: { path: '$.timer.waitSeconds', inParameters: ['Payload', 'waitSeconds'] },
      });
      // Lambda's errors first, the timeout never retried, then the re-entrant step's own failure.
      const retriers = (state.Retry as { ErrorEquals: string[] }[]).map((r) => r.ErrorEquals);
      expect(retriers, name).toEqual([
        [...LAMBDA_SERVICE_ERRORS],
        ['States.Timeout'],
        ['SchemaMismatch'],
        ['States.TaskFailed'],
      ]);
      const catchers = (state.Catch as { ErrorEquals: string[] }[]).map((c) => c.ErrorEquals);
      expect(catchers, name).toEqual([['States.Timeout'], ['States.ALL']]);
    }
  }, 30_000);

  it('builds the other district in the repo under its own name', () => {
    const other = districtApp('demo-xa', 'test-district-stack-xa').stack;
    expect(other.stackName).toBe('Thidua-demo-xa');
    expect(other.tags.tagValues()).toMatchObject({ district: 'demo-xa' });
  });
});
