/**
 * The review steps, invoked as Lambda would (their middy handlers, with the payloads the review
 * state machine sends), against dynalite and aws-ses-v2-local. The whole loop through the real
 * state machine is in review-runtime.test.ts.
 */

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCriteria } from '#domain/criteria-tree';
import type { Appraisal, Period, Report } from '#domain/model';
import { inviteUnit } from '#functions/period/invitation';
import { handler as recordFailure } from '#functions/record-failure';
import { handler as assignReviewer, leastLoaded } from '#functions/review/assign-reviewer';
import { handler as markUnappraised } from '#functions/review/mark-unappraised';
import { handler as recordApproval } from '#functions/review/record-approval';
import { handler as remindWaiting } from '#functions/review/remind-waiting';
import { handler as requestAppraisal } from '#functions/review/request-appraisal';
import { handler as requestExplanation } from '#functions/review/request-explanation';
import { handler as sweep } from '#functions/sweep';
import type { Actor } from '#ports/actor';
import { callbacks } from '#ports/callbacks';
import { audit } from '#ports/dynamo/audit';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { table } from '#ports/dynamo/table';
import { keyring } from '#ports/keyring';
import { verifyLink } from '#ports/links';
import { log } from '#ports/log';
import { createSesClient, mailer, SesMailer } from '#ports/mailer';
import { replacePort } from '#ports/registry';
import type { Approval } from '#ports/reviews';
import { type CampaignContext, loadCampaign } from '#steps/campaign';
import { claimDecision } from '#steps/decisions';
import { deliverDecision } from '#steps/delivery';
import { roundAppraisal } from '#steps/records';
import { closedPort } from '../helpers/ses.ts';
import {
  type Bed,
  captureOutput,
  fullReport,
  IN_REVIEW,
  lambdaContext,
  linkIn,
  startBed,
} from './harness.ts';

const SCRIPT = '<script>alert(1)</script>';
const PERIOD = '2022Q3';
const UNIT = 'phong-tu-phap';
const unitActor: Actor = { kind: 'unit', id: UNIT };

/** A task token shaped like the local engine's (short enough to escape the logger's long-run rule). */
const token = () => `LTT1${randomBytes(48).toString('base64url')}`;
const tokensUsed: string[] = [];
const fresh = () => {
  const t = token();
  tokensUsed.push(t);
  return t;
};

let bed: Bed;
let campaign: CampaignContext;
let q3: Period;
let output = '';

