/**
 * The unit's report page in a real browser (Debian's chromium driven by playwright-core), on the
 * local system: open the invitation link from the mailbox, fill in two criteria, save, reload, and
 * see the values; add evidence rows up to the maximum, save and see them again; without script, a
 * save brings the next blank row. Screenshots go to /tmp for people to look at the page.
 *
 * Skipped (with a message) only when /usr/bin/chromium is missing outside CI; in CI it must run.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteUnit } from '#functions/period/invitation';
import { reports } from '#ports/dynamo/reports';
import { log } from '#ports/log';
import { loadCampaign } from '#steps/campaign';
import { ROWS } from '#web/report-fields';
import { CHROMIUM, haveBrowser, launchChromium } from '../helpers/chromium.ts';
import { type Harness, PERIOD_ID, reportLink, startHarness } from '../http/harness.ts';

const skip = !haveBrowser && !process.env.CI;
if (skip) {
  console.warn(
    `test/e2e/report-page.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y chromium). In CI this test runs.`,
  );
}

/** Waiting for what the page does after a pause (autosave waits for typing to stop); never a timing. */
const POLL = { timeout: 20_000 };

/**
 * The tab hidden or shown again as far as the page's script can tell (a headless page stays
 * visible): `document.visibilityState` and its event.
 */
