/**
 * The workflows room: the five state machines (workflows/*.ts), the log group and the role they
 * share, built in the order their functions need them — a function that starts a machine is
 * made once that machine exists.
 */
import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DistrictConfig } from '#domain/model';
import { CommendationWorkflow } from '#workflows/commendation';
import { LaunchWorkflow } from '#workflows/launch';
import { PeriodWorkflow } from '#workflows/period';
import { ReviewWorkflow } from '#workflows/review';
import { ScoringWorkflow } from '#workflows/scoring';
import type { HandlerFunctions } from './functions.ts';
import type { WorkflowName } from './handlers.ts';
import { Room } from './room.ts';

/** The workflows' constructs, by name. */
export interface WorkflowConstructs {
  launch: LaunchWorkflow;
  review: ReviewWorkflow;
  period: PeriodWorkflow;
  scoring: ScoringWorkflow;
  commendation: CommendationWorkflow;
}

/** What Step Functions needs to deliver a machine's logs and traces: no resource-level permission exists. */
export const MACHINE_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
] as const;

/**
 * The review machine's role as first deployed, which the five machines share: an execution keeps
 * the role it started with through an update of its machine, so this role must stay — reviews
 * wait for weeks.
 */
const MACHINE_ROLE_LOGICAL_ID = 'ReviewStateMachineRole5B365643';

export interface DistrictWorkflowsProps {
  config: DistrictConfig;
  functions: HandlerFunctions;
}

export class DistrictWorkflows extends Room {
  readonly byName: WorkflowConstructs;
  /** Where every state machine logs (without execution data). */
  readonly logGroup: logs.LogGroup;
  /** The role every state machine runs as. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DistrictWorkflowsProps) {
    super(scope, id);
    this.logGroup = this.makeLogGroup();
    this.role = this.makeRole();
    const { scoring, review, period, commendation } = this.machinesStartedByOthers(props);
    const fn = props.functions.get.bind(props.functions);
    // Last: plan-schedules names the starter, which starts every other machine.
    const launch = this.provided(
      props.functions,
      'launch',
      new LaunchWorkflow(this, 'Launch', {
        functions: {
          storeCampaign: fn('storeCampaign'),
          planSchedules: fn('planSchedules'),
          listRecipients: fn('listRecipients'),
          announceLaunch: fn('announceLaunch'),
          recordFailure: fn('recordFailure'),
        },
        logGroup: this.logGroup,
        role: this.role.withoutPolicyUpdates(),
      }),
    );

    this.byName = { launch, review, period, scoring, commendation };
    this.allowInvocations();
  }

  /** Makes `workflow`'s machine known to the functions room, for the handlers that start or name it. */
  private provided<W extends { stateMachine: sfn.StateMachine }>(
    functions: HandlerFunctions,
    name: WorkflowName,
    workflow: W,
  ): W {
    functions.provide(name, workflow.stateMachine);
    return workflow;
  }

  /** The machines other handlers start or answer, in the order those handlers need them. */
  private machinesStartedByOthers({
    config,
    functions,
  }: DistrictWorkflowsProps): Omit<WorkflowConstructs, 'launch'> {
    const fn = functions.get.bind(functions);
    const base = { logGroup: this.logGroup, role: this.role.withoutPolicyUpdates() };
    const recordFailure = fn('recordFailure');
    const provided = <W extends { stateMachine: sfn.StateMachine }>(name: WorkflowName, workflow: W): W =>
      this.provided(functions, name, workflow);

    // Scoring first: closing a period and a late approval start it.
    const scoring = provided(
      'scoring',
      new ScoringWorkflow(this, 'Scoring', {
        functions: {
          computeResults: fn('computeResults'),
          publishResult: fn('publishResult'),
          notifyLeadership: fn('notifyLeadership'),
          recordFailure,
        },
        ...base,
      }),
    );

    const remindWaiting = fn('remindWaiting');
    const review = provided(
      'review',
      new ReviewWorkflow(this, 'Review', {
        functions: {
          assignReviewer: fn('assignReviewer'),
          requestAppraisal: fn('requestAppraisal'),
          escalateReview: remindWaiting,
          requestExplanation: fn('requestExplanation'),
          remindExplanation: remindWaiting,
          recordApproval: fn('recordApproval'),
          markUnappraised: fn('markUnappraised'),
          recordFailure,
        },
        ...base,
      }),
    );

    const period = provided(
      'period',
      new PeriodWorkflow(this, 'Period', {
        functions: {
          openPeriod: fn('openPeriod'),
          listRecipients: fn('listRecipients'),
          inviteUnit: fn('inviteUnit'),
          remindUnit: fn('remindUnit'),
          closePeriod: fn('closePeriod'),
          recordFailure,
        },
        ...base,
      }),
    );

    const commendation = provided(
      'commendation',
      new CommendationWorkflow(this, 'Commendation', {
        functions: {
          proposeCommendations: fn('proposeCommendations'),
          requestVote: fn('requestVote'),
          remindVote: fn('remindVote'),
          tallyVotes: fn('tallyVotes'),
          notifyOutcome: fn('notifyOutcome'),
          recordFailure,
        },
        councilSize: config.council.length,
        ...base,
      }),
    );

    return { scoring, review, period, commendation };
  }

  /**
   * Under /aws/vendedlogs/: CloudWatch Logs lets Step Functions deliver to every such group
   * through one statement of the account's resource policy, instead of adding one per group to
   * that 5,120-character policy (which fills as districts are added). The stack id's UUID makes
   * the name unique to this stack: a deleted stack leaves its group (retained), and a new stack
   * of the same name must not collide with it.
   */
  private makeLogGroup(): logs.LogGroup {
    const stack = Stack.of(this);
    return new logs.LogGroup(this, 'StateMachineVendedLogs', {
      logGroupName: `/aws/vendedlogs/states/${stack.stackName}-${Fn.select(2, Fn.split('/', stack.stackId))}`,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * One role for the five machines (a machine does only what its definition in this template
   * says, so sharing gives nothing new to any code). Its own policy holds only the delivery of
   * logs and traces; each function a machine invokes allows the role in its resource policy
   * (`allowInvocations`). The machines' own grants would put every function's ARN in the role's
   * policy: a cycle (closing a period names the scoring machine) and, with five machines, near
   * IAM's 10,240 characters of inline policy per role.
   */
  private makeRole(): iam.Role {
    const role = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    });
    (role.node.defaultChild as iam.CfnRole).overrideLogicalId(MACHINE_ROLE_LOGICAL_ID);
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...MACHINE_DELIVERY_ACTIONS], resources: ['*'] }),
    );
    return role;
  }

  /** Lets the machines' role invoke each function a machine invokes, and no other. */
  private allowInvocations(): void {
    const invoked = new Set<lambda.IFunction>();
    for (const workflow of Object.values(this.byName) as { functions: Record<string, lambda.IFunction> }[]) {
      for (const f of Object.values(workflow.functions)) invoked.add(f);
    }
    for (const f of invoked) {
      f.addPermission('InvokedByStateMachines', {
        principal: new iam.ArnPrincipal(this.role.roleArn),
        action: 'lambda:InvokeFunction',
      });
    }
  }

  /** The state machines, by workflow. */
  stateMachines(): Record<WorkflowName, sfn.StateMachine> {
    const w = this.byName;
    return {
      launch: w.launch.stateMachine,
      review: w.review.stateMachine,
      period: w.period.stateMachine,
      scoring: w.scoring.stateMachine,
      commendation: w.commendation.stateMachine,
    };
  }
}
