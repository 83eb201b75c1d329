/**
 * The unit's pages in a real browser (Debian's chromium driven by playwright-core), served with
 * the CSP they will have, from view models of the demo district (test/e2e/unit-site.ts): the
 * running total while typing, "đã chấm n/m", the bar on screen at every scroll position on a
 * phone, jump links, the 05T/05K confirmation, autosave (and "edited elsewhere"), the commented
 * view, a returned report's folds (with and without script), evidence upload through the S3 emulator, the "chưa có minh chứng" warning following the
 * score and evidence as they are edited, the late banner, the results and decided review
 * pages, a second round's review page (what the unit changed), the council's ballot and its
 * confirmation; axe-core and no sideways scroll at 1280 px and 375 px.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI it must run.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPoints } from '#domain/points';
import { CHROMIUM, launchChromium } from '../helpers/chromium.ts';
import { leaves } from '../web/fixtures.ts';
import { addAxe, findingsAtBothWidths, scrollWidths } from './browser.ts';
import { startUnitSite, type UnitSite } from './unit-site.ts';

/*
 * The browser's globals used by the functions below that run in the page. The test program is
 * typed for Node (the DOM library would retype Node's own Blob for every test), so they are
 * declared here, for this file only.
 */
interface Box {
  top: number;
  bottom: number;
  height: number;
}
interface PageElement {
  getBoundingClientRect(): Box;
  value: string;
}
declare const document: {
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  documentElement: { scrollHeight: number };
};
declare const innerHeight: number;
declare const location: { hash: string };
declare const scrollY: number;
declare function scrollTo(x: number, y: number): void;
declare function requestAnimationFrame(callback: () => void): number;
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip)
  console.warn(`test/e2e/unit-pages.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium).`);

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 667 };
/** Waiting for what the page does after a pause (autosave waits for typing to stop); never a timing. */
const POLL = { timeout: 20_000 };
const PAGES = [
  '/r/nhap',
  '/r/muon',
  '/r/du',
  '/r/tra-lai',
  '/r/tra-lai?xem=nhan-xet',
  '/r/tra-lai-day-du',
  '/ket-qua',
  '/tham-dinh',
  '/tham-dinh/vong-1',
  '/tham-dinh/vong-2',
  '/phieu',
  '/phieu/xac-nhan',
];

let site: UnitSite;
let browser: Browser;
/** Console messages about the Content-Security-Policy: a page must never trip its own policy. */
const cspViolations: string[] = [];

