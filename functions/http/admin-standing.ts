/**
 * A unit's standing for commendation (docs/admin.md, "Admin actions"): under discipline,
 * investigation, inspection or an open complaint, such a unit is proposed neither as a collective
 * nor upward (DOMAIN.md). The form carries the stored version it was opened on: another admin's
 * change in between is a 409. The same request again stores nothing new (the values are already
 * these) and answers as the first; each change is audited on `standing/<unit>` with the values
 * before and after.
 */

import { audit } from '#ports/dynamo/audit';
import { results } from '#ports/dynamo/results';
import { ConflictError } from '#ports/errors';
import { type AdminAction, parseStandingForm, renderActionPage, STANDING_LABELS } from '#web/admin-actions';
import { adminHref } from '#web/admin-routes';
import { FormError, type HttpRequest, type HttpResponse, redirect } from '#web/http';
import { dateTime } from '#web/pages';
import { actionPage, adminActor, isNonce, nonceOf } from './admin-action-kit.ts';
import { type AdminContext, unitOf } from './admin-session.ts';

export async function standing(
  ctx: AdminContext,
  request: HttpRequest,
  p: Record<string, string>,
): Promise<HttpResponse> {
  const unit = unitOf(ctx.campaign, p.unitId ?? '');
  const stored = await results().getStanding(unit.id);
  const action: AdminAction = {
    kind: 'standing',
    unit: { id: unit.id, name: unit.name },
    current: {
      status: stored?.status ?? 'none',
      ...(stored?.reason ? { reason: stored.reason } : {}),
      ...(stored ? { updatedAt: stored.updatedAt, by: stored.updatedBy.email ?? stored.updatedBy.id } : {}),
    },
    version: stored?.version ?? 0,
  };
  const subject = `standing/${unit.id}`;
  const doneText = `Đã ghi nhận tình trạng của ${unit.name}: ${STANDING_LABELS[action.current.status]}${
    stored ? ` (lúc ${dateTime(stored.updatedAt)})` : ''
  }.`;
  if (request.isRead) {
    const done = request.query.get('done') ?? undefined;
    return isNonce(done) && stored?.writeId === done
      ? actionPage(ctx, action, 200, { outcome: { kind: 'done', text: doneText } })
      : actionPage(ctx, action);
  }
  const writeId = nonceOf(request);
  const actor = adminActor(ctx, request);
  const parsed = parseStandingForm(request.form);
  if (!parsed.ok) {
    const html = renderActionPage({
      frame: ctx.frame,
      action,
      nonce: writeId,
      problems: parsed.problems,
      values: { status: request.form.get('status') ?? '', reason: request.form.get('reason') ?? '' },
    });
    throw new FormError(parsed.problems, html);
  }
  const expectedVersion = Number(request.form.get('version') ?? 'NaN');
  let recorded: Awaited<ReturnType<ReturnType<typeof results>['putStanding']>>;
  try {
    recorded = await results().putStanding(
      unit.id,
      { status: parsed.status, ...(parsed.reason ? { reason: parsed.reason } : {}) },
      actor,
      { writeId, ...(Number.isSafeInteger(expectedVersion) ? { expectedVersion } : {}) },
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const text = `Trong lúc đó, một quản trị khác đã ghi nhận tình trạng của ${unit.name}; hãy xem lại trước khi sửa tiếp.`;
    return actionPage(ctx, action, 409, { outcome: { kind: 'conflict', text } });
  }
  if (recorded.changed) {
    await audit().append({
      id: `standing-${writeId}`,
      subject,
      actor,
      action: 'admin.standing',
      detail: {
        writeId,
        before: recorded.before ?? { status: 'none' },
        after: {
          status: recorded.standing.status,
          ...(recorded.standing.reason ? { reason: recorded.standing.reason } : {}),
        },
      },
    });
  }
  return redirect(`${adminHref.standing(unit.id)}?done=${writeId}`);
}
