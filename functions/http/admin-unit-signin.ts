/**
 * A unit's focal point reaches its own history (docs/admin.md, "Routes"), by the admin's sign-in
 * pattern:
 *
 * - `GET /u`: a form for the unit's registered email; `POST /u`: if the address is a unit's
 *   focal point, a signed single-use link valid 15 minutes is mailed — at most one per unit per
 *   15-minute window (its outbox identity carries the window). The answer is the same page
 *   whatever the address, after the same floor of time (functions/ports/answer-floor.ts), so
 *   nobody learns which addresses are registered;
 * - `GET|HEAD /u/session?k&id&a&e&s`: a page with a button; `POST` consumes the link (once) and
 *   opens a session scoped to the unit (`unitId` on the session), then 303 to the unit's page;
 * - `GET /u/<u>`, `/u/<u>/periods/<p>`: the unit's history and periods, read-only, through the
 *   admin's unit pages with a unit viewer (no admin link, no action); another unit is 403, and the
 *   session never opens an admin page (admin-session.ts);
 * - `POST /u/signout`.
 */
import { groupLabelsFor, type Unit } from '#domain/model';
import type { Sender } from '#mail/letter';
import { atFloor } from '#ports/answer-floor';
import { now } from '#ports/clock';
import { sessions } from '#ports/dynamo/sessions';
import { handlerLogger } from '#ports/log';
import type { Approval } from '#ports/reviews';
import { baseUrl } from '#ports/settings';
import { type CampaignContext, findCampaign } from '#steps/campaign';
import type { AdminFrame } from '#web/admin-frame';
import { unitHref } from '#web/admin-routes';
import { renderUnitLinkRequest, renderUnitLinkSent, renderUnitSessionConfirm } from '#web/admin-unit';
import {
  FormError,
  type HttpRequest,
  type HttpResponse,
  htmlResponse,
  LinkError,
  noSuchPage,
  PageError,
  redirect,
} from '#web/http';
import { statusPage } from '#web/pages';
import {
  cookieSession,
  currentSession,
  emailProblem,
  notFound,
  sameAddress,
  sessionCookie,
} from './admin-session.ts';
import {
  consumeSignInLink,
  mailedToCurrentAddress,
  mailSignInLink,
  nextLinkAfter,
  openSignInLink,
  unitSignInEmail,
} from './admin-signin-link.ts';
import { unitHistoryPage, unitPeriodPage } from './admin-unit.ts';
import { matchPath } from './routes.ts';

/** The approval's subject of a focal point's sign-in: the unit, never a person id. */
const UNIT_SUBJECT = 'unit:';

async function campaignOr404(): Promise<CampaignContext> {
  const campaign = await findCampaign();
  if (!campaign) throw notFound('Chưa có phong trào', 'Chưa có phong trào thi đua nào được lưu.');
  return campaign;
}

async function sendUnitLink(unit: Unit, sender: Sender): Promise<void> {
  const status = await mailSignInLink({
    who: 'unit',
    id: unit.id,
    subjectId: `${UNIT_SUBJECT}${unit.id}`,
    to: unit.focalPoint.email,
    path: '/u/session',
    letter: (url, expiresAt) => unitSignInEmail(sender, { unit, url, expiresAt }),
  });
  handlerLogger().info('unit link requested', { unitId: unit.id, mail: status });
}

async function requestLink(request: HttpRequest): Promise<HttpResponse> {
  const campaign = await campaignOr404();
  const authority = campaign.config.district.authority;
  if (request.isRead) return htmlResponse(200, renderUnitLinkRequest({ authority }));
  const email = (request.form.get('email') ?? '').trim();
  const problem = emailProblem(email);
  if (problem) {
    const problems = [{ field: 'email', message: problem }];
    throw new FormError(problems, renderUnitLinkRequest({ authority, email, problems }));
  }
  const units = campaign.units.filter((u) => sameAddress(u.focalPoint.email, email));
  // Known or not, the answer comes after the same floor (functions/ports/answer-floor.ts).
  await atFloor(async () => {
    for (const unit of units) {
      try {
        await sendUnitLink(unit, campaign.sender);
      } catch (error) {
        // The answer stays the same; the focal point may ask again.
        handlerLogger().error('unit link not sent', { unitId: unit.id, error });
      }
    }
  });
  return htmlResponse(200, renderUnitLinkSent({ authority }));
}

