/**
 * Where a form POST comes from, as a real browser says it (Debian's chromium driven by
 * playwright-core) on the local system: the report page's own form carries the site's origin and
 * is saved; the same form posted from another site, from an opaque origin (a sandboxed page), or
 * from a page of the site under `Referrer-Policy: no-referrer` (which makes the browser send
 * `Origin: null`) is refused with 403 and stores nothing.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI it must run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, haveBrowser, launchChromium } from '../helpers/chromium.ts';
import { type Harness, invite, mailedLink, startHarness } from '../http/harness.ts';

const skip = !haveBrowser && !process.env.CI;
if (skip) {
  console.warn(
    `test/e2e/form-origin.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI this test runs.`,
  );
}

const UNIT = 'phong-noi-vu';

/** A form that saves a score of 0 on the unit's report, posted to `action`. */
function foreignForm(action: string, head = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>
<form method="post" action="${action.replace(/&/g, '&amp;')}">
<input type="hidden" name="action" value="save"><input type="hidden" name="version" value="1">
<input type="hidden" name="score[1.1.1]" value="0"><button type="submit">Gửi</button>
</form></body></html>`;
}

describe.skipIf(skip)('the origin of a form POST in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let other: Server;
  /** Another site: `localhost` is not the harness's `127.0.0.1`. */
  let otherBase: string;
  let link: string;

  beforeAll(async () => {
    if (!haveBrowser)
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
    h = await startHarness();
    browser = await launchChromium();
    other = createServer((req, res) => {
      const sandboxed = req.url === '/sandboxed';
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        ...(sandboxed ? { 'content-security-policy': 'sandbox allow-forms' } : {}),
      });
      res.end(foreignForm(link));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherBase = `http://localhost:${(other.address() as AddressInfo).port}`;
    await invite(UNIT);
    const focal = h.config.units.find((u) => u.id === UNIT)?.focalPoint.email as string;
    link = await mailedLink(h, focal, '/r');
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => other?.close(resolve));
    await h?.stop();
  });

  /** Clicks the page's submit button; the POST the browser sent, its headers and its answer. */
  async function submit(
    page: Page,
    button: string,
  ): Promise<{ headers: Record<string, string>; status: number }> {
    const [request] = await Promise.all([
      page.waitForRequest((r: Request) => r.method() === 'POST'),
      page.click(button),
    ]);
    const response = await request.response();
    return { headers: await request.allHeaders(), status: response?.status() ?? 0 };
  }

  /** The stored score of 1.1.1 as the unit's page shows it. */
  async function shownScore(page: Page): Promise<string> {
    await page.goto(link);
    return page.inputValue('[name="score[1.1.1]"]');
  }

  it('the report page’s own form sends the site’s origin and is saved', async () => {
    const page = await browser.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    await page.fill('[name="score[1.1.1]"]', '1');
    const sent = await submit(page, 'button[name="action"][value="save"]');
    expect(sent.headers.origin).toBe(h.base);
    expect(sent.status).toBe(303);
    await page.waitForURL(/ok=saved/);
    await expect(page.locator('.notice.ok').first().textContent()).resolves.toContain(
      'Đã lưu bản nháp (phiên bản 1)',
    );
    expect(await shownScore(page)).toBe('1');
    await page.close();
  }, 60_000);

  it('the same form from another site is refused and stores nothing', async () => {
    const page = await browser.newPage();
    const before = await shownScore(page);
    await page.goto(`${otherBase}/form`);
    const sent = await submit(page, 'button');
    expect(sent.headers.origin).toBe(otherBase);
    expect(sent.status).toBe(403);
    await expect(page.textContent('body')).resolves.toContain('phải được gửi từ chính trang của hệ thống');
    expect(await shownScore(page)).toBe(before);
    await page.close();
  }, 60_000);

  it('a form from an opaque origin, or from a page of the site under no-referrer, sends Origin: null and is refused', async () => {
    const page = await browser.newPage();
    const before = await shownScore(page);
    await page.goto(`${otherBase}/sandboxed`);
    const sandboxed = await submit(page, 'button');
    expect(sandboxed.headers.origin).toBe('null');
    expect(sandboxed.status).toBe(403);

    // A page on the site's own origin whose referrer policy is no-referrer (as the site's pages
    // once were, e.g. a tab left open): the browser says the POST is same-origin but its Origin null.
    const oldTab = `${h.base}/trang-cu`;
    await page.route(oldTab, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: foreignForm(link, '<meta name="referrer" content="no-referrer">'),
      }),
    );
    await page.goto(oldTab);
    // Without interception from here on, so that the POST's headers are those on the wire.
    await page.unrouteAll();
    const own = await submit(page, 'button');
    expect(own.headers.origin).toBe('null');
    expect(own.headers['sec-fetch-site']).toBe('same-origin');
    expect(own.status).toBe(403);

    expect(await shownScore(page)).toBe(before);
    await page.close();
  }, 60_000);
});