/** `audit`: the tab of axe-core's context (auditPage), now at `path`. */
async function open(path: string, viewport = DESKTOP, audit = false): Promise<Page> {
  const page = audit ? await auditPage() : await browser.newPage({ viewport, locale: 'vi-VN' });
  if (audit) await page.setViewportSize(viewport);
  else watchCsp(page, () => path);
  const response = await page.goto(`${site.url}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

/** Collects the page's console messages about its Content-Security-Policy, with the path shown. */
function watchCsp(page: Page, path: () => string): void {
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(`${path()}: ${m.text()}`);
  });
}

/**
 * One tab for every audited page, in a context that adds axe-core to each (the pages' own CSP
 * would rightly refuse its script): Chromium compiles axe-core once, and the tab's renderer runs
 * it warm from page to page.
 */
let audited: Page | undefined;
async function auditPage(): Promise<Page> {
  if (!audited) {
    const context = await browser.newContext({ locale: 'vi-VN' });
    await addAxe(context);
    const page = await context.newPage();
    watchCsp(page, () => page.url().slice(site.url.length));
    audited = page;
  }
  return audited;
}

/** The text a person sees there (rendered: hidden parts left out). */
const text = (page: Page, selector: string) =>
  // biome-ignore lint/performance/useDomNodeTextContent: what is on screen is what is asserted
  page.locator(selector).first().innerText();

beforeAll(async () => {
  if (skip) return;
  site = await startUnitSite();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

describe.skipIf(skip)('the report form in a browser', { timeout: 60_000 }, () => {
  it('keeps the running total, "đã chấm n/m" and the area subtotal up to date while typing', async () => {
    const page = await open('/r/nhap');
    expect(await text(page, '#tien-do')).toContain('Tổng tự chấm: 1,1/70 điểm');
    expect(await text(page, '#tien-do')).toContain('Đã chấm 2/71 tiêu chí');
    await page.fill('[name="score[1.2.2]"]', '0,2');
    await page.fill('[name="score[2.1.1]"]', '0,75');
    expect(await text(page, '#tien-do')).toContain('Tổng tự chấm: 2,05/70 điểm');
    expect(await text(page, '#tien-do')).toContain('Đã chấm 4/71 tiêu chí');
    expect(await text(page, '#linh-vuc-1 .area-sum')).toBe('Tự chấm 1,3 / 9 điểm · đã chấm 3/10 tiêu chí');
    expect(await text(page, '[data-area-link="2"] .area-sum')).toContain('Tự chấm 0,75 / 6 điểm');
    // A score the server would refuse is counted apart, not added.
    await page.fill('[name="score[2.1.2]"]', '1,5');
    expect(await text(page, '#tien-do')).toContain('1 ô điểm chưa hợp lệ');
    expect(await text(page, '#tien-do')).toContain('Tổng tự chấm: 2,05/70 điểm');
    await page.close();
  });

  it('keeps the bar on screen at every scroll position of a phone, and jump links land below it', async () => {
    const page = await open('/r/nhap', PHONE);
    const outside = await page.evaluate(async () => {
      const bar = document.getElementById('tien-do');
      const misses: number[] = [];
      const end = document.documentElement.scrollHeight - innerHeight;
      for (let y = 0; y <= end + innerHeight / 2; y += innerHeight / 2) {
        scrollTo(0, Math.min(y, end));
        await new Promise<void>((done) => requestAnimationFrame(() => done()));
        const r = bar?.getBoundingClientRect();
        if (!r || r.top < 0 || r.bottom > innerHeight || r.height === 0) misses.push(scrollY);
      }
      return { misses, end };
    });
    expect(outside.end).toBeGreaterThan(10 * PHONE.height);
    expect(outside.misses).toEqual([]);

    await page.click('a[href="#linh-vuc-5"]');
    const landed = await page.evaluate(() => {
      const bar = document.getElementById('tien-do')?.getBoundingClientRect();
      const heading = document.querySelector('#linh-vuc-5 h2')?.getBoundingClientRect();
      return { barBottom: bar?.bottom ?? -1, top: heading?.top ?? -1, bottom: heading?.bottom ?? -1 };
    });
    expect(landed.top).toBeGreaterThanOrEqual(landed.barBottom - 1);
    expect(landed.bottom).toBeLessThanOrEqual(PHONE.height);
    await page.click('#tien-do a[href="#muc-luc"]');
    expect(await page.locator('#muc-luc h2').isVisible()).toBe(true);
    await page.close();
  });

  it('asks to confirm an empty 05K before submitting, and submits once confirmed', async () => {
    const page = await open('/r/du');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value="submit"]')]);
    expect(await text(page, '#loi')).toContain('05K chưa đánh dấu nội dung nào');
    await page.click('#loi a[href="#f-selfcheck-confirmed"]');
    await page.check('#f-selfcheck-confirmed');
    await Promise.all([page.waitForLoadState('load'), page.click('button[value="submit"]')]);
    expect(await text(page, 'h1')).toBe('Đã nộp báo cáo');
    await page.close();
  });
});

describe.skipIf(skip)('the reviewer’s page in a browser', { timeout: 60_000 }, () => {
  const leafMax = (id: string) => leaves.find((l) => l.leaf.id === id)?.leaf.max ?? Number.NaN;
  const assessed = leaves.reduce((s, l) => s + l.leaf.max, 0);
  const area1 = leaves.filter((l) => l.area.id === '1').reduce((s, l) => s + l.leaf.max, 0);
  const points = (hundredths: number) => formatPoints(hundredths);

  it('keeps the appraised total, each area’s and the count scored otherwise up to date while typing', async () => {
    const page = await open('/tham-dinh/vong-1');
    // Pre-filled with the unit's scores: the appraisal starts at the unit's total.
    expect(await text(page, '#tien-do')).toContain(
      `Thẩm định: ${points(assessed)}/${points(assessed)} điểm, tự chấm ${points(assessed)}`,
    );
    expect(await text(page, '#tien-do')).toContain('Khác tự chấm: 0 tiêu chí');
    expect(await text(page, '#tien-do')).not.toContain('Tổng tự chấm');
    await page.fill('[name="score[1.1.1]"]', '0');
    const lowered = assessed - leafMax('1.1.1');
    expect(await text(page, '#tien-do')).toContain(`Thẩm định: ${points(lowered)}/${points(assessed)} điểm`);
    expect(await text(page, '#tien-do')).toContain('Khác tự chấm: 1 tiêu chí');
    const area = `Tự chấm ${points(area1)} / ${points(area1)} điểm · thẩm định ${points(area1 - leafMax('1.1.1'))}`;
    expect(await text(page, '[data-area-link="1"] .area-sum')).toContain(area);
    expect(await text(page, '#linh-vuc-1 > .area-sum')).toContain(area);
    // A box the server would refuse is counted apart, not added.
    await page.fill('[name="score[1.1.2]"]', '0,125');
    expect(await text(page, '#tien-do')).toContain('1 ô điểm trống hoặc chưa hợp lệ');
    expect(await text(page, '#tien-do')).toContain(
      `Thẩm định: ${points(lowered - leafMax('1.1.2'))}/${points(assessed)} điểm`,
    );
    await page.close();
  });

  it('on a phone: the bar stays on top, the contents land below it, a long explanation opens, no sideways scroll', async () => {
    const page = await open('/tham-dinh/vong-1', PHONE);
    const [scroll, client] = await scrollWidths(page);
    expect(scroll).toBeLessThanOrEqual(client);
    await page.click('#muc-luc a[href="#linh-vuc-5"]');
    const landed = await page.evaluate(() => {
      const bar = document.getElementById('tien-do')?.getBoundingClientRect();
      const heading = document.querySelector('#linh-vuc-5 h2')?.getBoundingClientRect();
      return { barTop: bar?.top ?? -1, barBottom: bar?.bottom ?? -1, top: heading?.top ?? -1 };
    });
    expect(landed.barTop).toBe(0);
    expect(landed.top).toBeGreaterThanOrEqual(landed.barBottom - 1);
    // The folded explanation shows its beginning; a tap shows all of it.
    const explanation = '#leaf-1\\.1\\.1 details.explanation';
    expect(await text(page, `${explanation} summary`)).toContain('Phòng đã ban hành kế hoạch');
    expect(await text(page, explanation)).not.toContain('có kiểm tra và báo cáo định kỳ.');
    await page.click(`${explanation} summary`);
    expect(await text(page, explanation)).toContain('có kiểm tra và báo cáo định kỳ.');
    // The decision buttons, on screen at every scroll position, share one row: wrapped, they took
    // a third of a 667 px screen with the bar, and hid what scroll-padding-bottom leaves for them.
    const rows = await page.evaluate(() =>
      [...document.querySelectorAll('.actions button:not([hidden])')].map(
        (b) => b.getBoundingClientRect().top,
      ),
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toBe(rows[0]);
    await page.close();
  });

  it('without script: the unit’s totals in the bar, the contents still lead to each area', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN', viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${site.url}/tham-dinh/vong-1`);
    const bar = await text(page, '#tien-do');
    expect(bar).toContain(`Tổng tự chấm: ${points(assessed)}/${points(assessed)} điểm`);
    expect(bar).not.toContain('Thẩm định:');
    const summary = await text(page, '[data-area-link="1"] .area-sum');
    expect(summary).toContain(`Tự chấm ${points(area1)} / ${points(area1)} điểm`);
    expect(summary).not.toContain('thẩm định');
    await page.click('#muc-luc a[href="#linh-vuc-3"]');
    expect(page.url()).toMatch(/#linh-vuc-3$/);
    expect(await page.locator('#linh-vuc-3 h2').isVisible()).toBe(true);
    await context.close();
  });
});

