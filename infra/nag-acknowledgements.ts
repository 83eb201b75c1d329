/**
 * Every cdk-nag (AwsSolutions) finding the district stack keeps, in one place, each acknowledged
 * on the narrowest construct (the CloudFormation resource itself) with its exact finding id and
 * the reason. The README lists `NAG_REASONS`. A finding not acknowledged here fails synthesis.
 */
import { type CfnElement, type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/** The reasons, by what they cover (the README's table of acknowledged findings). */
export const NAG_REASONS = {
  functionTracing:
    'X-Ray tracing (pass-through, within sampled executions): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
    'permission, so their statement names "*"; it holds those two actions only.',
  stateMachineDelivery:
    'Step Functions logging (CloudWatch Logs vended delivery: logs:CreateLogDelivery and the like) and ' +
    "X-Ray tracing support no resource-level permission; the state machines' role holds exactly the actions " +
    'CDK grants for logging ALL and tracing, and nothing else (the functions it invokes allow it in their own ' +
    'resource policies).',
  invokeVersions:
    'lambda:InvokeFunction on "<function ARN>:*" covers the versions and aliases of this one function ' +
    '(added by the Scheduler Lambda integration); no other function is reachable.',
  pagesAuthorization:
    'The pages authorize in the handler: /r and /d links carry a key id, an expiry and an HMAC-SHA256 ' +
    'signature checked before any read; admin pages need the session cookie from an emailed, signed, ' +
    'single-use sign-in link. Recipients have no AWS or OIDC identity an API Gateway authorizer could check.',
  scheduleGroupScope:
    'plan-schedules creates, reads, updates and deletes the one-time schedules of the calendar, whose names ' +
    '(period-<p>-<event>, commendation-<cycle>-<n>) are made at run time: the resource is every schedule of ' +
    "this district's own schedule group (schedule/<group>/*), and no other group.",
  sweepSchedules:
    'The sweep plans its runs on demand as one-time schedules named by the minute they run (sweep-<yyyymmddThhmm>), ' +
    "made at run time: it may create schedules named sweep-* in this district's own schedule group, nothing else " +
    '(no update, read or delete: they delete themselves once fired).',
  deadLetterQueue:
    "This queue is itself where failures end (the calendar schedules' dead letters, the starter's and the " +
    "sweep's on-failure destination, failed executions): a message there is kept 14 days for the operator to " +
    'read and has an alarm; a queue behind it would only hide it further.',
  evidenceObjects:
    'Evidence keys are made at run time (evidence/<unit>/<period>/r<round>/<random id>-<name>): each role ' +
    "holds only its own actions (sign uploads; check; sign downloads) on the evidence/ prefix of this district's " +
    'bucket, and none may delete a version or change the bucket.',
  evidenceLogBucket:
    "The evidence bucket's server access logs land in this bucket; a log bucket does not log itself (its " +
    'own access would only be recorded into itself).',
} as const;

export interface NagAcknowledgement {
  /** The construct path it is recorded on. */
  path: string;
  id: string;
  reason: string;
}

/** Actions a `Resource: *` statement of a function's role may hold (see `functionTracing`). */
const TRACING_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

/** What the acknowledgements are recorded on: the parts of a district stack that keep findings. */
export interface NagSubjects {
  /** Every function's role. */
  functionRoles: iam.Role[];
  /** The role the state machines share. */
  machineRole: iam.Role;
  sweep: lambda.IFunction;
  sweepScheduleRole: iam.Role;
  planSchedulesRole: iam.Role;
  /** The role of the sweep, and `schedule/<group>/sweep-*`, which it may create. */
  sweepRole: iam.Role;
  sweepSchedulesArn: string;
  /** `schedule/<group>/*` of the stack's schedule group. */
  schedulesArn: string;
  /** Queues where failures end (themselves dead-letter queues). */
  deadLetterQueues: sqs.Queue[];
  routes: apigwv2.HttpRoute[];
  evidence: {
    /** The roles of the presign, verify and download handlers. */
    roles: iam.Role[];
    /** `<bucket ARN>/evidence/*`. */
    objectsArn: string;
    accessLogs: s3.Bucket;
  };
}

/** Acknowledges the findings of `stack` and returns what it acknowledged. */
export function acknowledgeNagFindings(stack: Stack, subjects: NagSubjects): NagAcknowledgement[] {
  const done: NagAcknowledgement[] = [];
  const ack = (scope: IConstruct, id: string, reason: string) => {
    Validations.of(scope).acknowledge({ id, reason });
    done.push({ path: scope.node.path, id, reason });
  };
  const arnOf = (fn: lambda.IFunction) =>
    `<${Stack.of(fn).getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>`;
  const policyResource = (role: iam.IRole) =>
    (role.node.findChild('DefaultPolicy') as iam.Policy).node.defaultChild as CfnResource;

  for (const role of new Set(subjects.functionRoles)) {
    assertOnlyTracingOnStar(stack, role);
    ack(policyResource(role), 'AwsSolutions-IAM5[Resource::*]', NAG_REASONS.functionTracing);
  }

  ack(
    policyResource(subjects.machineRole),
    'AwsSolutions-IAM5[Resource::*]',
    NAG_REASONS.stateMachineDelivery,
  );

  ack(
    policyResource(subjects.sweepScheduleRole),
    `AwsSolutions-IAM5[Resource::${arnOf(subjects.sweep)}:*]`,
    NAG_REASONS.invokeVersions,
  );

  ack(
    policyResource(subjects.planSchedulesRole),
    `AwsSolutions-IAM5[Resource::${nagArn(stack, subjects.schedulesArn)}]`,
    NAG_REASONS.scheduleGroupScope,
  );
  ack(
    policyResource(subjects.sweepRole),
    `AwsSolutions-IAM5[Resource::${nagArn(stack, subjects.sweepSchedulesArn)}]`,
    NAG_REASONS.sweepSchedules,
  );
  for (const queue of subjects.deadLetterQueues) {
    ack(queue.node.defaultChild as CfnResource, 'AwsSolutions-SQS3', NAG_REASONS.deadLetterQueue);
  }

  for (const route of subjects.routes) {
    ack(route.node.defaultChild as CfnResource, 'AwsSolutions-APIG4', NAG_REASONS.pagesAuthorization);
  }

  for (const role of new Set(subjects.evidence.roles)) {
    ack(
      policyResource(role),
      `AwsSolutions-IAM5[Resource::${nagArn(stack, subjects.evidence.objectsArn)}]`,
      NAG_REASONS.evidenceObjects,
    );
  }
  ack(
    subjects.evidence.accessLogs.node.defaultChild as CfnResource,
    'AwsSolutions-S1',
    NAG_REASONS.evidenceLogBucket,
  );
  return done;
}

/**
 * An ARN as cdk-nag writes it in a finding id: a literal ARN as is, a joined one with its pseudo
 * parameters as `<AWS::Region>` and references as `<LogicalId>` / `<LogicalId.Attribute>`.
 */
function nagArn(stack: Stack, arn: string): string {
  const resolved = stack.resolve(arn) as unknown;
  const part = (p: unknown): string => {
    if (typeof p === 'string') return p;
    const o = p as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
    if (o.Ref) return `<${o.Ref}>`;
    if (o['Fn::GetAtt']) return `<${o['Fn::GetAtt'].join('.')}>`;
    throw new Error(`nagArn: cannot render ${JSON.stringify(p)}`);
  };
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return part(resolved);
  return join[1].map(part).join(join[0]);
}

/** The tracing acknowledgement is only honest while `*` carries nothing but the X-Ray actions. */
function assertOnlyTracingOnStar(stack: Stack, role: iam.Role): void {
  const policy = role.node.findChild('DefaultPolicy') as iam.Policy;
  const doc = stack.resolve(policy.document.toJSON()) as {
    Statement?: { Action: string | string[]; Resource: unknown }[];
  };
  for (const s of doc.Statement ?? []) {
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.includes('*')) continue;
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    const others = actions.filter((a) => !TRACING_ACTIONS.has(a));
    if (others.length > 0) {
      throw new Error(
        `${role.node.path}: "Resource: *" grants more than X-Ray tracing: ${others.join(', ')}`,
      );
    }
  }
}
