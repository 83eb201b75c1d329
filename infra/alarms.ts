/**
 * The alarms room: every failure path of the district ends in one queue, watched by one alarm.
 * CloudWatch bills an alarm per metric it reads (a metric-math alarm over two metrics costs two),
 * so one queue and one alarm on it cost one alarm metric, however many paths feed it:
 *
 * - a failed or timed-out execution of any of the five state machines (an EventBridge rule on
 *   their status changes; RecordFailure has already emailed the admins the error);
 * - a calendar event Scheduler could not deliver to the starter (the schedules' dead-letter queue);
 * - a start the starter, or a run the sweep, could not make after Lambda's retries (their
 *   asynchronous on-failure destination).
 *
 * A message stays until the operator has read it and purged it (or for 14 days), and the alarm
 * stays on as long as one is there. No notification target yet: the README says to subscribe it.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { Room } from './room.ts';

/** How long a failure waits in the queue for the operator: SQS's maximum. */
export const FAILURE_RETENTION = Duration.days(14);

/** The execution statuses that are failures (ABORTED is an operator's own act). */
export const FAILED_EXECUTION_STATUSES = ['FAILED', 'TIMED_OUT'] as const;

export interface AlarmsProps {
  slug: string;
}

export class Alarms extends Room {
  /** Where every failure lands. */
  readonly failures: sqs.Queue;
  /** On as long as a failure waits in the queue. */
  readonly failuresAlarm: cloudwatch.Alarm;
  private readonly slug: string;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.slug = props.slug;
    // The id the queue was first deployed with, as the schedules' dead-letter queue: every
    // schedule made at run time carries its ARN.
    this.failures = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: FAILURE_RETENTION,
    });
    this.failuresAlarm = new cloudwatch.Alarm(this, 'FailuresAlarm', {
      alarmDescription:
        `thidua ${props.slug}: a failure waits in the failures queue — a failed or timed-out execution ` +
        '(RecordFailure emailed the admins), a calendar event Scheduler could not deliver to the starter, ' +
        'a start the starter could not make, or a sweep run that failed. Read the messages, act, then purge the queue.',
      metric: this.failures.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Sends every failed or timed-out execution of `stateMachines` to the queue: which execution
   * and how it ended, never its input or output (execution data is never logged either).
   */
  watchExecutions(stateMachines: sfn.IStateMachine[]): events.Rule {
    return new events.Rule(this, 'ExecutionFailures', {
      description: `thidua ${this.slug}: failed or timed-out executions into the failures queue`,
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: [...FAILED_EXECUTION_STATUSES],
          stateMachineArn: stateMachines.map((m) => m.stateMachineArn),
        },
      },
      targets: [
        new targets.SqsQueue(this.failures, {
          message: events.RuleTargetInput.fromObject({
            failure: 'execution',
            status: events.EventField.fromPath('$.detail.status'),
            executionArn: events.EventField.fromPath('$.detail.executionArn'),
            stateMachineArn: events.EventField.fromPath('$.detail.stateMachineArn'),
            time: events.EventField.time,
          }),
        }),
      ],
    });
  }
}
