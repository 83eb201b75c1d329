/**
 * The admin's re-send of an ambiguous mail (docs/reliability.md, "Ambiguous mail"): a mail whose
 * send was interrupted may or may not have gone out, so nothing re-sends it by guess; *Cần chú ý*
 * lists it with a button that posts here. The claim is `ambiguous → claimed` on the outbox record,
 * carrying the admin and the form's write id: of two admins pressing at once one sends, and the
 * same POST again finds its own claim and answers as the first did. The audit entry names the
 * admin and the mail's identity.
 */
import { audit } from '#ports/dynamo/audit';
import { outbox } from '#ports/dynamo/outbox';
import { mailer, type SendResult } from '#ports/mailer';
import type { OutboxRecord } from '#ports/outbox';
import {
  actorOf,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  MethodNotAllowed,
  noSuchPage,
  PageError,
} from '#web/http';
import { dateTime, statusPage } from '#web/pages';
import { writeIdOf } from '#web/write-id';
import { type AdminContext, behindSignIn } from './admin-session.ts';

export const RESEND_PATH = '/admin/mail/resend';

function answer(ctx: AdminContext, status: number, title: string, detail: string): HttpResponse {
  const tone = status >= 400 ? 'warn' : 'ok';
  const extra = '<p><a href="/admin#can-chu-y">Về mục Cần chú ý</a></p>';
  return htmlResponse(
    status,
    statusPage({ status, title, detail, extra, header: ctx.frame.authority, tone }),
  );
}

/** What the admin is told once the re-send was tried (now, or by the same request earlier). */
function outcomeAnswer(ctx: AdminContext, record: OutboxRecord, sent?: SendResult): HttpResponse {
  const status = sent?.status ?? record.status;
  const to = `tới ${record.to} (“${record.subject}”)`;
  if (status === 'sent' || status === 'duplicate') {
    return answer(
      ctx,
      200,
      'Đã gửi lại email',
      `Email ${to} đã được gửi lại lúc ${dateTime(record.sentAt ?? record.claimedAt)}.`,
    );
  }
  if (status === 'claimed' || status === 'in-progress') {
    return answer(
      ctx,
      202,
      'Đang gửi lại email',
      `Email ${to} đang được gửi lại; kết quả hiện ở mục Cần chú ý sau ít phút.`,
    );
  }
  return answer(
    ctx,
    502,
    'Gửi lại chưa thành công',
    `Email ${to} chưa gửi lại được; nó vẫn ở mục Cần chú ý với lỗi ghi nhận được.`,
  );
}

async function resend(ctx: AdminContext, request: HttpRequest): Promise<HttpResponse> {
  if (request.isRead) throw new MethodNotAllowed('POST', 'Hãy bấm nút “Gửi lại” ở mục Cần chú ý.');
  const writeId = writeIdOf(request.form);
  const key = request.form.get('key') ?? '';
  if (!writeId || key === '' || key.length > 1000) {
    throw new PageError(
      400,
      'Biểu mẫu không hợp lệ',
      'Thiếu email cần gửi lại hoặc mã lần gửi; hãy mở lại trang.',
    );
  }
  const adminId = ctx.session.adminId;
  const claim = await outbox().claimResend(key, { adminId, writeId });
  if (claim.outcome === 'unknown')
    throw new PageError(404, 'Không có email này', 'Không tìm thấy email cần gửi lại.');
  if (claim.outcome === 'settled') {
    const by = claim.record.resend ? ' bởi một quản trị viên khác' : '';
    return answer(
      ctx,
      409,
      'Email không còn cần gửi lại',
      `Email tới ${claim.record.to} đã được xử lý${by}; lần bấm này không gửi gì.`,
    );
  }
  const record = claim.record;
  await audit().append({
    id: `mail-resend-${writeId}`,
    ...(record.resend?.at ? { at: record.resend.at } : {}),
    subject: `mail/${record.key}`,
    ...(record.identity.periodId ? { periodId: record.identity.periodId } : {}),
    actor: actorOf(request, { kind: 'admin', id: adminId, email: ctx.session.email }),
    action: 'admin.mail-resent',
    detail: { identity: record.identity, to: record.to, subject: record.subject, attempt: record.attempt },
  });
  // The same request again: the claim stands and the send was tried; answer with how it went.
  if (claim.outcome === 'own') return outcomeAnswer(ctx, record);
  const sent = await mailer().sendClaimed(record);
  return outcomeAnswer(ctx, (await outbox().getByKey(key)) ?? record, sent);
}

async function handle(request: HttpRequest): Promise<HttpResponse> {
  if (request.path.replace(/\/+$/, '') !== RESEND_PATH) {
    throw noSuchPage();
  }
  return behindSignIn(request, (ctx) => resend(ctx, request));
}

export const handler = httpHandler(handle, { name: 'admin-resend' });
