/**
 * The `review` state machine: one execution per unit-period, from the unit's submit until the
 * report is approved or the late-appraisal deadline passes. docs/review.md draws it; the states:
 *
 *   AssignReviewer → OpenFirstRound → AwaitAppraisal ─ approve ─→ RecordApproval → ReviewApproved
 *                                      │  ▲             ─ return ──→ AwaitExplanation ─ explained → NextRound ─┐
 *                                      │  └─────────────────────────────────────────────────────────────────┘
 *   AwaitAppraisal   ─ States.Timeout → EscalateReview    → PastLateAppraisalDeadline   ─ no → AwaitAppraisal
 *   AwaitExplanation ─ States.Timeout → RemindExplanation → PastLateExplanationDeadline ─ no → AwaitExplanation
 *                                       (both: yes → MarkUnappraised → ReviewClosedUnappraised)
 *   any error → RecordFailure → ReviewFailed;  an unknown decision → UnknownDecision → RecordFailure
 *
 * Every Lambda task uses the optimized `lambda:invoke` integration (the local harness unwraps
 * `.Payload`) with an explicit payload, so a handler sees only what it needs and the state stays
 * `{unitId, periodId, reviewerId, round, decision?, late?, failure?}` — never report contents,
 * which stay in DynamoDB. How many reminders were sent lives in the store (docs/review.md, 10).
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  FailurePath,
  lambdaStep,
  remindedWait,
  requireWholeDays,
  stringIs,
  type WorkflowBaseProps,
  workflowStateMachine,
} from './common.ts';

export { LAMBDA_SERVICE_ERRORS } from './common.ts';

export interface ReviewFunctions {
  assignReviewer: lambda.IFunction;
  requestAppraisal: lambda.IFunction;
  /** Called with `kind: 'appraise'` when the reviewer's wait times out (may be `remindExplanation`'s function). */
  escalateReview: lambda.IFunction;
  requestExplanation: lambda.IFunction;
  /** Called with `kind: 'explain'` when the unit's wait times out. */
  remindExplanation: lambda.IFunction;
  recordApproval: lambda.IFunction;
  markUnappraised: lambda.IFunction;
  recordFailure: lambda.IFunction;
}

export interface ReviewWorkflowProps extends WorkflowBaseProps {
  functions: ReviewFunctions;
  /** How long a reviewer has to appraise before the admin is told (the wait then continues). */
  reviewerResponseDays: number;
  /** How long a unit has to explain a returned report before it is reminded. */
  explanationDays: number;
}

/** Decisions carried by `SendTaskSuccess` (docs/review.md). */
export const REVIEW_DECISIONS = { approve: 'approve', return: 'return', explained: 'explained' } as const;

/** The error a malformed callback output becomes, so it is recorded like any other failure. */
export const UNKNOWN_DECISION_ERROR = 'Review.UnknownDecision';