describe.skipIf(skip)('autosave', { timeout: 60_000 }, () => {
  it('saves the draft by the Save request with the page’s version, then carries the new one', async () => {
    const path = '/r/nhap';
    site.versions.set(path, 4);
    const page = await open(path);
    const first = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(path));
    await page.fill('[name="explanation[1.1.1]"]', 'Kế hoạch số 05/KH-TP ngày 10/01/2022.');
    const sent = new URLSearchParams((await first).postData() ?? '');
    expect(sent.get('action')).toBe('save');
    expect(sent.get('autosave')).toBe('1');
    expect(sent.get('version')).toBe('4');
    expect(sent.get('writeId')).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.get('explanation[1.1.1]')).toBe('Kế hoạch số 05/KH-TP ngày 10/01/2022.');
    expect(sent.get('score[1.2.1]')).toBe('0,1');
    await expect.poll(() => text(page, '[data-autosave-status]'), POLL).toContain('Đã tự động lưu lúc');
    expect(await page.inputValue('input[name="version"]')).toBe('5');

    const second = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(path));
    await page.fill('[name="score[2.1.1]"]', '1');
    expect(new URLSearchParams((await second).postData() ?? '').get('version')).toBe('5');
    await page.close();
  });

  it('sends nothing when a field is left after its typing was saved', async () => {
    const path = '/r/nhap';
    site.versions.set(path, 4);
    const page = await open(path);
    const posted = () => site.posts.filter((p) => p.path.startsWith(path)).length;
    const before = posted();
    await page.fill('[name="explanation[1.1.2]"]', 'Báo cáo số 12/BC-TP ngày 15/03/2022.');
    await expect.poll(() => text(page, '[data-autosave-status]'), POLL).toContain('Đã tự động lưu');
    expect(posted()).toBe(before + 1);
    // Leaving the field fires its "change": the same content again, once a new version, and one
    // sent by a reload racing the new page's read made that page's next save "edited elsewhere".
    await page.press('[name="explanation[1.1.2]"]', 'Tab');
    await page.waitForTimeout(2_600);
    expect(posted()).toBe(before + 1);
    // Typing again saves again, with the version the first save answered.
    const next = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(path));
    await page.fill('[name="explanation[1.1.2]"]', 'Báo cáo số 13/BC-TP ngày 15/03/2022.');
    expect(new URLSearchParams((await next).postData() ?? '').get('version')).toBe('5');
    await page.close();
  });

  it('stops on "edited elsewhere" without losing what was typed, and can keep the page’s content', async () => {
    const path = '/r/muon';
    site.versions.set(path, 9);
    const page = await open(path);
    await page.evaluate(() => {
      const version = document.querySelector('input[name="version"]');
      if (version) version.value = '8';
    });
    await page.fill('[name="explanation[1.1.1]"]', 'Nội dung gõ dở, chưa lưu.');
    await expect.poll(() => text(page, '#bao-cao [role="alert"]'), POLL).toContain('sửa ở nơi khác');
    expect(await page.inputValue('[name="explanation[1.1.1]"]')).toBe('Nội dung gõ dở, chưa lưu.');
    await page.fill('[name="explanation[1.1.2]"]', 'Thêm nữa.');

    const overwrite = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(path));
    await page.click('text=Lưu nội dung trên trang này thành bản mới nhất');
    const sent = new URLSearchParams((await overwrite).postData() ?? '');
    expect(sent.get('version')).toBe('9');
    expect(sent.get('explanation[1.1.2]')).toBe('Thêm nữa.');
    await expect.poll(() => text(page, '[data-autosave-status]'), POLL).toContain('phiên bản 10');
    await page.close();
  });
});

