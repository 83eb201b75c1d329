/**
 * A leader (Chủ tịch, Phó Chủ tịch: the campaign's `leadership`) who is not an admin reads every
 * unit's results: the results digest links the results page, the leader signs in there with their
 * own address by the emailed single-use link, and the session opens the results pages and their
 * downloads only — read-only, every other admin page and action refused, nothing changed. On the
 * real emulators: the demo's 2024 scored by the ComputeResults step, the digest sent by the
 * NotifyLeadership step, the pages over the local HTTP adapter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditActionText } from '#functions/documents/audit';
import { auditRowOf } from '#functions/http/admin-audit';
import { handler as notifyLeadership } from '#functions/scoring/notify-leadership';
import { latestHeader } from '#functions/scoring/results';
import type { AuditEntry } from '#ports/audit';
import { audit } from '#ports/dynamo/audit';
import { loadCampaign } from '#steps/campaign';
import { at } from '../functions/cycle-harness.ts';
import { BASE_URL } from '../functions/harness.ts';
import { type AdminBed, startAdminBed } from './bed.ts';

let a: AdminBed;
const PERIOD = '2024Q3';

beforeAll(async () => {
  a = await startAdminBed();
}, 180_000);
afterAll(async () => {
  await a?.stop();
});

/** The chairman: a leader, not an admin. */
function chairman() {
  const leader = a.bed.config.leadership[0];
  if (!leader || a.bed.config.admins.some((x) => x.email === leader.email)) {
    throw new Error('the demo has no leader who is not an admin');
  }
  return leader;
}

/** The last mail to an address whose subject says so. */
async function lastMail(to: string, subject: string) {
  const mail = (await a.bed.emails())
    .filter((m) => m.destination.to.includes(to) && m.subject.includes(subject))
    .at(-1);
  if (!mail) throw new Error(`no mail "${subject}" to ${to}`);
  return mail;
}

/** A link of this site in a mail, as the local server answers it. */
function local(link: string): string {
  const url = new URL(link);
  return `${a.http.url}${url.pathname}${url.search}`;
}

const asLeader = (path: string, cookie: string, init: RequestInit = {}) =>
  fetch(`${a.http.url}${path}`, { ...init, headers: { cookie, ...init.headers }, redirect: 'manual' });

const post = (url: string, fields: Record<string, string>, cookie = '') =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin: BASE_URL, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

let cookie = '';

