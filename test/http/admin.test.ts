/**
 * Admin sign-in, the dashboard and a period's progress page through real HTTP on the local system: the emailed
 * single-use link, the session cookie and its flags, and an answer that reveals nobody's address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteUnit } from '#functions/period/invitation';
import { campaigns } from '#ports/dynamo/campaigns';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { log } from '#ports/log';
import { currentKeyId } from '#ports/signing';
import { loadCampaign } from '#steps/campaign';
import { dateTime } from '#web/pages';
import {
  completeReport,
  type Harness,
  location,
  PERIOD_ID,
  postForm,
  startHarness,
  unitActor,
} from './harness.ts';

let h: Harness;
const ADMIN = 'huytq.noivu@song-lam.example.org';
const secrets: string[] = [];

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function signInLink(to: string): Promise<string | undefined> {
  const mail = (await h.mails()).filter((m) => m.destination.to.includes(to)).at(-1);
  return /https?:\/\/[^\s"<>]+\/admin\/session\?[^\s"<>]+/.exec(mail?.body.text ?? '')?.[0];
}

function cookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie().find((c) => /thidua_session=/.test(c));
}

describe('signing in', () => {
  it('shows the sign-in form', async () => {
    const res = await fetch(`${h.base}/admin`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Gửi liên kết đăng nhập');
  });

  it('answers the same page for any address and mails only a configured admin', async () => {
    const mailsBefore = (await h.mails()).length;
    const stranger = await postForm(`${h.base}/admin/signin`, { email: 'ai-do@example.com' });
    expect(stranger.status).toBe(200);
    const strangerPage = await stranger.text();
    expect((await h.mails()).length).toBe(mailsBefore);
    expect(await outbox().list(50)).not.toContainEqual(expect.objectContaining({ to: 'ai-do@example.com' }));

    const admin = await postForm(`${h.base}/admin/signin`, { email: ADMIN.toUpperCase() });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toBe(strangerPage);
    expect((await h.mails()).length).toBe(mailsBefore + 1);
    expect(await signInLink(ADMIN)).toBeDefined();

    // Asking again within the 15 minutes sends nothing more (and answers the same).
    const again = await postForm(`${h.base}/admin/signin`, { email: ADMIN });
    expect(await again.text()).toBe(strangerPage);
    expect((await h.mails()).length).toBe(mailsBefore + 1);

    const malformed = await postForm(`${h.base}/admin/signin`, { email: 'khong-phai-email' });
    expect(malformed.status).toBe(422);
    expect(await malformed.text()).toContain('Địa chỉ email không hợp lệ');
    // Nothing typed: asked for, not called invalid.
    const empty = await postForm(`${h.base}/admin/signin`, { email: '' });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('Hãy nhập địa chỉ email');
  });

  it('opens a button page on GET (no session), signs in once on POST with a strict HttpOnly cookie, refuses a replay', async () => {
    const link = (await signInLink(ADMIN)) as string;
    secrets.push(new URL(link).searchParams.get('s') as string);
    const page = await fetch(link, { redirect: 'manual' });
    expect(page.status).toBe(200);
    expect(cookieOf(page)).toBeUndefined();
    expect(await page.text()).toContain('Xác nhận đăng nhập');

    const res = await postForm(link, {});
    expect(res.status).toBe(303);
    expect(location(h, res)).toBe(`${h.base}/admin`);
    const cookie = cookieOf(res) as string;
    secrets.push(cookie.split(';')[0]?.split('=')[1] as string);
    // Over plain http (a local run) the cookie has no Secure flag and no __Host- prefix.
    expect(cookie).toMatch(
      /^thidua_session=[A-Za-z0-9_-]{22,}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=28800$/,
    );

    expect((await postForm(link, {})).status).toBe(409);
  });

  it('over https the cookie is __Host-thidua_session; Secure; HttpOnly; SameSite=Strict', async () => {
    const previous = process.env.BASE_URL;
    process.env.BASE_URL = 'https://thidua.song-lam.example.org';
    try {
      await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 16 * 60_000)); // a new 15-minute window
      await postForm(`${h.base}/admin/signin`, { email: ADMIN });
      const mailed = (await signInLink(ADMIN)) as string;
      const link = `${h.base}${new URL(mailed).pathname}${new URL(mailed).search}`;
      secrets.push(new URL(link).searchParams.get('s') as string);
      const res = await postForm(link, {});
      expect(res.status).toBe(303);
      const cookie = cookieOf(res) as string;
      secrets.push(cookie.split(';')[0]?.split('=')[1] as string);
      expect(cookie).toMatch(
        /^__Host-thidua_session=[A-Za-z0-9_-]{22,}; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=28800$/,
      );
      // A post from another origin is refused.
      const cross = await postForm(
        `${h.base}/admin/signin`,
        { email: ADMIN },
        { origin: 'https://evil.example' },
      );
      expect(cross.status).toBe(403);
    } finally {
      process.env.BASE_URL = previous;
    }
  });
});

describe('a path no page answers', () => {
  it('is a 404 page in Vietnamese, never an English JSON body; a method no page takes is a 405 page', async () => {
    for (const path of ['/khong-co-trang-nay', '/admin/khong-co', '/r/thua', '/']) {
      const res = await fetch(`${h.base}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      const page = await res.text();
      expect(page, path).toContain('Không tìm thấy trang');
      expect(page, path).toContain('mở lại liên kết trong email');
      expect(page, path).not.toContain('Not Found');
      // Never a dead end: the admin's sign-in and a unit's own history.
      expect(page, path).toContain('<a href="/admin">Trang quản trị');
      expect(page, path).toContain('<a href="/u">Lịch sử báo cáo');
    }
    const head = await fetch(`${h.base}/khong-co-trang-nay`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    // A method no page takes: 405, in Vietnamese too.
    const put = await fetch(`${h.base}/admin`, { method: 'PUT', headers: { origin: h.base } });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await put.text()).toContain('Phương thức không được hỗ trợ');
  });
});

describe("a period's progress page", () => {
  it('needs a session, then lists every unit with its state and reviewer, and counts per state', async () => {
    expect((await fetch(`${h.base}/admin/periods/${PERIOD_ID}`, { redirect: 'manual' })).status).toBe(303);

    await inviteUnit(await loadCampaign(), 'phong-tu-phap', PERIOD_ID, log);
    await reports().writeRevision('phong-y-te', PERIOD_ID, {
      report: completeReport(h, 'phong-y-te'),
      expectedVersion: 0,
      actor: unitActor('phong-y-te'),
      kind: 'save',
    });
    await reports().writeRevision('phong-noi-vu', PERIOD_ID, {
      report: completeReport(h, 'phong-noi-vu'),
      expectedVersion: 0,
      actor: unitActor('phong-noi-vu'),
      kind: 'submit',
    });
    await reviews().assign(PERIOD_ID, 'phong-noi-vu', 'tran-quoc-huy', {
      kind: 'system',
      id: 'test',
    });

    await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 16 * 60_000));
    await postForm(`${h.base}/admin/signin`, { email: ADMIN });
    const link = (await signInLink(ADMIN)) as string;
    secrets.push(new URL(link).searchParams.get('s') as string);
    const signedIn = await postForm(link, {});
    const cookie = (cookieOf(signedIn) as string).split(';')[0] as string;
    secrets.push(cookie.split('=')[1] as string);

    await campaigns().setPeriodStatus(PERIOD_ID, 'scheduled', 'open');
    const res = await fetch(`${h.base}/admin/periods/${PERIOD_ID}?size=100`, { headers: { cookie } });
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Quý III/2022');
    // Every period in the navigation, this one in bold (not among "other periods").
    expect(page).toContain('Các kỳ (kỳ đang xem in đậm): ');
    expect(page).toContain('<strong aria-current="page">Quý III/2022</strong>');
    const row = (name: string) =>
      new RegExp(
        `${name}</a></th><td>[^<]+</td><td><span class="badge ([a-z-]+)">([^<]+)</span>(.*?)</tr>`,
      ).exec(page);
    expect(row('Phòng Tư pháp')?.slice(1, 3)).toEqual(['invited', 'Đã mời, chưa lập báo cáo']);
    expect(row('Phòng Y tế')?.slice(1, 3)).toEqual(['draft', 'Đang lập báo cáo']);
    // Submitted and assigned: the reviewer is who the unit now waits on.
    expect(row('Phòng Nội vụ')?.slice(1, 3)).toEqual(['submitted', 'Đã nộp, chờ phân công thẩm định']);
    expect(row('Phòng Nội vụ')?.[3]).toContain('Trần Quốc Huy<br><span class="muted">Người thẩm định</span>');
    expect(page).toContain(`Tổng: <strong>${h.config.units.length}</strong>`);
    // The dashboard lists every period, this one with its submitted count.
    const dashboard = await (await fetch(`${h.base}/admin`, { headers: { cookie } })).text();
    expect(dashboard).toContain('Tiến độ phong trào thi đua');
    expect(dashboard).toMatch(
      new RegExp(`Quý III/2022</a></th>.*?<td class="num">1/${h.config.units.length}</td>`, 's'),
    );
    // Filtered by state and searched without accents, served from the same Query.
    const drafts = await (
      await fetch(`${h.base}/admin/periods/${PERIOD_ID}?state=draft`, { headers: { cookie } })
    ).text();
    expect(drafts).toContain('Phòng Y tế</a>');
    expect(drafts).not.toContain('Phòng Tư pháp</a>');
    const searched = await (
      await fetch(`${h.base}/admin/periods/${PERIOD_ID}?q=tu+phap`, { headers: { cookie } })
    ).text();
    expect(searched).toContain('Đơn vị 1–1 trong 1 đơn vị phù hợp');

    // After review close, a unit that never submitted reads "Không nộp báo cáo", a submitted one not approved "Chưa thẩm định".
    await campaigns().setPeriodStatus(PERIOD_ID, 'open', 'closed');
    const closed = await (
      await fetch(`${h.base}/admin/periods/${PERIOD_ID}?size=100`, { headers: { cookie } })
    ).text();
    const closedRow = (name: string) =>
      new RegExp(`${name}</a></th><td>[^<]+</td><td><span class="badge ([a-z-]+)">`).exec(closed)?.[1];
    expect(closedRow('Phòng Tư pháp')).toBe('not-reported');
    expect(closedRow('Phòng Y tế')).toBe('not-reported');
    expect(closedRow('Phòng Nội vụ')).toBe('not-appraised');
    await campaigns().setPeriodStatus(PERIOD_ID, 'closed', 'open');
    expect((await fetch(`${h.base}/admin/periods/2030Q1`, { headers: { cookie } })).status).toBe(404);

    // The session runs on real time: moving the demo's clock two days on does not sign out.
    await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 2 * 86_400_000));
    const moved = await fetch(`${h.base}/admin/periods/${PERIOD_ID}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(moved.status).toBe(200);
    // What the page says follows the product's clock, as the stored times do: before the
    // period's deadline (years before the real date) the period still takes reports.
    expect(h.rt.clock.now().getTime()).toBeLessThan(Date.parse(h.period.deadlineAt));
    expect(await moved.text()).toContain('Đang nhận báo cáo');

    const out = await postForm(`${h.base}/admin/signout`, {}, { cookie });
    expect(out.status).toBe(303);
    expect(cookieOf(out)).toMatch(/^thidua_session=; .*Max-Age=0$/);
    expect(
      (await fetch(`${h.base}/admin/periods/${PERIOD_ID}`, { headers: { cookie }, redirect: 'manual' }))
        .status,
    ).toBe(303);
  });
});

describe("what needs attention on a period's page", () => {
  async function signedInCookie(): Promise<string> {
    await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 16 * 60_000)); // a new 15-minute window
    await postForm(`${h.base}/admin/signin`, { email: ADMIN });
    const link = (await signInLink(ADMIN)) as string;
    secrets.push(new URL(link).searchParams.get('s') as string);
    const cookie = (cookieOf(await postForm(link, {})) as string).split(';')[0] as string;
    secrets.push(cookie.split('=')[1] as string);
    return cookie;
  }

  async function statusPage(cookie: string): Promise<string> {
    const res = await fetch(`${h.base}/admin/periods/${PERIOD_ID}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    return res.text();
  }

  it('says nothing needs attention, then lists a decision whose task was gone and an ambiguous email, escaped', async () => {
    const cookie = await signedInCookie();
    expect(await statusPage(cookie)).toContain('Không có việc gì cần chú ý.');

    const keyId = await currentKeyId();
    const reviewer = { kind: 'reviewer' as const, id: 'tran-quoc-huy', email: 'huy.tq@song-lam.example.org' };
    const { approval } = await reviews().createApproval({
      kind: 'appraise',
      periodId: PERIOD_ID,
      unitId: 'phong-y-te',
      round: 2,
      party: 'reviewer',
      subjectId: 'tran-quoc-huy',
      taskToken: 'token-of-a-task-that-timed-out',
      expiresAt: new Date(h.rt.clock.now().getTime() + 86_400_000).toISOString(),
      keyId,
    });
    expect((await reviews().decide(approval.id, { action: 'approve' }, reviewer)).outcome).toBe('decided');
    expect(await reviews().markTaskGone(approval.id, approval.tokenGen, 'TaskTimedOut: Task Timed Out')).toBe(
      true,
    );
    // One of another period stays off this period's page.
    const other = (await loadCampaign()).periods.find((p) => p.id !== PERIOD_ID)?.id;
    if (other) {
      const { approval: elsewhere } = await reviews().createApproval({
        kind: 'explain',
        periodId: other,
        unitId: 'phong-tu-phap',
        round: 1,
        party: 'unit',
        taskToken: 't',
        expiresAt: new Date(h.rt.clock.now().getTime() + 86_400_000).toISOString(),
        keyId,
      });
      await reviews().decide(elsewhere.id, { action: 'explained' }, unitActor('phong-tu-phap'));
      await reviews().markTaskGone(elsewhere.id, elsewhere.tokenGen, 'TaskDoesNotExist');
    }

    const claim = await outbox().claim(
      { step: 'attention-test', recipient: 'vanthu@song-lam.example.org', round: 0 },
      {
        to: 'vanthu@song-lam.example.org',
        subject: 'Thư <script>alert(1)</script> thử',
        text: 'x',
        html: '<p>x</p>',
      },
    );
    expect(claim.outcome).toBe('claimed');
    expect(
      await outbox().markAmbiguous(
        claim.record.key,
        claim.record.attempt,
        'timeout after https://x.example/a?s=SECRETSIGNATURE <b>',
      ),
    ).toBe(true);

    const before = [await reviews().listTaskGone(), await outbox().listAttention()];
    const page = await statusPage(cookie);
    expect(page).not.toContain('Không có việc gì cần chú ý');
    expect(page).toContain('Cần chú ý');
    // The decision: unit, period, kind, round, who and when (Vietnam time), and the way to restart it.
    expect(page).toMatch(
      /<tr><td>Phòng Y tế<\/td><td>Quý III\/2022<\/td><td>Thẩm định<\/td><td class="num">2<\/td><td>Phê duyệt<\/td><td>[^<]*huy\.tq@song-lam\.example\.org<\/td><td>\d\d:\d\d \d\d\/\d\d\/\d{4}<\/td><td>TaskTimedOut[^<]*<\/td><td><a href="\/admin\/periods\/2022Q3\/units\/phong-y-te\/restart">/,
    );
    const decidedAt = (await reviews().getApproval(approval.id))?.decidedAt as string;
    expect(page).toContain(dateTime(decidedAt));
    expect(page).not.toContain('<td>Giải trình</td>');
    // The email: recipient, subject (escaped), status, error (scrubbed and escaped).
    expect(page).toContain('vanthu@song-lam.example.org');
    expect(page).toContain('Thư &lt;script&gt;alert(1)&lt;/script&gt; thử');
    expect(page).not.toContain('<script>');
    expect(page).toContain('Không rõ đã gửi hay chưa');
    expect(page).not.toContain('SECRETSIGNATURE');
    expect(page).toContain('&lt;b&gt;');
    // Reading changed nothing.
    expect([await reviews().listTaskGone(), await outbox().listAttention()]).toEqual(before);
  });
});

describe('a page opened from a mail without a session', () => {
  it('comes back after the sign-in its link leads to; a next page elsewhere is dropped', async () => {
    await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 16 * 60_000)); // a new 15-minute window
    const page = `/admin/periods/${PERIOD_ID}?state=submitted`;
    const res = await fetch(`${h.base}${page}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const signInPage = location(h, res);
    expect(signInPage).toBe(`${h.base}/admin?next=${encodeURIComponent(page)}`);
    const form = await (await fetch(signInPage)).text();
    expect(form).toContain(`<input type="hidden" name="next" value="${page.replace('&', '&amp;')}">`);
    expect(form).toContain('sau khi đăng nhập bằng liên kết trong email, trang đó sẽ được mở tiếp');

    await postForm(`${h.base}/admin/signin`, { email: ADMIN, next: page });
    const link = (await signInLink(ADMIN)) as string;
    secrets.push(new URL(link).searchParams.get('s') as string);
    const signedIn = await postForm(link, {});
    expect(signedIn.status).toBe(303);
    expect(location(h, signedIn)).toBe(`${h.base}${page}`);
    const cookie = (cookieOf(signedIn) as string).split(';')[0] as string;
    secrets.push(cookie.split('=')[1] as string);
    expect((await fetch(location(h, signedIn), { headers: { cookie } })).status).toBe(200);

    // Only a page under /admin of this site: anything else signs in to the dashboard.
    for (const elsewhere of ['//evil.example/admin', 'https://evil.example/admin', '/u', '/admin/../u']) {
      const asked = await fetch(`${h.base}/admin?next=${encodeURIComponent(elsewhere)}`);
      expect(await asked.text(), elsewhere).not.toContain('name="next"');
    }
    await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 16 * 60_000));
    await postForm(`${h.base}/admin/signin`, { email: ADMIN, next: '//evil.example/admin' });
    const plain = (await signInLink(ADMIN)) as string;
    secrets.push(new URL(plain).searchParams.get('s') as string);
    expect(new URL(plain).searchParams.has('n')).toBe(false);
    const tampered = new URL(plain);
    tampered.searchParams.set('n', '//evil.example/admin');
    const dashboard = await postForm(tampered.toString(), {});
    expect(location(h, dashboard)).toBe(`${h.base}/admin`);
    secrets.push((cookieOf(dashboard) as string).split(';')[0]?.split('=')[1] as string);
  });
});

describe('logs', () => {
  it('never contain a sign-in signature or a session id', () => {
    const text = h.output.join('');
    expect(text).toContain('"handler":"admin-pages"');
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
