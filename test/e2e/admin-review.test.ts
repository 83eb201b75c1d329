/**
 * An admin follows a review in Chromium on the demo stack's local runtime (the real `review`
 * execution, the SES emulator): the period's page shows the unit invited, then in review with its
 * reviewer; the admin hands the review to another reviewer from that page, the new reviewer's
 * link (read from the SES emulator) approves in the browser, and the period's page reads the
 * report approved under the new reviewer; the reassignment page passes axe at 375 px; as the
 * product's clock passes the deadline, the period's page says the period is in review.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaigns } from '#ports/dynamo/campaigns';
import { sessions } from '#ports/dynamo/sessions';
import { type Harness, inReview, invite, mailedLink, PERIOD_ID, startHarness } from '../http/harness.ts';
import { haveBrowser, launchChromium, scrollWidths, seriousViolations } from './browser.ts';

const skip = !haveBrowser && !process.env.CI;
const UNIT = 'phong-tu-phap';

describe.skipIf(skip)('an admin follows and reassigns a review in a browser', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [h, browser] = await Promise.all([startHarness(), launchChromium()]);
    const admin = h.config.admins[0];
    if (!admin) throw new Error('no admin');
    const { sessionId } = await sessions().create(
      { adminId: admin.id, email: admin.email },
      { absoluteMs: 3_600_000, idleTimeoutMs: 3_600_000 },
    );
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      bypassCSP: true,
    });
    await page.context().addCookies([{ name: 'thidua_session', value: sessionId, url: h.base }]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  /** The unit's row on the period's page, as its text. */
  async function unitRow(): Promise<string> {
    await page.goto(`${h.base}/admin/periods/${PERIOD_ID}?q=${encodeURIComponent('Tư pháp')}`);
    return (await page.locator('tbody tr', { hasText: 'Phòng Tư pháp' }).first().textContent()) ?? '';
  }

  it('shows the unit invited, then in review with its reviewer', async () => {
    await invite(UNIT);
    await campaigns().setPeriodStatus(PERIOD_ID, 'scheduled', 'open');
    expect(await unitRow()).toContain('Đã mời, chưa lập báo cáo');
    const { reviewer } = await inReview(h, UNIT);
    const name = h.config.reviewers.find((r) => r.email === reviewer)?.name ?? '';
    const row = await unitRow();
    expect(row).toContain('Đang thẩm định');
    expect(row).toContain(name);
  }, 60_000);

  it('reassigns the reviewer from the page; the new link finishes the review', async () => {
    await unitRow();
    await page
      .locator('tbody tr', { hasText: 'Phòng Tư pháp' })
      .first()
      .locator('a:text("Đổi người thẩm định")')
      .click();
    await page.waitForURL(`**/admin/periods/${PERIOD_ID}/units/${UNIT}/reassign`);
    const chosen = await page
      .locator('select[name=reviewer] option:not([value=""])')
      .first()
      .getAttribute('value');
    const next = h.config.reviewers.find((r) => r.id === chosen);
    if (!next) throw new Error('no reviewer offered');
    await page.selectOption('select[name=reviewer]', next.id);
    await page.fill('textarea[name=reason]', 'Người thẩm định đi công tác');
    await Promise.all([page.waitForURL(/done=/), page.click('form button[type=submit]')]);
    expect(await page.content()).toContain(`Đã giao thẩm định cho ${next.name}`);

    // The new reviewer opens the mailed link on a phone and approves: Phê duyệt, then the
    // confirmation page's own button (the first press records nothing).
    const link = await mailedLink(h, next.email, '/d');
    const reviewer = await browser.newPage({
      locale: 'vi-VN',
      viewport: { width: 375, height: 800 },
      bypassCSP: true,
    });
    await reviewer.goto(link);
    await reviewer.click('button[name=decision][value=approve]');
    await reviewer.waitForSelector('h1:text("Xác nhận phê duyệt")');
    expect(await seriousViolations(reviewer)).toEqual([]);
    const [scroll, client] = await scrollWidths(reviewer);
    expect(scroll).toBeLessThanOrEqual(client);
    expect((await unitRow()).includes('Đã phê duyệt')).toBe(false);
    await reviewer.click('button[name=confirm][value=yes]');
    await reviewer.waitForSelector('h1:text("Đã ghi nhận quyết định")');
    await reviewer.close();
    await h.rt.settle();
    const row = await unitRow();
    expect(row).toContain('Đã phê duyệt');
    expect(row).toContain(next.name);
  }, 90_000);

  it('the reassignment and audit pages at 375 px: no serious axe finding, no sideways scroll', async () => {
    const view = await browser.newPage({
      viewport: { width: 375, height: 800 },
      locale: 'vi-VN',
      bypassCSP: true,
    });
    await view.context().addCookies(await page.context().cookies());
    for (const path of [`/admin/periods/${PERIOD_ID}/units/${UNIT}/reassign`, `/admin/audit?unit=${UNIT}`]) {
      await view.goto(`${h.base}${path}`);
      expect(await seriousViolations(view), path).toEqual([]);
      const [scroll, client] = await scrollWidths(view);
      expect(scroll, path).toBeLessThanOrEqual(client);
    }
    await view.close();
  }, 60_000);

  it('follows the period as the clock moves: past the deadline its page says the period is in review', async () => {
    const stateLine = async () => {
      await page.goto(`${h.base}/admin/periods/${PERIOD_ID}`);
      return (await page.locator('main').textContent()) ?? '';
    };
    expect(await stateLine()).toContain('Đang nhận báo cáo');
    await h.rt.advanceClock(new Date(Date.parse(h.period.deadlineAt) + 3_600_000));
    const after = await stateLine();
    expect(after).toContain('Đang thẩm định');
    expect(after).not.toContain('Đang nhận báo cáo');
  }, 60_000);
});
