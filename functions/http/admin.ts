/**
 * The admin pages (docs/review.md decision 11):
 *
 * - `GET /admin`: the sign-in form (an email address) without a session, the dashboard with one;
 * - an admin page opened without a session answers 303 to `/admin?next=<that page>`: the form
 *   carries it, and the link it mails opens that page once signed in (`safeAdminPath`);
 * - `POST /admin/signin`: if the address is one of the district's admins, emails a signed,
 *   single-use sign-in link valid 15 minutes — at most one per admin per 15-minute window (its
 *   outbox identity carries the window), which also rate-limits. The answer is the same page
 *   whatever the address, after the same floor of time (functions/ports/answer-floor.ts), so
 *   nobody can probe who is an admin, by its content or by its time;
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
import { atFloor } from '#ports/answer-floor';
import { sessions } from '#ports/dynamo/sessions';
import { handlerLogger } from '#ports/log';
import type { Approval } from '#ports/reviews';
import { baseUrl } from '#ports/settings';
import { type CampaignContext, findCampaign } from '#steps/campaign';
import { renderSessionConfirm, renderSignInForm, renderSignInSent } from '#web/admin-pages';
import { adminHref } from '#web/admin-routes';
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
  type Access,
  type AdminContext,
  behindSignIn,
  cookieSession,
  currentSession,
  emailProblem,
  roleOf,
  safeAdminPath,
  sameAddress,
  sessionCookie,
  unitOf,
} from './admin-session.ts';
import {
  consumeSignInLink,
  mailedToCurrentAddress,
  mailSignInLink,
  nextLinkAfter,
  openSignInLink,
} from './admin-signin-link.ts';
import { unitHistoryPage, unitPeriodPage } from './admin-unit.ts';
import { unitPages } from './admin-unit-signin.ts';
import { matchPath } from './routes.ts';

/** The authority in every page's header, when a campaign is stored. */
function authorityOf(campaign: CampaignContext | undefined): { authority?: string } {
  return campaign ? { authority: campaign.config.district.authority } : {};
}

// ---------------------------------------------------------------- sign-in

