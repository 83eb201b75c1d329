/**
 * The admin's pages in a real browser (Debian's chromium driven by playwright-core), rendered
 * from view models built with the domain's own functions and served by a tiny server in the
 * test: axe-core finds no serious or critical violation on any page at 1280 px and at 375 px,
 * and no page scrolls sideways at either width (wide tables scroll inside their own box). The
 * period page's GET form is used as a person would: search, filter, sort, move to the next page.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI it must run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPeriodProgress } from '#web/admin-dashboard';
import { progressModel } from '../web/admin-fixtures.ts';
import { adminGallery } from '../web/admin-gallery.ts';
import {
  addAxe,
  CHROMIUM,
  DESKTOP_WIDTH,
  findingsAtBothWidths,
  haveBrowser,
  launchChromium,
  PHONE_WIDTH,
  scrollWidths,
  type Violation,
} from './browser.ts';

const skip = !haveBrowser && !process.env.CI;
if (skip) {
  console.warn(
    `test/e2e/admin-pages.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI this test runs.`,
  );
}

describe.skipIf(skip)('admin pages in a browser', () => {
  let browser: Browser;
  let server: Server;
  let base = '';
  const pages = new Map(adminGallery());

  beforeAll(async () => {
    if (!haveBrowser)
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      // The period page answers its own GET form, as the handler will: the query picks the rows.
      const html =
        url.pathname === '/admin/periods/2024Q4'
          ? renderPeriodProgress(progressModel(url.search))
          : pages.get(url.pathname.replace(/^\/trang\//, ''));
      res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html ?? 'không có');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // A server listening on a TCP port reports its address as an AddressInfo.
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('every page at 375 px and 1280 px: no serious or critical axe finding, no sideways scroll', async () => {
    // One load a page for both widths (findingsAtBothWidths), axe-core compiled once for all.
    const page = await browser.newPage({ viewport: { width: PHONE_WIDTH, height: 900 }, locale: 'vi-VN' });
    await addAxe(page.context());
    const findings: Record<string, Violation[] | string> = {};
    for (const name of pages.keys()) {
      const response = await page.goto(`${base}/trang/${name}`);
      expect(response?.status()).toBe(200);
      for (const [at, finding] of Object.entries(await findingsAtBothWidths(page))) {
        findings[`${name} ${at}`] = finding;
      }
    }
    expect(findings).toEqual({});
    expect(pages.size).toBeGreaterThan(25);
    await page.close();
  }, 180_000);

  it('the period page: search, filter by state, sort by waiting time and page through, by its GET form', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    // The unit table, not the tables of the attention section below it.
    const units = page.getByRole('region', { name: 'Danh sách đơn vị' });
    await page.goto(`${base}/admin/periods/2024Q4`);
    await page.fill('#loc-q', 'tu phap');
    await Promise.all([page.waitForURL(/q=tu\+phap/), page.click('button:text("Lọc")')]);
    const names = await units.locator('tbody th[scope=row]').allTextContents();
    expect(names).toEqual(['Phòng Tư pháp']);

    await page.goto(`${base}/admin/periods/2024Q4`);
    await page.selectOption('#loc-state', 'approved');
    await page.selectOption('#loc-sort', 'since');
    await page.selectOption('#loc-size', '25');
    await Promise.all([page.waitForURL(/state=approved/), page.click('button:text("Lọc")')]);
    await expect(page.locator('p[role=status]').first().textContent()).resolves.toMatch(
      /trong \d+ đơn vị phù hợp/,
    );
    const badges = await units.locator('tbody .badge').allTextContents();
    expect(new Set(badges)).toEqual(new Set(['Đã phê duyệt']));

    await page.goto(`${base}/admin/periods/2024Q4?size=25`);
    expect(await units.locator('tbody tr').count()).toBe(25);
    await Promise.all([page.waitForURL(/page=2/), page.click('a[rel=next]')]);
    expect(await units.locator('tbody tr').count()).toBe(2);
    await page.close();
  }, 60_000);

  it('the charts on a phone: every text at least 11 px as drawn, each chart within the screen, no sideways scroll', async () => {
    const page = await browser.newPage({ viewport: { width: PHONE_WIDTH, height: 900 }, locale: 'vi-VN' });
    const measured: Record<string, { charts: number; smallest: number; widest: number; outside: number }> =
      {};
    for (const name of ['results-period', 'results-year', 'unit']) {
      await page.goto(`${base}/trang/${name}`);
      for (const width of [PHONE_WIDTH, DESKTOP_WIDTH]) {
        await page.setViewportSize({ width, height: 900 });
        measured[`${name} ${width} px`] = await page.evaluate(() => {
          // The browser's DOM, typed here since the project compiles without the DOM library.
          interface El {
            getClientRects(): { length: number };
            getBoundingClientRect(): { width: number; left: number; right: number };
            querySelectorAll(s: string): El[];
            viewBox: { baseVal: { width: number } };
          }
          const g = globalThis as unknown as {
            document: { querySelectorAll(s: string): El[] };
            getComputedStyle(el: El): { fontSize: string };
          };
          // The charts drawn at this width (a layout not shown is display: none, with no box).
          const shown = [...g.document.querySelectorAll('figure.chart svg[role=img]')].filter(
            (svg) => svg.getClientRects().length > 0,
          );
          let smallest = Number.POSITIVE_INFINITY;
          let widest = 0;
          // Texts reaching past the chart's own edges (cut off when drawn).
          let outside = 0;
          for (const svg of shown) {
            const box = svg.getBoundingClientRect();
            // The SVG's user unit in CSS pixels: its drawn width over its viewBox's.
            const scale = box.width / svg.viewBox.baseVal.width;
            widest = Math.max(widest, box.right);
            for (const t of svg.querySelectorAll('text, tspan')) {
              smallest = Math.min(smallest, Number.parseFloat(g.getComputedStyle(t).fontSize) * scale);
              const r = t.getBoundingClientRect();
              if (r.left < box.left - 0.5 || r.right > box.right + 0.5) outside++;
            }
          }
          return {
            charts: shown.length,
            smallest: Math.round(smallest * 100) / 100,
            widest: Math.ceil(widest),
            outside,
          };
        });
        const [scroll, client] = await scrollWidths(page);
        expect(scroll, `${name} ${width} px`).toBeLessThanOrEqual(client);
      }
    }
    console.info('smallest chart text as drawn (px):', JSON.stringify(measured));
    for (const [at, m] of Object.entries(measured)) {
      expect(m.charts, at).toBeGreaterThan(0);
      expect(m.smallest, at).toBeGreaterThanOrEqual(11);
      expect(m.outside, at).toBe(0);
      expect(m.widest, at).toBeLessThanOrEqual(
        at.endsWith(`${PHONE_WIDTH} px`) ? PHONE_WIDTH : DESKTOP_WIDTH,
      );
    }
    // The results page draws three charts a group for a period, two for a year; the unit's page one.
    expect(measured[`results-period ${PHONE_WIDTH} px`]?.charts).toBe(
      measured[`results-period ${DESKTOP_WIDTH} px`]?.charts,
    );
    await page.close();
  }, 60_000);

  it('the adjustments form on a phone: a typed value shows whole in its box; the table scrolls in its own region', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 800 }, locale: 'vi-VN' });
    await page.goto(`${base}/trang/adjustments`);
    for (const box of ['survey', 'bonus', 'penalty']) {
      const input = page.locator(`input[name="${box}[xa-thanh-son]"]`);
      await input.fill('22,75');
      const [scroll, client] = await input.evaluate((el) => [el.scrollWidth, el.clientWidth]);
      expect(scroll, box).toBeLessThanOrEqual(client ?? 0);
    }
    const [scroll, client] = await scrollWidths(page);
    expect(scroll).toBeLessThanOrEqual(client ?? 0);
    await page.close();
  }, 60_000);
});
