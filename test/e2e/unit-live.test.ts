/**
 * The unit's and reviewer's pages of the running product in Chromium: the real handlers on the
 * local system (dynalite, the Step Functions and SES emulators, the virtual clock; the HTTP
 * harness of test/http), opened through the links the product signs. A unit fills its report on a
 * phone with the running total, leaves and finds the autosaved draft; a reviewer reopens a decided
 * link; the unit opens its published results; a unit attaches a PDF and a photo from its phone
 * (a file over 20 MB and an SVG refused with a clear message), the reviewer sees both and downloads
 * one; after the deadline the form says it is late and a submit goes through. Every page: no serious or critical axe violation and no
 * sideways scroll at 1280 px and 375 px, and never a breach of its own Content-Security-Policy.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI it must run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePeriodResults, type UnitPeriodInput } from '#domain/scoring';
import { storePeriodResults } from '#functions/scoring/results';
import { reports } from '#ports/dynamo/reports';
import { jpegBytes, pdfBytes } from '../evidence/helpers.ts';
import { CHROMIUM, launchChromium } from '../helpers/chromium.ts';
import {
  completeReport,
  type Harness,
  inReview,
  PERIOD_ID,
  postForm,
  reportLink,
  startHarness,
  waitingAppraisal,
} from '../http/harness.ts';
import { fullScores, officeSet, officeUnits } from '../web/fixtures.ts';
import { addAxe, findingsAtBothWidths, tabbedUnderStickyBar } from './browser.ts';

const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip)
  console.warn(`test/e2e/unit-live.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium).`);

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 667 };
/** Waiting for what the page does after a pause (autosave waits for typing to stop); never a timing. */
const POLL = { timeout: 20_000 };

let h: Harness;
let browser: Browser;
const cspViolations: string[] = [];

beforeAll(async () => {
  if (skip) return;
  h = await startHarness();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await h?.stop();
});

async function open(url: string, viewport = DESKTOP): Promise<Page> {
  const page = await browser.newPage({ viewport, locale: 'vi-VN' });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return page;
}

/** The text a person sees there (rendered: hidden parts left out). */
const seen = (page: Page, selector: string) =>
  // biome-ignore lint/performance/useDomNodeTextContent: what is on screen is what is asserted
  page.locator(selector).first().innerText();

let auditTab: Page | undefined;

/**
 * What every page here must pass, from one load under its own CSP (its console joins the CSP
 * check): no serious or critical axe finding and no sideways scroll at 375 px and 1280 px
 * (findingsAtBothWidths). One tab for every audited page, in a context that adds axe-core to each:
 * Chromium compiles axe-core once and runs it warm from page to page.
 */
async function audit(url: string): Promise<void> {
  if (!auditTab) {
    const context = await browser.newContext({ locale: 'vi-VN' });
    await addAxe(context);
    auditTab = await context.newPage();
    auditTab.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }
  await auditTab.setViewportSize(PHONE);
  const response = await auditTab.goto(url);
  expect(response?.status()).toBe(200);
  const findings = await findingsAtBothWidths(auditTab, { phone: PHONE.height, desktop: DESKTOP.height });
  expect(findings).toEqual({});
}

