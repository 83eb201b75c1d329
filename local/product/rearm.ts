/**
 * After a restart the engine has forgotten its executions: every stored report still waiting for
 * a person (submitted, in review, returned, explained) gets its review execution started again
 * under its own name, and an open council vote its commendation execution. The steps are
 * re-entrant and swap the new task token behind the same approval id, so the links already in
 * people's mailboxes keep working and nobody gets a second email.
 */
import { commendationExecution, MAX_ROUND, readCycle, roundCycleId } from '#functions/commendation/award';
import { reviewExecutionName } from '#functions/http/report';
import type { WorkflowName } from '#infra/district-stack';
import type { LocalRuntime } from '#local/runtime/runtime';
import type { ReportStatus, Store } from '#ports/store';

/** Report statuses in which a review execution is waiting for a person. */
export const WAITING_REPORT_STATUSES: readonly ReportStatus[] = [
  'submitted',
  'in-review',
  'returned',
  'explained',
];

/**
 * Starts again, under their own names, the executions that were waiting for a person when the
 * process stopped: the engine forgot them, the store did not. Returns the names started.
 */
export async function rearmWaits(
  rt: LocalRuntime,
  store: Store,
  workflowArn: (w: WorkflowName) => string,
): Promise<string[]> {
  const started: string[] = [];
  const start = (workflow: WorkflowName, name: string, input: Record<string, string>) => {
    try {
      rt.sfn.startExecution({ stateMachineArn: workflowArn(workflow), name, input });
      started.push(name);
    } catch (error) {
      // Only an engine that already ran it in this process refuses the name (not after a restart).
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
    }
  };
  if (!(await store.getCampaign())) return started;
  const now = rt.clock.now().getTime();
  const periods = await store.listPeriods();
  for (const { period } of periods) {
    for (const report of await store.listPeriodReports(period.id)) {
      if (!WAITING_REPORT_STATUSES.includes(report.status)) continue;
      // Past the late-appraisal deadline a review has ended (Chưa thẩm định) unless a link is still open.
      if (now >= Date.parse(period.lateAppraisalUntil)) {
        const approvals = await store.listUnitPeriodApprovals(report.unitId, period.id);
        if (!approvals.some((a) => a.status === 'pending' && a.kind !== 'report')) continue;
      }
      const attempt = (report as { attempt?: unknown }).attempt;
      start(
        'review',
        reviewExecutionName(report.unitId, period.id, typeof attempt === 'number' ? attempt : 1),
        { unitId: report.unitId, periodId: period.id },
      );
    }
  }
  // A council vote still open: its commendation execution (the Map asks only members who have not
  // voted). Each year and the phase, round 1 under the scope's id, and a new vote after one without
  // quorum (round n: `<scope>-<n>`) for as long as its proposal is stored.
  const scopes = [...new Set(periods.map((p) => String(p.period.year))), 'phase'];
  for (const scopeId of scopes) {
    for (let round = 1; round <= MAX_ROUND; round++) {
      const cycleId = roundCycleId(scopeId, round);
      if (round > 1 && !(await readCycle(store, cycleId)).header) break;
      const votes = await store.listPeriodApprovals(cycleId);
      if (votes.some((a) => a.kind === 'vote' && a.status === 'pending')) {
        const { name, input } = commendationExecution(cycleId);
        start('commendation', name, input);
      }
    }
  }
  if (started.length > 0) await rt.settle();
  return started;
}