/** Every step call goes through here, so the test can look at everything they printed. */
async function invoke<T>(
  h: (event: unknown, context: typeof lambdaContext) => Promise<T>,
  event: unknown,
): Promise<T> {
  const { result, output: printed } = await captureOutput(async () => {
    try {
      return { ok: true as const, value: await h(event, lambdaContext) };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
  output += printed;
  if (!result.ok) throw result.error;
  return result.value;
}

async function approvals(unitId: string, kind: Approval['kind']): Promise<Approval[]> {
  return (await reviews().listUnitPeriodApprovals(unitId, PERIOD)).filter((a) => a.kind === kind);
}

async function submit(unitId: string): Promise<Report> {
  const report = fullReport(bed, unitId, q3);
  await reports().writeRevision(unitId, PERIOD, {
    report,
    expectedVersion: 0,
    actor: { kind: 'unit', id: unitId },
    kind: 'submit',
  });
  return report;
}

function appraisalOf(report: Report, reviewerId: string, cut: number, comment: string): Appraisal {
  const entries: Appraisal['entries'] = {};
  const ids = Object.keys(report.entries);
  ids.forEach((id, i) => {
    const self = report.entries[id]!.selfScore;
    entries[id] = i === 0 ? { score: self - cut, comment } : { score: self, comment: '' };
  });
  return {
    unitId: report.unitId,
    periodId: report.periodId,
    criteriaSetId: report.criteriaSetId,
    reviewerId,
    entries,
  };
}

beforeAll(async () => {
  bed = await startBed();
  campaign = await loadCampaign();
  q3 = campaign.period(PERIOD);
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

describe('assign-reviewer', () => {
  it('never picks a reviewer from the unit and balances 27 units across the 6 reviewers', async () => {
    const reviewers = bed.config.reviewers;
    expect(reviewers).toHaveLength(6);
    const picked = new Map<string, string>();
    for (const unit of bed.config.units) {
      const { reviewerId } = await invoke(assignReviewer, { unitId: unit.id, periodId: PERIOD });
      picked.set(unit.id, reviewerId);
      expect(reviewers.find((r) => r.id === reviewerId)?.unit).not.toBe(unit.id);
    }
    expect(picked.size).toBe(27);
    const { loads } = await reviews().reviewerLoads(PERIOD, UNIT);
    const counts = reviewers.map((r) => loads[r.id] ?? 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(27);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    // Re-run: the stored reviewer, no second count.
    const again = await invoke(assignReviewer, { unitId: UNIT, periodId: PERIOD });
    expect(again.reviewerId).toBe(picked.get(UNIT));
    expect((await reviews().reviewerLoads(PERIOD, UNIT)).loads).toEqual(loads);
  });

  it('says how long the first wait lasts: the reminder interval, cut a minute past the late-appraisal deadline', async () => {
    expect((await invoke(assignReviewer, { unitId: UNIT, periodId: PERIOD })).waitSeconds).toBe(5 * 86_400);
    const deadline = Date.parse(q3.lateAppraisalUntil);
    bed.setNow(new Date(deadline - 3_600_000));
    try {
      // The deadline an hour away: the wait ends a minute after it (a last-second decision lands first).
      expect((await invoke(assignReviewer, { unitId: UNIT, periodId: PERIOD })).waitSeconds).toBe(3_660);
      // Started past the deadline (an admin's restart): a short wait, then the review ends.
      bed.setNow(new Date(deadline + 86_400_000));
      expect((await invoke(assignReviewer, { unitId: UNIT, periodId: PERIOD })).waitSeconds).toBe(60);
    } finally {
      bed.setNow(IN_REVIEW);
    }
  });

  it('stays within one of balance when all 27 units are assigned at once', async () => {
    const results = await Promise.all(
      bed.config.units.map((u) => invoke(assignReviewer, { unitId: u.id, periodId: '2022Q4' })),
    );
    bed.config.units.forEach((u, i) => {
      expect(bed.config.reviewers.find((r) => r.id === results[i]!.reviewerId)?.unit).not.toBe(u.id);
    });
    const { loads } = await reviews().reviewerLoads('2022Q4', UNIT);
    const counts = bed.config.reviewers.map((r) => loads[r.id] ?? 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(27);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  }, 20_000);

  it('counts a slot taken by a run that stopped before noting it, and a re-run keeps the slot it holds', async () => {
    const period = '2023Q1';
    const { reviewers, units } = bed.config;
    const next = units.find((u) => !reviewers.some((r) => r.unit === u.id));
    // The reviewer `next` would get on empty loads, and another unit it may review.
    const first = next && leastLoaded(reviewers, {}, next.id);
    const held = units.find((u) => u.id !== next?.id && u.id !== first?.unit);
    if (!next || !first || !held) throw new Error('the demo has reviewers and units');
    // A run for `held` took the first reviewer's first slot and stopped before anything else.
    await table().putIf({
      Item: { pk: `PERIOD#${period}`, sk: `LOAD#${first.id}#0001`, reviewerId: first.id, unitId: held.id },
    });
    const picked = await invoke(assignReviewer, { unitId: next.id, periodId: period });
    expect(picked.reviewerId).not.toBe(first.id);
    expect((await reviews().reviewerLoads(period, held.id)).holders).toEqual([first.id]);
    const { loads } = await reviews().reviewerLoads(period, next.id);
    expect(Object.values(loads).reduce((a, b) => a + b, 0)).toBe(2);
    // The unit's own run had marked it before taking the slot: the re-run keeps that slot.
    await table().putIf({ Item: { pk: `UNIT#${held.id}`, sk: `P#${period}#SLOT`, at: 'x' } });
    expect((await invoke(assignReviewer, { unitId: held.id, periodId: period })).reviewerId).toBe(first.id);
    expect((await reviews().reviewerLoads(period, held.id)).holders).toEqual([first.id]);
  });

  it('refuses a malformed event with InvalidInput naming the field', async () => {
    const error = (await invoke(assignReviewer, { periodId: PERIOD, unitId: 'Phòng Tư pháp' }).catch(
      (e) => e,
    )) as Error;
    expect(error.name).toBe('InvalidInput');
    expect(error.message).toMatch(/unitId/);
  });
});

describe('the appraisal request', () => {
  let report: Report;
  let reviewerId: string;

  it('creates one approval, moves the report to in-review, emails the reviewer one signed link and the unit its receipt', async () => {
    report = await submit(UNIT);
    reviewerId = (await reviews().getAssignment(PERIOD, UNIT))!.reviewerId;
    const reviewer = bed.config.reviewers.find((r) => r.id === reviewerId)!;
    await bed.clearEmails();
    const t1 = fresh();
    await invoke(requestAppraisal, { unitId: UNIT, periodId: PERIOD, round: 1, reviewerId, taskToken: t1 });

    const [approval, ...others] = await approvals(UNIT, 'appraise');
    expect(others).toEqual([]);
    expect(approval).toMatchObject({ status: 'pending', round: 1, taskToken: t1, tokenGen: 0 });
    expect((await reports().get(UNIT, PERIOD))?.status).toBe('in-review');
    const [receipt, request, ...more] = await bed.emails();
    expect(more).toEqual([]);
    const emails = [request];
    expect(emails[0]!.destination.to).toEqual([reviewer.email]);
    // The unit's receipt: the version received, the review's deadline, its own report link.
    const focal = bed.config.units.find((u) => u.id === UNIT)!.focalPoint.email;
    expect(receipt!.destination.to).toEqual([focal]);
    expect(receipt!.subject).toBe('[Thi đua CCHC] Đã nhận báo cáo quý III năm 2022 của Phòng Tư pháp');
    expect(receipt!.body.text).toContain(
      `Phiên bản báo cáo: ${(await reports().get(UNIT, PERIOD))?.version}`,
    );
    expect(linkIn(receipt!.body.text, '/r').searchParams.get('a')).toBe('report');
    expect(emails[0]!.subject).toBe(
      '[Thi đua CCHC] Đề nghị thẩm định báo cáo quý III năm 2022 – Phòng Tư pháp',
    );
    const link = linkIn(emails[0]!.body.text, '/d');
    expect(verifyLink(link.searchParams, await keyring().load(), IN_REVIEW)).toMatchObject({
      ok: true,
      approvalId: approval!.id,
      action: 'appraise',
    });
    expect(emails[0]!.body.text).not.toContain(t1);
  });

  it('re-invoked with a new token keeps the same approval (same link) and sends no second email', async () => {
    const before = await bed.emails();
    const t2 = fresh();
    await invoke(requestAppraisal, { unitId: UNIT, periodId: PERIOD, round: 1, reviewerId, taskToken: t2 });
    const list = await approvals(UNIT, 'appraise');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      status: 'pending',
      taskToken: t2,
      tokenGen: 1,
      id: before.length && list[0]!.id,
    });
    expect(await bed.emails()).toEqual(before);
  });

  it('returned: the explanation request stores the appraisal, returns the report and mails the unit its comments', async () => {
    const [approval] = await approvals(UNIT, 'appraise');
    const appraisal = appraisalOf(report, reviewerId, 25, `Thiếu biên bản ${SCRIPT}`);
    const decided = await claimDecision(
      approval!,
      { action: 'return', payload: { appraisal, reportVersion: 1 } },
      { kind: 'reviewer', id: reviewerId },
    );
    expect(decided.outcome).toBe('decided');
    await bed.clearEmails();
    const t3 = fresh();
    await invoke(requestExplanation, { unitId: UNIT, periodId: PERIOD, round: 1, reviewerId, taskToken: t3 });

    expect((await reports().get(UNIT, PERIOD))?.status).toBe('returned');
    expect((await roundAppraisal(UNIT, PERIOD, 1))?.appraisal).toEqual(appraisal);
    expect(await approvals(UNIT, 'explain')).toMatchObject([{ status: 'pending', round: 1, taskToken: t3 }]);

    const emails = await bed.emails();
    expect(emails).toHaveLength(1);
    const mail = emails[0]!;
    expect(mail.destination.to).toEqual(['namtv.tuphap@song-lam.example.org']);
    const set = campaign.criteriaSet(report.criteriaSetId)!;
    const first = indexCriteria(set).leaves[0]!.leaf;
    expect(mail.body.text).toContain(`${first.id}. ${first.name}`);
    expect(mail.body.html).toContain('Thiếu biên bản &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.body.html).not.toContain('<script');
    // The link is the unit's report grant (where it explains), valid until the late deadline.
    const link = linkIn(mail.body.text, '/r');
    const [grant] = await approvals(UNIT, 'report');
    expect(verifyLink(link.searchParams, await keyring().load(), IN_REVIEW)).toMatchObject({
      ok: true,
      approvalId: grant!.id,
      action: 'report',
    });

    // Re-armed: no second mail.
    await invoke(requestExplanation, {
      unitId: UNIT,
      periodId: PERIOD,
      round: 1,
      reviewerId,
      taskToken: fresh(),
    });
    expect(await bed.emails()).toHaveLength(1);
  });

  it('approved in round 2: report approved, appraisal stored, the unit told its final total, other points closed', async () => {
    const [explain] = await approvals(UNIT, 'explain');
    await reports().writeRevision(UNIT, PERIOD, {
      report,
      expectedVersion: 1,
      actor: unitActor,
      kind: 'submit',
    });
    await claimDecision(
      explain!,
      { action: 'explained', payload: { explanation: 'Đã bổ sung.' } },
      unitActor,
    );
    await invoke(requestAppraisal, {
      unitId: UNIT,
      periodId: PERIOD,
      round: 2,
      reviewerId,
      taskToken: fresh(),
    });
    expect((await reports().get(UNIT, PERIOD))?.status).toBe('in-review');
    const round2 = (await approvals(UNIT, 'appraise')).find((a) => a.round === 2)!;
    const appraisal = appraisalOf(report, reviewerId, 0, '');
    await claimDecision(
      round2,
      { action: 'approve', payload: { appraisal, reportVersion: 2 } },
      { kind: 'reviewer', id: reviewerId },
    );
    await bed.clearEmails();
    const out = await invoke(recordApproval, { unitId: UNIT, periodId: PERIOD, round: 2, reviewerId });
    expect(out).toEqual({ approved: true });
    expect((await reports().get(UNIT, PERIOD))?.status).toBe('approved');
    expect((await reports().getProgress(UNIT, PERIOD))?.finalApprovalId).toBe(round2.id);
    expect((await roundAppraisal(UNIT, PERIOD, 2))?.appraisal).toEqual(appraisal);
    const emails = await bed.emails();
    expect(emails).toHaveLength(1);
    const total = Object.values(report.entries).reduce((s, e) => s + e.selfScore, 0);
    expect(emails[0]!.body.text).toContain(`Tổng điểm thẩm định: ${total / 100}`.replace('.', ','));
    // Re-run: no second mail, one audit entry.
    await invoke(recordApproval, { unitId: UNIT, periodId: PERIOD, round: 2, reviewerId });
    expect(await bed.emails()).toHaveLength(1);
    const entries = await audit().list(`report/${UNIT}/${PERIOD}`);
    expect(entries.filter((e) => e.action === 'report.approved')).toHaveLength(1);
  });
});

describe('waiting too long', () => {
  const unitId = 'xa-thanh-son';
  let reviewerId: string;

  it('reminds the reviewer while the review runs, tells every admin once per timeout, then reports the late-appraisal deadline', async () => {
    await submit(unitId);
    reviewerId = (await reviews().getAssignment(PERIOD, unitId))!.reviewerId;
    await invoke(requestAppraisal, { unitId, periodId: PERIOD, round: 1, reviewerId, taskToken: fresh() });
    await bed.clearEmails();
    bed.setNow(new Date(IN_REVIEW.getTime() + 5 * 86_400_000));
    const event = { unitId, periodId: PERIOD, round: 1, reviewerId, kind: 'appraise' };
    // The first try fails at its second outbox claim, the first admin's (the reviewer's reminder
    // went first; a DynamoDB fault, as the faults test injects); the workflow's Retry finishes the
    // same reminder for whom it missed.
    const stored = outbox();
    let claims = 0;
    const failing = Object.create(stored, {
      claim: {
        value: (...args: Parameters<typeof stored.claim>) => {
          claims++;
          if (claims === 2) return Promise.reject(new Error('injected fault on PutItem'));
          return stored.claim(...args);
        },
      },
    });
    replacePort(mailer, new SesMailer({ outbox: failing, ses: createSesClient() }));
    try {
      await expect(invoke(remindWaiting, event)).rejects.toThrow(/injected fault/);
    } finally {
      replacePort(mailer, undefined);
    }
    expect(await bed.emails()).toHaveLength(1);
    // The next wait lasts the reminder interval (half the 10-day review window).
    const waitAgain = { pastLateDeadline: false, waitSeconds: 5 * 86_400 };
    expect(await invoke(remindWaiting, event)).toEqual(waitAgain);
    // A retry of the same timeout sends nothing more.
    expect(await invoke(remindWaiting, event)).toEqual(waitAgain);
    const emails = await bed.emails();
    const reviewer = bed.config.reviewers.find((r) => r.id === reviewerId)!;
    expect(emails.map((m) => m.destination.to[0]).sort()).toEqual(
      [...bed.config.admins.map((a) => a.email), reviewer.email].sort(),
    );
    expect(bed.config.admins.length).toBeGreaterThanOrEqual(2);
    // Five days into the review, before the period's review closes: not yet overdue, and the
    // reviewer is reminded with the link it holds.
    expect(Date.parse(q3.reviewClosesAt)).toBeGreaterThan(IN_REVIEW.getTime() + 5 * 86_400_000);
    const toAdmin = emails.find((m) => m.subject.includes('Chưa có kết quả thẩm định'))!;
    expect(toAdmin.subject).toBe('[Thi đua CCHC] Chưa có kết quả thẩm định: Xã Thanh Sơn – quý III năm 2022');
    expect(toAdmin.body.text).toContain(`Người thẩm định: ${reviewer.name} <${reviewer.email}>`);
    const toReviewer = emails.find((m) => m.subject.includes('Nhắc thẩm định'))!;
    expect(toReviewer.destination.to).toEqual([reviewer.email]);
    expect(toReviewer.subject).toBe('[Thi đua CCHC] Nhắc thẩm định báo cáo quý III năm 2022 – Xã Thanh Sơn');
    expect(toReviewer.body.text).toContain('/d?');

    // The next timeout: a second escalation.
    // The next, after the period's review closed: the admins only.
    bed.setNow(new Date(IN_REVIEW.getTime() + 10 * 86_400_000));
    expect(IN_REVIEW.getTime() + 10 * 86_400_000).toBeGreaterThan(Date.parse(q3.reviewClosesAt));
    expect(await invoke(remindWaiting, event)).toEqual(waitAgain);
    expect((await bed.emails()).length).toBe(2 * bed.config.admins.length + 1);
    // Two days before the late-appraisal deadline, a third: the wait after it ends a minute after
    // the deadline, less than an interval away — the review ends then, not days after.
    bed.setNow(new Date(Date.parse(q3.lateAppraisalUntil) - 2 * 86_400_000));
    expect(await invoke(remindWaiting, event)).toEqual({
      pastLateDeadline: false,
      waitSeconds: 2 * 86_400 + 60,
    });
    expect((await bed.emails()).length).toBe(3 * bed.config.admins.length + 1);
    // After the period's review closed, the admins read that it is overdue.
    expect(Date.parse(q3.reviewClosesAt)).toBeLessThan(Date.parse(q3.lateAppraisalUntil) - 2 * 86_400_000);
    expect((await bed.emails()).at(-1)!.subject).toBe(
      '[Thi đua CCHC] Quá hạn thẩm định: Xã Thanh Sơn – quý III năm 2022 (lần 3)',
    );

    // A timer that fires a few seconds before the deadline reminds no one and waits it out.
    bed.setNow(new Date(Date.parse(q3.lateAppraisalUntil) - 5_000));
    expect(await invoke(remindWaiting, event)).toEqual({ pastLateDeadline: false, waitSeconds: 65 });
    expect((await bed.emails()).length).toBe(3 * bed.config.admins.length + 1);

    bed.setNow(new Date(Date.parse(q3.lateAppraisalUntil)));
    expect(await invoke(remindWaiting, event)).toMatchObject({ pastLateDeadline: true });
    expect((await bed.emails()).length).toBe(3 * bed.config.admins.length + 1);
  });

  it('marks it unappraised: the pending link is closed, the admins and the unit are told once', async () => {
    await bed.clearEmails();
    const event = { unitId, periodId: PERIOD, round: 1, reviewerId };
    expect(await invoke(markUnappraised, event)).toEqual({});
    await invoke(markUnappraised, event);
    expect(await approvals(unitId, 'appraise')).toMatchObject([{ status: 'closed' }]);
    const emails = await bed.emails();
    const focal = bed.config.units.find((u) => u.id === unitId)!.focalPoint.email;
    expect(emails.map((m) => m.destination.to[0]).sort()).toEqual(
      [...bed.config.admins.map((a) => a.email), focal].sort(),
    );
    const toUnit = emails.find((m) => m.destination.to[0] === focal)!;
    expect(toUnit.subject).toBe(
      '[Thi đua CCHC] Báo cáo quý III năm 2022 của Xã Thanh Sơn chưa được thẩm định trong thời hạn',
    );
    expect(toUnit.body.text).toContain('việc thẩm định chưa hoàn thành');
    expect(emails[0]!.subject).toBe('[Thi đua CCHC] Chưa thẩm định: Xã Thanh Sơn – quý III năm 2022');
    bed.setNow(IN_REVIEW);
  });
});

describe('a decision made in time that has not reached the wait at the deadline', () => {
  const unitId = 'phong-y-te';

  it('keeps the review waiting one more minute, so the re-armed wait receives it; an hour on, no longer', async () => {
    await submit(unitId);
    const { reviewerId } = await invoke(assignReviewer, { unitId, periodId: PERIOD });
    await invoke(requestAppraisal, { unitId, periodId: PERIOD, round: 1, reviewerId, taskToken: fresh() });
    const [approval] = await approvals(unitId, 'appraise');
    // Approved a minute before the deadline; its delivery failed (the sweep had not run yet).
    const deadline = Date.parse(q3.lateAppraisalUntil);
    bed.setNow(new Date(deadline - 60_000));
    const report = (await reports().get(unitId, PERIOD))!.report;
    const decided = await claimDecision(
      approval!,
      { action: 'approve', payload: { appraisal: appraisalOf(report, reviewerId, 0, ''), reportVersion: 1 } },
      { kind: 'reviewer', id: reviewerId },
    );
    expect(decided.outcome).toBe('decided');
    const event = { unitId, periodId: PERIOD, round: 1, reviewerId, kind: 'appraise' };
    // A delivery failing for an hour after the deadline: the review is no longer held open.
    bed.setNow(new Date(deadline + 3_600_000));
    expect(await invoke(remindWaiting, event)).toMatchObject({ pastLateDeadline: true });
    bed.setNow(new Date(deadline + 61_000));
    expect(await invoke(remindWaiting, event)).toEqual({ pastLateDeadline: false, waitSeconds: 60 });
    // The wait armed again delivers the decision at once: the review goes on to its approval.
    // (This bed has no Step Functions: the port records what is sent.)
    const sent: { token: string; output: unknown }[] = [];
    replacePort(callbacks, {
      sendDecision: async (token, output) => {
        sent.push({ token, output });
        return 'delivered';
      },
      sendFailure: async () => 'delivered',
      startExecution: async () => 'started',
    });
    const rearmed = fresh();
    try {
      await invoke(requestAppraisal, { unitId, periodId: PERIOD, round: 1, reviewerId, taskToken: rearmed });
    } finally {
      replacePort(callbacks, undefined);
    }
    expect(sent).toEqual([{ token: rearmed, output: { decision: 'approve', round: 1, waitSeconds: 60 } }]);
    expect((await approvals(unitId, 'appraise'))[0]).toMatchObject({ status: 'delivered' });
    bed.setNow(IN_REVIEW);
  });
});

describe('a delivery whose answer was lost', () => {
  it('counts as delivered when the task is then found gone, and only then', async () => {
    const unitId = 'phong-van-hoa-thong-tin';
    await submit(unitId);
    const { reviewerId } = await invoke(assignReviewer, { unitId, periodId: PERIOD });
    await invoke(requestAppraisal, { unitId, periodId: PERIOD, round: 1, reviewerId, taskToken: fresh() });
    const [approval] = await approvals(unitId, 'appraise');
    const report = (await reports().get(unitId, PERIOD))!.report;
    const decided = await claimDecision(
      approval!,
      { action: 'approve', payload: { appraisal: appraisalOf(report, reviewerId, 0, ''), reportVersion: 1 } },
      { kind: 'reviewer', id: reviewerId },
    );
    if (decided.outcome !== 'decided') throw new Error('not decided');
    // (This bed has no Step Functions: a port stands in for what it answers.)
    const answering = (answer: () => Promise<'delivered' | 'task-gone'>) =>
      replacePort(callbacks, {
        sendDecision: answer,
        sendFailure: async () => 'delivered',
        startExecution: async () => 'started',
      });
    try {
      // Every try failed, the first one with its connection lost mid-request: it may have landed.
      answering(async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $uncertain: true });
      });
      expect(await deliverDecision(decided.approval)).toBe('failed');
      const failed = (await approvals(unitId, 'appraise'))[0]!;
      expect(failed).toMatchObject({ status: 'failed-delivery', deliveryMayHaveLanded: failed.tokenGen });
      // The sweep sends it again: the task is gone — the lost request had delivered it.
      answering(async () => 'task-gone');
      expect(await deliverDecision(failed)).toBe('delivered');
      expect((await approvals(unitId, 'appraise'))[0]).toMatchObject({ status: 'delivered' });
    } finally {
      replacePort(callbacks, undefined);
    }
  });
});

describe('a failed workflow', () => {
  it('is recorded once and told to every admin, without the token-like parts of the cause', async () => {
    await bed.clearEmails();
    const secret = token();
    const event = {
      unitId: 'xa-hung-loc',
      periodId: PERIOD,
      executionName: 'review-xa-hung-loc-2022Q3-1',
      error: 'StepFailed',
      cause: JSON.stringify({ errorType: 'StepFailed', errorMessage: `boom ?token=${secret}`, trace: [] }),
    };
    await invoke(recordFailure, event);
    await invoke(recordFailure, event);
    const entries = await audit().list(`report/xa-hung-loc/${PERIOD}`);
    const failed = entries.filter((e) => e.action === 'workflow.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.detail).toMatchObject({
      workflow: 'review',
      executionName: 'review-xa-hung-loc-2022Q3-1',
    });
    const emails = await bed.emails();
    expect(emails).toHaveLength(bed.config.admins.length);
    expect(emails[0]!.subject).toBe(
      '[Thi đua CCHC] Quy trình thẩm định báo cáo gặp lỗi: review-xa-hung-loc-2022Q3-1',
    );
    expect(emails[0]!.body.text).toContain('review-xa-hung-loc-2022Q3-1');
    expect(emails[0]!.body.text).toContain('Lỗi: StepFailed');
    expect(JSON.stringify(emails)).not.toContain(secret);
    expect(JSON.stringify(entries)).not.toContain(secret);
  });

  it('tells the admins once per execution: two executions of one period are two failures', async () => {
    await bed.clearEmails();
    const fail = (executionName: string) =>
      invoke(recordFailure, { periodId: PERIOD, executionName, error: 'States.TaskFailed', cause: 'boom' });
    await fail('period-2022Q3-open');
    await fail('period-2022Q3-close');
    await fail('period-2022Q3-close');
    const emails = await bed.emails();
    expect(emails).toHaveLength(2 * bed.config.admins.length);
    for (const admin of bed.config.admins) {
      const theirs = emails.filter((e) => e.destination.to.includes(admin.email));
      expect(theirs.map((e) => e.subject).sort()).toEqual([
        '[Thi đua CCHC] Quy trình điều hành kỳ báo cáo gặp lỗi: period-2022Q3-close',
        '[Thi đua CCHC] Quy trình điều hành kỳ báo cáo gặp lỗi: period-2022Q3-open',
      ]);
    }
    const text = emails[0]!.body.text;
    expect(text).toContain('Quy trình điều hành kỳ báo cáo (quý III năm 2022) gặp lỗi');
    expect(text).toContain('Lỗi: States.TaskFailed');
    expect(text).toMatch(/Thời điểm: \d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}/);
    for (const name of ['period-2022Q3-close', 'period-2022Q3-open']) {
      const entries = await audit().list(`workflow/${name}`);
      expect(entries.map((e) => [e.action, e.detail?.workflow, e.detail?.executionName])).toEqual([
        ['workflow.failed', 'period', name],
      ]);
    }
  });

  it('keeps two failed launches apart (no period, no unit)', async () => {
    await bed.clearEmails();
    await invoke(recordFailure, { executionName: 'launch-v1-0123456789ab', error: 'NotFound', cause: null });
    await invoke(recordFailure, { executionName: 'launch-v2-ba9876543210', error: 'NotFound', cause: null });
    await invoke(recordFailure, { executionName: 'launch-v2-ba9876543210', error: 'NotFound', cause: null });
    const emails = await bed.emails();
    expect(emails).toHaveLength(2 * bed.config.admins.length);
    expect(emails[0]!.subject).toMatch(
      /^\[Thi đua CCHC\] Quy trình phát động phong trào thi đua gặp lỗi: launch-/,
    );
    const entries = await audit().list('workflow/launch-v2-ba9876543210');
    expect(entries.map((e) => [e.action, e.detail?.workflow])).toEqual([['workflow.failed', 'launch']]);
  });
});

describe('the sweep', () => {
  it('re-sends a mail whose send failed, once, and marks a claim left mid-send ambiguous without sending it', async () => {
    await bed.clearEmails();
    // The first send reaches nothing (SES unreachable): recorded as failed, the step goes on.
    replacePort(
      mailer,
      new SesMailer({ outbox: outbox(), ses: createSesClient({ endpoint: await closedPort() }) }),
    );
    const invited = await inviteUnit(campaign, 'xa-dong-hoa', PERIOD, log);
    replacePort(mailer, undefined);
    expect(invited.outcome).toBe('failed');
    expect(await bed.emails()).toHaveLength(0);

    // A sender that died between its claim and SES (nothing sent, nothing marked).
    const identity = {
      step: 'invitation',
      recipient: 'x@song-lam.example.org',
      subjectId: 'xa-tan-lap',
      periodId: PERIOD,
      round: 0,
    };
    await outbox().claim(identity, {
      to: 'x@song-lam.example.org',
      subject: 's',
      text: 't',
      html: '<p>t</p>',
    });

    bed.setNow(new Date(IN_REVIEW.getTime() + 6 * 60_000));
    const counts = await invoke(sweep, {});
    expect(counts).toMatchObject({ mailResent: 1, mailFailed: 0, mailMarkedAmbiguous: 1 });
    const emails = await bed.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.subject).toBe('[Thi đua CCHC] Mời nộp báo cáo thi đua quý III năm 2022 – Xã Đông Hòa');
    expect((await outbox().get(identity))?.status).toBe('ambiguous');

    // Nothing left to do on the next run.
    expect(await invoke(sweep, {})).toMatchObject({ mailResent: 0, mailMarkedAmbiguous: 0 });
    expect(await bed.emails()).toHaveLength(1);
    bed.setNow(IN_REVIEW);
    // The sweep also takes what the earlier tests of this bed left (decisions it cannot deliver,
    // retried with backoff): ~2 s on an idle machine, more beside the rest of the suite.
  }, 30_000);
});

describe('logs', () => {
  it('never carry a task token, whatever the step printed (errors included)', async () => {
    // An error path with a token in the event: the message names the field, never its value.
    const t = fresh();
    const error = (await invoke(requestAppraisal, {
      unitId: UNIT,
      periodId: PERIOD,
      round: 0,
      reviewerId: 'x',
      taskToken: t,
    }).catch((e) => e)) as Error;
    expect(error.name).toBe('InvalidInput');
    expect(error.message).toMatch(/round/);
    expect(error.message).not.toContain(t);
    expect(output).toContain('"step":"request-appraisal"');
    for (const used of tokensUsed) expect(output).not.toContain(used);
  });
});
