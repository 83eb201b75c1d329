/**
 * The sweep on demand, on the local runtime running the demo stack (its hourly backstop schedule
 * and the pages' Lambda invocations of the sweep): a reviewer's decision whose request dies right
 * after its claim is delivered to the waiting review a few minutes later when the page had asked
 * for a sweep run, and within the hour by the backstop when it had not (a request that died before
 * asking). A reviewer's reassignment whose request dies after its claim (the old link closed) is
 * finished the same way: the new reviewer assigned and mailed, the audit written. The clock is the
 * runtime's virtual clock; the crash is the cloud's shape (the request throws after its write).
 */
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tryParsePoints } from '#domain/points';
import { audit } from '#ports/dynamo/audit';
import { unitPeriodPrefix, unitPk } from '#ports/dynamo/keys';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { replacePort } from '#ports/registry';
import { sweepTrigger } from '#ports/sweep-trigger';
import {
  adminCookie,
  completeForm,
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
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});
afterEach(() => {
  delete process.env.THIDUA_CRASH_AT;
  delete process.env.THIDUA_CRASH_MODE;
  replacePort(sweepTrigger, undefined);
});

const minutes = (n: number) => new Date(h.rt.clock.now().getTime() + n * 60_000);

const appraisal = async (unitId: string) =>
  (await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID)).find(
    (a) => a.kind === 'appraise' && a.round === 1,
  );

/** The reviewer approves, and the request dies right after the claim: decided, not delivered. */
async function approvalThatDies(unitId: string): Promise<URLSearchParams> {
  const { reviewUrl } = await inReview(h, unitId);
  const page = await (await fetch(reviewUrl)).text();
  const form = formOf(page, { decision: 'approve', confirm: 'yes' });
  process.env.THIDUA_CRASH_MODE = 'throw';
  process.env.THIDUA_CRASH_AT = 'appraise.after-claim:1';
  expect((await postForm(reviewUrl, form)).status).toBe(500);
  delete process.env.THIDUA_CRASH_AT;
  await h.rt.settle();
  const decided = await appraisal(unitId);
  expect(decided?.decision?.action).toBe('approve');
  expect(decided?.deliveredAt).toBeUndefined();
  return form;
}

describe('a decision recorded by a request that died after its claim', () => {
  it('is delivered a few minutes later when the page had asked for a sweep run', async () => {
    const unitId = 'phong-tu-phap';
    const form = await approvalThatDies(unitId);
    // The planned run waits on the clock as background work: not the "next event" a person moves to.
    const run = h.rt.clock.pending().find((t) => t.label.includes('/sweep-'));
    expect(run?.at.getTime()).toBeLessThanOrEqual(minutes(2).getTime());
    expect(h.rt.clock.nextEventTime()?.getTime()).not.toBe(run?.at.getTime());
    await h.rt.advanceClock(minutes(3));
    expect((await appraisal(unitId))?.deliveredAt).toBeDefined();
    // The run came from a one-time schedule the sweep planned, not from the hourly one.
    expect(h.rt.scheduler.firings.some((f) => f.name.startsWith('sweep-'))).toBe(true);
    // The sweep wrote the decision's audit entry as the request would have, with the appraised
    // total (the scores posted), read back from the decision's payload.
    const total = [...form]
      .filter(([name]) => name.startsWith('score['))
      .reduce((sum, [, value]) => {
        const points = tryParsePoints(value);
        return sum + (points.ok ? points.value : Number.NaN);
      }, 0);
    const entry = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).find(
      (e) => e.action === 'appraise.decided',
    );
    expect(entry?.detail).toMatchObject({ decision: 'approve', round: 1, total, reportVersion: 1 });
  }, 60_000);

  it('is delivered by the hourly backstop when the request died before asking', async () => {
    const unitId = 'phong-noi-vu';
    // A request that dies before asking: its claim is stored, no run is asked for.
    replacePort(sweepTrigger, { runAt: async () => {} });
    await approvalThatDies(unitId);
    await h.rt.advanceClock(minutes(10));
    expect((await appraisal(unitId))?.deliveredAt).toBeUndefined();
    await h.rt.advanceClock(minutes(61));
    expect((await appraisal(unitId))?.deliveredAt).toBeDefined();
  }, 60_000);

  it('is delivered even when its payload can no longer be read: the audit entry then has no facts', async () => {
    const unitId = 'phong-y-te';
    await approvalThatDies(unitId);
    const decided = await appraisal(unitId);
    const hash = decided?.decision?.payloadHash;
    if (!decided || !hash) throw new Error('a decided appraisal with a payload');
    // A fault no emulator makes: the payload item gone from the table.
    const raw = new DynamoDBClient({
      endpoint: h.rt.endpoints.dynamodb,
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await raw.send(
      new DeleteItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: {
          pk: { S: unitPk(unitId) },
          sk: { S: `${unitPeriodPrefix(PERIOD_ID)}DECISION#${decided.id}#${hash}` },
        },
      }),
    );
    raw.destroy();
    await expect(reviews().getDecisionPayload(decided)).rejects.toThrow();
    await h.rt.advanceClock(minutes(3));
    expect((await appraisal(unitId))?.deliveredAt).toBeDefined();
    const entry = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).find(
      (e) => e.action === 'appraise.decided',
    );
    expect(entry?.detail).toMatchObject({ decision: 'approve', round: 1 });
    expect(entry?.detail).not.toHaveProperty('total');
  }, 60_000);
});

