/**
 * The `launch` state machine: the admin stores the campaign (a new version) and launches it
 * (execution `launch-v<version>-<hash12>`, input `{campaignVersion, contentHash}`,
 * workflows/executions.ts). docs/cycle.md; the states:
 *
 *   StoreCampaign → PlanSchedules → ListLaunchRecipients → AnnounceLaunch (Map: SendLaunchNotice) → CampaignLaunched
 *   any error → RecordFailure → LaunchFailed
 *
 * StoreCampaign reads back the stored version (a newer one supersedes this launch: every later
 * step then does nothing); PlanSchedules creates or updates, in one call, every one-time schedule
 * of the calendar (each period's open, remind, deadline and close; the commendations); every
 * unit's focal point and every reviewer then gets the launch notice, one outbox identity each
 * (the list step's items are bare addressee ids, `unit:<id>` or `reviewer:<id>`, one per address).
 * Every step is re-entrant: the same launch started again repeats no email.
 *
 * The state after StoreCampaign is `{campaignVersion, superseded, periods}`: ids, never the config.
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
    const campaignVersion = sfn.JsonPath.numberAt('$.campaignVersion');

    const storeCampaign = failure.catchAll(
      lambdaStep(
        this,
        'StoreCampaign',
        f.storeCampaign,
        { campaignVersion, contentHash: sfn.JsonPath.stringAt('$.contentHash') },
        {
          resultSelector: {
            'campaignVersion.$': '$.Payload.campaignVersion',
            'superseded.$': '$.Payload.superseded',
            'periods.$': '$.Payload.periods',
          },
          resultPath: REPLACE_STATE,
        },
      ),
    );
    const planSchedules = failure.catchAll(
      lambdaStep(
        this,
        'PlanSchedules',
        f.planSchedules,
        { campaignVersion },
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
        { purpose: 'launch', campaignVersion },
        { resultSelector: { 'items.$': '$.Payload.items' }, resultPath: '$.recipients' },
      ),
    );
    const announceLaunch = failure
      .catchAll(
        eachItem(this, 'AnnounceLaunch', {
          comment: 'The launch notice (plan content, 05T/05K) to every focal point and reviewer.',
          itemsPath: '$.recipients.items',
          itemSelector: { recipientId: sfn.JsonPath.stringAt('$$.Map.Item.Value'), campaignVersion },
        }),
      )
      .itemProcessor(
        lambdaStep(this, 'SendLaunchNotice', f.announceLaunch, {
          recipientId: sfn.JsonPath.stringAt('$.recipientId'),
          campaignVersion,
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
