/**
 * The wired admin side in Chromium (playwright-core, Debian's chromium), on the emulators with
 * the demo's 2024 scored (test/admin/bed.ts): sign in through the form and the mailed link, open
 * a period's progress and a unit's report, the results with their charts, download the XLSX and
 * the DOCX and read them back, record a survey through the form, recompute, read the audit trail,
 * find units by a search and record a row pasted from a spreadsheet, open the commendation of 2024 and download its tờ trình; axe-core finds no serious or critical
 * violation on any wired page at 1280 px and 375 px, and none scrolls sideways.
 */

import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as proposeCommendations } from '#functions/commendation/propose-commendations';
import { results } from '#ports/dynamo/results';
import { type AdminBed, startAdminBed } from '../admin/bed.ts';
import { readDocx } from '../documents/read-back.ts';
import { at } from '../functions/cycle-harness.ts';
import {
  addAxe,
  findingsAtBothWidths,
  haveBrowser,
  launchChromium,
  PHONE_WIDTH,
  type Violation,
} from './browser.ts';

const skip = !haveBrowser && !process.env.CI;
const UNIT = 'phong-tu-phap';

describe.skipIf(skip)('the wired admin side in a browser', () => {
  let a: AdminBed;
  let browser: Browser;
  let page: Page;
  let previousBase: string | undefined;

  beforeAll(async () => {
    [a, browser] = await Promise.all([startAdminBed(), launchChromium()]);
    // The pages answer on this server: links, cookies and the Origin check use its address.
    previousBase = process.env.BASE_URL;
    process.env.BASE_URL = a.http.url;
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      acceptDownloads: true,
    });
  }, 180_000);
  afterAll(async () => {
    process.env.BASE_URL = previousBase;
    await browser?.close();
    await a?.stop();
  });

  it('signs in through the form and the mailed link', async () => {
    const admin = a.bed.config.admins[0];
    if (!admin) throw new Error('no admin');
    await page.goto(`${a.http.url}/admin`);
    await page.fill('input[name=email]', admin.email);
    await page.click('button:text("Gửi liên kết đăng nhập")');
    await page.waitForSelector('text=Kiểm tra hộp thư');
    const mail = (await a.bed.emails()).filter((m) => m.destination.to.includes(admin.email)).at(-1);
    const link = /https?:\/\/[^\s"<>]+\/admin\/session\?[^\s"<>]+/.exec(mail?.body.text ?? '')?.[0];
    if (!link) throw new Error('no sign-in link mailed');
    await page.goto(link);
    await Promise.all([page.waitForURL(`${a.http.url}/admin`), page.click('button:text("Đăng nhập")')]);
    expect(await page.textContent('h1')).toBe('Tiến độ phong trào thi đua');
  }, 60_000);

  it("opens a period's progress and a unit's report", async () => {
    await page.click('a:text("Quý III/2024")');
    expect(await page.textContent('h1')).toBe('Tiến độ Quý III/2024');
    const row = page.locator('tbody tr', { has: page.locator(`a[href="/admin/units/${UNIT}"]`) });
    await row.locator('a:text("Báo cáo")').click();
    await page.waitForURL(`**/admin/units/${UNIT}/periods/2024Q3`);
    expect(await page.content()).toContain('Đã thực hiện.');
  }, 60_000);

  it('shows the results with charts and downloads the XLSX and the DOCX', async () => {
    await page.goto(`${a.http.url}/admin/periods/2024Q3/results`);
    expect(await page.locator('svg').count()).toBeGreaterThanOrEqual(4);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('a[href*="summary.xlsx"]')]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(readFileSync(await xlsx.path())).buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Khối cơ quan', 'Khối xã, thị trấn']);
    const [docx] = await Promise.all([page.waitForEvent('download'), page.click('a[href*="report.docx"]')]);
    const doc = readDocx(readFileSync(await docx.path()));
    expect(doc.paragraphs.map((p) => p.text).join('\n')).toContain('BÁO CÁO');
    expect(doc.xml).toContain('w:w="11906" w:h="16838"');
  }, 60_000);

  it('records a survey through the form, then recomputes', async () => {
    await page.goto(`${a.http.url}/admin/periods/2024Q3/adjustments`);
    // The headings say what the set in force allows (the demo's: a 30-point survey, caps of 5).
    expect(await page.locator('thead').first().textContent()).toContain(
      'Khảo sát (0\u00a0–\u00a030)Điểm thưởng (tính tối đa 5)Điểm trừ (tính tối đa 5)',
    );
    await page.fill(`input[name="survey[${UNIT}]"]`, '8,25');
    await page.click('button:text-is("Xem trước")');
    await page.click('button:text("Ghi nhận")');
    await page.waitForSelector('text=Đã ghi nhận');
    await page.goto(`${a.http.url}/admin/periods/2024Q3/recompute`);
    await page.click('form button[type=submit]');
    await page.waitForURL(/done=started/);
    expect(await page.content()).toContain('Đã yêu cầu tính lại kết quả');
  }, 60_000);

  it('reads the audit trail of the period: the recompute just pressed, by whom, through a session', async () => {
    await page.goto(`${a.http.url}/admin/periods/2024Q3`);
    await page.click('a:text("Nhật ký của kỳ")');
    await page.waitForURL(/\/admin\/audit\?period=2024Q3/);
    const row = page.locator('tbody tr', { hasText: 'Tính lại kết quả' });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Phiên đăng nhập');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('a:text("Tải về CSV")')]);
    const text = readFileSync(await csv.path(), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(';Tính lại kết quả;');
  }, 60_000);

  it('finds two units by a search typed without accents, then records a row pasted from a spreadsheet', async () => {
    const before = await results().listPeriodAdjustments('2024Q3');
    await page.goto(`${a.http.url}/admin/periods/2024Q3/adjustments`);
    await page.fill('#q', 'thi tran');
    await Promise.all([page.waitForURL(/q=thi\+tran/), page.click('button:text-is("Tìm")')]);
    const rows = await page
      .locator('input[name^="survey["]')
      .evaluateAll((es) => es.map((x) => x.getAttribute('name')));
    expect(rows).toEqual(['survey[thi-tran-song-lam]', 'survey[thi-tran-ben-dinh]']);

    await page.click('summary:text("Dán số liệu từ bảng tính")');
    await page.fill('#f-paste', 'Đơn vị\tKhảo sát\tThưởng\tTrừ\nxa thanh son\t27,5\t1\t0\tBáo cáo 7/BC-UBND');
    await page.click('button:text-is("Xem trước các dòng đã dán")');
    await page.waitForSelector('text=1 đơn vị sẽ thay đổi');
    expect(await results().getAdjustments('xa-thanh-son', '2024Q3')).toEqual(
      before.find((x) => x.unitId === 'xa-thanh-son'),
    );
    await page.click('button:text("Ghi nhận")');
    await page.waitForSelector('text=Đã ghi nhận');
    const after = await results().listPeriodAdjustments('2024Q3');
    expect(after.find((x) => x.unitId === 'xa-thanh-son')).toMatchObject({ survey: 2750, bonus: 100 });
    expect(after.filter((x) => x.unitId !== 'xa-thanh-son')).toEqual(
      before.filter((x) => x.unitId !== 'xa-thanh-son'),
    );
  }, 60_000);

  it('opens the commendation of 2024 while the council votes', async () => {
    at(a.bed, new Date('2025-01-28T10:00:00Z'));
    await a.bed.invoke(proposeCommendations, { cycleId: '2024' });
    await page.goto(`${a.http.url}/admin`);
    await page.click('nav a:text("Khen thưởng")');
    await page.click('a:text("Năm 2024")');
    expect(await page.textContent('h1')).toBe('Khen thưởng – Năm 2024');
    // Nobody asked yet: every member of the council is listed as not having voted.
    expect(await page.textContent('h2:text("Tiến độ bỏ phiếu") + .notice')).toContain(
      `Đã có 0/${a.bed.config.council.length} thành viên gửi phiếu`,
    );
    expect(await page.locator('td', { hasText: 'Chưa gửi phiếu' }).count()).toBe(a.bed.config.council.length);
  }, 60_000);

  it('every wired page at 375 px and 1280 px: no serious or critical axe finding, no sideways scroll', async () => {
    // One load a page for both widths (findingsAtBothWidths), axe-core added by the context: the
    // pages keep their own Content-Security-Policy.
    const view = await browser.newPage({ viewport: { width: PHONE_WIDTH, height: 900 }, locale: 'vi-VN' });
    await addAxe(view.context());
    await view.context().addCookies(await page.context().cookies());
    const paths = [
      '/admin',
      '/admin/periods/2024Q3',
      '/admin/results',
      '/admin/periods/2024Q3/results',
      '/admin/years/2024/results',
      `/admin/units/${UNIT}`,
      `/admin/units/${UNIT}/periods/2024Q3`,
      '/admin/periods/2024Q3/adjustments',
      '/admin/periods/2024Q3/adjustments?q=thi+tran',
      '/admin/periods/2024Q3/recompute',
      '/admin/audit?period=2024Q3',
      `/admin/audit?unit=${UNIT}`,
      '/admin/commendation',
      '/admin/commendation/2024',
      `/admin/periods/2024Q3/units/${UNIT}/restart`,
    ];
    const findings: Record<string, Violation[] | string> = {};
    for (const path of paths) {
      const response = await view.goto(`${a.http.url}${path}`);
      expect(response?.status(), path).toBe(200);
      for (const [at, finding] of Object.entries(await findingsAtBothWidths(view))) {
        findings[`${path} ${at}`] = finding;
      }
    }
    expect(findings).toEqual({});
    await view.close();
  }, 120_000);
});
