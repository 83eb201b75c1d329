/**
 * Requests the pages refuse without changing anything, through real HTTP on the local system and
 * the real review workflow: a reviewer's decision that does not say which report version it was
 * made on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formOf, type Harness, inReview, postForm, startHarness } from './harness.ts';

let h: Harness;

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
    const approve = formOf(page, { decision: 'approve' });
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
      ['twice, differing', (f) => f.append('reportVersion', String(Number(version) + 1))],
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