describe('a submit recorded by a request that died after its claim', () => {
  it('has its review started by the sweep, so the reviewer gets the report, and its audit entry written', async () => {
    const unitId = 'phong-tai-chinh-ke-hoach';
    const focal = h.config.units.find((u) => u.id === unitId)?.focalPoint.email as string;
    await invite(unitId);
    const reportUrl = await mailedLink(h, focal, '/r');
    process.env.THIDUA_CRASH_MODE = 'throw';
    process.env.THIDUA_CRASH_AT = 'submit.after-revision:1';
    const answer = await postForm(reportUrl, completeForm(h, unitId, 0, 'submit'), { origin: h.base });
    expect(answer.status).toBe(500);
    delete process.env.THIDUA_CRASH_AT;
    await h.rt.settle();
    expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('submitted');
    expect(await reviews().getAssignment(PERIOD_ID, unitId)).toBeUndefined();
    await h.rt.advanceClock(minutes(11));
    // The review workflow ran: the report is in review with a reviewer assigned.
    const report = await reports().get(unitId, PERIOD_ID);
    expect(report?.status).toBe('in-review');
    expect(await reviews().getAssignment(PERIOD_ID, unitId)).toBeDefined();
    // The submission is in the audit trail as the unit made it: its time, not the sweep's.
    const submitted = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).filter(
      (x) => x.action === 'report.submitted',
    );
    expect(submitted).toMatchObject([
      { id: `submitted-v${report?.version}`, at: report?.submittedAt, actor: { kind: 'unit', id: unitId } },
    ]);
  }, 60_000);

  it('dying between its revision and the current report, nobody retrying or opening the page: the hourly sweep starts its review', async () => {
    const unitId = 'phong-tai-nguyen-moi-truong';
    const focal = h.config.units.find((u) => u.id === unitId)?.focalPoint.email as string;
    await invite(unitId);
    const reportUrl = await mailedLink(h, focal, '/r');
    process.env.THIDUA_CRASH_MODE = 'throw';
    process.env.THIDUA_CRASH_AT = 'report.after-revision:1';
    const answer = await postForm(reportUrl, completeForm(h, unitId, 0, 'submit'), { origin: h.base });
    expect(answer.status).toBe(500);
    delete process.env.THIDUA_CRASH_AT;
    await h.rt.settle();
    // The claim (revision 1, submitted) is stored; the report's current item is not, and no page
    // asked for a sweep run. Nothing reads the report (a read would roll it forward): only the
    // hourly backstop comes.
    await h.rt.advanceClock(minutes(61));
    expect(await reviews().getAssignment(PERIOD_ID, unitId)).toBeDefined();
    const report = await reports().get(unitId, PERIOD_ID);
    expect(report?.status).toBe('in-review');
    expect(await reports().listFollowUps(100)).toEqual([]);
    const submitted = (await audit().list(`report/${unitId}/${PERIOD_ID}`)).filter(
      (x) => x.action === 'report.submitted',
    );
    expect(submitted).toMatchObject([
      { id: `submitted-v${report?.version}`, at: report?.submittedAt, actor: { kind: 'unit', id: unitId } },
    ]);
  }, 60_000);
});

