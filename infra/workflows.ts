/**
 * The workflows room: the five state machines (workflows/*.ts) and the log group they share,
 * built in the order their functions need them — a function that starts a machine is made once
 * that machine exists.
 */
import { Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { DistrictConfig, ReportingCalendar } from '#domain/model';
import { CommendationWorkflow } from '#workflows/commendation';
import { LaunchWorkflow } from '#workflows/launch';
import { PeriodWorkflow } from '#workflows/period';
import { ReviewWorkflow } from '#workflows/review';
import { ScoringWorkflow } from '#workflows/scoring';
import type { HandlerFunctions } from './functions.ts';
import type { WorkflowName } from './handlers.ts';
import { Room } from './room.ts';

/**
 * How long a reviewer has before the admin is told, and a unit before it is reminded: half the
 * review window (`calendar.reviewDays`), between 1 and 7 days. The wait then continues until the
 * late-appraisal deadline (docs/review.md). Whole days, far below the local interpreter's 24-day
 * timer limit.
 */
export function reviewWaits(calendar: ReportingCalendar): {
  reviewerResponseDays: number;
  explanationDays: number;
} {
  const days = Math.min(7, Math.max(1, Math.floor(calendar.reviewDays / 2)));
  return { reviewerResponseDays: days, explanationDays: days };
}

/** The workflows' constructs, by name. */
export interface WorkflowConstructs {
  launch: LaunchWorkflow;
  review: ReviewWorkflow;
  period: PeriodWorkflow;
  scoring: ScoringWorkflow;
  commendation: CommendationWorkflow;
}

export interface DistrictWorkflowsProps {
  config: DistrictConfig;
  functions: HandlerFunctions;
}

export class DistrictWorkflows extends Room {
  readonly byName: WorkflowConstructs;
  /** Where every state machine logs (without execution data). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DistrictWorkflowsProps) {
    super(scope, id);
    const { config, functions } = props;
    const fn = functions.get.bind(functions);
    // Under /aws/vendedlogs/: CloudWatch Logs lets Step Functions deliver to every such group
    // through one statement of the account's resource policy, instead of adding one per group to
    // that 5,120-character policy (which fills as districts are added). The stack id's UUID
    // makes the name unique to this stack: a deleted stack leaves its group (retained), and a new
    // stack of the same name must not collide with it.
    const stack = Stack.of(this);
    const logGroup = new logs.LogGroup(this, 'StateMachineVendedLogs', {
      logGroupName: `/aws/vendedlogs/states/${stack.stackName}-${Fn.select(2, Fn.split('/', stack.stackId))}`,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup = logGroup;
    const recordFailure = fn('recordFailure');
    const provided = <W extends { stateMachine: sfn.StateMachine }>(name: WorkflowName, workflow: W): W => {
      functions.provide(name, workflow.stateMachine);
      return workflow;
    };

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
        logGroup,
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
        ...reviewWaits(config.calendar),
        logGroup,
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
        logGroup,
      }),
    );

    const commendation = provided(
      'commendation',
      new CommendationWorkflow(this, 'Commendation', {
        functions: {
          proposeCommendations: fn('proposeCommendations'),
          requestVote: fn('requestVote'),
          tallyVotes: fn('tallyVotes'),
          notifyOutcome: fn('notifyOutcome'),
          recordFailure,
        },
        voteDays: config.commendation.council.voteDays,
        councilSize: config.council.length,
        logGroup,
      }),
    );

    // Last: plan-schedules names the starter, which starts every other machine.
    const launch = provided(
      'launch',
      new LaunchWorkflow(this, 'Launch', {
        functions: {
          storeCampaign: fn('storeCampaign'),
          planSchedules: fn('planSchedules'),
          listRecipients: fn('listRecipients'),
          announceLaunch: fn('announceLaunch'),
          recordFailure,
        },
        logGroup,
      }),
    );

    this.byName = { launch, review, period, scoring, commendation };
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
