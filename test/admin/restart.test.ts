/**
 * Restarting a stuck review inside the real `review` execution (the demo stack on the local
 * runtime): the unit submits and the reviewer's link is mailed; a healthy review is refused
 * (nothing to restart); the execution is then stopped (its wait lost), so the reviewer's
 * approval finds its task gone. The admin restarts: `review-<unit>-<period>-2` starts once, the
 * decision already recorded is delivered to it, the report is approved; the same POST again
 * answers as the first did, another press is refused, and the audit keeps who did it and why.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { armCrash, disarmCrash } from '../helpers/crash-bed.ts';
import { formOf, type Harness, inReview, PERIOD_ID, postForm, startHarness } from '../http/harness.ts';
import { sessionCookie } from './bed.ts';

let h: Harness;
const UNIT = 'phong-tu-phap';

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const reviewRuns = () =>
  h.rt.sfn
    .listExecutions()
    .filter((e) => e.name.startsWith(`review-${UNIT}-${PERIOD_ID}-`))
    .map((e) => `${e.name} ${e.status}`)
    .sort();

/** The unit-period's first review execution stopped as failed, as RecordFailure records it (its audit entry is the evidence). */
async function failFirstReview(unit: string): Promise<void> {
  const first = h.rt.sfn.listExecutions().find((e) => e.name === `review-${unit}-${PERIOD_ID}-1`);
  if (!first) throw new Error('no review execution');
  h.rt.sfn.stopExecution(first.executionArn, { error: 'States.TaskFailed' });
  await audit().append({
    id: `failed-review-${unit}-${PERIOD_ID}-1`,
    subject: `report/${unit}/${PERIOD_ID}`,
    periodId: PERIOD_ID,
    actor: { kind: 'system', id: 'record-failure' },
    action: 'workflow.failed',
    detail: {
      workflow: 'review',
      executionName: `review-${unit}-${PERIOD_ID}-1`,
      error: 'States.TaskFailed',
    },
  });
  await h.rt.settle();
}

/** The restart page of a unit, with an admin's session cookie. */
async function restartPage(unit: string): Promise<{ page: string; cookie: string }> {
  const admin = h.config.admins[0];
  if (!admin) throw new Error('no admin');
  const cookie = (await sessionCookie({ adminId: admin.id, email: admin.email })).replace('__Host-', '');
  return { page: `${h.base}/admin/periods/${PERIOD_ID}/units/${unit}/restart`, cookie };
}

/** The unit-period's review executions, `<name> <status>`, sorted. */
const runsOf = (unit: string) =>
  h.rt.sfn
    .listExecutions()
    .filter((e) => e.name.startsWith(`review-${unit}-${PERIOD_ID}-`))
    .map((e) => `${e.name} ${e.status}`)
    .sort();

it('restarts a review whose wait was lost: once, the recorded decision delivered, audited', async () => {
  const { reviewUrl } = await inReview(h, UNIT);
  const admin = h.config.admins[0];
  if (!admin) throw new Error('no admin');
  const cookie = (await sessionCookie({ adminId: admin.id, email: admin.email })).replace('__Host-', '');
  const page = `${h.base}/admin/periods/${PERIOD_ID}/units/${UNIT}/restart`;

  // A review that waits normally has nothing to restart: refused, no execution started.
  const healthy = await (await fetch(page, { headers: { cookie } })).text();
  expect(healthy).toContain('không cần khởi động lại');
  const refused = await postForm(page, { nonce: 'mot-lan-bam-00000001' }, { origin: h.base, cookie });
  expect(refused.status).toBe(410);
  expect(reviewRuns()).toEqual([`review-${UNIT}-${PERIOD_ID}-1 RUNNING`]);

  // The wait is lost; the reviewer's approval is recorded but finds no task to deliver to.
  const first = h.rt.sfn.listExecutions().find((e) => e.name === `review-${UNIT}-${PERIOD_ID}-1`);
  if (!first) throw new Error('no review execution');
  h.rt.sfn.stopExecution(first.executionArn, { error: 'Lost' });
  await h.rt.settle();
  const reviewPage = await (await fetch(reviewUrl)).text();
  const approved = await postForm(reviewUrl, formOf(reviewPage, { decision: 'approve', confirm: 'yes' }), {
    origin: h.base,
  });
  expect(approved.status).toBeLessThan(300);
  await h.rt.settle();
  const gone = (await reviews().listUnitPeriodApprovals(UNIT, PERIOD_ID)).filter(
    (a) => a.status === 'task-gone',
  );
  expect(gone).toHaveLength(1);
  expect((await reports().get(UNIT, PERIOD_ID))?.status).not.toBe('approved');

  const form = await (await fetch(page, { headers: { cookie } })).text();
  expect(form).toContain('Khởi động lại thẩm định');
  expect(form).toContain('lần 2');
  const fields = formOf(form, { reason: 'Quy trình bị dừng' });
  const done = await postForm(page, fields, { origin: h.base, cookie });
  expect(done.status).toBe(303);
  await h.rt.settle();
  expect((await reports().get(UNIT, PERIOD_ID))?.status).toBe('approved');
  expect(reviewRuns()).toEqual([
    `review-${UNIT}-${PERIOD_ID}-1 ABORTED`,
    `review-${UNIT}-${PERIOD_ID}-2 SUCCEEDED`,
  ]);
  const said = await (
    await fetch(new URL(done.headers.get('location') ?? '', h.base), { headers: { cookie } })
  ).text();
  expect(said).toContain('Đã khởi động lại thẩm định (lần 2)');

  // The same POST again answers the same and starts nothing; another press is refused.
  const snapshot = await h.snapshot();
  const again = await postForm(page, fields, { origin: h.base, cookie });
  expect(again.status).toBe(303);
  expect(again.headers.get('location')).toBe(done.headers.get('location'));
  const other = await postForm(page, { nonce: 'khac-admin-0000000001' }, { origin: h.base, cookie });
  expect(other.status).toBe(410);
  expect(await h.snapshot()).toBe(snapshot);
  expect(reviewRuns()).toHaveLength(2);

  const entry = (await audit().list(`report/${UNIT}/${PERIOD_ID}`)).find((x) => x.action === 'admin.restart');
  expect(entry?.actor).toMatchObject({ kind: 'admin', id: admin.id });
  expect(entry?.detail).toMatchObject({ attempt: 2, reason: 'Quy trình bị dừng' });
  expect(entry?.detail?.causes).toEqual([`task-gone:${gone[0]?.id}:${gone[0]?.tokenGen}`]);
}, 90_000);