function usedLink(approval: Approval): PageError {
  const detail = `Liên kết này chỉ dùng được một lần và đã được dùng. ${nextLinkAfter(approval)}`;
  return new PageError(
    409,
    'Liên kết đã được sử dụng',
    detail,
    statusPage({
      status: 409,
      title: 'Liên kết đã được sử dụng',
      detail,
      tone: 'warn',
      extra: `<p><a href="${unitHref.request()}">Yêu cầu liên kết mới</a></p>`,
    }),
  );
}

async function unitSession(request: HttpRequest): Promise<HttpResponse> {
  const approval = await openSignInLink(request, usedLink);
  const campaign = await campaignOr404();
  const subject = approval.subjectId ?? '';
  // An admin's sign-in link opens no unit's history.
  const unit = subject.startsWith(UNIT_SUBJECT)
    ? campaign.findUnit(subject.slice(UNIT_SUBJECT.length))
    : undefined;
  if (!unit) throw new LinkError(403, 'not-found');
  // A launch since the link was mailed gave the unit another focal point: the old address signs in no more.
  if (!(await mailedToCurrentAddress(approval, 'unit', unit.id, unit.focalPoint.email))) {
    throw new LinkError(403, 'not-found');
  }
  if (request.isRead) {
    const authority = campaign.config.district.authority;
    return htmlResponse(
      200,
      renderUnitSessionConfirm({ authority, unitName: unit.name, expiresAt: approval.expiresAt }),
    );
  }
  const email = unit.focalPoint.email;
  return consumeSignInLink(
    request,
    approval,
    { kind: 'unit', id: unit.id, email },
    { adminId: `${UNIT_SUBJECT}${unit.id}`, email, unitId: unit.id },
    { to: unitHref.history(unit.id), used: usedLink },
  );
}

/** The unit's own pages: its session, for its unit only (403 otherwise); without one, the request form. */
async function ownPage(
  request: HttpRequest,
  unitId: string,
  page: (frame: AdminFrame, campaign: CampaignContext, unit: Unit) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const campaign = await campaignOr404();
  const current = await currentSession(request, campaign);
  const scoped = current?.session.unitId;
  if (!current || scoped === undefined) return redirect(unitHref.request());
  if (scoped !== unitId) {
    throw new PageError(403, 'Không được phép', 'Phiên đăng nhập này chỉ xem được lịch sử của đơn vị mình.');
  }
  const unit = campaign.findUnit(scoped);
  if (!unit) throw notFound('Không có đơn vị này', 'Không tìm thấy đơn vị được yêu cầu.');
  const frame: AdminFrame = {
    authority: campaign.config.district.authority,
    groupLabels: groupLabelsFor(campaign.config.district.level),
    viewer: {
      kind: 'unit',
      unitId: unit.id,
      unitName: unit.name,
      email: current.session.email,
      sessionExpiresAt: current.session.expiresAt,
    },
    // The product's clock, as the stored times; the session expires on real time (the sessions store checks).
    now: now().toISOString(),
    realNow: new Date().toISOString(),
  };
  return page(frame, campaign, unit);
}

async function signOut(request: HttpRequest): Promise<HttpResponse> {
  const current = await cookieSession(request);
  if (current) await sessions().delete(current.id);
  return redirect(unitHref.request(), [sessionCookie(baseUrl(), '', 0)]);
}

/** Every `/u` path (functions/http/routes.ts lists them). */
export async function unitPages(request: HttpRequest, path: string): Promise<HttpResponse> {
  if (path === '/u') return requestLink(request);
  if (path === '/u/session') return unitSession(request);
  if (path === '/u/signout' && !request.isRead) return signOut(request);
  if (request.isRead) {
    const period = matchPath('/u/{unitId}/periods/{periodId}', path);
    if (period)
      return ownPage(request, period.unitId ?? '', (frame, campaign, unit) =>
        unitPeriodPage(frame, campaign, unit, period.periodId ?? ''),
      );
    const history = matchPath('/u/{unitId}', path);
    if (history) return ownPage(request, history.unitId ?? '', unitHistoryPage);
  }
  throw noSuchPage();
}
