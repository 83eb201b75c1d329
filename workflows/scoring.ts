/**
 * The `scoring` state machine: the results of one period, started by the period's close, a late
 * approval or the admin, each named by its trigger (`scoring-<period>-close`,
 * `-late-<unit>-r<round>`, `-admin-<n>`: workflows/executions.ts), input `{periodId}` — a
 * recomputation is a new execution. docs/cycle.md; the states:
 *
 *   ComputeResults → NewResultsVersion ─ yes → PublishResults (Map: PublishToUnit) → NotifyLeadership → ComputeAgain ─ yes → ComputeResults
 *                                      └ no  → ResultsUnchanged                                                     └ no  → ResultsPublished
 *   any error → RecordFailure → ScoringFailed
 *
 * ComputeResults computes scores, bands, ranks per group and trends from the stored reports,
 * appraisals and admin adjustments and stores them as a new results version, whose reason is the
 * trigger in the execution's name — unless they are identical to the latest, when nothing is
 * published again (`isNew: false`). A version is stored only over an announced one: when the
 * latest was left unannounced by a run that stopped (or is still publishing it), it is published
 * first and the execution computes again (`again`), so no unit misses the letter of a version.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  booleanIs,
  eachItem,
  FailurePath,
  lambdaStep,
  type WorkflowBaseProps,
  workflowStateMachine,
} from './common.ts';

export interface ScoringFunctions {
  computeResults: lambda.IFunction;
  publishResult: lambda.IFunction;
  notifyLeadership: lambda.IFunction;
  recordFailure: lambda.IFunction;
}

export interface ScoringWorkflowProps extends WorkflowBaseProps {
  functions: ScoringFunctions;
}

export class ScoringWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: ScoringFunctions;

  constructor(scope: Construct, id: string, props: ScoringWorkflowProps) {
    super(scope, id);
    const f = props.functions;
    this.functions = f;
    const periodId = sfn.JsonPath.stringAt('$.periodId');
    const version = sfn.JsonPath.numberAt('$.results.version');
    const failure = new FailurePath(this, {
      recordFailure: f.recordFailure,
      failedId: 'ScoringFailed',
      about: { periodId },
    });

    const computeResults = failure.catchAll(
      lambdaStep(
        this,
        'ComputeResults',
        f.computeResults,
        { periodId, executionName: sfn.JsonPath.stringAt('$$.Execution.Name') },
        {
          resultSelector: {
            'version.$': '$.Payload.version',
            'isNew.$': '$.Payload.isNew',
            'unitIds.$': '$.Payload.unitIds',
            'again.$': '$.Payload.again',
          },
          resultPath: '$.results',
        },
      ),
    );
    const publishResults = failure
      .catchAll(
        eachItem(this, 'PublishResults', {
          comment: "Each unit's score, band, rank and trend, to the unit.",
          itemsPath: '$.results.unitIds',
          itemSelector: { unitId: sfn.JsonPath.stringAt('$$.Map.Item.Value'), periodId, version },
        }),
      )
      .itemProcessor(
        lambdaStep(this, 'PublishToUnit', f.publishResult, {
          periodId,
          version: sfn.JsonPath.numberAt('$.version'),
          unitId: sfn.JsonPath.stringAt('$.unitId'),
        }),
      );
    const notifyLeadership = failure.catchAll(
      lambdaStep(this, 'NotifyLeadership', f.notifyLeadership, { periodId, version }),
    );

    const definition = computeResults.next(
      new sfn.Choice(this, 'NewResultsVersion')
        .when(
          booleanIs('$.results.isNew', true),
          publishResults.next(notifyLeadership).next(
            new sfn.Choice(this, 'ComputeAgain', {
              comment: 'An unannounced version was published first: compute the newer results now.',
            })
              .when(booleanIs('$.results.again', true), computeResults)
              .otherwise(new sfn.Succeed(this, 'ResultsPublished')),
          ),
        )
        .otherwise(new sfn.Succeed(this, 'ResultsUnchanged')),
    );

    this.stateMachine = workflowStateMachine(this, {
      definition,
      comment:
        'Results of one period: compute and store a new version, publish it to every unit and to leadership.',
      logGroup: props.logGroup,
      role: props.role,
    });
  }
}
