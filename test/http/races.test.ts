/**
 * Races through real HTTP on the local system, fifty requests at once: one reviewer's link
 * clicked fifty times with differing decisions (the real review workflow behind it), and one
 * report saved from fifty pages opened on the same version. One request wins; every other one is
 * told so; what is stored, mailed and shown afterwards is the winner's and only the winner's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callbacksReceived,
  formOf,
  type Harness,
  inReview,
  invite,
  mailedLink,
  PERIOD_ID,
  postForm,
  startHarness,
} from './harness.ts';

let h: Harness;
const N = 50;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const mailsTo = async (to: string) => (await h.mails()).filter((m) => m.destination.to.includes(to));

describe(`${N} concurrent decisions on one link`, () => {
  it('give one winner, one recorded decision, one email to the unit; the others are told it was decided', async () => {
    const unitId = 'phong-tu-phap';
    const { reviewUrl, reportUrl, focal } = await inReview(h, unitId);
    const page = await (await fetch(reviewUrl)).text();
    // Half approve, half return with a comment: the recorded decision must be the winner's. Each
    // from its own rendering of the page (its own write id), as N clicks in N browsers would be.
    const forms = Array.from({ length: N }, (_, i) =>
      i % 2 === 0
        ? formOf(page, {
            decision: 'approve',
            confirm: 'yes',
            writeId: `race-${String(i).padStart(16, '0')}`,
          })
        : formOf(page, {
            decision: 'return',
            confirm: 'yes',
            general: `Cần bổ sung minh chứng (yêu cầu ${i}).`,
            writeId: `race-${String(i).padStart(16, '0')}`,
          }),
    );
    const unitMailsBefore = (await mailsTo(focal)).length;

    const answers = await Promise.all(forms.map((form) => postForm(reviewUrl, form, { origin: h.base })));
    const statuses = answers.map((r) => r.status);
    const texts = await Promise.all(answers.map((r) => r.text()));
    const won = statuses.flatMap((s, i) => (s === 200 ? [i] : []));
    expect(won).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(N - 1);
    const winner = won[0] ?? -1;
    const approved = winner % 2 === 0;
    const label = approved ? 'Phê duyệt' : 'Trả lại để giải trình';
    expect(texts[winner]).toContain(`Quyết định “${label}” đã được ghi nhận`);
    for (const [i, text] of texts.entries()) {
      if (i !== winner) expect(text).toContain('Mỗi liên kết chỉ ghi nhận một quyết định');
    }
    await h.rt.settle();

    // The link now shows what was decided, read-only; the workflow heard it once and moved on.
    const later = await fetch(reviewUrl);
    expect(later.status).toBe(200);
    const laterPage = await later.text();
    expect(laterPage).toContain(`Đã có quyết định: ${label}`);
    expect(laterPage).not.toContain('<form');
    const execution = h.rt.sfn.listExecutions().find((e) => e.name === `review-${unitId}-${PERIOD_ID}-1`);
    expect(callbacksReceived(h, execution?.executionArn ?? '')).toBe(1);

    const unitMails = (await mailsTo(focal)).slice(unitMailsBefore);
    expect(unitMails).toHaveLength(1);
    expect(unitMails[0]?.subject).toContain(approved ? 'đã được phê duyệt' : 'được trả lại để giải trình');
    const reportPage = await (await fetch(reportUrl)).text();
    if (approved) {
      expect(reportPage).toContain('Báo cáo đã được phê duyệt');
    } else {
      expect(reportPage).toContain(`Cần bổ sung minh chứng (yêu cầu ${winner}).`);
      for (let i = 1; i < N; i += 2) {
        if (i !== winner) expect(reportPage).not.toContain(`(yêu cầu ${i}).`);
      }
    }

    // The winner's form again (a retry after a lost answer) is answered as the first was; the same
    // page sent again with the other button (Back, then the other choice) is refused as decided.
    const again = await postForm(reviewUrl, forms[winner] ?? new URLSearchParams(), { origin: h.base });
    expect(again.status).toBe(200);
    const againPage = await again.text();
    expect(againPage).toContain(`Quyết định “${label}” đã được ghi nhận`);
    expect(againPage).toContain('lần này không ghi nhận thêm gì');
    const switched = new URLSearchParams(forms[winner]);
    switched.set('decision', approved ? 'return' : 'approve');
    if (approved) switched.set('general', 'Đổi ý sau khi bấm Quay lại.');
    const other = await postForm(reviewUrl, switched, { origin: h.base });
    expect(other.status).toBe(409);
    expect(await other.text()).toContain('Mỗi liên kết chỉ ghi nhận một quyết định');
    await h.rt.settle();
    expect(callbacksReceived(h, execution?.executionArn ?? '')).toBe(1);
    expect((await mailsTo(focal)).slice(unitMailsBefore)).toHaveLength(1);
  }, 120_000);
});

describe(`${N} concurrent saves of one report`, () => {
  /** A save that says which of the fifty it is in every field it fills. */
  const save = (version: number, i: number) => ({
    action: 'save',
    version: String(version),
    'score[1.1.1]': i % 2 === 0 ? '1' : '0,5',
    'explanation[1.1.1]': `Giải thích của lần lưu ${version}-${i}.`,
    'evidence[1.1.1][0][number]': `${version}-${i}/KH-UBND`,
    summary: `Tóm tắt của lần lưu ${version}-${i}.`,
  });

  it('from the same version: exactly one is stored, every other one gets 409 “saved elsewhere”, nothing mixed', async () => {
    const unitId = 'phong-tai-chinh-ke-hoach';
    await invite(unitId);
    const focal = h.config.units.find((u) => u.id === unitId)?.focalPoint.email ?? unitId;
    const url = await mailedLink(h, focal, '/r');

    // From nothing stored (version 0), then from the winner's version 1.
    for (const version of [0, 1]) {
      const answers = await Promise.all(
        Array.from({ length: N }, (_, i) => postForm(url, save(version, i), { origin: h.base })),
      );
      const statuses = answers.map((r) => r.status);
      const won = statuses.flatMap((s, i) => (s === 303 ? [i] : []));
      expect(won, `from version ${version}`).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(N - 1);
      for (const [i, res] of answers.entries()) {
        if (i !== won[0]) expect(await res.text()).toContain('Báo cáo đã được người khác lưu');
      }

      const winner = save(version, won[0] ?? -1);
      const page = await (await fetch(url)).text();
      const shown = formOf(page, {});
      expect(shown.get('version')).toBe(String(version + 1));
      expect(shown.get('score[1.1.1]')).toBe(winner['score[1.1.1]']);
      expect(shown.get('evidence[1.1.1][0][number]')).toBe(winner['evidence[1.1.1][0][number]']);
      expect(page).toContain(winner['explanation[1.1.1]']);
      expect(page).toContain(winner.summary);
      for (let i = 0; i < N; i++) {
        if (i !== won[0]) expect(page).not.toContain(`lần lưu ${version}-${i}.`);
      }
    }
  }, 120_000);
});