export class ReviewWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** The functions its tasks invoke. */
  readonly functions: ReviewFunctions;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);
    const f = props.functions;
    this.functions = f;
    requireWholeDays('ReviewWorkflow', 'reviewerResponseDays', props.reviewerResponseDays);
    requireWholeDays('ReviewWorkflow', 'explanationDays', props.explanationDays);

    const unitPeriod = {
      unitId: sfn.JsonPath.stringAt('$.unitId'),
      periodId: sfn.JsonPath.stringAt('$.periodId'),
    };
    const roundState = {
      ...unitPeriod,
      round: sfn.JsonPath.numberAt('$.round'),
      reviewerId: sfn.JsonPath.stringAt('$.reviewerId'),
    };

    // ---------------------------------------------------------------- failure path
    const failure = new FailurePath(this, {
      recordFailure: f.recordFailure,
      failedId: 'ReviewFailed',
      about: unitPeriod,
    });
    const { recordFailure } = failure;
    const unknownDecision = new sfn.Pass(this, 'UnknownDecision', {
      comment: 'A callback answered with no known decision: record it as a failure.',
      result: sfn.Result.fromObject({
        Error: UNKNOWN_DECISION_ERROR,
        Cause: 'The decision sent back is none of approve, return, explained.',
      }),
      resultPath: '$.failure',
    }).next(recordFailure);
    const onError = <T extends sfn.TaskStateBase>(task: T): T => failure.catchAll(task);
    const step = (name: string, fn: lambda.IFunction, payload: Record<string, unknown>, result = {}) =>
      lambdaStep(this, name, fn, payload, result);

    // ---------------------------------------------------------------- ends
    const reviewApproved = new sfn.Succeed(this, 'ReviewApproved');
    const reviewClosedUnappraised = new sfn.Succeed(this, 'ReviewClosedUnappraised');
    const markUnappraised = onError(step('MarkUnappraised', f.markUnappraised, roundState)).next(
      reviewClosedUnappraised,
    );
    const recordApproval = onError(step('RecordApproval', f.recordApproval, roundState)).next(reviewApproved);

    // ---------------------------------------------------------------- the two waits
    // Each times out into a reminder (the admin told, or the unit reminded) and waits again with
    // the same link, until the late-appraisal deadline has passed.
    const awaitAppraisal = remindedWait(this, {
      wait: {
        id: 'AwaitAppraisal',
        fn: f.requestAppraisal,
        payload: roundState,
        days: props.reviewerResponseDays,
        resultPath: '$.decision',
      },
      remind: { id: 'EscalateReview', fn: f.escalateReview, payload: { ...roundState, kind: 'appraise' } },
      deadlineChoiceId: 'PastLateAppraisalDeadline',
      pastDeadline: markUnappraised,
      failure,
    });
    const awaitExplanation = remindedWait(this, {
      wait: {
        id: 'AwaitExplanation',
        fn: f.requestExplanation,
        payload: roundState,
        days: props.explanationDays,
        resultPath: '$.decision',
      },
      remind: {
        id: 'RemindExplanation',
        fn: f.remindExplanation,
        payload: { ...roundState, kind: 'explain' },
      },
      deadlineChoiceId: 'PastLateExplanationDeadline',
      pastDeadline: markUnappraised,
      failure,
    });

    const nextRound = new sfn.Pass(this, 'NextRound', {
      comment: 'The unit explained: the reviewer appraises the report again, in a new round.',
      parameters: {
        ...unitPeriod,
        reviewerId: sfn.JsonPath.stringAt('$.reviewerId'),
        round: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.round'), 1),
      },
    }).next(awaitAppraisal);

    awaitAppraisal.next(
      new sfn.Choice(this, 'AppraisalDecision')
        .when(decisionIs(REVIEW_DECISIONS.approve), recordApproval)
        .when(decisionIs(REVIEW_DECISIONS.return), awaitExplanation)
        .otherwise(unknownDecision),
    );
    awaitExplanation.next(
      new sfn.Choice(this, 'ExplanationDecision')
        .when(decisionIs(REVIEW_DECISIONS.explained), nextRound)
        .otherwise(unknownDecision),
    );

    // ---------------------------------------------------------------- the start
    const assignReviewer = onError(
      step('AssignReviewer', f.assignReviewer, unitPeriod, {
        resultSelector: { 'reviewerId.$': '$.Payload.reviewerId' },
        resultPath: '$.assignment',
      }),
    );
    const openFirstRound = new sfn.Pass(this, 'OpenFirstRound', {
      comment:
        'The state every later step reads: the unit-period, who reviews it, and the round (1 at first).',
      parameters: {
        ...unitPeriod,
        reviewerId: sfn.JsonPath.stringAt('$.assignment.reviewerId'),
        round: 1,
      },
    });
    const definition = assignReviewer.next(openFirstRound).next(awaitAppraisal);

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment: 'Review of one unit-period report: assignment, appraisal, explanation rounds, approval.',
      logGroup: props.logGroup,
      role: props.role,
    });
  }
}

function decisionIs(decision: string): sfn.Condition {
  return stringIs('$.decision.decision', decision);
}