describe('a reassignment whose request died after its claim', () => {
  /** The admin hands the unit's review to another reviewer; the request dies at `point`. */
  async function reassignmentThatDies(unitId: string, point: string) {
    const { reviewUrl } = await inReview(h, unitId);
    const cookie = await adminCookie(h);
    const page = `${h.base}/admin/periods/${PERIOD_ID}/units/${unitId}/reassign`;
    const form = await (await fetch(page, { headers: { cookie } })).text();
    const next = [...form.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]).find(Boolean) as string;
    const reviewer = h.config.reviewers.find((r) => r.id === next)!;
    process.env.THIDUA_CRASH_MODE = 'throw';
    process.env.THIDUA_CRASH_AT = `${point}:1`;
    const fields = formOf(form, { reviewer: next, reason: 'Đi công tác' });
    expect((await postForm(page, fields, { origin: h.base, cookie })).status).toBe(500);
    delete process.env.THIDUA_CRASH_AT;
    await h.rt.settle();
    // The claim stands: the old link is closed, whatever followed it may not have happened.
    expect((await fetch(reviewUrl)).status).toBe(410);
    return { reviewer, cookie };
  }

  const reassigned = async (unitId: string) =>
    (await audit().list(`report/${unitId}/${PERIOD_ID}`)).find((e) => e.action === 'admin.reassign');

  for (const [unitId, point] of [
    ['phong-kinh-te-ha-tang', 'reassign.after-claim'],
    ['phong-giao-duc-dao-tao', 'reassign.after-assignment'],
    ['phong-lao-dong-tbxh', 'reassign.after-approval'],
  ] as const) {
    it(`(at ${point}) is finished by the hourly sweep: the new reviewer assigned, mailed once, audited`, async () => {
      const { reviewer } = await reassignmentThatDies(unitId, point);
      const unitName = h.config.units.find((u) => u.id === unitId)?.name as string;
      const mailsTo = async () =>
        (await h.mails()).filter(
          (m) =>
            m.destination.to.includes(reviewer.email) &&
            m.subject.includes(`Đề nghị thẩm định báo cáo`) &&
            m.subject.includes(unitName),
        );
      const before = (await mailsTo()).length;
      expect(await reassigned(unitId)).toBeUndefined();
      await h.rt.advanceClock(minutes(61));
      expect((await reviews().getAssignment(PERIOD_ID, unitId))?.reviewerId).toBe(reviewer.id);
      expect(await reassigned(unitId)).toMatchObject({ detail: { to: reviewer.id, reason: 'Đi công tác' } });
      expect((await mailsTo()).length).toBe(before + 1);
      expect(await reviews().listReassigning()).toEqual([]);
      // The new reviewer's mailed link decides: the same waiting task carries the review to its end.
      const link = await mailedLink(h, reviewer.email, '/d');
      const reviewPage = await (await fetch(link)).text();
      const decided = await postForm(link, formOf(reviewPage, { decision: 'approve', confirm: 'yes' }), {
        origin: h.base,
      });
      expect(decided.status).toBe(200);
      await h.rt.settle();
      expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('approved');
      const review = h.rt.sfn.listExecutions().find((e) => e.name === `review-${unitId}-${PERIOD_ID}-1`);
      expect(review?.status).toBe('SUCCEEDED');
    }, 60_000);
  }
});