export function signInEmail(
  sender: Sender,
  d: { role: 'admin' | 'leader'; person: Person; url: string; expiresAt: string },
): Email {
  const leader = d.role === 'leader';
  return renderLetter(sender, {
    subject: leader ? 'Liên kết xem kết quả thi đua' : 'Liên kết đăng nhập trang quản trị',
    greeting: `Kính gửi đồng chí ${d.person.name},`,
    blocks: [
      {
        kind: 'paragraph',
        text: leader
          ? 'Hệ thống nhận được yêu cầu đăng nhập để xem kết quả phong trào thi đua cải cách hành chính bằng địa chỉ email này. Phiên đăng nhập của lãnh đạo xem được kết quả các kỳ, các năm, cả giai đoạn và tải các bảng tổng hợp, báo cáo kết quả.'
          : 'Hệ thống nhận được yêu cầu đăng nhập trang quản trị phong trào thi đua cải cách hành chính bằng địa chỉ email này.',
      },
      { kind: 'action', label: leader ? 'Xem kết quả thi đua' : 'Đăng nhập trang quản trị', url: d.url },
      {
        kind: 'paragraph',
        text: `Liên kết chỉ dùng được một lần và hết hạn lúc ${dateTime(d.expiresAt)}. Nếu đồng chí không yêu cầu đăng nhập, xin bỏ qua thư này.`,
      },
    ],
    english: leader
      ? 'Your single-use sign-in link to the campaign results, valid for 15 minutes. Ignore this email if you did not ask for it.'
      : 'Your single-use sign-in link to the admin pages, valid for 15 minutes. Ignore this email if you did not ask for it.',
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
  const signer = campaign ? signerOf(campaign, email) : undefined;
  // Known or not, the answer comes after the same floor (functions/ports/answer-floor.ts): the
  // mail an admin's or a leader's address costs does not show in the time the page takes.
  await atFloor(async () => {
    if (!campaign || !signer) return;
    try {
      await sendSignInLink(signer, campaign.sender, next);
    } catch (error) {
      // The answer stays the same; the person may ask again.
      handlerLogger().error('sign-in link not sent', { personId: signer.person.id, error });
    }
  });
  return htmlResponse(200, renderSignInSent(authorityOf(campaign)));
}

/**
 * Who an address signs in as: an admin, else a member of the leadership (the results pages only).
 * Someone listed as both is an admin.
 */
interface Signer {
  role: 'admin' | 'leader';
  person: Person;
}
function signerOf(campaign: CampaignContext, email: string): Signer | undefined {
  const admin = campaign.people('admin').find((a) => sameAddress(a.email, email));
  if (admin) return { role: 'admin', person: admin };
  const leader = campaign.people('leadership').find((l) => sameAddress(l.email, email));
  return leader ? { role: 'leader', person: leader } : undefined;
}

/** A leader's sign-in link names its subject so: an admin's is the bare person id. */
const LEADER_SUBJECT = 'leader:';

async function sendSignInLink(signer: Signer, sender: Sender, next: string | undefined): Promise<void> {
  const { role, person } = signer;
  const status = await mailSignInLink({
    who: role,
    id: person.id,
    subjectId: role === 'leader' ? `${LEADER_SUBJECT}${person.id}` : person.id,
    to: person.email,
    path: '/admin/session',
    ...(next ? { next } : {}),
    letter: (url, expiresAt) => signInEmail(sender, { ...signer, url, expiresAt }),
  });
  handlerLogger().info('sign-in link requested', { personId: person.id, role, mail: status });
}

/** The person a sign-in link was mailed to, as the stored campaign lists them now. */
function signerOfLink(campaign: CampaignContext, subjectId: string): Signer | undefined {
  if (subjectId.startsWith(LEADER_SUBJECT)) {
    const leader = campaign.findPerson('leadership', subjectId.slice(LEADER_SUBJECT.length));
    return leader ? { role: 'leader', person: leader } : undefined;
  }
  const admin = campaign.findPerson('admin', subjectId);
  return admin ? { role: 'admin', person: admin } : undefined;
}

async function sessionPage(request: HttpRequest): Promise<HttpResponse> {
  const approval = await openSignInLink(request, usedLink);
  const campaign = await findCampaign();
  const signer = campaign && approval.subjectId ? signerOfLink(campaign, approval.subjectId) : undefined;
  if (!campaign || !signer) throw new LinkError(403, 'not-found');
  const { role, person } = signer;
  // A launch since the link was mailed gave the person another address: the old one signs in no more.
  if (!(await mailedToCurrentAddress(approval, role, person.id, person.email))) {
    throw new LinkError(403, 'not-found');
  }
  if (request.isRead) {
    const authority = campaign.config.district.authority;
    return htmlResponse(
      200,
      renderSessionConfirm({
        authority,
        name: person.name,
        expiresAt: approval.expiresAt,
        leader: role === 'leader',
      }),
    );
  }
  const next = safeAdminPath(request.query.get('n'));
  return consumeSignInLink(
    request,
    approval,
    { kind: role === 'leader' ? 'leadership' : 'admin', id: person.id, email: person.email },
    role === 'leader'
      ? { adminId: `${LEADER_SUBJECT}${person.id}`, email: person.email, leaderId: person.id }
      : { adminId: person.id, email: person.email },
    {
      to: role === 'leader' ? (next && leaderOpens(next) ? next : adminHref.results()) : (next ?? '/admin'),
      used: usedLink,
    },
  );
}

/** Whether a leader's session opens this page: a leader sent to any other lands on the results. */
function leaderOpens(page: string): boolean {
  const path = page.split('?')[0] ?? '';
  return ADMIN_PAGES.some(([pattern, , access]) => access === 'results' && matchPath(pattern, path));
}

function usedLink(approval: Approval): PageError {
  const detail = `Liên kết đăng nhập này chỉ dùng được một lần và đã được dùng. ${nextLinkAfter(approval)}`;
  return new PageError(
    409,
    'Liên kết đã được sử dụng',
    detail,
    statusPage({
      status: 409,
      title: 'Liên kết đã được sử dụng',
      detail,
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

/**
 * The pages behind the admin sign-in, by route path (functions/http/routes.ts); the results pages
 * (`Access` `results`) open to a leader's session too.
 */
const ADMIN_PAGES: readonly (readonly [string, AdminPage, Access?])[] = [
  ['/admin/periods/{periodId}', (ctx, request, p) => periodPage(ctx, request, p.periodId ?? '')],
  ['/admin/results', (ctx) => resultsIndexPage(ctx), 'results'],
  ['/admin/audit', (ctx, request) => auditPage(ctx, request)],
  ['/admin/audit.csv', (ctx, request) => auditCsvDownload(ctx, request)],
  ['/admin/commendation', (ctx) => commendationIndexPage(ctx)],
  ['/admin/commendation/{cycleId}', (ctx, request, p) => cyclePage(ctx, p.cycleId ?? '', request.query)],
  [
    '/admin/periods/{periodId}/results',
    (ctx, request, p) => periodResultsPage(ctx, request, p.periodId ?? ''),
    'results',
  ],
  [
    '/admin/years/{year}/results',
    (ctx, _r, p) => aggregateResultsPage(ctx, yearOf(ctx, p.year ?? '')),
    'results',
  ],
  ['/admin/phase/results', (ctx) => aggregateResultsPage(ctx, { kind: 'phase' }), 'results'],
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
    const role = current ? roleOf(current.session) : undefined;
    // A leader's session opens the results only: their index is the leader's home.
    if (role === 'leader') return redirect(adminHref.results());
    // A unit's focal point signed in (/u) has no admin session: the form, not a redirect to itself.
    if (!current || role === 'unit') {
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
    for (const [pattern, page, access] of ADMIN_PAGES) {
      const params = matchPath(pattern, path);
      if (params) return behindSignIn(request, (ctx) => page(ctx, request, params), access);
    }
  }
  // Also every path no route answers (API Gateway's $default route, functions/http/routes.ts).
  throw noSuchPage();
}

export const handler = httpHandler(handle, { name: 'admin-pages' });
