// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; the assertions are the check.
/**
 * The demo district's stack as CloudFormation will receive it: what must hold for security and
 * for the district's records, read from the synthesized template, and cdk-nag clean.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App, CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, PAGE_HANDLER_ENTRIES, routeKey } from '#functions/http/routes';
import {
  ACCESS_LOG_FIELDS,
  type DistrictStack,
  reviewWaits,
  STARTER_ASYNC_RETRIES,
  WORKFLOWS,
  type WorkflowName,
} from '#infra/district-stack';
import { PROJECT_ROOT } from '#infra/function';
import { extractStateMachines } from '#local/runtime/asl';
import type { CfnTemplate } from '#local/runtime/cfn';
import { TABLE_SCHEMA } from '#ports/table-schema';
import { LAMBDA_SERVICE_ERRORS } from '#workflows/review';
import { districtApp } from './build-district.ts';

interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, any>;
}

let app: App;
let stack: DistrictStack;
let template: CfnTemplate & { Resources: Record<string, Resource> };
let synthError: unknown;

beforeAll(() => {
  ({ app, stack } = districtApp('demo', 'test-district-stack'));
  try {
    template = app.synth().getStackArtifact(stack.artifactId).template;
  } catch (e) {
    synthError = e;
    template = JSON.parse(readFileSync(join(app.outdir, stack.templateFile), 'utf8'));
  }
}, 120_000);

const resources = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
/** The logical id of a construct's CloudFormation resource. */
const idOf = (c: IConstruct) => stack.resolve((c.node.defaultChild as CfnElement).logicalId) as string;

/** Every policy statement, with the construct ids of the functions whose roles carry it. */
function statements(): { statement: Statement; functions: string[] }[] {
  const functionByRole = new Map<string, string>();
  for (const fn of Object.values(stack.functions)) functionByRole.set(idOf(fn.role!), fn.node.id);
  const out: { statement: Statement; functions: string[] }[] = [];
  for (const [, r] of resources('AWS::IAM::Policy')) {
    const functions = (r.Properties!.Roles as { Ref: string }[])
      .map((role) => functionByRole.get(role.Ref))
      .filter((f): f is string => f !== undefined);
    for (const statement of r.Properties!.PolicyDocument.Statement as Statement[])
      out.push({ statement, functions });
  }
  for (const [, r] of resources('AWS::IAM::Role')) {
    for (const p of r.Properties?.Policies ?? []) {
      for (const statement of p.PolicyDocument.Statement as Statement[])
        out.push({ statement, functions: [] });
    }
  }
  return out;
}
const grantedTo = (action: string) =>
  statements()
    .filter(({ statement }) => list(statement.Action).includes(action))
    .flatMap(({ functions }) => functions)
    .sort();
/** `{Ref}` of a workflow's state machine. */
const machineRef = (w: WorkflowName) => ({ Ref: idOf(stack.stateMachines[w]) });
/** The resources of the statements granting `action` to a function, sorted for comparison. */
const resourcesGranted = (action: string, functionId: string) =>
  statements()
    .filter(
      ({ statement, functions }) => list(statement.Action).includes(action) && functions.includes(functionId),
    )
    .flatMap(({ statement }) => list(statement.Resource))
    .map((r) => JSON.stringify(r))
    .sort();
const refs = (...ws: WorkflowName[]) => ws.map((w) => JSON.stringify(machineRef(w))).sort();
/** Every statement of every IAM policy attached to the role of `roleConstruct`. */
const roleStatements = (roleConstruct: IConstruct): Statement[] => {
  const roleId = idOf(roleConstruct);
  return resources('AWS::IAM::Policy')
    .filter(([, r]) => (r.Properties!.Roles as { Ref: string }[]).some((x) => x.Ref === roleId))
    .flatMap(([, r]) => r.Properties!.PolicyDocument.Statement as Statement[]);
};

