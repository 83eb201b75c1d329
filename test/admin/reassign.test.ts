/**
 * Reassigning a reviewer inside the real `review` execution (the demo stack on the local
 * runtime): the unit submits, the reviewer's link is mailed; the admin hands the review to
 * another reviewer on the reassignment page; the old link answers 410, the new reviewer's mailed
 * link approves, and the same waiting task carries the review to its end. A second admin at once
 * gets 409; the same POST again answers as the first did; the audit keeps who did what.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit } from '#ports/dynamo/audit';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import {
  adminCookie,
  formOf,
  type Harness,
  inReview,
  invite,
  mailedLink,
  PERIOD_ID,
  postForm,
  startHarness,
} from '../http/harness.ts';

let h: Harness;
const UNIT = 'phong-tu-phap';

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

it('hands a waiting review to another reviewer: old link 410, new link finishes the same review', async () => {
  const { reviewUrl, reviewer: oldEmail, focal } = await inReview(h, UNIT);
  const cookie = await adminCookie(h);
  const page = `${h.base}/admin/periods/${PERIOD_ID}/units/${UNIT}/reassign`;
  const form = await (await fetch(page, { headers: { cookie } })).text();
  expect(form).toContain('Đổi người thẩm định');
  const unitStaff = h.config.reviewers.filter((r) => r.unit === UNIT).map((r) => r.id);
  const offered = [...form.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]).filter((v) => v);
  expect(offered.length).toBeGreaterThan(0);
  for (const id of unitStaff) expect(offered).not.toContain(id);
  const next = h.config.reviewers.find((r) => r.id === offered[0]);
  if (!next) throw new Error('no reviewer offered');

  // A reviewer from the unit itself is refused even when posted by hand; nothing changes.
  const before = await h.snapshot();
  if (unitStaff[0]) {
    const own = await postForm(page, formOf(form, { reviewer: unitStaff[0] }), { origin: h.base, cookie });
    expect(own.status).toBe(422);
    expect(await h.snapshot()).toBe(before);
  }
  const mailsBefore = (await h.mails()).length;
  const fields = formOf(form, { reviewer: next.id, reason: 'Người thẩm định đi công tác' });
  const done = await postForm(page, fields, { origin: h.base, cookie });
  expect(done.status).toBe(303);
  const outcome = await (
    await fetch(new URL(done.headers.get('location') ?? '', h.base), { headers: { cookie } })
  ).text();
  expect(outcome).toContain(`Đã giao thẩm định cho ${next.name}`);

  // The same POST again (a double click, a retry) answers the same and changes nothing more.
  const snapshot = await h.snapshot();
  expect((await postForm(page, fields, { origin: h.base, cookie })).status).toBe(303);
  expect(await h.snapshot()).toBe(snapshot);
  // Another admin's reassignment from a page opened before: 409, nothing stored.
  const other = await postForm(
    page,
    formOf(form, { reviewer: offered[1] ?? next.id, nonce: 'khac-admin-0000000001' }),
    {
      origin: h.base,
      cookie,
    },
  );
  expect(other.status).toBe(409);
  expect(await other.text()).toContain('Đã có người thực hiện trước');
  expect(await h.snapshot()).toBe(snapshot);

  // The old link is gone, and says why; the new reviewer (only) got a mail; the unit was told nothing new.
  const old = await fetch(reviewUrl);
  expect(old.status).toBe(410);
  expect(await old.text()).toContain('Việc thẩm định đã được giao cho người khác');
  const newMails = (await h.mails()).slice(mailsBefore);
  expect(newMails.flatMap((m) => m.destination.to)).toEqual([next.email]);
  expect(newMails.some((m) => m.destination.to.includes(focal) || m.destination.to.includes(oldEmail))).toBe(
    false,
  );
  expect((await reviews().getAssignment(PERIOD_ID, UNIT))?.reviewerId).toBe(next.id);

  // The new reviewer approves through the mailed link: the same review execution finishes.
  const newLink = await mailedLink(h, next.email, '/d');
  const reviewPage = await (await fetch(newLink)).text();
  expect(
    (await postForm(newLink, formOf(reviewPage, { decision: 'approve', confirm: 'yes' }), { origin: h.base }))
      .status,
  ).toBe(200);
  await h.rt.settle();
  expect((await reports().get(UNIT, PERIOD_ID))?.status).toBe('approved');
  const execution = h.rt.sfn.listExecutions().find((e) => e.name === `review-${UNIT}-${PERIOD_ID}-1`);
  expect(execution?.status).toBe('SUCCEEDED');

  // The audit: who reassigned, from whom to whom, why.
  const entry = (await audit().list(`report/${UNIT}/${PERIOD_ID}`)).find(
    (e) => e.action === 'admin.reassign',
  );
  expect(entry?.actor).toMatchObject({ kind: 'admin', id: h.config.admins[0]?.id });
  expect(entry?.detail).toMatchObject({ to: next.id, reason: 'Người thẩm định đi công tác' });
}, 90_000);

it('reminds a unit now, at most once a day, and audits it', async () => {
  const unitId = 'phong-y-te';
  const focal = h.config.units.find((u) => u.id === unitId)?.focalPoint.email ?? '';
  await invite(unitId);
  await campaigns().setPeriodStatus(PERIOD_ID, 'scheduled', 'open');
  const cookie = await adminCookie(h);
  const page = `${h.base}/admin/periods/${PERIOD_ID}/units/${unitId}/remind`;
  const form = await (await fetch(page, { headers: { cookie } })).text();
  expect(form).toContain('form method="post"');
  const before = (await h.mails()).filter((m) => m.destination.to.includes(focal)).length;
  const sent = await postForm(page, formOf(form, {}), { origin: h.base, cookie });
  expect(sent.status).toBe(303);
  const after = await (await fetch(page, { headers: { cookie } })).text();
  expect(after).toContain('Đã gửi lời nhắc');
  expect((await h.mails()).filter((m) => m.destination.to.includes(focal)).length).toBe(before + 1);
  // Pressed again the same day: nothing more is sent.
  expect((await postForm(page, formOf(form, {}), { origin: h.base, cookie })).status).toBe(200);
  expect((await h.mails()).filter((m) => m.destination.to.includes(focal)).length).toBe(before + 1);
  expect((await reports().getProgress(unitId, PERIOD_ID))?.remindedAt).toBeDefined();
  const entries = await audit().list(`report/${unitId}/${PERIOD_ID}`);
  expect(entries.filter((e) => e.action === 'admin.remind')).toHaveLength(1);
}, 60_000);

it('a reassigned review whose wait times out keeps the new reviewer’s link live: the decision finishes the review', async () => {
  const unitId = 'phong-y-te';
  await inReview(h, unitId);
  const cookie = await adminCookie(h);
  const page = `${h.base}/admin/periods/${PERIOD_ID}/units/${unitId}/reassign`;
  const form = await (await fetch(page, { headers: { cookie } })).text();
  const nextId = [...form.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]).find(Boolean) as string;
  const next = h.config.reviewers.find((r) => r.id === nextId)!;
  const done = await postForm(page, formOf(form, { reviewer: nextId, reason: 'Nghỉ phép' }), {
    origin: h.base,
    cookie,
  });
  expect(done.status).toBe(303);
  const newLink = await mailedLink(h, next.email, '/d');
  const requestsTo = async () =>
    (await h.mails()).filter(
      (m) => m.destination.to.includes(next.email) && m.subject.includes('Đề nghị thẩm định báo cáo'),
    ).length;
  const mailsToNext = await requestsTo();

  // The reviewer's wait times out (5 days): the admins are told, and the wait is armed again —
  // behind the new reviewer's approval, whose link must still decide.
  await h.rt.advanceClock(new Date(h.rt.clock.now().getTime() + 6 * 86_400_000));
  const live = (await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID)).find(
    (a) => a.kind === 'appraise' && a.subjectId === nextId,
  );
  expect(live).toMatchObject({ status: 'pending', tokenGen: 1 });
  // No second review request to the new reviewer for the same round.
  expect(await requestsTo()).toBe(mailsToNext);

  const reviewPage = await (await fetch(newLink)).text();
  expect(
    (await postForm(newLink, formOf(reviewPage, { decision: 'approve', confirm: 'yes' }), { origin: h.base }))
      .status,
  ).toBe(200);
  await h.rt.settle();
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('approved');
  const execution = h.rt.sfn.listExecutions().find((e) => e.name === `review-${unitId}-${PERIOD_ID}-1`);
  expect(execution?.status).toBe('SUCCEEDED');
}, 90_000);
