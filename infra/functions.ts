/**
 * The functions room: one Lambda function per handler of the table (infra/handlers.ts), each
 * with its role and exactly the grants the table gives it. A handler that starts, answers or
 * names a state machine is made once that machine exists (`provide`): the workflows room makes
 * the machines in an order where that always holds.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DistrictData } from './data.ts';
import { ThiduaFunction } from './function.ts';
import {
  ASYNC_RETRIES,
  ENV,
  HANDLERS,
  type HandlerName,
  type HandlerSpec,
  stateMachineArnVariable,
  type WorkflowName,
} from './handlers.ts';
import type { DistrictMail } from './mail.ts';
import { Room } from './room.ts';
import type { Scheduling } from './scheduling.ts';

export interface HandlerFunctionsProps {
  slug: string;
  /** What every function's environment carries (table, mail, links, district). */
  environment: Record<string, string>;
  data: DistrictData;
  mail: DistrictMail;
  scheduling: Scheduling;
  /** Where a failed asynchronous invocation goes (`asyncFailures` in the table). */
  failures: sqs.IQueue;
}

export class HandlerFunctions extends Room {
  private readonly props: HandlerFunctionsProps;
  private readonly made: Partial<Record<HandlerName, ThiduaFunction>> = {};
  private readonly roles: Partial<Record<HandlerName, iam.Role>> = {};
  private readonly machines: Partial<Record<WorkflowName, sfn.StateMachine>> = {};

  constructor(scope: Construct, id: string, props: HandlerFunctionsProps) {
    super(scope, id);
    this.props = props;
  }

  /** Records the state machine of `workflow`: the handlers that start, answer or name it can be made. */
  provide(workflow: WorkflowName, stateMachine: sfn.StateMachine): void {
    this.machines[workflow] = stateMachine;
  }

  /** The function of handler `name`, made on first use. */
  get(name: HandlerName): ThiduaFunction {
    const made = this.made[name];
    if (made) return made;
    const { fn, role } = this.make(HANDLERS[name]);
    this.made[name] = fn;
    this.roles[name] = role;
    return fn;
  }

  /** The role of handler `name`'s function. */
  roleOf(name: HandlerName): iam.Role {
    this.get(name);
    const role = this.roles[name];
    if (!role) throw new Error(`${name} has no role`);
    return role;
  }

  /** Every function, by handler; throws when a handler of the table was never made. */
  all(): Record<HandlerName, ThiduaFunction> {
    const names = Object.keys(HANDLERS) as HandlerName[];
    const missing = names.filter((name) => !this.made[name]);
    if (missing.length > 0) throw new Error(`No function was made for ${missing.join(', ')}`);
    // Every key was checked above; Object.fromEntries cannot type a record by its keys.
    return Object.fromEntries(names.map((name) => [name, this.get(name)])) as Record<
      HandlerName,
      ThiduaFunction
    >;
  }

  /**
   * Lets the handlers that answer task tokens answer them, once every machine exists. A function
   * a state machine invokes cannot carry that machine's ARN in its default policy (the machine
   * already depends on it: a cycle), so each such grant is a policy of its own, which the function
   * does not depend on.
   */
  grantTaskResponses(): void {
    for (const name of Object.keys(this.all()) as HandlerName[]) {
      const spec: HandlerSpec = HANDLERS[name];
      if (!spec.taskResponse) continue;
      new iam.Policy(this, `${spec.id}TaskResponses`, {
        roles: [this.roleOf(name)],
        statements: [
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: spec.taskResponse.of.map((w) => this.machine(w, spec.id).stateMachineArn),
          }),
        ],
      });
    }
  }

  private machine(workflow: WorkflowName, forWhom: string): sfn.StateMachine {
    const m = this.machines[workflow];
    if (!m) throw new Error(`${forWhom} needs the ${workflow} state machine, which is not built yet`);
    return m;
  }

  private make(spec: HandlerSpec): { fn: ThiduaFunction; role: iam.Role } {
    const { data, mail, scheduling } = this.props;
    const role = new iam.Role(this, `${spec.id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `thidua ${this.props.slug}: ${spec.id}`,
    });
    const fn = new ThiduaFunction(this, spec.id, {
      entry: spec.entry,
      description: spec.description,
      role,
      timeout: spec.timeout,
      memorySize: spec.memorySize ?? 512,
      environment: { ...this.props.environment, ...this.environmentOf(spec) },
    });
    // Its own log group only (instead of AWSLambdaBasicExecutionRole's logs:* on every group).
    fn.logGroupOfFunction.grantWrite(role);
    if (!spec.noTable) role.addToPrincipalPolicy(data.itemAccess());
    if (spec.mail) role.addToPrincipalPolicy(mail.sendAccess());
    if (spec.signingKey) role.addToPrincipalPolicy(data.keyAccess());
    for (const w of spec.startExecution?.of ?? []) this.machine(w, spec.id).grantStartExecution(fn);
    if (spec.schedules) for (const s of scheduling.planningAccess()) role.addToPrincipalPolicy(s);
    if (spec.asyncFailures) {
      fn.configureAsyncInvoke({
        retryAttempts: ASYNC_RETRIES,
        onFailure: new SqsDestination(this.props.failures),
      });
    }
    return { fn, role };
  }

  /** The state machine ARNs it starts or names, and for plan-schedules what its schedules need. */
  private environmentOf(spec: HandlerSpec): Record<string, string> {
    const env: Record<string, string> = {};
    for (const w of spec.knows ?? [])
      env[stateMachineArnVariable(w)] = this.machine(w, spec.id).stateMachineArn;
    const starts = spec.startExecution;
    if (starts?.asMap) {
      env[ENV.stateMachineArns] = Stack.of(this).toJsonString(
        Object.fromEntries(starts.of.map((w) => [w, this.machine(w, spec.id).stateMachineArn])),
      );
    } else {
      for (const w of starts?.of ?? [])
        env[stateMachineArnVariable(w)] = this.machine(w, spec.id).stateMachineArn;
    }
    if (spec.schedules) {
      const { scheduling } = this.props;
      env[ENV.scheduleGroup] = scheduling.group.scheduleGroupName;
      env[ENV.scheduleRoleArn] = scheduling.scheduleRole.roleArn;
      env[ENV.scheduleDlqArn] = scheduling.deadLetters.queueArn;
      env[ENV.starterArn] = this.get('starter').functionArn;
    }
    return env;
  }
}
