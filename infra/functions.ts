/**
 * The functions room: one Lambda function per handler of the table (infra/handlers.ts). Handlers
 * whose grants in the table are identical share one role and one log group (Lambda names each
 * log stream after its function), so no function holds a right it does not use and a stack
 * needs a dozen roles, not one per function. A handler that starts, answers or names a state
 * machine is made once that machine exists (`provide`): the workflows room makes the machines
 * in an order where that always holds.
 */
import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DistrictData } from './data.ts';
import type { EvidenceStore } from './evidence.ts';
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
  evidence: EvidenceStore;
}

/** One role and the log group its functions write to. */
interface Identity {
  role: iam.Role;
  logGroup: logs.LogGroup;
  /** The ids of the handlers it serves. */
  handlers: string[];
}

const pascal = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * A handler's grants as a name, e.g. `TableMailSigningKeyAnswersReview`: the construct id of the
 * role (and log group) every handler with the same grants shares. Environment-only knowledge of
 * a machine (`knows`) grants nothing and is no part of it.
 */
export function grantsName(spec: HandlerSpec): string {
  const machines = (ws: readonly WorkflowName[] | undefined) => [...(ws ?? [])].sort().map(pascal).join('');
  return [
    spec.noTable ? '' : 'Table',
    spec.mail ? 'Mail' : '',
    spec.signingKey ? 'SigningKey' : '',
    spec.taskResponse ? `Answers${machines(spec.taskResponse.of)}` : '',
    spec.startExecution ? `Starts${machines(spec.startExecution.of)}` : '',
    spec.schedules ? 'Schedules' : '',
    spec.asyncFailures ? 'Failures' : '',
    spec.evidence ? `Evidence${pascal(spec.evidence.access)}` : '',
    spec.triggersSweep ? 'TriggersSweep' : '',
    spec.plansSweeps ? 'PlansSweeps' : '',
  ].join('');
}

export class HandlerFunctions extends Room {
  private readonly props: HandlerFunctionsProps;
  private readonly made: Partial<Record<HandlerName, ThiduaFunction>> = {};
  private readonly identities = new Map<string, Identity>();
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
    const fn = this.make(HANDLERS[name]);
    this.made[name] = fn;
    return fn;
  }

  /** The role of handler `name`'s function (shared with every handler of the same grants). */
  roleOf(name: HandlerName): iam.Role {
    this.get(name);
    return this.identity(HANDLERS[name]).role;
  }

  /** Every role, with the ids of the handlers it serves. */
  roles(): { role: iam.Role; handlers: string[] }[] {
    return [...this.identities.values()].map(({ role, handlers }) => ({ role, handlers }));
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
   * Lets the roles whose handlers answer task tokens answer them, once every machine exists. A
   * function a state machine invokes cannot carry that machine's ARN in its role's default policy
   * (the machine already depends on it: a cycle), so each such grant is a policy of its own,
   * which the function does not depend on.
   */
  grantTaskResponses(): void {
    this.all();
    const answering = new Map<string, HandlerSpec>();
    for (const spec of Object.values(HANDLERS) as HandlerSpec[]) {
      if (spec.taskResponse) answering.set(grantsName(spec), spec);
    }
    for (const [name, spec] of answering) {
      new iam.Policy(this, `${name}TaskResponses`, {
        roles: [this.identity(spec).role],
        statements: [
          new iam.PolicyStatement({
            actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
            resources: (spec.taskResponse?.of ?? []).map((w) => this.machine(w, spec.id).stateMachineArn),
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

  private identity(spec: HandlerSpec): Identity {
    const name = grantsName(spec);
    const known = this.identities.get(name);
    if (known) return known;
    const handlers: string[] = [];
    const identity: Identity = {
      role: new iam.Role(this, `${name}Role`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        // The handlers are known once every function is made.
        description: Lazy.string({ produce: () => `thidua ${this.props.slug}: ${handlers.join(', ')}` }),
      }),
      logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_YEAR }),
      handlers,
    };
    this.identities.set(name, identity);
    this.grant(identity, spec);
    return identity;
  }

  /** What every handler of these grants may do, given once to their shared role. */
  private grant({ role, logGroup }: Identity, spec: HandlerSpec): void {
    const { data, mail, scheduling } = this.props;
    // Its own log group only (instead of AWSLambdaBasicExecutionRole's logs:* on every group).
    logGroup.grantWrite(role);
    if (!spec.noTable) role.addToPrincipalPolicy(data.itemAccess());
    if (spec.mail) role.addToPrincipalPolicy(mail.sendAccess());
    if (spec.signingKey) role.addToPrincipalPolicy(data.keyAccess());
    for (const w of spec.startExecution?.of ?? []) this.machine(w, spec.id).grantStartExecution(role);
    if (spec.schedules) for (const s of scheduling.planningAccess()) role.addToPrincipalPolicy(s);
    if (spec.evidence) role.addToPrincipalPolicy(this.props.evidence.access(spec.evidence.access));
    if (spec.plansSweeps) for (const s of scheduling.sweepPlanningAccess()) role.addToPrincipalPolicy(s);
    if (spec.triggersSweep) {
      // Invoking the function itself, asynchronously: no version or alias (`:*`) is needed.
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.get('sweep').functionArn],
        }),
      );
    }
    if (spec.asyncFailures) {
      // Lambda delivers a failed asynchronous invocation with SendMessage alone (CDK's
      // SqsDestination would also grant reading the queue's attributes and URL).
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.props.failures.queueArn] }),
      );
    }
  }

  private make(spec: HandlerSpec): ThiduaFunction {
    const identity = this.identity(spec);
    identity.handlers.push(spec.id);
    const fn = new ThiduaFunction(this, spec.id, {
      entry: spec.entry,
      description: spec.description,
      role: identity.role,
      logGroup: identity.logGroup,
      timeout: spec.timeout,
      memorySize: spec.memorySize ?? 512,
      environment: { ...this.props.environment, ...this.environmentOf(spec) },
      ...(spec.define ? { bundling: { define: spec.define() } } : {}),
    });
    if (spec.asyncFailures) {
      const failures: lambda.IDestination = { bind: () => ({ destination: this.props.failures.queueArn }) };
      fn.configureAsyncInvoke({ retryAttempts: ASYNC_RETRIES, onFailure: failures });
    }
    return fn;
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
    if (spec.triggersSweep) env[ENV.sweepFunctionArn] = this.get('sweep').functionArn;
    if (spec.plansSweeps) {
      env[ENV.scheduleGroup] = this.props.scheduling.group.scheduleGroupName;
      env[ENV.sweepScheduleRoleArn] = this.props.scheduling.sweepScheduleRole.roleArn;
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
