/**
 * The admin pages (docs/review.md decision 11):
 *
 * - `GET /admin`: the sign-in form (an email address);
 * - `POST /admin/signin`: if the address is one of the district's admins, emails a signed,
 *   single-use sign-in link valid 15 minutes — at most one per admin per 15-minute window (its
 *   outbox identity carries the window), which also rate-limits. The answer is the same page
 *   whatever the address, so nobody can probe who is an admin;
 * - `GET|HEAD /admin/session?k&id&a&e&s`: a page with a button (mail scanners open links; a GET
 *   never signs anyone in); `POST` consumes the link (`pending → decided`, once), creates a
 *   server-side session (random 128-bit id, 8 h absolute, 1 h idle; only its hash is stored), sets
 *   the session cookie and answers 303 to the current period's status page;
 * - `GET /admin/periods/{periodId}`: the period's status per unit, with counts per status, and what
 *   needs attention (read-only): decisions whose workflow was gone (district-wide; those of another
 *   period left out) and emails whose delivery failed or is ambiguous (district-wide, newest first,
 *   at most ATTENTION_MAIL_LIMIT);
 * - `POST /admin/signout`: ends the session and clears the cookie.
 *
 * The cookie is `__Host-thidua_session` (HttpOnly; Secure; SameSite=Strict; Path=/) when
 * `BASE_URL` is https, and `thidua_session` without Secure over plain http (a local run) — the only
 * difference. POSTs pass the Origin check of functions/web/http.ts.
 */

import type { Person } from '#domain/model';
import { type Email, renderLetter, type Sender } from '#mail/letter';
import { now } from '#ports/clock';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { sessions } from '#ports/dynamo/sessions';
import { handlerLogger } from '#ports/log';
import { mailer } from '#ports/mailer';
import type { MailIdentity } from '#ports/outbox';
import type { ReportSummary } from '#ports/reports';
import type { AdminSession } from '#ports/sessions';
import { baseUrl } from '#ports/settings';
import { approvalUrl, currentKeyId } from '#ports/signing';
import { type CampaignContext, findCampaign, storedPeriods } from '#steps/campaign';
import { claimDecision } from '#steps/decisions';
import {
  renderPeriodStatus,
  renderSessionConfirm,
  renderSignInForm,
  renderSignInSent,
  type UnitStatusRow,
} from '#web/admin-pages';
import {
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  LinkError,
  PageError,
  redirect,
} from '#web/http';
import { actorOf, claimRefused, isExpired, openLink } from '#web/link-pages';
import { dateTime, statusPage } from '#web/pages';
import { matchPath } from './routes.ts';

export const SIGNIN_LINK_MS = 15 * 60_000;
export const SESSION_ABSOLUTE_MS = 8 * 3_600_000;
export const SESSION_IDLE_MS = 3_600_000;
export const ATTENTION_MAIL_LIMIT = 50;

const EMAIL = /^[^\s@<>"'`]{1,64}@[^\s@<>"'`]+\.[^\s@<>"'`]+$/;

/** The session cookie's name: the `__Host-` prefix needs Secure, so it is used over https only. */
export function sessionCookieName(baseUrl: string): string {
  return baseUrl.startsWith('https:') ? '__Host-thidua_session' : 'thidua_session';
}

function sessionCookie(baseUrl: string, value: string, maxAgeSeconds: number): string {
  const secure = baseUrl.startsWith('https:') ? '; Secure' : '';
  return `${sessionCookieName(baseUrl)}=${value}; HttpOnly${secure}; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}

async function currentSession(
  request: HttpRequest,
): Promise<{ id: string; session: AdminSession } | undefined> {
  const id = request.cookies.get(sessionCookieName(baseUrl()));
  if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) return undefined;
  const session = await sessions().get(id);
  return session ? { id, session } : undefined;
}

/** The authority in every page's header, when a campaign is stored. */
function authorityOf(campaign: CampaignContext | undefined): { authority?: string } {
  return campaign ? { authority: campaign.config.district.authority } : {};
}

// ---------------------------------------------------------------- sign-in