describe('the demo district stack', () => {
  it('synthesizes with every cdk-nag finding acknowledged', () => {
    const report = join(app.outdir, 'validation-report.json');
    const detail = existsSync(report) ? readFileSync(report, 'utf8') : String(synthError);
    expect(synthError, detail).toBeUndefined();
  });

  it('acknowledges each remaining finding by its exact id, with a reason', () => {
    expect(stack.nagAcknowledgements.length).toBeGreaterThan(0);
    for (const a of stack.nagAcknowledgements) {
      expect(a.id).toMatch(/^AwsSolutions-[A-Z]+\d+(\[[^\]]+\])?$/);
      expect(a.reason.length).toBeGreaterThan(60);
      expect(a.path.startsWith(`${stack.stackName}/`)).toBe(true);
    }
  });

  it('is named from the district and tagged with it, and gives nothing a physical name', () => {
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
    expect(named.map(([id]) => id)).toEqual([]);
  });

  it('grants no wildcard action', () => {
    for (const { statement } of statements()) {
      for (const action of list(statement.Action)) expect(action).not.toContain('*');
    }
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

  it('reaches the table with item actions only (never Scan), on the table and its named indexes', () => {
    const tableId = resources('AWS::DynamoDB::Table')[0]![0];
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    for (const { statement } of statements()) {
      const actions = list(statement.Action).filter((a) => a.startsWith('dynamodb:'));
      if (actions.length === 0) continue;
      expect(actions).not.toContain('dynamodb:Scan');
      expect(list(statement.Resource)).toEqual([
        tableArn,
        ...TABLE_SCHEMA.globalSecondaryIndexes.map((g) => ({
          'Fn::Join': ['', [tableArn, `/index/${g.indexName}`]],
        })),
      ]);
    }
  });

  it('lets only the functions that answer callbacks send task results, each on the machines it answers', () => {
    const answers: Record<string, WorkflowName[]> = {
      DecisionPage: ['review', 'commendation'],
      ReportPage: ['review'],
      RequestAppraisal: ['review'],
      RequestExplanation: ['review'],
      RequestVote: ['commendation'],
      Sweep: ['review', 'commendation'],
    };
    for (const action of ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']) {
      expect([...new Set(grantedTo(action))]).toEqual(Object.keys(answers).sort());
      for (const [fn, ws] of Object.entries(answers))
        expect(resourcesGranted(action, fn), fn).toEqual(refs(...ws));
    }
  });

  it('lets only the starter, the submit, the review close and a late approval start executions, of the machines they start', () => {
    const starts: Record<string, WorkflowName[]> = {
      ClosePeriod: ['scoring'],
      RecordApproval: ['scoring'],
      ReportPage: ['review'],
      Starter: ['period', 'scoring', 'commendation', 'review'],
    };
    // (one statement per machine, or one for all when cdk.json minimizes policies)
    expect([...new Set(grantedTo('states:StartExecution'))]).toEqual(Object.keys(starts).sort());
    for (const [fn, ws] of Object.entries(starts)) {
      expect(resourcesGranted('states:StartExecution', fn), fn).toEqual(refs(...ws));
    }
    // Every states: action of a function names a state machine of this stack, never "*".
    const ours = new Set(WORKFLOWS.map((w) => JSON.stringify(machineRef(w))));
    for (const { statement, functions } of statements()) {
      if (functions.length === 0 || !list(statement.Action).some((a) => a.startsWith('states:'))) continue;
      for (const r of list(statement.Resource))
        expect(ours.has(JSON.stringify(r)), JSON.stringify(r)).toBe(true);
    }
  });

  it('lets only plan-schedules make schedules, and only in this stack’s group', () => {
    const group = stack.scheduleGroup.scheduleGroupName;
    expect(group).toMatch(/^Thiduademo-/);
    expect(resources('AWS::Scheduler::ScheduleGroup').map(([, r]) => r.Properties!.Name)).toEqual([group]);
    const scheduling = statements().filter(({ statement }) =>
      list(statement.Action).some((a) => a.startsWith('scheduler:')),
    );
    expect(scheduling.flatMap(({ functions }) => functions)).toEqual(['PlanSchedules']);
    for (const { statement } of scheduling) {
      expect(list(statement.Action).sort()).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
      ]);
      expect(statement.Resource).toEqual({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':scheduler:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            `:schedule/${group}/*`,
          ],
        ],
      });
    }
  });

  it('lets only plan-schedules pass a role: the schedules’ role, to the Scheduler service only', () => {
    const passing = statements().filter(({ statement }) => list(statement.Action).includes('iam:PassRole'));
    expect(passing.flatMap(({ functions }) => functions)).toEqual(['PlanSchedules']);
    expect(passing).toHaveLength(1);
    expect(passing[0]!.statement).toEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [idOf(stack.scheduleRole), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    });
  });

  it('lets the schedules’ role, assumed by this account’s Scheduler, only invoke the starter and write its dead letters', () => {
    const role = template.Resources[idOf(stack.scheduleRole)]!;
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(role.Properties!.Policies).toBeUndefined();
    expect(roleStatements(stack.scheduleRole)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf(stack.functions.starter), 'Arn'] },
      },
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf(stack.scheduleDeadLetters), 'Arn'] },
      },
    ]);
  });

  it('keeps dead letters encrypted, over TLS only, for 14 days; the starter’s failures go to their own queue', () => {
    const queues = resources('AWS::SQS::Queue');
    expect(queues.map(([id]) => id).sort()).toEqual(
      [idOf(stack.scheduleDeadLetters), idOf(stack.starterFailures)].sort(),
    );
    for (const [id, q] of queues) {
      expect(q.Properties, id).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      });
      const policy = resources('AWS::SQS::QueuePolicy').find(([, p]) =>
        (p.Properties!.Queues as { Ref: string }[]).some((x) => x.Ref === id),
      );
      expect(policy, id).toBeDefined();
      expect(policy![1].Properties!.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
    const invokeConfigs = resources('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfigs).toHaveLength(1);
    expect(invokeConfigs[0]![1].Properties).toMatchObject({
      FunctionName: { Ref: idOf(stack.functions.starter) },
      MaximumRetryAttempts: STARTER_ASYNC_RETRIES,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.starterFailures), 'Arn'] } },
      },
    });
    // The starter only starts executions (and writes its failures): no table, mail or key.
    const starterActions = statements()
      .filter(({ functions }) => functions.includes('Starter'))
      .flatMap(({ statement }) => list(statement.Action));
    expect(starterActions.filter((a) => /^(dynamodb|ses|secretsmanager):/.test(a))).toEqual([]);
  });

  it('lets functions read the signing key, and only that secret, only with GetSecretValue', () => {
    const secret = { Ref: idOf(stack.signingKey) };
    const reads = statements().filter(({ statement }) =>
      list(statement.Action).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const { statement } of reads) {
      expect(statement.Action).toBe('secretsmanager:GetSecretValue');
      expect(statement.Resource).toEqual(secret);
    }
    expect(grantedTo('secretsmanager:GetSecretValue')).not.toContain('AssignReviewer');
    const key = template.Resources[secret.Ref]!.Properties!.GenerateSecretString;
    expect(key).toEqual({
      SecretStringTemplate: JSON.stringify({ keyId: 'k1' }),
      GenerateStringKey: 'secret',
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
  });

  it('sends mail only from the district address, through its identity and configuration set', () => {
    const mail = statements().filter(({ statement }) =>
      list(statement.Action).some((a) => a.startsWith('ses:')),
    );
    expect(mail.length).toBeGreaterThan(0);
    for (const { statement } of mail) {
      expect(statement.Action).toBe('ses:SendEmail');
      expect(statement.Condition).toEqual({
        StringEquals: { 'ses:FromAddress': stack.config.district.mailFrom },
      });
      const arns = list(statement.Resource).map((r) => JSON.stringify(r));
      expect(arns.some((a) => a.includes(':identity/song-lam.example.org"'))).toBe(true);
      expect(arns.some((a) => a.includes(':configuration-set/'))).toBe(true);
      expect(arns.every((a) => a.includes(':identity/') || a.includes(':configuration-set/'))).toBe(true);
    }
    expect(grantedTo('ses:SendEmail')).not.toContain('AssignReviewer');
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
    for (const [id, m] of machines) {
      expect(m.Properties, id).toMatchObject({
        StateMachineType: 'STANDARD',
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
        TracingConfiguration: { Enabled: true },
      });
    }
  });

  it('runs one function per handler file, each on nodejs24.x with its own role', () => {
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
    for (const [, fn] of functions) expect(fn.Properties!.Runtime).toBe('nodejs24.x');
    const roles = functions.map(([, fn]) => fn.Properties!.Role['Fn::GetAtt'][0]);
    expect(new Set(roles).size).toBe(functions.length);
    for (const [, role] of resources('AWS::IAM::Role'))
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('gives every function the environment of docs/review.md, with BASE_URL the API endpoint', () => {
    const apiId = resources('AWS::ApiGatewayV2::Api')[0]![0];
    const arnVariables: Record<string, Partial<Record<WorkflowName, string[]>>> = {
      REVIEW_STATE_MACHINE_ARN: { review: ['AdminPages', 'DecisionPage', 'ReportPage', 'Sweep'] },
      SCORING_STATE_MACHINE_ARN: { scoring: ['ClosePeriod', 'RecordApproval'] },
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
          const env = template.Resources[idOf(stack.node.findChild(fn))]!.Properties!.Environment.Variables;
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
          'SIGNING_KEY_SECRET_ARN',
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
      SCHEDULE_GROUP: stack.scheduleGroup.scheduleGroupName,
      SCHEDULE_ROLE_ARN: { 'Fn::GetAtt': [idOf(stack.scheduleRole), 'Arn'] },
      SCHEDULE_DLQ_ARN: { 'Fn::GetAtt': [idOf(stack.scheduleDeadLetters), 'Arn'] },
      STARTER_ARN: { 'Fn::GetAtt': [idOf(stack.functions.starter), 'Arn'] },
    });
  });

  it('serves the pages on the routes the handlers answer, throttled, logging route keys but never paths', () => {
    const routes = resources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties!.RouteKey as string);
    expect(routes.sort()).toEqual(HTTP_ROUTES.map(routeKey).sort());
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

  it('runs the sweep every 5 minutes (the calendar’s schedules are made at run time, not here)', () => {
    const schedules = resources('AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    const props = schedules[0]![1].Properties!;
    expect(props.ScheduleExpression).toBe('rate(5 minutes)');
    expect(props.Target.Arn).toEqual({ 'Fn::GetAtt': [idOf(stack.functions.sweep), 'Arn'] });
  });

  it('alarms on failed or timed-out executions of every state machine', () => {
    for (const w of WORKFLOWS) {
      const alarm = template.Resources[idOf(stack.executionAlarms[w])]!;
      const metrics = (alarm.Properties!.Metrics as { MetricStat?: { Metric: any } }[])
        .filter((m) => m.MetricStat)
        .map((m) => m.MetricStat!.Metric);
      expect(metrics.map((m) => m.MetricName).sort(), w).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
      for (const m of metrics) {
        expect(m.Namespace).toBe('AWS/States');
        expect(m.Dimensions).toEqual([{ Name: 'StateMachineArn', Value: machineRef(w) }]);
      }
      expect(alarm.Properties, w).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on a schedule’s dead letter and on a starter failure', () => {
    for (const [alarm, queue] of [
      [stack.scheduleDeadLettersAlarm, stack.scheduleDeadLetters],
      [stack.starterFailuresAlarm, stack.starterFailures],
    ] as const) {
      const props = template.Resources[idOf(alarm)]!.Properties!;
      expect(props, alarm.node.id).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(queue), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('waits for callbacks with a fixed timeout and retries them only on Lambda service errors', () => {
    const review = extractStateMachines(stack, template).find((m) => m.name === 'Review');
    const callbacks = Object.entries(review!.definition.States).filter(([, s]) =>
      String(s.Resource).endsWith('.waitForTaskToken'),
    );
    expect(callbacks.map(([name]) => name).sort()).toEqual(['AwaitAppraisal', 'AwaitExplanation']);
    const waits = reviewWaits(stack.config.calendar);
    const days = { AwaitAppraisal: waits.reviewerResponseDays, AwaitExplanation: waits.explanationDays };
    for (const [name, state] of callbacks) {
      expect(state.TimeoutSeconds, name).toBe(days[name as keyof typeof days] * 86_400);
      expect(state.TimeoutSecondsPath, name).toBeUndefined();
      const retriers = state.Retry as { ErrorEquals: string[] }[];
      expect(retriers.length, name).toBeGreaterThan(0);
      for (const r of retriers)
        expect([...LAMBDA_SERVICE_ERRORS]).toEqual(expect.arrayContaining(r.ErrorEquals));
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
