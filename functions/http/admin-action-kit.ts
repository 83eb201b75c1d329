/**
 * What every admin action handler shares (docs/admin.md, "Admin actions"): the form's write id
 * (`nonce`), checked for shape; the action page in a state (form, done, 409, 410); the acting
 * admin as the audit records them.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '#ports/actor';
import { type ActionOutcome, type AdminAction, renderActionPage } from '#web/admin-actions';
import { actorOf, type HttpRequest, htmlResponse, PageError } from '#web/http';
import type { AdminContext } from './admin-session.ts';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
export const newNonce = () => randomBytes(16).toString('base64url');
/** A write id in an address (`?done=<nonce>`), as a form carries it. */
export const isNonce = (text: string | undefined): text is string => text !== undefined && NONCE.test(text);

/** The write id of a POST: the form's, checked for shape (a bad one is refused, nothing changes). */
export function nonceOf(request: HttpRequest): string {
  const nonce = request.form.get('nonce') ?? '';
  if (!NONCE.test(nonce))
    throw new PageError(400, 'Biểu mẫu không hợp lệ', 'Thiếu mã lần gửi của biểu mẫu; hãy mở lại trang.');
  return nonce;
}

export function actionPage(
  ctx: AdminContext,
  action: AdminAction,
  status = 200,
  extra: { outcome?: ActionOutcome; nonce?: string } = {},
) {
  return htmlResponse(
    status,
    renderActionPage({
      frame: ctx.frame,
      action,
      nonce: extra.nonce ?? newNonce(),
      ...(extra.outcome ? { outcome: extra.outcome } : {}),
    }),
  );
}

export function adminActor(ctx: AdminContext, request: HttpRequest): Actor {
  return actorOf(request, { kind: 'admin', id: ctx.session.adminId, email: ctx.session.email });
}