export function signInEmail(sender: Sender, d: { admin: Person; url: string; expiresAt: string }): Email {
  return renderLetter(sender, {
    subject: 'Liên kết đăng nhập trang quản trị',
    greeting: `Kính gửi ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: 'Hệ thống nhận được yêu cầu đăng nhập trang quản trị phong trào thi đua cải cách hành chính bằng địa chỉ email này.',
      },
      { kind: 'action', label: 'Đăng nhập trang quản trị', url: d.url },
      {
        kind: 'paragraph',
        text: `Liên kết chỉ dùng được một lần và hết hạn lúc ${dateTime(d.expiresAt)}. Nếu bạn không yêu cầu đăng nhập, hãy bỏ qua thư này.`,
      },
    ],
    english:
      'Your single-use sign-in link to the admin pages, valid for 15 minutes. Ignore this email if you did not ask for it.',
  });
}

async function signIn(request: HttpRequest): Promise<HttpResponse> {
  const email = (request.form.get('email') ?? '').trim();
  const campaign = await findCampaign();
  if (email.length > 254 || !EMAIL.test(email)) {
    const problems = [{ field: 'email', message: 'Địa chỉ email không hợp lệ (ví dụ: ten@coquan.gov.vn).' }];
    throw new FormError(problems, renderSignInForm({ ...authorityOf(campaign), email, problems }));
  }
  const admin = campaign?.people('admin').find((a) => a.email.trim().toLowerCase() === email.toLowerCase());
  if (campaign && admin) {
    try {
      await sendSignInLink(admin, campaign.sender);
    } catch (error) {
      // The answer stays the same; the admin may ask again.
      handlerLogger().error('sign-in link not sent', { adminId: admin.id, error });
    }
  }
  return htmlResponse(200, renderSignInSent(authorityOf(campaign)));
}

async function sendSignInLink(admin: Person, sender: Sender): Promise<void> {
  const at = now();
  const window = Math.floor(at.getTime() / SIGNIN_LINK_MS);
  const identity: MailIdentity = {
    step: `admin-signin-${window}`,
    recipient: admin.email,
    subjectId: admin.id,
    round: 0,
  };
  // One link per admin per window: asking again within it sends nothing (and creates nothing).
  if (await outbox().get(identity)) return;
  const { approval } = await reviews().createApproval({
    kind: 'signin',
    expiresAt: new Date(at.getTime() + SIGNIN_LINK_MS).toISOString(),
    keyId: await currentKeyId(),
    subjectId: admin.id,
  });
  const url = await approvalUrl(approval);
  const mail = signInEmail(sender, { admin, url, expiresAt: approval.expiresAt });
  const result = await mailer().send(identity, { to: admin.email, ...mail });
  handlerLogger().info('sign-in link requested', { adminId: admin.id, mail: result.status });
}

async function sessionPage(request: HttpRequest): Promise<HttpResponse> {
  const approval = await openLink(request, ['signin'], now());
  if (approval.status === 'closed') throw new LinkError(410, 'closed');
  if (approval.status !== 'pending') throw usedLink();
  if (isExpired(approval, now())) throw new LinkError(410, 'expired');
  const campaign = await findCampaign();
  const admin = approval.subjectId ? campaign?.findPerson('admin', approval.subjectId) : undefined;
  if (!campaign || !admin) throw new LinkError(403, 'not-found');
  const header = campaign.config.district.authority;

  if (request.isRead) {
    return htmlResponse(
      200,
      renderSessionConfirm({ authority: header, name: admin.name, expiresAt: approval.expiresAt }),
    );
  }
  const outcome = await claimDecision(
    approval,
    { action: 'signin' },
    actorOf(request, { kind: 'admin', id: admin.id, email: admin.email }),
  );
  switch (outcome.outcome) {
    case 'decided':
      break;
    case 'already-decided':
      throw usedLink();
    default:
      throw claimRefused(outcome.outcome);
  }
  const { sessionId } = await sessions().create(
    { adminId: admin.id, email: admin.email },
    { absoluteMs: SESSION_ABSOLUTE_MS, idleTimeoutMs: SESSION_IDLE_MS },
  );
  const cookie = sessionCookie(baseUrl(), sessionId, SESSION_ABSOLUTE_MS / 1000);
  const periodId = currentPeriodId(campaign);
  if (!periodId) {
    return htmlResponse(
      200,
      statusPage({
        status: 200,
        title: 'Đã đăng nhập',
        detail: 'Chưa có kỳ báo cáo nào được lưu cho phong trào.',
        header,
      }),
      { cookies: [cookie] },
    );
  }
  return redirect(`/admin/periods/${encodeURIComponent(periodId)}`, [cookie]);
}

function usedLink(): PageError {
  return new PageError(
    409,
    'Liên kết đã được sử dụng',
    'Liên kết đăng nhập này chỉ dùng được một lần và đã được dùng. Hãy yêu cầu liên kết mới tại trang đăng nhập. (This sign-in link was already used.)',
    statusPage({
      status: 409,
      title: 'Liên kết đã được sử dụng',
      detail:
        'Liên kết đăng nhập này chỉ dùng được một lần và đã được dùng. Hãy yêu cầu liên kết mới. (This sign-in link was already used.)',
      tone: 'warn',
      extra: '<p><a href="/admin">Trang đăng nhập</a></p>',
    }),
  );
}

/** The period people work on now: the last one whose submission window has opened, else the first. */
function currentPeriodId(campaign: CampaignContext): string | undefined {
  const periods = [...campaign.periods].sort((a, b) => a.opensAt.localeCompare(b.opensAt));
  const at = now().getTime();
  const opened = periods.filter((p) => Date.parse(p.opensAt) <= at);
  return (opened.at(-1) ?? periods[0])?.id;
}

async function signOut(request: HttpRequest): Promise<HttpResponse> {
  const current = await currentSession(request);
  if (current) await sessions().delete(current.id);
  return redirect('/admin', [sessionCookie(baseUrl(), '', 0)]);
}

// ---------------------------------------------------------------- period status

async function periodStatus(request: HttpRequest, periodId: string): Promise<HttpResponse> {
  const current = await currentSession(request);
  if (!current) return redirect('/admin');
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(periodId)) throw notFoundPeriod();
  const campaign = await findCampaign();
  if (!campaign?.periods.some((p) => p.id === periodId)) throw notFoundPeriod();
  const [periods, summaries, progress, taskGone, mailAttention] = await Promise.all([
    storedPeriods(campaign),
    reports().listPeriod(periodId),
    reports().listProgress(periodId),
    reviews().listTaskGone(),
    outbox().listAttention(ATTENTION_MAIL_LIMIT, { newestFirst: true }),
  ]);
  const period = periods.find((p) => p.period.id === periodId);
  if (!period) throw notFoundPeriod();
  const byUnit = new Map<string, ReportSummary>(summaries.map((r) => [r.unitId, r]));
  const progressOf = new Map(progress.map((p) => [p.unitId, p]));
  const units = campaign.units;
  const assigned = new Map<string, string>();
  const needReviewer = units.filter((u) => byUnit.has(u.id) && byUnit.get(u.id)?.status !== 'draft');
  for (let i = 0; i < needReviewer.length; i += 16) {
    const batch = needReviewer.slice(i, i + 16);
    const found = await Promise.all(batch.map((u) => reviews().getAssignment(periodId, u.id)));
    found.forEach((a, j) => {
      const unit = batch[j];
      if (a && unit) assigned.set(unit.id, a.reviewerId);
    });
  }
  const rows: UnitStatusRow[] = units.map((unit) => {
    const report = byUnit.get(unit.id);
    const reviewerId = assigned.get(unit.id);
    const marks = progressOf.get(unit.id);
    return {
      unit,
      state: report?.status ?? (marks?.invitedAt ? 'invited' : 'not-invited'),
      ...(reviewerId
        ? { reviewerName: campaign.findPerson('reviewer', reviewerId)?.name ?? reviewerId }
        : {}),
      ...(report?.updatedAt ? { updatedAt: report.updatedAt } : {}),
      ...(marks?.lateAt ? { late: true } : {}),
    };
  });
  const sorted = [...periods].sort((a, b) => a.period.opensAt.localeCompare(b.period.opensAt));
  // An approval of another period is left out; one without a period (or of a commendation cycle,
  // whose id is no period's) shows on every period's page.
  const periodIds = new Set(periods.map((p) => p.period.id));
  const gone = taskGone.filter((a) => !a.periodId || !periodIds.has(a.periodId) || a.periodId === periodId);
  return htmlResponse(
    200,
    renderPeriodStatus({
      authority: campaign.config.district.authority,
      period,
      periods: sorted,
      rows,
      session: current.session,
      attention: {
        taskGone: gone,
        mail: mailAttention.slice(0, ATTENTION_MAIL_LIMIT),
        unitNames: new Map(units.map((u) => [u.id, u.name])),
      },
    }),
  );
}

function notFoundPeriod(): PageError {
  return new PageError(
    404,
    'Không có kỳ báo cáo này',
    'Không tìm thấy kỳ báo cáo được yêu cầu. (No such period.)',
  );
}

// ---------------------------------------------------------------- routing

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const read = request.isRead;
  const path = request.path.replace(/\/+$/, '') || '/';
  if (path === '/admin' && read)
    return htmlResponse(200, renderSignInForm(authorityOf(await findCampaign())));
  if (path === '/admin/signin' && !read) return signIn(request);
  if (path === '/admin/session') return sessionPage(request);
  if (path === '/admin/signout' && !read) return signOut(request);
  const period = matchPath('/admin/periods/{periodId}', path);
  if (period?.periodId !== undefined && read)
    return periodStatus(request, request.pathParameters.periodId ?? period.periodId);
  throw new PageError(404, 'Không tìm thấy trang', 'Không có trang này. (Not found.)');
}

export const handler = httpHandler(handle, { name: 'admin-pages' });
