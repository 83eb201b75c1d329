/**
 * A new council vote after one without quorum (docs/admin.md, "Admin actions"): the claim is the
 * commendation execution of the next vote round, named by that round (`commendation-2024-2-1`),
 * so two presses, or two admins at once, start one vote. Only a tallied round without quorum,
 * and only the latest, may be voted again. The audit entry `revote` on `award/<cycle>` records
 * who, the write id and the round started.
 */
import {
  type CycleRef,
  endedWithoutQuorum,
  MAX_ROUND,
  parseCycle,
  readCycle,
  roundCycleId,
} from '#functions/commendation/award';
import { callbacks } from '#ports/callbacks';
import { now } from '#ports/clock';
import { audit } from '#ports/dynamo/audit';
import { stateMachineArn } from '#ports/settings';
import { crashPoint } from '#steps/crash-point';
import type { AdminAction } from '#web/admin-actions';
import { adminHref } from '#web/admin-routes';
import { type HttpRequest, type HttpResponse, redirect } from '#web/http';
import { dateTime } from '#web/pages';
import { commendationExecution } from '#workflows/executions';
import { actionPage, adminActor, isNonce, nonceOf } from './admin-action-kit.ts';
import { proposalWatch } from './admin-commendation-data.ts';
import { type AdminContext, unknownCycle } from './admin-session.ts';

const ENTRY_ID = 'revote';

function cycleRefOf(cycleId: string): CycleRef {
  try {
    return parseCycle(cycleId);
  } catch {
    throw unknownCycle();
  }
}

export async function revote(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const ref = cycleRefOf(p.cycleId ?? '');
  const cycleId = ref.cycleId;
  // The stored outcome's council (what the tally found) is all this page needs.
  const cycle = await readCycle(cycleId);
  if (!cycle.header) throw unknownCycle();
  const nextCycleId = roundCycleId(ref.scopeId, ref.round + 1);
  const tally = cycle.outcome?.council;
  const action: AdminAction = {
    kind: 'revote',
    cycleId,
    nextCycleId,
    present: tally?.present ?? 0,
    members: tally?.N ?? cycle.header.memberIds.length,
    quorum: tally?.quorumRequired ?? 0,
  };
  // Before the admin opens the new vote: what late appraisals may still change after it starts.
  if (endedWithoutQuorum(cycle)) {
    const { late } = await proposalWatch(
      ctx.campaign,
      { periodIds: cycle.header.periodIds, sources: [] },
      now(),
    );
    if (late.length > 0) action.late = late;
  }
  const subject = `award/${cycleId}`;
  const entry = (await audit().list(subject)).find((x) => x.id === ENTRY_ID);
  const here = adminHref.revote(cycleId);
  const doneText = (at: string) =>
    `Đã tổ chức bỏ phiếu lại (đợt ${nextCycleId}) lúc ${dateTime(at)}: mỗi thành viên Hội đồng nhận liên kết bỏ phiếu mới.`;
  const conflict = (at: string) => {
    const text = `Một quản trị khác đã tổ chức bỏ phiếu lại (đợt ${nextCycleId}) lúc ${dateTime(at)}.`;
    return actionPage(ctx, action, 409, { outcome: { kind: 'conflict', text } });
  };
  const done = request.query.get('done') ?? undefined;
  if (request.isRead && entry && isNonce(done) && entry.detail?.writeId === done) {
    return actionPage(ctx, action, 200, { outcome: { kind: 'done', text: doneText(entry.at) } });
  }
  // As the local product's button decides (local/product/revote.ts): the same rule, the same name.
  // A POST that finds the next round started but no entry is the press whose request died between
  // starting it and its entry, sent again: it goes on (the start is the same execution) to write it.
  const later = request.isRead && (await readCycle(nextCycleId)).header !== undefined;
  if (!entry && (!endedWithoutQuorum(cycle) || ref.round + 1 > MAX_ROUND || later)) {
    const text = !tally
      ? 'Hội đồng chưa kiểm phiếu đợt này.'
      : later
        ? `Đã có đợt bỏ phiếu lại (${nextCycleId}).`
        : tally.quorumMet
          ? 'Đợt bỏ phiếu này đủ số thành viên tham gia: không bỏ phiếu lại.'
          : 'Đợt này không có trường hợp nào để biểu quyết.';
    return actionPage(ctx, action, request.isRead ? 200 : 410, { outcome: { kind: 'gone', text } });
  }
  if (request.isRead) {
    if (entry) return actionPage(ctx, action, 200, { outcome: { kind: 'done', text: doneText(entry.at) } });
    return actionPage(ctx, action);
  }
  const writeId = nonceOf(request);
  if (entry && entry.detail?.writeId !== writeId) return conflict(entry.at);
  const { name, input } = commendationExecution(nextCycleId);
  await callbacks().startExecution(stateMachineArn('commendation'), name, input);
  crashPoint('revote.after-start');
  await audit().append({
    id: ENTRY_ID,
    subject,
    actor: adminActor(ctx, request),
    action: 'admin.revote',
    detail: { writeId, nextCycleId, execution: name },
  });
  const stored = (await audit().list(subject)).find((x) => x.id === ENTRY_ID);
  // Two admins at once: one execution started, the first audit entry names who.
  if (stored && stored.detail?.writeId !== writeId) return conflict(stored.at);
  return redirect(`${here}?done=${writeId}`);
}
