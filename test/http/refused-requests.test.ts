/**
 * Requests the pages refuse without changing anything, through real HTTP on the local system and
 * the real review workflow: a reviewer's decision that does not say which report version it was
 * made on, a POST from an opaque origin (`Origin: null`), and what a browser is told about
 * referrers so that a signed URL never reaches another site.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formOf, type Harness, inReview, mailedLink, postForm, startHarness } from './harness.ts';

let h: Harness;
const ADMIN = 'huytq.noivu@song-lam.example.org';
const EVIDENCE_URL = 'https://vanban.example.org/kh-12?so=12';

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

describe('a reviewer’s decision without the report version it was made on', () => {
  it('is refused with 422 naming reportVersion: nothing stored, nothing mailed or passed on, and the link still decides', async () => {
    const { reviewUrl } = await inReview(h, 'phong-tu-phap');
    const page = await (await fetch(reviewUrl)).text();
    const approve = formOf(page, { decision: 'approve', confirm: 'yes' });
    const version = approve.get('reportVersion') ?? '';
    expect(version).toMatch(/^\d+$/);
    const before = await h.snapshot();
    const mailsBefore = (await h.mails()).length;

    const variants: [string, (form: URLSearchParams) => void][] = [
      ['missing', (f) => f.delete('reportVersion')],
      ['empty', (f) => f.set('reportVersion', '')],
      ['not a number', (f) => f.set('reportVersion', 'moi-nhat')],
      ['negative', (f) => f.set('reportVersion', `-${version}`)],
      ['decimal', (f) => f.set('reportVersion', `${version}.0`)],
      ['exponent', (f) => f.set('reportVersion', `${version}e0`)],
      ['padded', (f) => f.set('reportVersion', ` ${version}`)],
      ['too long', (f) => f.set('reportVersion', '1234567890')],
    ];
    for (const [name, change] of variants) {
      const form = new URLSearchParams(approve);
      change(form);
      const res = await postForm(reviewUrl, form, { origin: h.base });
      expect(res.status, name).toBe(422);
      const body = await res.text();
      expect(body, name).toContain('phiên bản báo cáo (trường reportVersion)');
      expect(body, name).toContain('chưa ghi nhận gì');
    }
    // Twice, differing: refused before the form is read (a field sent twice is never guessed at).
    const twice = new URLSearchParams(approve);
    twice.append('reportVersion', String(Number(version) + 1));
    const res = await postForm(reviewUrl, twice, { origin: h.base });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('Trường “reportVersion” được gửi nhiều lần');
    expect(body).toContain('chưa ghi nhận gì');

    expect(await h.snapshot()).toBe(before);
    expect((await h.mails()).length).toBe(mailsBefore);
    const still = await fetch(reviewUrl);
    expect(still.status).toBe(200);
    expect(await still.text()).toContain('Phê duyệt');

    // The same form with its version decides: the refusals above were about the version alone.
    const decided = await postForm(reviewUrl, approve, { origin: h.base });
    expect(decided.status).toBe(200);
    expect(await decided.text()).toContain('Đã ghi nhận quyết định');
  }, 60_000);
});

describe('a POST from an opaque origin', () => {
  it('is refused (403) on the decision page and at admin sign-in, and changes nothing', async () => {
    const { reviewUrl } = await inReview(h, 'phong-tai-chinh-ke-hoach');
    const approve = formOf(await (await fetch(reviewUrl)).text(), { decision: 'approve', confirm: 'yes' });
    const before = await h.snapshot();
    const mailsBefore = (await h.mails()).length;

    const opaque: Record<string, string>[] = [
      { origin: 'null' },
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of opaque) {
      const decision = await postForm(reviewUrl, approve, headers);
      expect(decision.status).toBe(403);
      expect(await decision.text()).toContain('phải được gửi từ chính trang của hệ thống');
      const signIn = await postForm(`${h.base}/admin/signin`, { email: ADMIN }, headers);
      expect(signIn.status).toBe(403);
    }
    expect(await h.snapshot()).toBe(before);
    expect((await h.mails()).length).toBe(mailsBefore);
    expect((await fetch(reviewUrl)).status).toBe(200);

    // From our own origin both go through.
    expect((await postForm(reviewUrl, approve, { origin: h.base })).status).toBe(200);
    expect((await postForm(`${h.base}/admin/signin`, { email: ADMIN }, { origin: h.base })).status).toBe(200);
  }, 60_000);
});

/** Every URL a page's markup points at, with the tag that carries it. */
function urlsOf(page: string, base: string): { url: URL; tag: string }[] {
  const out: { url: URL; tag: string }[] = [];
  for (const tag of page.match(/<[a-z][^>]*>/gi) ?? []) {
    for (const m of tag.matchAll(/\s(?:href|src|action|formaction|srcset|poster|data)="([^"]*)"/gi)) {
      out.push({ url: new URL((m[1] as string).replace(/&amp;/g, '&'), base), tag });
    }
  }
  return out;
}

describe('referrers', () => {
  it('every page asks for same-origin referrers, and every link that leaves the site sends none', async () => {
    const { reviewUrl, reportUrl } = await inReview(h, 'phong-kinh-te-ha-tang', {
      'evidence[1.1.1][0][url]': EVIDENCE_URL,
    });
    await postForm(`${h.base}/admin/signin`, { email: ADMIN }, { origin: h.base });
    const signInUrl = await mailedLink(h, ADMIN, '/admin/session');
    const refusal = await postForm(reviewUrl, { decision: 'return' }, { origin: h.base });
    expect(refusal.status).toBe(422); // a form with its problems
    // Named, so that a failure message never carries a signed URL.
    const pages: [string, string][] = [
      ['the report page', reportUrl],
      ['the review page', reviewUrl],
      ['the sign-in button page', signInUrl],
      ['the sign-in page', `${h.base}/admin`],
      ['a refused link', `${reviewUrl}x`],
    ];
    const seen: { name: string; base: string; res: Response }[] = [];
    for (const [name, url] of pages) seen.push({ name, base: url, res: await fetch(url) });
    seen.push({ name: 'a form with problems', base: reviewUrl, res: refusal });

    let external = 0;
    for (const { name, base, res } of seen) {
      expect(res.headers.get('referrer-policy'), name).toBe('same-origin');
      const html = await res.text();
      for (const meta of html.match(/<meta name="referrer"[^>]*>/g) ?? []) {
        expect(meta, name).toBe('<meta name="referrer" content="same-origin">');
      }
      for (const { url, tag } of urlsOf(html, base)) {
        if (url.origin === new URL(h.base).origin) continue;
        external++;
        expect(tag, `${name}: ${url.href}`).toMatch(/^<a\s/);
        expect(tag, `${name}: ${url.href}`).toMatch(/\srel="[^"]*\bnoreferrer\b[^"]*"/);
      }
    }
    // The evidence link is on both the unit's and the reviewer's page (and the check is not idle).
    expect(external).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