function seenAs(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  return page.evaluate((value) => {
    // The browser's document, typed here since the project compiles without the DOM library.
    const doc = (globalThis as unknown as { document: EventTarget }).document;
    Object.defineProperty(doc, 'visibilityState', { value, configurable: true });
    doc.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

export const SCREENSHOTS = {
  desktop: '/tmp/thidua-report-page.png',
  phone: '/tmp/thidua-report-page-phone.png',
};

describe.skipIf(skip)('the report page in a browser', () => {
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    if (!haveBrowser)
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
    h = await startHarness();
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('opens the invitation link, saves two criteria, and shows them after a reload', async () => {
    const unitId = 'phong-tu-phap';
    await inviteUnit(await loadCampaign(), unitId, PERIOD_ID, log);
    const mail = (await h.mails()).find((m) =>
      m.destination.to.includes('namtv.tuphap@song-lam.example.org'),
    );
    const link = /https?:\/\/[^\s"<>]+\/r\?[^\s"<>]+/.exec(mail?.body.text ?? '')?.[0];
    expect(link).toBeDefined();

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const response = await page.goto(link as string);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toContain('Phòng Tư pháp');

    await page.fill('[name="score[1.1.1]"]', '1');
    await page.fill('[name="explanation[1.1.1]"]', 'Kế hoạch CCHC năm 2022 ban hành đúng hạn.');
    await page.click('#leaf-1\\.1\\.1 summary'); // the evidence rows stay folded while empty
    await page.fill('[name="evidence[1.1.1][0][number]"]', '05/KH-TP');
    await page.fill('[name="evidence[1.1.1][0][date]"]', '10/01/2022');
    await page.fill('[name="evidence[1.1.1][0][url]"]', 'https://vanban.song-lam.example.org/05-kh-tp');
    await page.fill('[name="score[1.1.2]"]', '0,5');
    await page.fill('[name="explanation[1.1.2]"]', 'Hoàn thành 85% nhiệm vụ.');
    await page.check('input[name="t05"][value="0"]');

    await Promise.all([page.waitForURL(/ok=saved/), page.click('button[name="action"][value="save"]')]);
    await expect(page.locator('.notice.ok').first().textContent()).resolves.toContain(
      'Đã lưu bản nháp (phiên bản 1)',
    );

    await page.reload();
    expect(await page.inputValue('[name="score[1.1.1]"]')).toBe('1');
    expect(await page.inputValue('[name="score[1.1.2]"]')).toBe('0,5');
    expect(await page.inputValue('[name="explanation[1.1.2]"]')).toBe('Hoàn thành 85% nhiệm vụ.');
    expect(await page.inputValue('[name="evidence[1.1.1][0][date]"]')).toBe('10/01/2022');
    expect(await page.isChecked('input[name="t05"][value="0"]')).toBe(true);

    const stored = await reports().get(unitId, PERIOD_ID);
    expect(stored?.version).toBe(1);
    expect(stored?.report.entries['1.1.1']?.evidence).toEqual([
      { number: '05/KH-TP', date: '2022-01-10', url: 'https://vanban.song-lam.example.org/05-kh-tp' },
    ]);

    // A mistake in the browser: the problem is shown beside its field, nothing is stored.
    await page.fill('[name="score[1.1.2]"]', '7');
    await Promise.all([page.waitForLoadState('load'), page.click('button[name="action"][value="save"]')]);
    await expect(page.locator('#loi').textContent()).resolves.toContain('tiêu chí 1.1.2');
    expect(await page.getAttribute('[name="score[1.1.2]"]', 'aria-invalid')).toBe('true');
    expect((await reports().get(unitId, PERIOD_ID))?.version).toBe(1);

    await page.goto(link as string);
    await page.screenshot({ path: SCREENSHOTS.desktop });
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale: 'vi-VN',
    });
    await phone.goto(link as string);
    await phone.locator('#leaf-1\\.1\\.1').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: SCREENSHOTS.phone });
    expect(existsSync(SCREENSHOTS.desktop) && existsSync(SCREENSHOTS.phone)).toBe(true);
  }, 60_000);

  it('adds evidence rows with "Thêm dòng minh chứng" up to the maximum, saves them and shows them after a reload', async () => {
    const unitId = 'phong-y-te';
    const link = await reportLink(h, unitId);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    expect((await page.goto(link))?.status()).toBe(200);
    const rows = page.locator('#leaf-1\\.1\\.1 .row.ev');
    const add = page.getByRole('button', { name: 'Thêm dòng minh chứng, tiêu chí 1.1.1', exact: true });
    const full = page.locator('#leaf-1\\.1\\.1 [data-add-evidence] [aria-live]');
    // With script the page says nothing of saving to get a row: the button does it.
    expect(await page.getByText('cần thêm dòng thì bấm Lưu nháp').isVisible()).toBe(false);

    await page.fill('[name="score[1.1.1]"]', '1');
    await page.click('#leaf-1\\.1\\.1 summary');
    expect(await rows.count()).toBe(1);
    await page.fill('[name="evidence[1.1.1][0][number]"]', '05/KH-YT');
    await add.click();
    // The new row: numbered after the last, labelled as the drawn ones, the focus in its first field.
    expect(await rows.count()).toBe(2);
    expect(await page.locator(':focus').getAttribute('name')).toBe('evidence[1.1.1][1][number]');
    await expect(page.locator('label[for="f-evidence-1-1-1-1-number"]').textContent()).resolves.toBe(
      'Số hiệu văn bản 2',
    );
    await page.keyboard.type('06/KH-YT');
    expect(await page.inputValue('#f-evidence-1-1-1-1-number')).toBe('06/KH-YT');
    // The autosave posts the added row with the others (it waits for typing to stop: polled).
    const numbers = async () =>
      (await reports().get(unitId, PERIOD_ID))?.report.entries['1.1.1']?.evidence.map((x) => x.number);
    await expect.poll(numbers, { timeout: 20_000 }).toEqual(['05/KH-YT', '06/KH-YT']);

    for (let i = 2; i < ROWS.evidenceMax; i++) await add.click();
    expect(await rows.count()).toBe(ROWS.evidenceMax);
    expect(await add.isVisible()).toBe(false);
    await expect(full.textContent()).resolves.toBe(
      'Đã đủ 10 dòng minh chứng, số dòng tối đa của một tiêu chí.',
    );
    await page.fill('[name="evidence[1.1.1][9][title]"]', 'Báo cáo kết quả CCHC năm 2022');
    await Promise.all([page.waitForURL(/ok=saved/), page.click('button[name="action"][value="save"]')]);

    expect((await reports().get(unitId, PERIOD_ID))?.report.entries['1.1.1']?.evidence).toEqual([
      { number: '05/KH-YT' },
      { number: '06/KH-YT' },
      { title: 'Báo cáo kết quả CCHC năm 2022' },
    ]);
    await page.reload();
    // The stored rows and one blank; the button is back.
    expect(await rows.count()).toBe(4);
    expect(await page.inputValue('[name="evidence[1.1.1][2][title]"]')).toBe('Báo cáo kết quả CCHC năm 2022');
    expect(await page.inputValue('[name="evidence[1.1.1][3][number]"]')).toBe('');
    expect(await add.isVisible()).toBe(true);
    await page.close();
  }, 60_000);

  it('closing the page before the autosave’s pause ends still saves what was typed', async () => {
    const unitId = 'phong-van-hoa-thong-tin';
    const link = await reportLink(h, unitId);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    expect((await page.goto(link))?.status()).toBe(200);
    await page.fill('[name="score[1.1.1]"]', '1');
    await page.fill('[name="explanation[1.1.1]"]', 'Gõ xong là đóng thẻ ngay.');
    // Well within the autosave's 2 s pause: only the page's own pagehide/visibilitychange send it.
    await page.close({ runBeforeUnload: true });
    const stored = async () => (await reports().get(unitId, PERIOD_ID))?.report.entries['1.1.1'];
    await expect
      .poll(stored, { timeout: 10_000 })
      .toMatchObject({ explanation: 'Gõ xong là đóng thẻ ngay.' });

    const again = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    // The requests say whether the script asked for keepalive (no browser event says so, and a
    // closing page's requests are not reported): a tab hidden, not closed, shows it.
    await again.addInitScript(() => {
      // The browser's fetch, typed here since the project compiles without the DOM library.
      type Init = { keepalive?: boolean; headers?: Record<string, string> };
      const w = globalThis as unknown as { fetch: (input: unknown, init?: Init) => Promise<unknown> };
      const send = w.fetch;
      w.fetch = (input, init) =>
        send(
          input,
          init?.keepalive ? { ...init, headers: { ...init.headers, 'x-test-keepalive': '1' } } : init,
        );
    });
    const saves: (string | undefined)[] = [];
    again.on('request', (request) => {
      if (request.method() === 'POST') saves.push(request.headers()['x-test-keepalive'] ?? 'timer');
    });
    expect((await again.goto(link))?.status()).toBe(200);
    expect(await again.inputValue('[name="score[1.1.1]"]')).toBe('1');
    expect(await again.inputValue('[name="explanation[1.1.1]"]')).toBe('Gõ xong là đóng thẻ ngay.');
    const status = again.locator('[data-autosave-status]');
    await again.fill('[name="explanation[1.1.1]"]', 'Sang thẻ khác ngay.');
    await seenAs(again, 'hidden');
    await expect.poll(() => saves, POLL).toEqual(['1']);
    await expect.poll(() => status.textContent(), POLL).toMatch(/phiên bản 2\.$/);
    expect(await stored()).toMatchObject({ explanation: 'Sang thẻ khác ngay.' });
    // Back on the tab: the next autosave carries the version the hidden one got (no conflict).
    await seenAs(again, 'visible');
    await again.fill('[name="explanation[1.1.1]"]', 'Quay lại thẻ, gõ tiếp.');
    await expect.poll(() => status.textContent(), POLL).toMatch(/phiên bản 3\.$/);
    expect(saves).toEqual(['1', 'timer']);
    expect(await stored()).toMatchObject({ explanation: 'Quay lại thẻ, gõ tiếp.' });
    await again.close();
  }, 60_000);

  it('leaving with a save pending: a small form goes without asking, one too big for keepalive (64 KiB) asks first', async () => {
    const link = await reportLink(h, 'phong-tai-chinh-ke-hoach');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    expect((await page.goto(link))?.status()).toBe(200);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    // A small form leaves without asking: its pending save goes as the page goes.
    await page.fill('[name="summary"]', 'Tóm tắt ngắn.');
    await page.goto('about:blank');
    expect(dialogs).toEqual([]);
    await expect
      .poll(async () => (await reports().get('phong-tai-chinh-ke-hoach', PERIOD_ID))?.report.summary, POLL)
      .toBe('Tóm tắt ngắn.');

    expect((await page.goto(link))?.status()).toBe(200);
    await page.click('[name="summary"]'); // a person's gesture: the browser asks only then
    await page.locator('[name="summary"]').evaluate((el, text) => {
      // Past the field's maxlength, as a paste of many fields' worth would be: only the size counts.
      (el as unknown as { value: string }).value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, 'x'.repeat(70_000));
    // Leaving by a navigation (headless Chromium shows no beforeunload dialog on page.close).
    await page.goto('about:blank');
    expect(dialogs).toEqual(['beforeunload']);
    await page.close();
  }, 60_000);

  it('an autosave that leaves a value out marks its field, names it in the status line, and unmarks it once saved', async () => {
    const unitId = 'phong-lao-dong-tbxh';
    const link = await reportLink(h, unitId);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    expect((await page.goto(link))?.status()).toBe(200);
    const date = page.locator('[name="evidence[1.1.1][0][date]"]');
    const note = page.locator('#f-evidence-1-1-1-0-date-loi');
    const status = page.locator('[data-autosave-status]');

    await page.fill('[name="score[1.1.1]"]', '1');
    await page.click('#leaf-1\\.1\\.1 summary');
    await page.fill('[name="evidence[1.1.1][0][number]"]', '07/KH-LĐ');
    await date.fill('31/02/2022');
    // The autosave (after typing stops) stores the rest and reports the date.
    await expect.poll(() => date.getAttribute('aria-invalid'), POLL).toBe('true');
    expect(await date.getAttribute('aria-describedby')).toBe('f-evidence-1-1-1-0-date-loi');
    await expect(note.textContent()).resolves.toBe(
      'Tiêu chí 1.1.1, minh chứng 1: ngày "31/02/2022" không hợp lệ (viết dd/mm/yyyy, ví dụ 30/09/2024).',
    );
    expect(await note.getAttribute('class')).toBe('problem');
    expect(await page.locator('#leaf-1\\.1\\.1').getAttribute('class')).toContain('has-problem');
    await expect(status.textContent()).resolves.toMatch(
      /^Đã tự động lưu phần hợp lệ lúc .*, phiên bản 1; 1 mục còn lỗi chưa được lưu: Tiêu chí 1\.1\.1 – Ngày ban hành 1\.$/,
    );
    const named = status.getByRole('link', { name: 'Tiêu chí 1.1.1 – Ngày ban hành 1' });
    expect(await named.getAttribute('href')).toBe('#f-evidence-1-1-1-0-date');
    await named.click();
    expect(await page.locator(':focus').getAttribute('name')).toBe('evidence[1.1.1][0][date]');
    expect((await reports().get(unitId, PERIOD_ID))?.report.entries['1.1.1']?.evidence).toEqual([
      { number: '07/KH-LĐ' },
    ]);

    await date.fill('28/02/2022');
    await expect.poll(() => date.getAttribute('aria-invalid'), POLL).toBeNull();
    expect(await date.getAttribute('aria-describedby')).toBeNull();
    expect(await note.count()).toBe(0);
    expect(await page.locator('#leaf-1\\.1\\.1').getAttribute('class')).not.toContain('has-problem');
    await expect(status.textContent()).resolves.toMatch(/^Đã tự động lưu lúc .*, phiên bản 2\.$/);
    expect((await reports().get(unitId, PERIOD_ID))?.report.entries['1.1.1']?.evidence).toEqual([
      { number: '07/KH-LĐ', date: '2022-02-28' },
    ]);
    await page.close();
  }, 60_000);

  it('without script: no button, and a save brings the next blank row', async () => {
    const unitId = 'phong-noi-vu';
    const link = await reportLink(h, unitId);
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'vi-VN' });
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    const rows = page.locator('#leaf-1\\.1\\.2 .row.ev');
    await page.click('#leaf-1\\.1\\.2 summary');
    expect(await rows.count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Thêm dòng minh chứng' }).count()).toBe(0);
    expect(await page.locator('#leaf-1\\.1\\.2 [data-add-evidence]').isVisible()).toBe(false);
    // What to do instead is said once, at the top of the form.
    await expect(page.getByText('cần thêm dòng thì bấm Lưu nháp').isVisible()).resolves.toBe(true);
    await page.fill('[name="score[1.1.2]"]', '0,5');
    await page.fill('[name="evidence[1.1.2][0][number]"]', '12/BC-NV');
    await Promise.all([page.waitForURL(/ok=saved/), page.click('button[name="action"][value="save"]')]);
    expect(await rows.count()).toBe(2);
    expect(await page.inputValue('[name="evidence[1.1.2][0][number]"]')).toBe('12/BC-NV');
    expect(await page.inputValue('[name="evidence[1.1.2][1][number]"]')).toBe('');
    await context.close();
  }, 60_000);
});
