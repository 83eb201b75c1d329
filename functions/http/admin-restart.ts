/**
 * Restart a stuck review (docs/admin.md, "Admin actions"): a unit-period whose review workflow
 * failed (RecordFailure audited it) or whose wait was lost (a decision found its task gone). The
 * claim is the audit entry `restart-<attempt>` (attempt = 1 + the restarts audited), written once,
 * so two admins at once start one execution; then `StartExecution` of
 * `review-<unit>-<period>-<attempt>` (`ExecutionAlreadyExists` is the same restart), which the
 * same POST again repeats, in case the first died before it. Its re-entrant steps re-arm the same
 * approval (the link in the reviewer's mailbox keeps working) or deliver a decision already
 * recorded at once. The audit entry `restart-<attempt>` records who, the write id and the causes
 * it answered: a cause answered is never a reason to restart again, so a double press or a
 * healthy review is refused (410) and never gets a second execution waiting on the same link.
 */
import type { Period, Unit } from '#domain/model';
import type { AuditEntry } from '#ports/audit';
import { callbacks } from '#ports/callbacks';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { IN_REVIEW_LOOP } from '#ports/reports';
import { stateMachineArn } from '#ports/settings';
import { crashPoint } from '#steps/crash-point';
import type { AdminAction } from '#web/admin-actions';
import { progressState } from '#web/admin-progress';
import { adminHref } from '#web/admin-routes';
import { type HttpRequest, type HttpResponse, redirect } from '#web/http';
import { dateTime } from '#web/pages';
import { reviewExecution } from '#workflows/executions';
import { actionPage, adminActor, isNonce, nonceOf } from './admin-action-kit.ts';
import { type AdminContext, periodOf, periodStates, unitOf } from './admin-session.ts';

interface RestartState {
  unit: Unit;
  period: Period;
  action: Extract<AdminAction, { kind: 'restart' }>;
  restarts: AuditEntry[];
  /** What shows the review stuck and no restart answered yet. */
  causes: string[];
  inReview: boolean;
}

const subjectOf = (unitId: string, periodId: string) => `report/${unitId}/${periodId}`;

async function restartState(ctx: AdminContext, periodId: string, unitId: string): Promise<RestartState> {
  const period = periodOf(ctx.campaign, periodId);
  const unit = unitOf(ctx.campaign, unitId);
  const [entries, approvals, report, assignment, states] = await Promise.all([
    audit().list(subjectOf(unit.id, period.id)),
    reviews().listUnitPeriodApprovals(unit.id, period.id),
    reports().get(unit.id, period.id),
    reviews().getAssignment(period.id, unit.id),
    periodStates(ctx.campaign),
  ]);
  const restarts = entries.filter((x) => x.action === 'admin.restart');
  const answered = new Set(
    restarts.flatMap((x) => (Array.isArray(x.detail?.causes) ? x.detail.causes.map(String) : [])),
  );
  const seen = [
    ...approvals.filter((a) => a.status === 'task-gone').map((a) => `task-gone:${a.id}:${a.tokenGen}`),
    ...entries
      .filter((x) => x.action === 'workflow.failed' && x.detail?.workflow === 'review')
      .map((x) => `failed:${String(x.detail?.executionName ?? x.id)}`),
  ];
  const reviewer = assignment ? ctx.campaign.findPerson('reviewer', assignment.reviewerId) : undefined;
  return {
    unit,
    period,
    restarts,
    causes: seen.filter((c) => !answered.has(c)),
    inReview: report !== undefined && IN_REVIEW_LOOP.has(report.status),
    action: {
      kind: 'restart',
      unit: { id: unit.id, name: unit.name },
      period,
      state: progressState(
        { unit, ...(report ? { reportStatus: report.status } : {}) },
        states.get(period.id) ?? 'scheduled',
      ),
      ...(reviewer ? { reviewerName: reviewer.name } : {}),
      nextAttempt: restarts.length + 2,
    },
  };
}

const NOT_STUCK =
  'Thẩm định của đơn vị không bị gián đoạn (không có quy trình lỗi hay quyết định chưa chuyển được): không cần khởi động lại.';

export async function restart(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const state = await restartState(ctx, p.periodId ?? '', p.unitId ?? '');
  const here = adminHref.restart(state.period.id, state.unit.id);
  const done = request.query.get('done') ?? undefined;
  const mine = (writeId: string | undefined) => state.restarts.find((x) => x.detail?.writeId === writeId);
  if (request.isRead) {
    const entry = isNonce(done) ? mine(done) : undefined;
    if (entry) {
      const text = `Đã khởi động lại thẩm định (lần ${String(entry.detail?.attempt)}) lúc ${dateTime(entry.at)}.`;
      return actionPage(ctx, state.action, 200, { outcome: { kind: 'done', text } });
    }
    if (!state.inReview || state.causes.length === 0)
      return actionPage(ctx, state.action, 200, { outcome: { kind: 'gone', text: NOT_STUCK } });
    return actionPage(ctx, state.action);
  }
  const writeId = nonceOf(request);
  // The same POST again finds its entry (the claim) and starts its execution again, in case the
  // first died between the two (the same name: started once), then answers as the first did.
  const own = mine(writeId);
  if (own) {
    const { name, input } = reviewExecution(state.unit.id, state.period.id, Number(own.detail?.attempt));
    await callbacks().startExecution(stateMachineArn('review'), name, input);
    return redirect(`${here}?done=${writeId}`);
  }
  if (!state.inReview || state.causes.length === 0)
    return actionPage(ctx, state.action, 410, { outcome: { kind: 'gone', text: NOT_STUCK } });
  const attempt = state.action.nextAttempt;
  const { name, input } = reviewExecution(state.unit.id, state.period.id, attempt);
  const reason = (request.form.get('reason') ?? '').trim().slice(0, 500);
  // The claim: the entry `restart-<attempt>`, once. Written before the start, so that a request
  // dying between the two leaves what the same POST again needs to finish it.
  const claimed = await audit().append({
    id: `restart-${attempt}`,
    subject: subjectOf(state.unit.id, state.period.id),
    periodId: state.period.id,
    actor: adminActor(ctx, request),
    action: 'admin.restart',
    detail: { attempt, writeId, execution: name, causes: state.causes, ...(reason ? { reason } : {}) },
  });
  if (claimed === 'exists') {
    const entry = (await audit().list(subjectOf(state.unit.id, state.period.id))).find(
      (x) => x.id === `restart-${attempt}`,
    );
    if (entry?.detail?.writeId !== writeId) {
      const text = `Một quản trị khác đã khởi động lại thẩm định (lần ${attempt})${entry ? ` lúc ${dateTime(entry.at)}` : ''}.`;
      return actionPage(ctx, state.action, 409, { outcome: { kind: 'conflict', text } });
    }
  }
  crashPoint('restart.after-claim');
  await callbacks().startExecution(stateMachineArn('review'), name, input);
  return redirect(`${here}?done=${writeId}`);
}
