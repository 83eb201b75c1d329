/**
 * The `launch` state machine: the admin launches the campaign of the district config (execution
 * `launch-<sha256(config)[0:12]>`, input `{config, criteriaSets}`). docs/cycle.md; the states:
 *
 *   StoreCampaign → PlanSchedules → ListLaunchRecipients → AnnounceLaunch (Map: SendLaunchNotice) → CampaignLaunched
 *   any error → RecordFailure → LaunchFailed
 *
 * StoreCampaign validates the config again and stores the campaign, units, people and periods
 * (skipping what exists); PlanSchedules creates or updates, in one call, every one-time schedule
 * of the stored calendar (each period's open, remind, deadline and close; the commendations);
 * every unit's focal point and every reviewer then gets the launch notice, one outbox identity
 * each (the list step's items are `{recipient: {unitIds, reviewerId?}}`, one per address). Every step is re-entrant: the same launch started again repeats no email.
 *
 * After StoreCampaign the state is only `{periods}` (the config, up to 256 KB for 1,000 units,
 * is not carried through the rest of the execution).
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  eachItem,
  FailurePath,
  lambdaStep,
  REPLACE_STATE,
  type WorkflowBaseProps,
  workflowStateMachine,
} from './common.ts';

/** What `thidua launch` (or the local launch command) starts the execution with. */
export interface LaunchInput {
  config: unknown;
  criteriaSets: unknown[];
}

export interface LaunchFunctions {
  storeCampaign: lambda.IFunction;
  planSchedules: lambda.IFunction;
  listRecipients: lambda.IFunction;
  announceLaunch: lambda.IFunction;
  recordFailure: lambda.IFunction;
}

export interface LaunchWorkflowProps extends WorkflowBaseProps {
  functions: LaunchFunctions;
}

export class LaunchWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: LaunchFunctions;

  constructor(scope: Construct, id: string, props: LaunchWorkflowProps) {
    super(scope, id);
    const f = props.functions;
    this.functions = f;
    const failure = new FailurePath(this, { recordFailure: f.recordFailure, failedId: 'LaunchFailed' });

    const storeCampaign = failure.catchAll(
      lambdaStep(
        this,
        'StoreCampaign',
        f.storeCampaign,
        {
          config: sfn.JsonPath.objectAt('$.config'),
          criteriaSets: sfn.JsonPath.listAt('$.criteriaSets'),
        },
        { resultSelector: { 'periods.$': '$.Payload.periods' }, resultPath: REPLACE_STATE },
      ),
    );
    const planSchedules = failure.catchAll(
      lambdaStep(
        this,
        'PlanSchedules',
        f.planSchedules,
        {},
        {
          resultSelector: {
            'created.$': '$.Payload.created',
            'updated.$': '$.Payload.updated',
            'unchanged.$': '$.Payload.unchanged',
            'skippedPast.$': '$.Payload.skippedPast',
          },
          resultPath: '$.schedules',
        },
      ),
    );
    const listRecipients = failure.catchAll(
      lambdaStep(
        this,
        'ListLaunchRecipients',
        f.listRecipients,
        { purpose: 'launch' },
        { resultSelector: { 'items.$': '$.Payload.items' }, resultPath: '$.recipients' },
      ),
    );
    const announceLaunch = failure
      .catchAll(
        eachItem(this, 'AnnounceLaunch', {
          comment: 'The launch notice (plan content, 05T/05K) to every focal point and reviewer.',
          itemsPath: '$.recipients.items',
          itemSelector: { recipient: sfn.JsonPath.objectAt('$$.Map.Item.Value.recipient') },
        }),
      )
      .itemProcessor(
        lambdaStep(this, 'SendLaunchNotice', f.announceLaunch, {
          recipient: sfn.JsonPath.objectAt('$.recipient'),
        }),
      );

    const definition = storeCampaign
      .next(planSchedules)
      .next(listRecipients)
      .next(announceLaunch)
      .next(new sfn.Succeed(this, 'CampaignLaunched'));

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment:
        'Launch of the campaign: store it, schedule its calendar, announce it to every unit and reviewer.',
      logGroup: props.logGroup,
      role: props.role,
    });
  }
}
