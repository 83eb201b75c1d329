// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation template JSON is untyped; the assertions are the check.
/**
 * Who may do what in the demo district's stack, read from the synthesized template: functions
 * with identical grants in the handler table share one role, and no role grants more than what
 * its functions' grants say; the state machines share one role that only delivers their logs
 * and traces, each function they invoke allowing it; Scheduler's roles invoke their one target.
 */
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DistrictStack } from '#infra/district-stack';
import { grantsName } from '#infra/functions';
import { HANDLERS, type HandlerName, type HandlerSpec, WORKFLOWS, type WorkflowName } from '#infra/handlers';
import { MACHINE_DELIVERY_ACTIONS } from '#infra/workflows';
import { TABLE_SCHEMA } from '#ports/table-schema';
import { DemoTemplate, list } from './demo-template.ts';

let demo: DemoTemplate;
let stack: DistrictStack;
let template: DemoTemplate['template'];

beforeAll(() => {
  demo = new DemoTemplate('test-permissions');
  ({ stack, template } = demo);
}, 120_000);

const resources = (type: string) => demo.resources(type);
const idOf = (c: IConstruct) => demo.idOf(c);
const machineRef = (w: WorkflowName) => demo.machineRef(w);
const statements = () => demo.statements();
const grantedTo = (action: string) =>
  statements()
    .filter(({ statement }) => list(statement.Action).includes(action))
    .flatMap(({ functions }) => functions)
    .sort();
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

