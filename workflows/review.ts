/**
 * The `review` state machine: one execution per unit-period, from the unit's submit until the
 * report is approved or the late-appraisal deadline passes. docs/review.md draws it; the states:
 *
 *   AssignReviewer → OpenFirstRound → AwaitAppraisal ─ approve ─→ RecordApproval → ReviewApproved
 *                                      │  ▲             ─ return ──→ OpenExplanation → AwaitExplanation ─ explained → NextRound ─┐
 *                                      │  └──────────────────────────────────────────────────────────────────────────────────┘
 *   AwaitAppraisal   ─ States.Timeout → EscalateReview    → PastLateAppraisalDeadline   ─ no → AwaitAppraisal
 *   AwaitExplanation ─ States.Timeout → RemindExplanation → PastLateExplanationDeadline ─ no → AwaitExplanation
 *                                       (both: yes → MarkUnappraised → ReviewClosedUnappraised)
 *   any error → RecordFailure → ReviewFailed;  an unknown decision → UnknownDecision → RecordFailure
 *
 * Every Lambda task uses the optimized `lambda:invoke` integration (the local harness unwraps
 * `.Payload`) with an explicit payload, so a handler sees only what it needs and the state stays
 * `{unitId, periodId, reviewerId, round, timer, decision?, failure?}` — never report contents,
 * which stay in DynamoDB. How many reminders were sent lives in the store (docs/review.md, 10).
 * `timer.waitSeconds` is how long the next wait lasts: its interval cut at the late-appraisal
 * deadline, said by whoever enters it — AssignReviewer, the decision's output, the reminder
 * (docs/review.md, "How long a wait lasts") — so the review ends at that deadline.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  FailurePath,
  lambdaStep,
  remindedWait,
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

    const unitPeriod = {
      unitId: sfn.JsonPath.stringAt('$.unitId'),
      periodId: sfn.JsonPath.stringAt('$.periodId'),
    };
    const roundState = {
      ...unitPeriod,
      round: sfn.JsonPath.numberAt('$.round'),
      reviewerId: sfn.JsonPath.stringAt('$.reviewerId'),
    };
    /** The timer of a wait entered with a length from `path` (docs/review.md). */
    const timerFrom = (path: string) => ({ waitSeconds: sfn.JsonPath.numberAt(path) });

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
    // the same link, until the late-appraisal deadline has passed; each lasts `$.timer.waitSeconds`.
    const awaitAppraisal = remindedWait(this, {
      wait: {
        id: 'AwaitAppraisal',
        fn: f.requestAppraisal,
        payload: roundState,
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
        timer: timerFrom('$.decision.waitSeconds'),
      },
    }).next(awaitAppraisal);
    const openExplanation = new sfn.Pass(this, 'OpenExplanation', {
      comment: 'The reviewer returned the report: the unit explains, within the wait the decision set.',
      parameters: { ...roundState, timer: timerFrom('$.decision.waitSeconds') },
    }).next(awaitExplanation);

    awaitAppraisal.next(
      new sfn.Choice(this, 'AppraisalDecision')
        .when(decisionIs(REVIEW_DECISIONS.approve), recordApproval)
        .when(decisionIs(REVIEW_DECISIONS.return, true), openExplanation)
        .otherwise(unknownDecision),
    );
    awaitExplanation.next(
      new sfn.Choice(this, 'ExplanationDecision')
        .when(decisionIs(REVIEW_DECISIONS.explained, true), nextRound)
        .otherwise(unknownDecision),
    );

    // ---------------------------------------------------------------- the start
    const assignReviewer = onError(
      step('AssignReviewer', f.assignReviewer, unitPeriod, {
        resultSelector: { 'reviewerId.$': '$.Payload.reviewerId', 'waitSeconds.$': '$.Payload.waitSeconds' },
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
        timer: timerFrom('$.assignment.waitSeconds'),
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

/**
 * The decision is `decision`; a decision that leads to another wait must also say how long it
 * lasts (a missing length would fail the execution where no catcher sees it: it is an unknown
 * decision instead, recorded as a failure).
 */
function decisionIs(decision: string, opensWait = false): sfn.Condition {
  const is = stringIs('$.decision.decision', decision);
  return opensWait ? sfn.Condition.and(is, sfn.Condition.isPresent('$.decision.waitSeconds')) : is;
}
