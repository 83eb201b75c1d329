/**
 * What every page behind the admin sign-in shares: the session cookie, the session it names (on
 * real time), the frame of the page (authority, who is signed in, the product's time now), and the
 * answers for an unknown period or unit. Page handlers call `adminContext` first; without a valid
 * admin session the person is sent to the sign-in form. A leader's session (a member of the
 * campaign's leadership who is not an admin) opens the results pages and their downloads only
 * (`Access` `results`); every other admin page answers it 403.
 */
import { groupLabelsFor } from '#domain/model';
import { now } from '#ports/clock';
import { campaigns } from '#ports/dynamo/campaigns';
import { sessions } from '#ports/dynamo/sessions';
import type { AdminSession } from '#ports/sessions';
import { baseUrl } from '#ports/settings';
import { type CampaignContext, findCampaign } from '#steps/campaign';
import type { AdminFrame } from '#web/admin-frame';
import type { PeriodState } from '#web/admin-progress';
import { adminHref } from '#web/admin-routes';
import { type HttpRequest, type HttpResponse, PageError, redirect } from '#web/http';
import { statusPage } from '#web/pages';

const SESSION_COOKIE_VALUE = /^[A-Za-z0-9_-]{16,100}$/;

/** A sign-in link (an admin's, a focal point's) is valid this long. */
export const SIGNIN_LINK_MS = 15 * 60_000;
/** A session ends this long after sign-in, or after an hour without a request. */
export const SESSION_ABSOLUTE_MS = 8 * 3_600_000;
export const SESSION_IDLE_MS = 3_600_000;
/** An address a sign-in form accepts (checked before anything is looked up). */
export const EMAIL_ADDRESS = /^[^\s@<>"'`]{1,64}@[^\s@<>"'`]+\.[^\s@<>"'`]+$/;

/** What a sign-in form says of an address it cannot take (none given, or not one), else undefined. */
export function emailProblem(email: string): string | undefined {
  if (email === '') return 'Hãy nhập địa chỉ email của đồng chí (ví dụ: ten@coquan.gov.vn).';
  if (email.length > 254 || !EMAIL_ADDRESS.test(email)) {
    return 'Địa chỉ email không hợp lệ (ví dụ: ten@coquan.gov.vn).';
  }
  return undefined;
}

/** The session cookie's name: the `__Host-` prefix needs Secure, so it is used over https only. */
export function sessionCookieName(base: string): string {
  return base.startsWith('https:') ? '__Host-thidua_session' : 'thidua_session';
}

export function sessionCookie(base: string, value: string, maxAgeSeconds: number): string {
  const secure = base.startsWith('https:') ? '; Secure' : '';
  return `${sessionCookieName(base)}=${value}; HttpOnly${secure}; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
}

/** The session the cookie names, whoever it was opened for (signing out ends it in any case). */
export async function cookieSession(
  request: HttpRequest,
): Promise<{ id: string; session: AdminSession } | undefined> {
  const id = request.cookies.get(sessionCookieName(baseUrl()));
  if (!id || !SESSION_COOKIE_VALUE.test(id)) return undefined;
  const session = await sessions().get(id);
  return session ? { id, session } : undefined;
}

/** A session's person: a unit's focal point, a leader (results only), or an admin. */
export type SessionRole = 'unit' | 'leader' | 'admin';
export function roleOf(session: AdminSession): SessionRole {
  if (session.unitId !== undefined) return 'unit';
  return session.leaderId !== undefined ? 'leader' : 'admin';
}

/** Two email addresses naming the same mailbox as the config and the sign-in forms compare them. */
export const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether the person a session was opened for still holds that place in the stored campaign: an
 * admin still among its admins, a leader among its leadership, a focal point still its unit's,
 * each at the address the sign-in link went to. The config is the source of truth for who may act; a launch of a config without
 * someone (moved to another post, or an address changed) ends their session at its next request,
 * as it already refuses their sign-in link, rather than leaving it open for up to 8 hours.
 */
export function stillEntitled(campaign: CampaignContext, session: AdminSession): boolean {
  if (session.unitId !== undefined) {
    const unit = campaign.findUnit(session.unitId);
    return unit !== undefined && sameAddress(unit.focalPoint.email, session.email);
  }
  if (session.leaderId !== undefined) {
    const leader = campaign.findPerson('leadership', session.leaderId);
    return leader !== undefined && sameAddress(leader.email, session.email);
  }
  const admin = campaign.findPerson('admin', session.adminId);
  return admin !== undefined && sameAddress(admin.email, session.email);
}

/** The session the cookie names, while the person it was opened for is still entitled to it. */
export async function currentSession(
  request: HttpRequest,
  campaign?: CampaignContext,
): Promise<{ id: string; session: AdminSession } | undefined> {
  const current = await cookieSession(request);
  if (!current) return undefined;
  const stored = campaign ?? (await findCampaign());
  return stored && stillEntitled(stored, current.session) ? current : undefined;
}

/** What a page handler behind the admin sign-in works with. */
export interface AdminContext {
  session: AdminSession;
  campaign: CampaignContext;
  frame: AdminFrame;
}

/** Thrown to send a person without a valid admin session to the sign-in form. */
export class SignInNeeded extends PageError {
  constructor() {
    super(303, 'Cần đăng nhập', 'Phiên đăng nhập đã hết hoặc chưa đăng nhập.');
  }
}

