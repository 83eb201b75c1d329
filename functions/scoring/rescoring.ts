/**
 * A late approval (after review close) changes a period's published results: they are recomputed
 * by a new `scoring` execution, `scoring-<period>-v<n+1>` where n is the latest stored version
 * (DESIGN.md: results are versioned; nobody's published rank silently changes). The scoring
 * execution's ComputeResults stores v(n+1) only if the recomputation differs.
 *
 * Called by the review workflow's RecordApproval (functions/review/record-approval.ts) and by
 * whatever else changes a closed period's inputs (recorded adjustments, an admin's rerun).
 */
import type { Deps } from '#ports/deps';
import type { Logger } from '#ports/log';

export type RescoringOutcome =
  /** The period is not closed yet: its first scoring (at review close) will include the change. */
  { status: 'not-closed' } | { status: 'started' | 'already-exists'; executionName: string; version: number };

/** Execution name of a period's scoring run for results version `version`. */
export function scoringExecutionName(periodId: string, version: number): string {
  return `scoring-${periodId}-v${version}`;
}

/**
 * Starts `scoring-<p>-v<n+1>` when the period is closed. If that name is taken and meanwhile
 * v(n+1) was stored (a run that may have read the reports before this change), it tries the
 * next number, so a change never waits behind a run that started before it (a few rounds at most).
 */
export async function startRescoring(
  deps: Pick<Deps, 'store' | 'callbacks' | 'stateMachineArn'> & { log?: Logger },
  periodId: string,
): Promise<RescoringOutcome> {
  const stored = await deps.store.getPeriod(periodId);
  if (stored?.status !== 'closed') return { status: 'not-closed' };
  const arn = deps.stateMachineArn('scoring');
  let outcome: RescoringOutcome | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const versions = await deps.store.listResults(periodId);
    const latest = versions.reduce((n, r) => Math.max(n, r.version), 0);
    const version = latest + 1;
    const executionName = scoringExecutionName(periodId, version);
    const status = await deps.callbacks.startExecution(arn, executionName, { periodId });
    outcome = { status, executionName, version };
    if (status === 'started') break;
    // Taken: by a run still going (it reads the reports after this change only if it started
    // after it — unknowable), or by a finished one. Go on only when that one has stored its version.
    const after = await deps.store.listResults(periodId);
    if (!after.some((r) => r.version === version)) break;
  }
  deps.log?.info('period rescoring requested', { periodId, ...outcome });
  return outcome!;
}
