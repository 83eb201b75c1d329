/**
 * The alarms room: what an operator must hear about. No notification target yet: the README says
 * to subscribe them after deploying.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { WorkflowName } from './handlers.ts';
import { Room } from './room.ts';
import { SWEEP_EVERY } from './scheduling.ts';
import type { WorkflowConstructs } from './workflows.ts';

export interface AlarmsProps {
  slug: string;
  workflows: WorkflowConstructs;
  sweep: lambda.IFunction;
  scheduleDeadLetters: sqs.IQueue;
  starterFailures: sqs.IQueue;
}

const PERIOD = Duration.minutes(5);

export class Alarms extends Room {
  /** Failed or timed-out executions, one alarm per state machine. */
  readonly executionAlarms: Record<WorkflowName, cloudwatch.Alarm>;
  readonly sweepFailing: cloudwatch.Alarm;
  readonly scheduleDeadLetters: cloudwatch.Alarm;
  readonly starterFailures: cloudwatch.Alarm;
  private readonly slug: string;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.slug = props.slug;
    const executionAlarm = (workflow: WorkflowName) => {
      const { stateMachine: m, node } = props.workflows[workflow];
      return this.onAny(
        `${node.id}ExecutionsFailed`,
        `a ${workflow} execution failed or timed out (see RecordFailure's email and the execution history).`,
        new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
          usingMetrics: {
            failed: m.metricFailed({ statistic: 'Sum', period: PERIOD }),
            timedOut: m.metricTimedOut({ statistic: 'Sum', period: PERIOD }),
          },
          period: PERIOD,
          label: `failed or timed-out ${workflow} executions`,
        }),
      );
    };
    this.executionAlarms = {
      launch: executionAlarm('launch'),
      review: executionAlarm('review'),
      period: executionAlarm('period'),
      scoring: executionAlarm('scoring'),
      commendation: executionAlarm('commendation'),
    };
    this.sweepFailing = new cloudwatch.Alarm(this, 'SweepFailing', {
      alarmDescription: `thidua ${props.slug}: the sweep failed three runs in a row; recorded decisions may not reach their workflows.`,
      metric: props.sweep.metricErrors({ statistic: 'Sum', period: SWEEP_EVERY }),
      threshold: 1,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.scheduleDeadLetters = this.onAny(
      'ScheduleDeadLettersAlarm',
      'a calendar schedule could not invoke the starter (its event is in the schedules’ dead-letter queue): a period event or a commendation did not start.',
      props.scheduleDeadLetters.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: PERIOD,
      }),
    );
    this.starterFailures = this.onAny(
      'StarterFailuresAlarm',
      'the starter failed to start a scheduled execution after its retries (the event is in its on-failure queue).',
      props.starterFailures.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: PERIOD,
      }),
    );
  }

  private onAny(alarmId: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, alarmId, {
      alarmDescription: `thidua ${this.slug}: ${description}`,
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}