describe('a leader reads the results', { timeout: 60_000 }, () => {
  it("follows the digest's link, signs in with their own address and lands on that version's results", async () => {
    const leader = chairman();
    const header = await latestHeader(PERIOD);
    expect(header?.version).toBe(1);
    await a.bed.invoke(notifyLeadership, { periodId: PERIOD, version: 1 });
    const digest = await lastMail(leader.email, 'Kết quả thi đua cải cách hành chính');
    const text = digest.body.text ?? '';
    // The same link as the admins': no "ask the admin" in its place.
    const link = /https?:\/\/\S+\/admin\/periods\/2024Q3\/results\?version=1/.exec(text)?.[0];
    expect(link, text).toBeDefined();
    expect(text).not.toContain('đề nghị liên hệ');

    // Without a session: the sign-in form, which carries the page.
    const page = `/admin/periods/${PERIOD}/results?version=1`;
    const first = await fetch(local(link as string), { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toContain(`/admin?next=${encodeURIComponent(page)}`);
    const form = await (await fetch(`${a.http.url}/admin?next=${encodeURIComponent(page)}`)).text();
    expect(form).toContain('lãnh đạo Ủy ban nhân dân');

    expect((await post(`${a.http.url}/admin/signin`, { email: leader.email, next: page })).status).toBe(200);
    const signIn = await lastMail(leader.email, 'Liên kết xem kết quả thi đua');
    const signInLink = /https?:\/\/\S+\/admin\/session\?\S+/.exec(signIn.body.text ?? '')?.[0] as string;
    expect(signIn.body.text).toContain(`Kính gửi đồng chí ${leader.name},`);
    const confirm = await fetch(local(signInLink), { redirect: 'manual' });
    expect(confirm.status).toBe(200);
    const confirmPage = await confirm.text();
    expect(confirmPage).toContain('xem kết quả thi đua (chỉ xem, không thay đổi được dữ liệu)');
    // Addressed as the letters address a leader.
    expect(confirmPage).toContain(`Kính chào đồng chí ${leader.name}.`);
    const signedIn = await post(local(signInLink), {});
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe(page);
    cookie =
      (signedIn.headers.getSetCookie().find((c) => /thidua_session=/.test(c)) ?? '').split(';')[0] ?? '';
    expect(cookie).not.toBe('');

    // The audit trail: the sign-in by the leader, read as a leader's (not an admin's), no secret.
    const entries = await audit().list(`admin/leader:${leader.id}`);
    const entry = entries.find((e) => e.action === 'signin.decided');
    expect(entry?.actor).toMatchObject({ kind: 'leadership', id: leader.id, email: leader.email });
    const row = auditRowOf(entry as AuditEntry, await loadCampaign());
    expect(row.action).toBe('signin.leader');
    expect(row.who).toMatchObject({ role: 'leadership', name: leader.name });
    expect(auditActionText(row.action)).toBe('Đăng nhập xem kết quả thi đua (lãnh đạo)');
    const session = cookie.split('=')[1] ?? '-';
    const signature = new URL(signInLink).searchParams.get('s') ?? '-';
    for (const secret of [session, signature]) {
      expect(JSON.stringify(entries)).not.toContain(secret);
    }

    const results = await asLeader(page, cookie);
    expect(results.status).toBe(200);
    const html = await results.text();
    // Every unit's line, the leader named as signed in, the results as the only place to go.
    for (const unit of a.bed.config.units) expect(html).toContain(unit.name.replace(/&/g, '&amp;'));
    expect(html).toContain(`Đăng nhập: ${leader.name} (${leader.email})`);
    expect(html).toContain('href="/admin/results"');
    for (const adminOnly of [
      '/admin/units/',
      'href="/admin/audit"',
      'href="/admin/commendation"',
      'Tiến độ',
    ]) {
      expect(html, adminOnly).not.toContain(adminOnly);
    }
  });

  it('reads the index, a year, and downloads the summary and the results report', async () => {
    expect(cookie).not.toBe('');
    for (const path of ['/admin/results', '/admin/years/2024/results', '/admin/phase/results']) {
      const res = await asLeader(path, cookie);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).not.toContain('/admin/units/');
    }
    const xlsx = await asLeader(`/admin/periods/${PERIOD}/summary.xlsx?version=1`, cookie);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`${PERIOD}-v1.xlsx`);
    const report = await asLeader(`/admin/periods/${PERIOD}/report.docx`, cookie);
    expect(report.status).toBe(200);
    // The home of a leader's session is the results index.
    const home = await asLeader('/admin', cookie);
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/admin/results');
  });

  it('opens no other admin page, takes no action, and nothing changes', async () => {
    expect(cookie).not.toBe('');
    const before = await latestHeader(PERIOD);
    for (const path of [
      `/admin/periods/${PERIOD}`,
      '/admin/units',
      `/admin/units/${a.bed.config.units[0]?.id}`,
      '/admin/audit',
      '/admin/audit.csv',
      '/admin/commendation',
      '/admin/commendation/2024/proposal.docx',
      `/admin/periods/${PERIOD}/recompute`,
      `/admin/periods/${PERIOD}/adjustments`,
    ]) {
      const res = await asLeader(path, cookie);
      expect(res.status, path).toBe(403);
      const page = await res.text();
      expect(page, path).toContain('Trang dành cho cán bộ quản trị');
      expect(page, path).toContain('href="/admin/results"');
    }
    // An action posted from the site itself: refused before anything is done.
    const recompute = await post(`${a.http.url}/admin/periods/${PERIOD}/recompute`, { confirm: '1' }, cookie);
    expect(recompute.status).toBe(403);
    const remind = await post(
      `${a.http.url}/admin/periods/${PERIOD}/units/${a.bed.config.units[0]?.id}/remind`,
      {},
      cookie,
    );
    expect(remind.status).toBe(403);
    expect(await latestHeader(PERIOD)).toEqual(before);
  });

  it('signs out', async () => {
    const out = await post(`${a.http.url}/admin/signout`, {}, cookie);
    expect(out.status).toBe(303);
    const after = await asLeader('/admin/results', cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toContain('/admin?next=');
  });

  it('lands on the results when the page it came for is one only admins open', async () => {
    const leader = chairman();
    // A new 15-minute window (the bed's clock stands a minute after the last review closed): a new link.
    const last = a.periods.at(-1);
    if (!last) throw new Error('no period');
    at(a.bed, new Date(Date.parse(last.reviewClosesAt) + 20 * 60_000));
    expect(
      (await post(`${a.http.url}/admin/signin`, { email: leader.email, next: '/admin/units' })).status,
    ).toBe(200);
    const signIn = await lastMail(leader.email, 'Liên kết xem kết quả thi đua');
    const link = /https?:\/\/\S+\/admin\/session\?\S+/.exec(signIn.body.text ?? '')?.[0] as string;
    expect(new URL(link).searchParams.get('n')).toBe('/admin/units');
    const signedIn = await post(local(link), {});
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/admin/results');

    // Asking again within the link's 15 minutes mails nothing; the spent link, opened again, says
    // from when a new one comes instead of only "ask for a new link", which went round in a circle.
    const mails = (await a.bed.emails()).length;
    await post(`${a.http.url}/admin/signin`, { email: leader.email });
    expect((await a.bed.emails()).length).toBe(mails);
    const again = await fetch(local(link));
    expect(again.status).toBe(409);
    const expiresAt = new Date(Number(new URL(link).searchParams.get('e')) * 1000);
    const hhmm = expiresAt.toLocaleTimeString('en-GB', {
      timeZone: 'Asia/Ho_Chi_Minh',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(await again.text()).toContain(
      `Mỗi địa chỉ nhận nhiều nhất một liên kết đăng nhập trong 15 phút: liên kết mới được gửi nếu yêu cầu từ ${hhmm} `,
    );
  });
});
