/**
 * The emailed sign-in link every sign-in shares (an admin's, a leader's, a unit focal point's): a `signin`
 * approval valid 15 minutes and its signed link, mailed at most once per person per 15-minute
 * window (the outbox identity carries the window, which also rate-limits the form); the link
 * opened (pending and unexpired, or refused) and, on its POST, consumed once into a session.
 */
import type { Unit } from '#domain/model';
import { type Email, renderLetter, type Sender } from '#mail/letter';
import type { Actor } from '#ports/actor';
import { now } from '#ports/clock';
import { outbox } from '#ports/dynamo/outbox';
import { reviews } from '#ports/dynamo/reviews';
import { sessions } from '#ports/dynamo/sessions';
import { mailer, type SendResult } from '#ports/mailer';
import type { Approval } from '#ports/reviews';
import type { AdminSession } from '#ports/sessions';
import { baseUrl } from '#ports/settings';
import { currentKeyId, type LinkPath, signedUrl } from '#ports/signing';
import { auditDecision, claimDecision } from '#steps/decisions';
import { actorOf, type HttpRequest, type HttpResponse, LinkError, type PageError, redirect } from '#web/http';
import { claimRefused, isExpired, openLink } from '#web/link-pages';
import { dateTime } from '#web/pages';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SIGNIN_LINK_MS, sessionCookie } from './admin-session.ts';

/**
 * What a spent sign-in link's page adds: a request within the link's window mails nothing, so it
 * says from when a new one comes (its expiry: the window ends no later), else asking again and
 * opening the same spent link went round in a circle for up to 15 minutes.
 */
export function nextLinkAfter(approval: Pick<Approval, 'expiresAt'>): string {
  return `Mỗi địa chỉ nhận nhiều nhất một liên kết đăng nhập trong 15 phút: liên kết mới được gửi nếu yêu cầu từ ${dateTime(approval.expiresAt)}.`;
}

/** Whose sign-in a link is: names its outbox step. */
export type SignInWho = 'admin' | 'leader' | 'unit';

/** The outbox identity of the sign-in mail of a window (at most one per person and address). */
function signInIdentity(who: SignInWho, id: string, to: string, window: number) {
  return { step: `${who}-signin-${window}`, recipient: to, subjectId: id, round: 0 };
}

export async function mailSignInLink(link: {
  /** Whose sign-in: names the outbox step. */
  who: SignInWho;
  /** The person's (or unit's) id, and the approval's subject. */
  id: string;
  subjectId: string;
  to: string;
  path: LinkPath;
  /** A page of this site to open once signed in (checked by the caller), carried by the link. */
  next?: string;
  letter: (url: string, expiresAt: string) => Email;
}): Promise<SendResult['status'] | 'already-sent'> {
  const at = now();
  const window = Math.floor(at.getTime() / SIGNIN_LINK_MS);
  const identity = signInIdentity(link.who, link.id, link.to, window);
  // Asking again within the window sends nothing (and creates nothing).
  if (await outbox().get(identity)) return 'already-sent';
  const { approval } = await reviews().createApproval({
    kind: 'signin',
    expiresAt: new Date(at.getTime() + SIGNIN_LINK_MS).toISOString(),
    keyId: await currentKeyId(),
    subjectId: link.subjectId,
  });
  const signed = await signedUrl(link.path, {
    approvalId: approval.id,
    action: approval.kind,
    expiresAt: approval.expiresAt,
  });
  // Not signed: the page re-checks it, and it can only name a page of this site.
  const url = link.next ? `${signed}&n=${encodeURIComponent(link.next)}` : signed;
  const result = await mailer().send(identity, { to: link.to, ...link.letter(url, approval.expiresAt) });
  return result.status;
}

export function unitSignInEmail(sender: Sender, d: { unit: Unit; url: string; expiresAt: string }): Email {
  return renderLetter(sender, {
    subject: `Liên kết xem lại báo cáo của ${d.unit.name}`,
    greeting: `Kính gửi đồng chí ${d.unit.focalPoint.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: `Hệ thống nhận được yêu cầu xem lại lịch sử báo cáo thi đua cải cách hành chính của ${d.unit.name} bằng địa chỉ email này.`,
      },
      { kind: 'action', label: 'Xem lịch sử đơn vị', url: d.url },
      {
        kind: 'paragraph',
        text: `Liên kết chỉ dùng được một lần và hết hạn lúc ${dateTime(d.expiresAt)}. Nếu đồng chí không yêu cầu, xin bỏ qua thư này.`,
      },
    ],
    english:
      "Your single-use link to your unit's report history, valid for 15 minutes. Ignore this email if you did not ask for it.",
  });
}

/**
 * The sign-in link of a request: pending and unexpired; spent is `used()` (409), else 410/403.
 * A spent link posted again may be the press whose request died after consuming it, before its
 * audit entry: no second session, but the entry is written (once, by id, from what is stored).
 */
export async function openSignInLink(
  request: HttpRequest,
  used: (approval: Approval) => PageError,
): Promise<Approval> {
  const approval = await openLink(request, ['signin'], now());
  if (approval.status === 'closed') throw new LinkError(410, 'closed');
  if (approval.status !== 'pending') {
    if (!request.isRead) await auditDecision(approval);
    throw used(approval);
  }
  if (isExpired(approval, now())) throw new LinkError(410, 'expired');
  return approval;
}

/**
 * Whether the link was mailed to the address the stored campaign lists for its person now. A
 * launch may have changed the address since (someone else took the post): the link then still
 * names the person, but the mailbox it went to is no longer theirs, so it opens nothing — else
 * the old mailbox would get an 8-hour session under the new address. The link's mail is the
 * outbox record of its window (`expiresAt` is the request's instant plus the link's 15 minutes).
 */
export async function mailedToCurrentAddress(
  approval: Approval,
  who: SignInWho,
  id: string,
  email: string,
): Promise<boolean> {
  const window = Math.floor((Date.parse(approval.expiresAt) - SIGNIN_LINK_MS) / SIGNIN_LINK_MS);
  if (!Number.isSafeInteger(window)) return false;
  return (await outbox().get(signInIdentity(who, id, email, window))) !== undefined;
}

/** Consumes the link (once: a spent link never mints a second session), then 303 to `to` signed in. */
export async function consumeSignInLink(
  request: HttpRequest,
  approval: Approval,
  who: Pick<Actor, 'kind' | 'id' | 'email'>,
  session: Pick<AdminSession, 'adminId' | 'email' | 'unitId' | 'leaderId'>,
  then: { to: string; used: (approval: Approval) => PageError },
): Promise<HttpResponse> {
  const outcome = await claimDecision(approval, { action: 'signin' }, actorOf(request, who));
  if (outcome.outcome === 'already-decided') throw then.used(approval);
  if (outcome.outcome !== 'decided') throw claimRefused(outcome.outcome);
  const { sessionId } = await sessions().create(session, {
    absoluteMs: SESSION_ABSOLUTE_MS,
    idleTimeoutMs: SESSION_IDLE_MS,
  });
  return redirect(then.to, [sessionCookie(baseUrl(), sessionId, SESSION_ABSOLUTE_MS / 1000)]);
}
