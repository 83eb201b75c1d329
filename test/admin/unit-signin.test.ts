/**
 * A unit's focal point reaching its own history by an emailed link, on the real emulators: the
 * request page answers the same whatever the address; the registered address gets a signed,
 * single-use link (read from the SES emulator) whose GET signs nobody in; its POST opens a session
 * scoped to the unit, which shows the unit's pages and nothing else (403 on another unit, back to
 * the sign-in on admin pages). A forged, expired or replayed link opens nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { now } from '#ports/clock';
import { audit } from '#ports/dynamo/audit';
import { reviews } from '#ports/dynamo/reviews';
import { at } from '../functions/cycle-harness.ts';
import { BASE_URL } from '../functions/harness.ts';
import { type AdminBed, startAdminBed } from './bed.ts';

let a: AdminBed;

beforeAll(async () => {
  a = await startAdminBed();
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

/** A form POST without a session, from our pages' origin. */
function post(path: string, fields: Record<string, string>, cookie?: string) {
  return fetch(`${a.http.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      origin: BASE_URL,
      'content-type': 'application/x-www-form-urlencoded',
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The `/u/session` link last mailed to `to`, as a path with its query. */
async function mailedLink(to: string): Promise<string | undefined> {
  const mail = (await a.bed.emails()).filter((m) => m.destination.to.includes(to)).at(-1);
  const url = /https?:\/\/[^\s"<>]+\/u\/session\?[^\s"<>]+/.exec(mail?.body.text ?? '')?.[0];
  return url ? url.slice(url.indexOf('/u/session')) : undefined;
}

const get = (path: string, cookie?: string) =>
  fetch(`${a.http.url}${path}`, { redirect: 'manual', ...(cookie ? { headers: { cookie } } : {}) });

/** A name as someone types it without accents ("Phong Tu phap"). */
const foldedName = (name: string) =>
  name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

describe("a focal point's own history", { timeout: 90_000 }, () => {
  it('mails a link to the registered address only, with the same answer for any address', async () => {
    const unit = a.bed.config.units[0];
    if (!unit) throw new Error('no unit');
    await a.bed.clearEmails();
    const form = await (await get('/u')).text();
    expect(form).toContain('Xem lại báo cáo của đơn vị');
    const stranger = await post('/u', { email: 'ai-do@example.org' });
    const known = await post('/u', { email: unit.focalPoint.email.toUpperCase() });
    expect(stranger.status).toBe(200);
    expect(known.status).toBe(200);
    expect(await stranger.text()).toBe(await known.text());
    const mails = await a.bed.emails();
    expect(mails.flatMap((m) => m.destination.to)).toEqual([unit.focalPoint.email]);
    expect(mails[0]?.subject).toContain(unit.name);
    // Asked again within the quarter hour: nothing more is sent.
    await post('/u', { email: unit.focalPoint.email });
    expect(await a.bed.emails()).toHaveLength(1);
    const bad = await post('/u', { email: 'khong phai email' });
    expect(bad.status).toBe(422);
  });

  it('opens a session scoped to the unit: its pages, nothing else; the link once', async () => {
    const unit = a.bed.config.units[0];
    const other = a.bed.config.units[1];
    if (!unit || !other) throw new Error('no units');
    const link = await mailedLink(unit.focalPoint.email);
    if (!link) throw new Error('no link mailed');
    // The GET (a mail scanner) shows a button and signs nobody in.
    const shown = await get(link);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('set-cookie')).toBeNull();
    expect(await shown.text()).toContain('Xem lịch sử đơn vị');

    const opened = await post(link, {});
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`/u/${unit.id}`);
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/thidua_session=/);

    const history = await get(`/u/${unit.id}`, cookie);
    expect(history.status).toBe(200);
    const html = await history.text();
    expect(html).toContain(unit.name);
    expect(html).toContain('Lịch sử của đơn vị');
    expect(html).not.toContain('href="/admin');
    const periodPage = await get(`/u/${unit.id}/periods/2024Q1`, cookie);
    expect(periodPage.status).toBe(200);
    const periodHtml = await periodPage.text();
    expect(periodHtml).not.toContain('href="/admin');
    // Who appraised the unit is the Phòng Nội vụ's to tell: the admin's pages name the reviewer,
    // the unit's own never do.
    const approvals = await reviews().listUnitPeriodApprovals(unit.id, '2024Q1');
    const reviewerId = approvals.find((x) => x.kind === 'appraise')?.subjectId;
    const reviewer = a.bed.config.reviewers.find((r) => r.id === reviewerId);
    if (!reviewer) throw new Error('2024Q1 has no reviewer for the unit');
    expect(await (await a.get(`/admin/units/${unit.id}/periods/2024Q1`)).text()).toContain(
      `Vòng 1 – ${reviewer.name}`,
    );
    expect(await (await a.get(`/admin/units/${unit.id}`)).text()).toContain('Người thẩm định');
    // The admin's list of units, searched without accents, links each unit's history.
    const list = await (await a.get(`/admin/units?q=${encodeURIComponent(foldedName(unit.name))}`)).text();
    expect(list).toContain(`href="/admin/units/${unit.id}"`);
    expect(list).toContain('<a href="/admin/units" aria-current="page">Đơn vị</a>');
    for (const page of [html, periodHtml]) {
      expect(page).not.toContain(reviewer.name);
      expect(page).not.toContain('Người thẩm định');
    }

    expect((await get(`/u/${other.id}`, cookie)).status).toBe(403);
    expect((await get(`/u/${other.id}/periods/2024Q1`, cookie)).status).toBe(403);
    for (const path of ['/admin/periods/2024Q1', '/admin/audit', '/admin/units', `/admin/units/${unit.id}`]) {
      const admin = await get(path, cookie);
      expect(admin.status, path).toBe(303);
      expect(admin.headers.get('location')).toBe(`/admin?next=${encodeURIComponent(path)}`);
    }
    expect((await get('/admin/periods/2024Q1/summary.csv', cookie)).status).toBe(303);
    // Where those redirects lead: the admin sign-in form saying whose session this is, not a
    // redirect to itself (a browser's "too many redirects").
    const adminHome = await get('/admin', cookie);
    expect(adminHome.status).toBe(200);
    const form = await adminHome.text();
    expect(form).toContain('action="/admin/signin"');
    expect(form).toContain('đăng nhập với tư cách đầu mối của đơn vị');

    // Replayed: the link is spent, no second session.
    const replay = await post(link, {});
    expect(replay.status).toBe(409);
    expect(replay.headers.get('set-cookie')).toBeNull();

    const entries = await audit().listPage({ unitId: unit.id }, { limit: 10 });
    const signIn = entries.entries.find((x) => x.action === 'signin.decided');
    expect(signIn?.actor).toMatchObject({ kind: 'unit', id: unit.id });
  });

  it('refuses a forged or expired link, and an admin sign-in link', async () => {
    const unit = a.bed.config.units[2];
    if (!unit) throw new Error('no unit');
    await post('/u', { email: unit.focalPoint.email });
    const link = await mailedLink(unit.focalPoint.email);
    if (!link) throw new Error('no link mailed');
    const forged = link.replace(/s=([A-Za-z0-9_-])/, (_m, c: string) => `s=${c === 'A' ? 'B' : 'A'}`);
    expect((await post(forged, {})).status).toBe(403);
    const otherUnit = link.replace(/id=[^&]+/, 'id=AAAAAAAAAAAAAAAAAAAAAA');
    expect((await post(otherUnit, {})).status).toBe(403);

    // An admin's sign-in link opens no unit's history.
    const admin = a.bed.config.admins[0];
    if (!admin) throw new Error('no admin');
    await post('/admin/signin', { email: admin.email });
    const adminMail = (await a.bed.emails()).filter((m) => m.destination.to.includes(admin.email)).at(-1);
    const adminUrl =
      /https?:\/\/[^\s"<>]+\/admin\/session\?[^\s"<>]+/.exec(adminMail?.body.text ?? '')?.[0] ?? '';
    const asUnit = `/u/session${adminUrl.slice(adminUrl.indexOf('?'))}`;
    expect((await post(asUnit, {})).status).toBe(403);

    // Past its 15 minutes (real time for sessions, the product's clock for links): gone.
    at(a.bed, new Date(now().getTime() + 16 * 60_000));
    const expired = await post(link, {});
    expect(expired.status).toBe(410);
    expect(expired.headers.get('set-cookie')).toBeNull();
  });
});
