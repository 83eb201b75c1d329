/**
 * The admin pages (docs/review.md decision 11):
 *
 * - `GET /admin`: the sign-in form (an email address) without a session, the dashboard with one;
 * - an admin page opened without a session answers 303 to `/admin?next=<that page>`: the form
 *   carries it, and the link it mails opens that page once signed in (`safeAdminPath`);
 * - `POST /admin/signin`: if the address is one of the district's admins, emails a signed,
 *   single-use sign-in link valid 15 minutes — at most one per admin per 15-minute window (its
 *   outbox identity carries the window), which also rate-limits. The answer is the same page
 *   whatever the address, so nobody can probe who is an admin;
 * - `GET|HEAD /admin/session?k&id&a&e&s`: a page with a button (mail scanners open links; a GET
 *   never signs anyone in); `POST` consumes the link (`pending → decided`, once), creates a
 *   server-side session (random 128-bit id, 8 h absolute, 1 h idle; only its hash is stored), sets
 *   the session cookie and answers 303 to the campaign dashboard;
 * - every page behind the sign-in (functions/http/admin-*.ts, listed in docs/admin.md): the
 *   campaign dashboard at `GET /admin` once signed in, a period's progress, results, units;
 * - `POST /admin/signout`: ends the session and clears the cookie.
 *
 * The cookie is `__Host-thidua_session` (HttpOnly; Secure; SameSite=Strict; Path=/) when
 * `BASE_URL` is https, and `thidua_session` without Secure over plain http (a local run) — the only
 * difference. POSTs pass the Origin check of functions/web/http.ts.
 */

import type { Person } from '#domain/model';
import { type Email, renderLetter, type Sender } from '#mail/letter';
import { sessions } from '#ports/dynamo/sessions';
import { handlerLogger } from '#ports/log';
import { baseUrl } from '#ports/settings';
import { type CampaignContext, findCampaign } from '#steps/campaign';
import { renderSessionConfirm, renderSignInForm, renderSignInSent } from '#web/admin-pages';
import { renderUnitIndex } from '#web/admin-units';
import {
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  httpHandler,
  LinkError,
  noSuchPage,
  PageError,
  redirect,
} from '#web/http';
import { dateTime, statusPage } from '#web/pages';
import { auditCsvDownload, auditPage } from './admin-audit.ts';
import { commendationIndexPage, cyclePage } from './admin-commendation.ts';
import { dashboardPage, periodPage } from './admin-progress.ts';
import { aggregateResultsPage, periodResultsPage, resultsIndexPage, yearOf } from './admin-results.ts';
import {
  type AdminContext,
  behindSignIn,
  cookieSession,
  currentSession,
  emailProblem,
  safeAdminPath,
  sameAddress,
  sessionCookie,
  unitOf,
} from './admin-session.ts';
import { consumeSignInLink, mailSignInLink, openSignInLink } from './admin-signin-link.ts';
import { unitHistoryPage, unitPeriodPage } from './admin-unit.ts';
import { unitPages } from './admin-unit-signin.ts';
import { matchPath } from './routes.ts';

/** The authority in every page's header, when a campaign is stored. */
function authorityOf(campaign: CampaignContext | undefined): { authority?: string } {
  return campaign ? { authority: campaign.config.district.authority } : {};
}

// ---------------------------------------------------------------- sign-in