describe.skipIf(skip)('the running product in a browser', { timeout: 120_000 }, () => {
  it('a unit fills its report on a phone with the running total, leaves, and comes back to the autosaved draft', async () => {
    const unitId = 'phong-tu-phap';
    const url = await reportLink(h, unitId);
    const page = await open(url, PHONE);
    await page.fill('[name="score[1.1.1]"]', '1');
    await page.click('a[href="#linh-vuc-2"]');
    await page.fill('[name="score[2.1.1]"]', '0,5');
    expect(await seen(page, '#tien-do')).toContain('Tổng tự chấm: 1,5/');
    expect(await seen(page, '#tien-do')).toContain('Đã chấm 2/');
    expect(await page.locator('#tien-do').isVisible()).toBe(true);
    await expect
      .poll(async () => (await reports().get(unitId, PERIOD_ID))?.report.entries['2.1.1']?.selfScore, POLL)
      .toBe(50);
    // The store holds the draft before its answer reaches the page: the status follows.
    await expect.poll(() => seen(page, '[data-autosave-status]'), POLL).toContain('Đã tự động lưu');
    // A report saved for the first time: its heading says so at once, with the version saved.
    expect(await seen(page, '.meta .badge')).toBe('Bản nháp');
    expect(await seen(page, '[data-stored-version]')).toBe(await page.inputValue('input[name="version"]'));
    await page.close();

    const back = await open(url, PHONE);
    expect(await back.inputValue('[name="score[1.1.1]"]')).toBe('1');
    expect(await back.inputValue('[name="score[2.1.1]"]')).toBe('0,5');
    expect(await seen(back, '#tien-do')).toContain('Tổng tự chấm: 1,5/');
    // A keyboard user tabbing down the form sees each field: none lands under the sticky buttons.
    await back.focus('[name="score[1.1.1]"]');
    expect(await tabbedUnderStickyBar(back, 30)).toEqual([]);
    // The heading's version follows an autosave: the page never names two versions at once.
    const shown = await seen(back, '[data-stored-version]');
    expect(shown).toBe(await back.inputValue('input[name="version"]'));
    await back.fill('[name="score[1.1.1]"]', '0,75');
    await expect.poll(() => back.inputValue('input[name="version"]'), POLL).not.toBe(shown);
    const saved = await back.inputValue('input[name="version"]');
    expect(await seen(back, '[data-stored-version]')).toBe(saved);
    const status = await seen(back, '[data-autosave-status]');
    expect(status).toContain(`phiên bản ${saved}`);
    expect(status).toContain(`lúc ${await seen(back, '[data-stored-at]')}`);
    await back.close();
    await audit(url);
  });

  it('a reviewer who reopens a decided link reads the report and the decision, with nothing to click', async () => {
    const unitId = 'phong-y-te';
    const { url } = await waitingAppraisal(h, unitId);
    const version = (await reports().get(unitId, PERIOD_ID))?.version ?? 0;
    const form = new URLSearchParams({ decision: 'approve', confirm: 'yes', reportVersion: String(version) });
    for (const [id, entry] of Object.entries(completeReport(h, unitId).entries)) {
      form.set(`score[${id}]`, String(entry.selfScore / 100));
    }
    const decided = await postForm(url, form);
    expect(decided.status).toBeLessThan(300);
    const page = await open(url);
    expect(await seen(page, '.notice.info')).toContain('Đã có quyết định: Phê duyệt');
    expect(await seen(page, 'main')).toContain('Phòng Y tế');
    expect(await page.locator('main form, main button, main input, main textarea').count()).toBe(0);
    await page.close();
    await audit(url);
  });

  it('a unit opens its report link after publication and sees its score, band and rank', async () => {
    const unitId = 'phong-tu-phap';
    const inputs: Record<string, UnitPeriodInput> = {};
    officeUnits.forEach((u, i) => {
      inputs[u.id] = {
        status: 'approved',
        appraised: fullScores(),
        survey: u.id === unitId ? 2900 : 1000 + i * 100,
      };
    });
    const results = computePeriodResults({
      periodId: PERIOD_ID,
      units: officeUnits,
      inputs,
      setsByGroup: { office: officeSet },
      version: 1,
    });
    await storePeriodResults(results, {
      changed: 'all',
      reason: { trigger: 'close' },
      campaign: { criteriaSets: [] },
    });
    const url = await reportLink(h, unitId);
    const page = await open(url);
    const shown = await seen(page, '.results');
    expect(shown).toContain('99 / 100 điểm');
    expect(shown).toContain('Xuất sắc');
    expect(shown).toContain(`1/${officeUnits.length}`);
    await page.close();
    await audit(url);
  });

  it('a unit attaches a PDF and a photo from a phone, the reviewer sees them and downloads one; a file over 20 MB and an SVG are refused', async () => {
    const unitId = 'phong-giao-duc-dao-tao';
    const url = await reportLink(h, unitId);
    const page = await open(url, PHONE);
    await page.fill('[name="score[1.1.1]"]', '1');
    await page.click('[id="leaf-1.1.1"] details.evidence-rows summary');
    const pdf = Buffer.from(pdfBytes('Kế hoạch CCHC năm 2022'));
    const photo = Buffer.from(jpegBytes(64 * 1024));
    await page.setInputFiles('#tep-1-1-1', [
      { name: 'Kế hoạch CCHC 2022.pdf', mimeType: 'application/pdf', buffer: pdf },
      { name: 'Ảnh bảng niêm yết.jpg', mimeType: 'image/jpeg', buffer: photo },
    ]);
    const note = '[id="leaf-1.1.1"] .upload-status';
    await expect.poll(() => seen(page, note), POLL).toContain('Đã tải lên và kiểm tra Ảnh bảng niêm yết.jpg');
    const listed = await seen(page, '[id="leaf-1.1.1"] ul.files');
    expect(listed).toContain('Kế hoạch CCHC 2022.pdf');
    expect(listed).toContain('Ảnh bảng niêm yết.jpg');

    // From a file on disk, as a person picks it (a 21 MB buffer would crawl through the protocol).
    const big = join(mkdtempSync(join(tmpdir(), 'thidua-e2e-')), 'Bản scan.pdf');
    writeFileSync(big, Buffer.alloc(21 * 1024 * 1024, 0x25));
    await page.setInputFiles('#tep-1-1-1', big);
    rmSync(dirname(big), { recursive: true, force: true });
    await expect.poll(() => seen(page, note), POLL).toContain('vượt quá giới hạn 20 MB');
    await page.setInputFiles('#tep-1-1-1', {
      name: 'so-do.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    });
    await expect.poll(() => seen(page, note), POLL).toContain('Không nhận loại tệp này (image/svg+xml)');
    expect(await page.locator('[id="leaf-1.1.1"] ul.files li').count()).toBe(2);

    // The files join the draft as the script saves it; the submit then carries them.
    await expect
      .poll(
        async () => (await reports().get(unitId, PERIOD_ID))?.report.entries['1.1.1']?.evidence.length,
        POLL,
      )
      .toBe(2);
    await expect.poll(() => seen(page, '[data-autosave-status]'), POLL).toContain('Đã tự động lưu');
    const files: Record<string, string> = {};
    for (const input of await page.locator('input[name^="file["]').all()) {
      files[(await input.getAttribute('name')) ?? ''] = await input.inputValue();
    }
    await page.close();
    await audit(url);
    const version = (await reports().get(unitId, PERIOD_ID))?.version ?? 0;
    const { reviewUrl } = await inReview(h, unitId, { ...files, version: String(version) });

    const review = await browser.newPage({ viewport: DESKTOP, locale: 'vi-VN', acceptDownloads: true });
    review.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await review.goto(reviewUrl);
    // The evidence is folded under its count (the page is shorter on a phone): one tap opens it.
    expect(await seen(review, '[id="leaf-1.1.1"] details.evidence summary')).toContain('2 tệp');
    await review.click('[id="leaf-1.1.1"] details.evidence summary');
    const leaf = await seen(review, '[id="leaf-1.1.1"]');
    expect(leaf).toContain('Kế hoạch CCHC 2022.pdf');
    expect(leaf).toContain('Ảnh bảng niêm yết.jpg');
    const [download] = await Promise.all([
      review.waitForEvent('download'),
      review.click('[id="leaf-1.1.1"] a:has-text("Kế hoạch CCHC 2022.pdf")'),
    ]);
    expect(download.suggestedFilename()).toBe('Kế hoạch CCHC 2022.pdf');
    const saved = await download.path();
    expect(readFileSync(saved)).toEqual(pdf);
    await review.close();
    await audit(reviewUrl);
  }, 240_000);

  it('after the deadline the form says the report is late, and the late report is submitted', async () => {
    const unitId = 'phong-noi-vu';
    const url = await reportLink(h, unitId);
    h.rt.clock.set(new Date(Date.parse(h.period.deadlineAt) + 3_600_000));
    const page = await open(url, PHONE);
    expect(await seen(page, '.late')).toContain('Báo cáo nộp muộn');
    await audit(url);
    for (const input of await page.locator('input[name^="score["]').all()) await input.fill('0');
    for (const box of await page.locator('input[name="t05"], input[name="k05"]').all()) await box.check();
    await page.click('button[value="submit"]');
    await page.waitForURL(/ok=submitted/);
    expect(await seen(page, 'main')).toContain('Đã nộp báo cáo');
    // Submitted, and the review it started may already have taken it.
    expect(['submitted', 'in-review']).toContain((await reports().get(unitId, PERIOD_ID))?.status);
    await page.close();
  });

  it('never tripped a page’s own Content-Security-Policy: scripts and styles are the product’s', () => {
    expect(cspViolations).toEqual([]);
  });
});