it('restarts a failed review once: the new run waits on the same link, and a second press starts nothing', async () => {
  const unit = 'phong-y-te';
  const { reviewUrl } = await inReview(h, unit);
  const { page, cookie } = await restartPage(unit);
  const runs = () => runsOf(unit);
  await failFirstReview(unit);

  const form = await (await fetch(page, { headers: { cookie } })).text();
  const done = await postForm(page, formOf(form, {}), { origin: h.base, cookie });
  expect(done.status).toBe(303);
  await h.rt.settle();
  expect(runs()).toEqual([`review-${unit}-${PERIOD_ID}-1 ABORTED`, `review-${unit}-${PERIOD_ID}-2 RUNNING`]);
  // The reviewer's link in the mailbox still opens the waiting review.
  expect((await fetch(reviewUrl)).status).toBe(200);

  // The failure is answered: another admin's press finds nothing to restart.
  const other = await postForm(page, { nonce: 'khac-admin-0000000002' }, { origin: h.base, cookie });
  expect(other.status).toBe(410);
  await h.rt.settle();
  expect(runs()).toHaveLength(2);
}, 90_000);

it('a restart whose request died after its claim is finished by the same POST again: one execution, one entry', async () => {
  const unit = 'phong-noi-vu';
  await inReview(h, unit);
  const { page, cookie } = await restartPage(unit);
  const runs = () => runsOf(unit);
  await failFirstReview(unit);
  const fields = formOf(await (await fetch(page, { headers: { cookie } })).text(), {});
  armCrash('restart.after-claim');
  try {
    expect((await postForm(page, fields, { origin: h.base, cookie })).status).toBe(500);
  } finally {
    disarmCrash();
  }
  await h.rt.settle();
  // The claim is stored, the execution not started: the review is still stuck.
  expect(runs()).toEqual([`review-${unit}-${PERIOD_ID}-1 ABORTED`]);
  const again = await postForm(page, fields, { origin: h.base, cookie });
  expect(again.status).toBe(303);
  await h.rt.settle();
  expect(runs()).toEqual([`review-${unit}-${PERIOD_ID}-1 ABORTED`, `review-${unit}-${PERIOD_ID}-2 RUNNING`]);
  const said = await (
    await fetch(new URL(again.headers.get('location') ?? '', h.base), { headers: { cookie } })
  ).text();
  expect(said).toContain('Đã khởi động lại thẩm định (lần 2)');
  const entries = (await audit().list(`report/${unit}/${PERIOD_ID}`)).filter(
    (x) => x.action === 'admin.restart',
  );
  expect(entries.map((x) => x.detail?.attempt)).toEqual([2]);
  // Once more: nothing new.
  expect((await postForm(page, fields, { origin: h.base, cookie })).status).toBe(303);
  await h.rt.settle();
  expect(runs()).toHaveLength(2);
}, 90_000);
