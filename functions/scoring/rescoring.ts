/**
 * A change to a closed period's inputs — a late approval, or the admin's recorded adjustments —
 * is scored by a new `scoring` execution named by its trigger (workflows/executions.ts):
 * `scoring-<p>-late-<unit>-r<round>`, `scoring-<p>-admin-<n>`. Each trigger starts once (a retried
 * step finds its name taken: `already-exists`), and its ComputeResults stores a new results
 * version only when the results differ (DESIGN.md: results are versioned; nobody's published
 * rank silently changes) — so every change is in some version, and none makes an empty one.
 */
import { callbacks } from '#ports/callbacks';
import { campaigns } from '#ports/dynamo/campaigns';
import type { Logger } from '#ports/log';
import { stateMachineArn } from '#ports/settings';
import { type ScoringTrigger, scoringExecution } from '#workflows/executions';

export type RescoringOutcome =
  /** The period is not closed yet: its first scoring (at review close) will include the change. */
  { status: 'not-closed' } | { status: 'started' | 'already-exists'; executionName: string };

/** Starts the trigger's scoring execution when the period is closed. */
export async function startRescoring(
  periodId: string,
  trigger: ScoringTrigger,
  log?: Logger,
): Promise<RescoringOutcome> {
  const { status } = await campaigns().getPeriodStatus(periodId);
  if (status !== 'closed') return { status: 'not-closed' };
  const { name, input } = scoringExecution(periodId, trigger);
  const started = await callbacks().startExecution(stateMachineArn('scoring'), name, input);
  log?.info('period rescoring requested', { periodId, executionName: name, status: started });
  return { status: started, executionName: name };
}