/** The actions a handler's grants in the table stand for, besides logging and tracing. */
function actionsOf(spec: HandlerSpec): string[] {
  return [
    ...(spec.noTable
      ? []
      : [
          'dynamodb:BatchGetItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:ConditionCheckItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ]),
    ...(spec.mail ? ['ses:SendEmail'] : []),
    ...(spec.signingKey ? ['ssm:GetParameter'] : []),
    ...(spec.taskResponse
      ? ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess']
      : []),
    ...(spec.startExecution ? ['states:StartExecution'] : []),
    ...(spec.schedules
      ? [
          'iam:PassRole',
          'scheduler:CreateSchedule',
          'scheduler:DeleteSchedule',
          'scheduler:GetSchedule',
          'scheduler:UpdateSchedule',
        ]
      : []),
    ...(spec.asyncFailures ? ['sqs:SendMessage'] : []),
    ...(spec.evidence ? EVIDENCE_ACTIONS[spec.evidence.access] : []),
    ...(spec.triggersSweep ? ['lambda:InvokeFunction'] : []),
    ...(spec.plansSweeps ? ['iam:PassRole', 'scheduler:CreateSchedule'] : []),
  ];
}

/** What each kind of evidence access stands for (docs/evidence.md, "IAM"). */
const EVIDENCE_ACTIONS = {
  upload: ['s3:PutObject', 's3:PutObjectTagging'],
  check: [
    's3:DeleteObject',
    's3:GetObject',
    's3:GetObjectVersion',
    's3:PutObjectTagging',
    's3:PutObjectVersionTagging',
  ],
  download: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectVersionTagging'],
} as const;
const LOGGING = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

describe('permissions in the demo district stack', () => {
  it('runs as 19 IAM roles: 16 for the functions, one for the state machines, two for Scheduler', () => {
    const roles = resources('AWS::IAM::Role').map(([id]) => id);
    const functionRoles = [...demo.functionsByRole().keys()];
    expect(functionRoles).toHaveLength(16);
    expect(roles.sort()).toEqual(
      [
        ...functionRoles,
        idOf(stack.workflowsRoom.role),
        idOf(stack.scheduling.scheduleRole),
        idOf(stack.sweepScheduleRole),
      ].sort(),
    );
    for (const [, role] of resources('AWS::IAM::Role'))
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('gives functions with identical grants in the handler table one role, and others another', () => {
    const roleOfGrants = new Map<string, string>();
    for (const [name, spec] of Object.entries(HANDLERS) as [HandlerName, HandlerSpec][]) {
      const role = idOf(stack.handlerFunctions.roleOf(name));
      const grants = JSON.stringify({
        actions: actionsOf(spec),
        answers: [...(spec.taskResponse?.of ?? [])].sort(),
        starts: [...(spec.startExecution?.of ?? [])].sort(),
        evidence: spec.evidence?.access,
      });
      expect(roleOfGrants.get(grants) ?? role, name).toBe(role);
      roleOfGrants.set(grants, role);
      expect(grantsName(spec).length, name).toBeGreaterThan(0);
    }
    expect(new Set(roleOfGrants.values()).size).toBe(roleOfGrants.size);
  });

  it('grants each function role exactly what its functions use, and logging to the one group they log to', () => {
    for (const [roleId, functionIds] of demo.functionsByRole()) {
      const specs = (Object.values(HANDLERS) as HandlerSpec[]).filter((s) => functionIds.includes(s.id));
      const expected = new Set([...LOGGING, ...specs.flatMap(actionsOf)]);
      const granted = demo.roleStatements(roleId).flatMap((st) => list(st.Action));
      expect(new Set(granted), functionIds.join(', ')).toEqual(expected);
      const logGroups = new Set(
        functionIds.map((id) => {
          const fn = Object.values(stack.functions).find((f) => f.node.id === id) as IConstruct;
          return template.Resources[idOf(fn)]?.Properties?.LoggingConfig.LogGroup.Ref;
        }),
      );
      expect(logGroups.size, functionIds.join(', ')).toBe(1);
      const [logGroup] = logGroups;
      const logWrites = demo
        .roleStatements(roleId)
        .filter((st) => list(st.Action).includes('logs:PutLogEvents'));
      expect(logWrites.map((st) => st.Resource)).toEqual([{ 'Fn::GetAtt': [logGroup, 'Arn'] }]);
    }
  });

  it('lets the state machines’ role only deliver logs and traces, and invoke exactly the functions the machines invoke', () => {
    const role = idOf(stack.workflowsRoom.role);
    for (const w of WORKFLOWS) {
      expect(template.Resources[idOf(stack.stateMachines[w])]?.Properties?.RoleArn, w).toEqual({
        'Fn::GetAtt': [role, 'Arn'],
      });
    }
    expect(template.Resources[role]?.Properties?.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' } },
    ]);
    expect(demo.roleStatements(role)).toEqual([
      { Action: [...MACHINE_DELIVERY_ACTIONS], Effect: 'Allow', Resource: '*' },
    ]);
    const invoked = new Set(
      WORKFLOWS.flatMap((w) => Object.values<IConstruct>({ ...stack.workflows[w].functions })).map((f) =>
        idOf(f),
      ),
    );
    const allowed = resources('AWS::Lambda::Permission')
      .map(([, p]) => p.Properties)
      .filter((p) => JSON.stringify(p?.Principal) === JSON.stringify({ 'Fn::GetAtt': [role, 'Arn'] }));
    for (const p of allowed) expect(p?.Action).toBe('lambda:InvokeFunction');
    expect(allowed.map((p) => p?.FunctionName['Fn::GetAtt'][0]).sort()).toEqual([...invoked].sort());
  });

  it('grants no wildcard action', () => {
    for (const { statement } of statements()) {
      for (const action of list(statement.Action)) expect(action).not.toContain('*');
    }
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

  it("lets only the starter, the submit (and the sweep finishing it), the review close, a late approval and the admin's recompute, review restart and new vote start executions, of the machines they start", () => {
    const starts: Record<string, WorkflowName[]> = {
      AdminActions: ['scoring', 'review', 'commendation'],
      ClosePeriod: ['scoring'],
      RecordApproval: ['scoring'],
      ReportPage: ['review'],
      Starter: ['period', 'scoring', 'commendation', 'review'],
      Sweep: ['review'],
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

  it('lets only plan-schedules make schedules in this stack’s group, and the sweep only its own sweep-* ones', () => {
    const group = stack.scheduling.group.scheduleGroupName;
    expect(group).toMatch(/^Thiduademo-/);
    expect(resources('AWS::Scheduler::ScheduleGroup').map(([, r]) => r.Properties!.Name)).toEqual([group]);
    const scheduling = statements().filter(({ statement }) =>
      list(statement.Action).some((a) => a.startsWith('scheduler:')),
    );
    expect(scheduling.flatMap(({ functions }) => functions).sort()).toEqual(['PlanSchedules', 'Sweep']);
    const arn = (name: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':scheduler:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:schedule/${group}/${name}`,
        ],
      ],
    });
    for (const { statement, functions } of scheduling) {
      if (functions.includes('Sweep')) {
        expect(statement.Action).toBe('scheduler:CreateSchedule');
        expect(statement.Resource).toEqual(arn('sweep-*'));
        continue;
      }
      expect(list(statement.Action).sort()).toEqual([
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:GetSchedule',
        'scheduler:UpdateSchedule',
      ]);
      expect(statement.Resource).toEqual(arn('*'));
    }
  });

  it('lets only plan-schedules and the sweep pass a role, each its schedules’ own, to the Scheduler service only', () => {
    const passing = statements().filter(({ statement }) => list(statement.Action).includes('iam:PassRole'));
    const passed = (fn: string) => passing.filter(({ functions }) => functions.includes(fn));
    expect(passing.flatMap(({ functions }) => functions).sort()).toEqual(['PlanSchedules', 'Sweep']);
    const condition = { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } };
    expect(passed('PlanSchedules').map((p) => p.statement)).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf(stack.scheduling.scheduleRole), 'Arn'] },
        Condition: condition,
      },
    ]);
    expect(passed('Sweep').map((p) => p.statement)).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf(stack.scheduling.sweepScheduleRole), 'Arn'] },
        Condition: condition,
      },
    ]);
  });

  it('lets the pages ask for a sweep run by invoking the sweep, and nothing of Scheduler or IAM', () => {
    const invoking = statements().filter(
      ({ statement, functions }) =>
        functions.length > 0 && list(statement.Action).includes('lambda:InvokeFunction'),
    );
    expect(invoking.flatMap(({ functions }) => functions).sort()).toEqual(['DecisionPage', 'ReportPage']);
    for (const { statement } of invoking) {
      expect(statement.Action).toBe('lambda:InvokeFunction');
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [idOf(stack.functions.sweep), 'Arn'] });
    }
    const pages = ['ReportPage', 'DecisionPage', 'AdminPages', 'AdminDownloads', 'AdminActions'];
    for (const { statement, functions } of statements()) {
      if (!functions.some((f) => pages.includes(f))) continue;
      expect(
        list(statement.Action).filter((a) => /^(scheduler|iam):/.test(a)),
        functions.join(),
      ).toEqual([]);
    }
  });

  it('lets the schedules’ role, assumed by this account’s Scheduler, only invoke the starter and write its dead letters', () => {
    const role = template.Resources[idOf(stack.scheduling.scheduleRole)]!;
    expect(role.Properties!.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(role.Properties!.Policies).toBeUndefined();
    expect(demo.roleStatements(idOf(stack.scheduling.scheduleRole))).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf(stack.functions.starter), 'Arn'] },
      },
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [idOf(stack.scheduling.deadLetters), 'Arn'] },
      },
    ]);
  });

  it('lets only the evidence handlers touch evidence files, each on evidence/* of the bucket, none delete a version', () => {
    const bucket = idOf(stack.evidence.bucket);
    const s3 = statements().filter(({ statement }) =>
      list(statement.Action).some((a: string) => a.startsWith('s3:')),
    );
    expect(s3.flatMap(({ functions }) => functions).sort()).toEqual([
      'EvidenceDownload',
      'EvidencePresign',
      'EvidenceVerify',
    ]);
    for (const { statement } of s3) {
      expect(list(statement.Resource)).toEqual([
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/evidence/*']] },
      ]);
      expect(list(statement.Action)).not.toContain('s3:DeleteObjectVersion');
    }
  });

  it('lets functions read the signing key: GetParameter on its one SSM parameter, and nothing else of SSM, Secrets Manager or KMS', () => {
    const parameterArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':ssm:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':parameter/thidua/demo/signing-key',
        ],
      ],
    };
    const reads = statements().filter(({ statement }) =>
      list(statement.Action).some((a) => /^(ssm|secretsmanager|kms):/.test(a)),
    );
    expect(reads.length).toBeGreaterThan(0);
    for (const { statement } of reads) {
      expect(statement.Action).toBe('ssm:GetParameter');
      expect(statement.Resource).toEqual(parameterArn);
    }
    expect(grantedTo('ssm:GetParameter')).not.toContain('AssignReviewer');
    expect(grantedTo('ssm:GetParameter')).toContain('DecisionPage');
    // CloudFormation cannot make a SecureString: the stack makes no key of its own.
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).not.toContain('AWS::SecretsManager::Secret');
    expect(types).not.toContain('AWS::SSM::Parameter');
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
});