describe.skipIf(skip)('what else the pages show', { timeout: 60_000 }, () => {
  it('says a report is late after the deadline, and never "nộp trước hạn"', async () => {
    const page = await open('/r/muon');
    expect(await text(page, '.notice.late')).toContain('Đã quá hạn nộp báo cáo (17:00 11/10/2022)');
    expect(await page.content()).not.toContain('trước hạn');
    await page.close();
  });

  it('switches to the commented criteria in place, keeping what was typed in the others', async () => {
    const page = await open('/r/tra-lai');
    await page.fill('[name="explanation[1.1.2]"]', 'Đã bổ sung.');
    await page.click('a[data-view="commented"]');
    expect(await page.locator('#leaf-1\\.1\\.1').isVisible()).toBe(true);
    expect(await page.locator('#leaf-3\\.2\\.1').isVisible()).toBe(true);
    expect(await page.locator('#leaf-1\\.1\\.2').isVisible()).toBe(false);
    expect(await page.locator('#linh-vuc-2').isVisible()).toBe(false);
    await page.click('a[data-view="all"]');
    expect(await page.inputValue('[name="explanation[1.1.2]"]')).toBe('Đã bổ sung.');
    await page.close();
  });

  it('folds a returned report filled in full to fit a phone; a fold opens, its field is edited and autosaved', async () => {
    const path = '/r/tra-lai-day-du';
    site.versions.set(path, 4);
    const page = await open(path, PHONE);
    const [scroll, client] = await scrollWidths(page);
    expect(scroll).toBeLessThanOrEqual(client);
    // ~139,000 px with every evidence block open; ~41,000 folded (Chromium, 375 px).
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(60_000);
    // The criterion the reviewer commented on is open; one it left alone is folded under its count.
    expect(await page.locator('[name="evidence[1.1.1][0][number]"]').isVisible()).toBe(true);
    expect(await page.locator('[name="explanation[1.1.1]"]').isVisible()).toBe(true);
    const quiet = '[id="leaf-1.2.1"] details.evidence-rows';
    expect(await page.locator('[name="evidence[1.2.1][0][number]"]').isVisible()).toBe(false);
    expect(await text(page, `${quiet} > summary`)).toBe('Minh chứng: 2 văn bản, 1 tệp');
    await page.click(`${quiet} > summary`);
    const saved = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(path));
    await page.fill('[name="evidence[1.2.1][2][number]"]', '07/KH-TP');
    expect(await text(page, `${quiet} > summary`)).toBe('Minh chứng: 3 văn bản, 1 tệp');
    const sent = new URLSearchParams((await saved).postData() ?? '');
    expect(sent.get('evidence[1.2.1][2][number]')).toBe('07/KH-TP');
    // Folded blocks post their fields all the same: the save keeps them.
    expect(await page.locator('[name="evidence[1.2.2][0][number]"]').isVisible()).toBe(false);
    expect(sent.get('evidence[1.2.2][0][number]')).toBe('12/KH-TP');
    expect(sent.get('file[1.2.2][0][name]')).toBe('Minh chứng 1.2.2.pdf');
    expect(sent.get('explanation[1.2.2]')).toContain('đơn vị đã triển khai đầy đủ');
    await expect.poll(() => text(page, '[data-autosave-status]'), POLL).toContain('Đã tự động lưu lúc');
    expect(await text(page, '[data-autosave-status]')).not.toContain('còn lỗi');
    // A folded long explanation opens with a tap; a link's anchor inside a fold opens it.
    const explanation = '[id="leaf-1.2.2"] details.long-text';
    expect(await page.locator('[name="explanation[1.2.2]"]').isVisible()).toBe(false);
    await page.click(`${explanation} > summary`);
    expect(await page.locator('[name="explanation[1.2.2]"]').isVisible()).toBe(true);
    await page.evaluate(() => {
      location.hash = '#f-evidence-2-1-1-1-title';
    });
    await expect.poll(() => page.locator('#f-evidence-2-1-1-1-title').isVisible(), POLL).toBe(true);
    await page.close();
  });

  it('folds a returned report the same without script, and a tap opens a fold', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN', viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${site.url}/r/tra-lai-day-du`);
    expect(await page.locator('[name="evidence[1.1.1][0][number]"]').isVisible()).toBe(true);
    expect(await page.locator('[name="evidence[1.2.1][0][number]"]').isVisible()).toBe(false);
    await page.click('[id="leaf-1.2.1"] details.evidence-rows > summary');
    expect(await page.inputValue('[name="evidence[1.2.1][0][number]"]')).toBe('12/KH-TP');
    expect(await page.locator('[name="evidence[1.2.1][0][number]"]').isVisible()).toBe(true);
    await context.close();
  });

  it('uploads an evidence file straight to storage, and refuses one that is not what it claims', async () => {
    const page = await open('/r/tep');
    await page.click('#leaf-1\\.1\\.1 summary');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    await page.setInputFiles('#tep-1-1-1', {
      name: 'Kế hoạch CCHC.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    });
    await expect
      .poll(() => text(page, '#leaf-1\\.1\\.1 .upload-status'), POLL)
      .toContain('Đã tải lên và kiểm tra');
    expect(await page.inputValue('input[name="file[1.1.1][0][key]"]')).toMatch(
      /^evidence\/phong-tu-phap\/2022Q3\/r1\//,
    );
    expect(await page.inputValue('input[name="file[1.1.1][0][name]"]')).toBe('Kế hoạch CCHC.pdf');

    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await page.setInputFiles('#tep-1-1-1', { name: 'anh.png', mimeType: 'image/png', buffer: svg });
    await expect.poll(() => text(page, '#leaf-1\\.1\\.1 .upload-status'), POLL).toContain('SVG');
    expect(await page.locator('#leaf-1\\.1\\.1 ul.files li').count()).toBe(1);
    await page.close();
  });

  it('shows and hides "chưa có minh chứng" as the score and evidence are edited, without a reload', async () => {
    const page = await open('/r/tep');
    // Kept on the page's window for as long as no reload replaces it.
    await page.evaluate(() => {
      (globalThis as { kept?: string }).kept = 'same page';
    });
    const FLAG = '⚠ Có tự chấm điểm nhưng chưa có minh chứng';
    const flag = (id: string) => page.locator(`[id="leaf-${id}"] [data-flag]`);
    const news = () => page.locator('[data-flag-news]').textContent();

    // 1.1.2 requires evidence and is not scored: no warning until it is given a score.
    expect(await flag('1.1.2').isVisible()).toBe(false);
    await page.fill('[name="score[1.1.2]"]', '0');
    expect(await flag('1.1.2').isVisible()).toBe(false);
    await page.fill('[name="score[1.1.2]"]', '0,5');
    await expect.poll(() => flag('1.1.2').isVisible(), POLL).toBe(true);
    expect(await text(page, '[id="leaf-1.1.2"] [data-flag]')).toBe(FLAG);
    expect(await news()).toBe(`Tiêu chí 1.1.2: ${FLAG}`);
    // A date and an issuer alone are no evidence for the server either; a document number is.
    await page.click('[id="leaf-1.1.2"] summary');
    await page.fill('[name="evidence[1.1.2][0][date]"]', '10/01/2022');
    await page.fill('[name="evidence[1.1.2][0][issuer]"]', 'UBND huyện Sông Lam');
    expect(await flag('1.1.2').isVisible()).toBe(true);
    await page.fill('[name="evidence[1.1.2][0][number]"]', '05/KH-TP');
    await expect.poll(() => flag('1.1.2').isVisible(), POLL).toBe(false);
    expect(await news()).toBe('Tiêu chí 1.1.2: không còn cảnh báo thiếu minh chứng.');
    await page.fill('[name="evidence[1.1.2][0][number]"]', '');
    await expect.poll(() => flag('1.1.2').isVisible(), POLL).toBe(true);

    // 1.1.1 is stored scored without evidence: the server drew the warning; an upload lifts it.
    expect(await flag('1.1.1').isVisible()).toBe(true);
    await page.click('[id="leaf-1.1.1"] summary');
    await page.setInputFiles('#tep-1-1-1', {
      name: 'Kế hoạch CCHC.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
    });
    await expect
      .poll(() => text(page, '#leaf-1\\.1\\.1 .upload-status'), POLL)
      .toContain('Đã tải lên và kiểm tra');
    await expect.poll(() => flag('1.1.1').isVisible(), POLL).toBe(false);
    // Taking the file out brings the warning back.
    await page.click('[id="leaf-1.1.1"] ul.files li button');
    await expect.poll(() => flag('1.1.1').isVisible(), POLL).toBe(true);
    expect(await text(page, '[id="leaf-1.1.1"] [data-flag]')).toBe(FLAG);

    expect(await page.evaluate(() => (globalThis as { kept?: string }).kept)).toBe('same page');
    await page.close();
  });

  it('shows the unit its results and the reviewer the decided review', async () => {
    const results = await open('/ket-qua');
    expect(await text(results, '.results')).toContain('Xếp loại');
    expect(await results.locator('tr.mine').count()).toBe(1);
    await results.close();
    const decided = await open('/tham-dinh');
    expect(await text(decided, '.notice.info')).toContain('Đã có quyết định: Trả lại để giải trình');
    expect(await decided.locator('form, button, input, textarea').count()).toBe(0);
    await decided.close();
  });
});

describe.skipIf(skip)('accessibility and phone width', { timeout: 60_000 }, () => {
  it.each(PAGES)(
    '%s: no serious or critical axe violation and no sideways scroll at 375 px and 1280 px',
    async (path) => {
      // One load for both widths (findingsAtBothWidths), under the page's own CSP: its console
      // joins the CSP check below. The tab stays for the next page.
      const page = await open(path, PHONE, true);
      const findings = await findingsAtBothWidths(page, { phone: PHONE.height, desktop: DESKTOP.height });
      expect({ path, findings }).toEqual({ path, findings: {} });
    },
  );
});

describe.skipIf(skip)('the pages’ Content-Security-Policy', { timeout: 60_000 }, () => {
  it('was never tripped by any page above: their script and styles are the product’s own', () => {
    expect(cspViolations).toEqual([]);
  });
});