/**
 * Who a page behind the sign-in is for: `admin` (every admin page and action), or `results` (the
 * results pages and their downloads, which a leader's session opens too).
 */
export type Access = 'admin' | 'results';

/** The answer to a leader's session on a page only admins open: where the leader can go instead. */
export function adminsOnly(): PageError {
  const detail =
    'Đồng chí đăng nhập với tư cách lãnh đạo: phiên này xem được kết quả thi đua, không mở được trang quản trị này.';
  return new PageError(
    403,
    'Trang dành cho cán bộ quản trị',
    detail,
    statusPage({
      status: 403,
      title: 'Trang dành cho cán bộ quản trị',
      detail,
      tone: 'warn',
      extra: `<p><a href="${adminHref.results()}">Xem kết quả thi đua</a></p>`,
    }),
  );
}

/**
 * The session, the stored campaign and the page frame; SignInNeeded without a session (a unit's
 * session included), 403 for a leader's session on a page that is not `results`.
 */
export async function adminContext(request: HttpRequest, access: Access = 'admin'): Promise<AdminContext> {
  const campaign = await findCampaign();
  const current = campaign ? await currentSession(request, campaign) : undefined;
  // A unit's focal point holds a session scoped to its unit: never an admin page.
  const role = current ? roleOf(current.session) : undefined;
  if (!current || role === 'unit') throw new SignInNeeded();
  if (!campaign) throw notFound('Chưa có phong trào', 'Chưa có phong trào thi đua nào được lưu.');
  if (role === 'leader' && access !== 'results') throw adminsOnly();
  const { session } = current;
  const person =
    role === 'leader'
      ? campaign.findPerson('leadership', session.leaderId ?? '')
      : campaign.findPerson('admin', session.adminId);
  const who = {
    name: person?.name ?? session.email,
    email: session.email,
    sessionExpiresAt: session.expiresAt,
  };
  return {
    session,
    campaign,
    frame: {
      authority: campaign.config.district.authority,
      groupLabels: groupLabelsFor(campaign.config.district.level),
      viewer: role === 'leader' ? { kind: 'leader', ...who } : { kind: 'admin', ...who },
      // What the pages say ("waiting since", the period's state) follows the product's clock, as the
      // stored times do; the session itself expires on real time (the sessions store checks).
      now: now().toISOString(),
      realNow: new Date().toISOString(),
    },
  };
}

/**
 * An admin page's path (and query) to come back to after signing in, or undefined: only a path
 * under `/admin` of this site, without `.` or `..` segments, so it never leads elsewhere.
 */
const ADMIN_PATH = /^\/admin(?:\/[A-Za-z0-9_~%.-]+)*(?:\?[A-Za-z0-9_~%.=&+-]*)?$/;
export function safeAdminPath(raw: string | null | undefined): string | undefined {
  if (!raw || raw.length > 500 || !ADMIN_PATH.test(raw) || /\/\.{1,2}(?:[/?]|$)/.test(raw)) return undefined;
  return raw;
}

/** The sign-in form that brings the person back to this page (a link from a mail) once signed in. */
function signInFor(request: HttpRequest): string {
  const query = request.query.toString();
  const here = safeAdminPath(`${request.path}${query ? `?${query}` : ''}`);
  return here && request.isRead && here !== '/admin' ? `/admin?next=${encodeURIComponent(here)}` : '/admin';
}

/** Runs a page behind the admin sign-in: without a session, a 303 to the sign-in form. */
export async function behindSignIn(
  request: HttpRequest,
  page: (ctx: AdminContext) => Promise<HttpResponse>,
  access: Access = 'admin',
): Promise<HttpResponse> {
  let ctx: AdminContext;
  try {
    ctx = await adminContext(request, access);
  } catch (error) {
    if (error instanceof SignInNeeded) return redirect(signInFor(request));
    throw error;
  }
  return page(ctx);
}

export function notFound(title: string, detail: string): PageError {
  return new PageError(404, title, detail);
}

/** The period of the calendar named in a path, or 404. */
export function periodOf(campaign: CampaignContext, periodId: string) {
  const period = /^[A-Za-z0-9_-]{1,16}$/.test(periodId)
    ? campaign.periods.find((p) => p.id === periodId)
    : undefined;
  if (!period) throw notFound('Không có kỳ báo cáo này', 'Không tìm thấy kỳ báo cáo được yêu cầu.');
  return period;
}

/** The answer for a commendation cycle that does not exist (or has no proposal yet). */
export function unknownCycle(): PageError {
  return notFound('Không có đợt khen thưởng này', 'Không tìm thấy đợt xét khen thưởng được yêu cầu.');
}

/** The unit of the campaign named in a path, or 404. */
export function unitOf(campaign: CampaignContext, unitId: string) {
  const unit = campaign.findUnit(unitId);
  if (!unit) throw notFound('Không có đơn vị này', 'Không tìm thấy đơn vị được yêu cầu.');
  return unit;
}

/** Every period of the calendar with its stored state (absent: scheduled). */
export async function periodStates(campaign: CampaignContext): Promise<Map<string, PeriodState>> {
  const stored = await campaigns().listPeriodStatuses();
  return new Map(campaign.periods.map((p) => [p.id, stored.get(p.id)?.status ?? 'scheduled']));
}
