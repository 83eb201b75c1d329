/**
 * The `period` state machine: one short execution per calendar event of a period, started by
 * that event's one-time schedule through the starter (`period-2024Q3-open`, input
 * `{periodId, event}`). docs/cycle.md; the states:
 *
 *   CalendarEvent ─ open     → MarkOpen → ListUnitsToInvite → InviteUnits (Map: InviteUnit) → PeriodOpened
 *                 ─ remind   → ListUnsubmitted → RemindUnits (Map: RemindUnit) → RemindersSent
 *                 ─ deadline → MarkLateUnits → SendLateNotices (Map: SendLateNotice) → LateNoticesSent
 *                 ─ close    → CloseReview → ReviewClosed
 *                 ─ other    → UnknownEvent (Fail)
 *   any error → RecordFailure → PeriodFailed
 *
 * The list steps return `{items: [unitId, …]}` (bare ids; each Map's ItemSelector adds the period):
 * open lists the units not yet invited, remind
 * the units without a submitted report, deadline the same and marks them late. CloseReview
 * closes the review window, alerts the admins of unappraised units and starts
 * `scoring-<period>-v1` (`ExecutionAlreadyExists` is success). Each Map runs 10 units at a time.
 *
 * Size: the open execution is the largest: about 20 + 7·n weighted history events for n units
 * (5 per Task state, 2 per Map iteration), so 1,000 units (500 per group) stay near 7,000 of
 * the 25,000 a Standard execution may have (test/workflows/cycle-asl.test.ts counts them).
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  eachItem,
  FailurePath,
  lambdaStep,
  stringIs,
  type WorkflowBaseProps,
  workflowStateMachine,
} from './common.ts';
import { PERIOD_EVENTS } from './executions.ts';

/** The error an execution with an event outside `PERIOD_EVENTS` fails with. */
export const UNKNOWN_EVENT_ERROR = 'Period.UnknownEvent';

export interface PeriodFunctions {
  openPeriod: lambda.IFunction;
  listRecipients: lambda.IFunction;
  inviteUnit: lambda.IFunction;
  remindUnit: lambda.IFunction;
  closePeriod: lambda.IFunction;
  recordFailure: lambda.IFunction;
}

export interface PeriodWorkflowProps extends WorkflowBaseProps {
  functions: PeriodFunctions;
}

export class PeriodWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: PeriodFunctions;

  constructor(scope: Construct, id: string, props: PeriodWorkflowProps) {
    super(scope, id);
    const f = props.functions;
    this.functions = f;
    const periodId = sfn.JsonPath.stringAt('$.periodId');
    const failure = new FailurePath(this, {
      recordFailure: f.recordFailure,
      failedId: 'PeriodFailed',
      about: { periodId },
    });

    /** A list step of list-recipients: `{items}` at `$.units`. */
    const listUnits = (name: string, purpose: 'invite' | 'remind' | 'late') =>
      failure.catchAll(
        lambdaStep(
          this,
          name,
          f.listRecipients,
          { purpose, periodId },
          { resultSelector: { 'items.$': '$.Payload.items' }, resultPath: '$.units' },
        ),
      );
    /** A Map over `$.units.items`, 10 units at a time, each iteration `{unitId, periodId}`. */
    const eachUnit = (name: string, comment: string, step: sfn.IChainable) =>
      failure
        .catchAll(
          eachItem(this, name, {
            comment,
            itemsPath: '$.units.items',
            itemSelector: { unitId: sfn.JsonPath.stringAt('$$.Map.Item.Value'), periodId },
          }),
        )
        .itemProcessor(step);
    const unitPeriod = { unitId: sfn.JsonPath.stringAt('$.unitId'), periodId };

    // ---------------------------------------------------------------- open
    const open = failure
      .catchAll(lambdaStep(this, 'MarkOpen', f.openPeriod, { periodId }))
      .next(listUnits('ListUnitsToInvite', 'invite'))
      .next(
        eachUnit(
          'InviteUnits',
          'The report link and the invitation to every unit not yet invited.',
          lambdaStep(this, 'InviteUnit', f.inviteUnit, unitPeriod),
        ),
      )
      .next(new sfn.Succeed(this, 'PeriodOpened'));

    // ---------------------------------------------------------------- remind
    const remind = listUnits('ListUnsubmitted', 'remind')
      .next(
        eachUnit(
          'RemindUnits',
          'A reminder to every unit without a submitted report.',
          lambdaStep(this, 'RemindUnit', f.remindUnit, { ...unitPeriod, kind: 'remind' }),
        ),
      )
      .next(new sfn.Succeed(this, 'RemindersSent'));

    // ---------------------------------------------------------------- deadline
    const deadline = listUnits('MarkLateUnits', 'late')
      .next(
        eachUnit(
          'SendLateNotices',
          'The late notice to every unit marked late.',
          lambdaStep(this, 'SendLateNotice', f.remindUnit, { ...unitPeriod, kind: 'late' }),
        ),
      )
      .next(new sfn.Succeed(this, 'LateNoticesSent'));

    // ---------------------------------------------------------------- close
    const close = failure
      .catchAll(lambdaStep(this, 'CloseReview', f.closePeriod, { periodId }))
      .next(new sfn.Succeed(this, 'ReviewClosed'));

    const [openEvent, remindEvent, deadlineEvent, closeEvent] = PERIOD_EVENTS;
    const definition = new sfn.Choice(this, 'CalendarEvent')
      .when(stringIs('$.event', openEvent), open)
      .when(stringIs('$.event', remindEvent), remind)
      .when(stringIs('$.event', deadlineEvent), deadline)
      .when(stringIs('$.event', closeEvent), close)
      .otherwise(
        new sfn.Fail(this, 'UnknownEvent', {
          error: UNKNOWN_EVENT_ERROR,
          cause: `The input's event is none of ${PERIOD_EVENTS.join(', ')}.`,
        }),
      );

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment:
        'One calendar event of a period: open (invite), remind, deadline (late notices), close (start scoring).',
      logGroup: props.logGroup,
      role: props.role,
    });
  }
}