export function signInEmail(sender: Sender, d: { admin: Person; url: string; expiresAt: string }): Email {
  return renderLetter(sender, {
    subject: 'Liên kết đăng nhập trang quản trị',
    greeting: `Kính gửi đồng chí ${d.admin.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: 'Hệ thống nhận được yêu cầu đăng nhập trang quản trị phong trào thi đua cải cách hành chính bằng địa chỉ email này.',
      },
      { kind: 'action', label: 'Đăng nhập trang quản trị', url: d.url },
      {
        kind: 'paragraph',
        text: `Liên kết chỉ dùng được một lần và hết hạn lúc ${dateTime(d.expiresAt)}. Nếu đồng chí không yêu cầu đăng nhập, xin bỏ qua thư này.`,
      },
    ],
    english:
      'Your single-use sign-in link to the admin pages, valid for 15 minutes. Ignore this email if you did not ask for it.',
  });
}

async function signIn(request: HttpRequest): Promise<HttpResponse> {
  const email = (request.form.get('email') ?? '').trim();
  const campaign = await findCampaign();
  const problem = emailProblem(email);
  const next = safeAdminPath(request.form.get('next'));
  if (problem) {
    const problems = [{ field: 'email', message: problem }];
    throw new FormError(
      problems,
      renderSignInForm({ ...authorityOf(campaign), email, problems, ...(next ? { next } : {}) }),
    );
  }
  const admin = campaign?.people('admin').find((a) => sameAddress(a.email, email));
  if (campaign && admin) {
    try {
      await sendSignInLink(admin, campaign.sender, next);
    } catch (error) {
      // The answer stays the same; the admin may ask again.
      handlerLogger().error('sign-in link not sent', { adminId: admin.id, error });
    }
  }
  return htmlResponse(200, renderSignInSent(authorityOf(campaign)));
}

async function sendSignInLink(admin: Person, sender: Sender, next: string | undefined): Promise<void> {
  const status = await mailSignInLink({
    who: 'admin',
    id: admin.id,
    subjectId: admin.id,
    to: admin.email,
    path: '/admin/session',
    ...(next ? { next } : {}),
    letter: (url, expiresAt) => signInEmail(sender, { admin, url, expiresAt }),
  });
  handlerLogger().info('sign-in link requested', { adminId: admin.id, mail: status });
}

async function sessionPage(request: HttpRequest): Promise<HttpResponse> {
  const approval = await openSignInLink(request, usedLink);
  const campaign = await findCampaign();
  const admin = approval.subjectId ? campaign?.findPerson('admin', approval.subjectId) : undefined;
  if (!campaign || !admin) throw new LinkError(403, 'not-found');
  if (request.isRead) {
    const authority = campaign.config.district.authority;
    return htmlResponse(
      200,
      renderSessionConfirm({ authority, name: admin.name, expiresAt: approval.expiresAt }),
    );
  }
  return consumeSignInLink(
    request,
    approval,
    { kind: 'admin', id: admin.id, email: admin.email },
    { adminId: admin.id, email: admin.email },
    { to: safeAdminPath(request.query.get('n')) ?? '/admin', used: usedLink },
  );
}

function usedLink(): PageError {
  return new PageError(
    409,
    'Liên kết đã được sử dụng',
    'Liên kết đăng nhập này chỉ dùng được một lần và đã được dùng. Hãy yêu cầu liên kết mới tại trang đăng nhập.',
    statusPage({
      status: 409,
      title: 'Liên kết đã được sử dụng',
      detail: 'Liên kết đăng nhập này chỉ dùng được một lần và đã được dùng. Hãy yêu cầu liên kết mới.',
      tone: 'warn',
      extra: '<p><a href="/admin">Trang đăng nhập</a></p>',
    }),
  );
}

async function signOut(request: HttpRequest): Promise<HttpResponse> {
  const current = await cookieSession(request);
  if (current) await sessions().delete(current.id);
  return redirect('/admin', [sessionCookie(baseUrl(), '', 0)]);
}

// ---------------------------------------------------------------- routing

type AdminPage = (
  ctx: AdminContext,
  request: HttpRequest,
  params: Record<string, string>,
) => Promise<HttpResponse>;

/** The pages behind the admin sign-in, by route path (functions/http/routes.ts). */
const ADMIN_PAGES: readonly (readonly [string, AdminPage])[] = [
  ['/admin/periods/{periodId}', (ctx, request, p) => periodPage(ctx, request, p.periodId ?? '')],
  ['/admin/results', (ctx) => resultsIndexPage(ctx)],
  ['/admin/audit', (ctx, request) => auditPage(ctx, request)],
  ['/admin/audit.csv', (ctx, request) => auditCsvDownload(ctx, request)],
  ['/admin/commendation', (ctx) => commendationIndexPage(ctx)],
  ['/admin/commendation/{cycleId}', (ctx, _r, p) => cyclePage(ctx, p.cycleId ?? '')],
  [
    '/admin/periods/{periodId}/results',
    (ctx, request, p) => periodResultsPage(ctx, request, p.periodId ?? ''),
  ],
  ['/admin/years/{year}/results', (ctx, _r, p) => aggregateResultsPage(ctx, yearOf(ctx, p.year ?? ''))],
  ['/admin/phase/results', (ctx) => aggregateResultsPage(ctx, { kind: 'phase' })],
  [
    '/admin/units',
    async (ctx, request) =>
      htmlResponse(
        200,
        renderUnitIndex({ frame: ctx.frame, units: ctx.campaign.units, query: request.query.get('q') ?? '' }),
      ),
  ],
  [
    '/admin/units/{unitId}',
    (ctx, _r, p) => unitHistoryPage(ctx.frame, ctx.campaign, unitOf(ctx.campaign, p.unitId ?? '')),
  ],
  [
    '/admin/units/{unitId}/periods/{periodId}',
    (ctx, _r, p) =>
      unitPeriodPage(ctx.frame, ctx.campaign, unitOf(ctx.campaign, p.unitId ?? ''), p.periodId ?? ''),
  ],
];

async function handle(request: HttpRequest): Promise<HttpResponse> {
  const read = request.isRead;
  const path = request.path.replace(/\/+$/, '') || '/';
  if (path === '/admin' && read) {
    const current = await currentSession(request);
    // A unit's focal point signed in (/u) has no admin session: the form, not a redirect to itself.
    if (!current || current.session.unitId !== undefined) {
      const next = safeAdminPath(request.query.get('next'));
      return htmlResponse(
        200,
        renderSignInForm({
          ...authorityOf(await findCampaign()),
          unitSession: current !== undefined,
          ...(next ? { next } : {}),
        }),
      );
    }
    return behindSignIn(request, dashboardPage);
  }
  if (path === '/admin/signin' && !read) return signIn(request);
  if (path === '/admin/session') return sessionPage(request);
  if (path === '/admin/signout' && !read) return signOut(request);
  if (path === '/u' || path.startsWith('/u/')) return unitPages(request, path);
  if (read) {
    for (const [pattern, page] of ADMIN_PAGES) {
      const params = matchPath(pattern, path);
      if (params) return behindSignIn(request, (ctx) => page(ctx, request, params));
    }
  }
  // Also every path no route answers (API Gateway's $default route, functions/http/routes.ts).
  throw noSuchPage();
}

export const handler = httpHandler(handle, { name: 'admin-pages' });
