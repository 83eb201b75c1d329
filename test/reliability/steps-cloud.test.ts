/**
 * Workflow steps in the cloud's shape: the step's invocation dies (throws `CrashPoint`) right after
 * one of its writes, and the workflow's Retry runs it again. The review ends as it would have
 * without the crash: the report approved with its final appraisal named, the approval audited, the
 * unit mailed once; a reviewer assigned once, holding one load slot.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '#ports/dynamo/audit';
import { outbox } from '#ports/dynamo/outbox';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { formOf, type Harness, inReview, PERIOD_ID, postForm, startHarness } from '../http/harness.ts';

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
});

function crashAt(point: string): void {
  process.env.THIDUA_CRASH_MODE = 'throw';
  process.env.THIDUA_CRASH_AT = `${point}:1`;
}

const execution = (unitId: string) =>
  h.rt.sfn.listExecutions().find((e) => e.name === `review-${unitId}-${PERIOD_ID}-1`);

describe('RecordApproval dies after each of its writes; the Retry finishes it', () => {
  const cases = [
    ['van-phong-hdnd-ubnd', 'record-approval.after-status'],
    ['phong-kinh-te-ha-tang', 'record-approval.after-close'],
    ['phong-tai-nguyen-moi-truong', 'record-approval.after-final'],
    ['phong-lao-dong-tbxh', 'record-approval.after-audit'],
    ['phong-giao-duc-dao-tao', 'record-approval.after-mail'],
  ] as const;
  for (const [unitId, point] of cases) {
    it(point, async () => {
      const { reviewUrl, focal } = await inReview(h, unitId);
      const page = await (await fetch(reviewUrl)).text();
      crashAt(point);
      expect((await postForm(reviewUrl, formOf(page, { decision: 'approve' }))).status).toBe(200);
      await h.rt.settle();
      // The crash happened (the step ran twice), and the execution still succeeded.
      expect(h.output.join('')).toContain(`Crash point ${point} reached`);
      expect(execution(unitId)?.status).toBe('SUCCEEDED');
      expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('approved');
      const approving = (await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID)).find(
        (a) => a.kind === 'appraise' && a.decision?.action === 'approve',
      );
      expect((await reports().getProgress(unitId, PERIOD_ID))?.finalApprovalId).toBe(approving?.id);
      const entries = await audit().list(`report/${unitId}/${PERIOD_ID}`);
      expect(entries.filter((x) => x.action === 'report.approved')).toHaveLength(1);
      const approvedMail = (await h.mails()).filter(
        (m) => m.destination.to.includes(focal) && m.subject.endsWith('đã được phê duyệt'),
      );
      expect(approvedMail).toHaveLength(1);
      const record = await outbox().get({
        step: 'approved',
        recipient: focal,
        subjectId: unitId,
        periodId: PERIOD_ID,
        round: 1,
      });
      expect(record?.status).toBe('sent');
      expect(record?.attempt).toBe(1);
    }, 60_000);
  }
});

describe('AssignReviewer dies after taking a load slot; the Retry keeps it', () => {
  it('assign.after-slot', async () => {
    crashAt('assign.after-slot');
    const unitId = 'phong-y-te';
    await inReview(h, unitId);
    expect(h.output.join('')).toContain('Crash point assign.after-slot reached');
    const assignment = await reviews().getAssignment(PERIOD_ID, unitId);
    expect(assignment?.reviewerId).toBeDefined();
    const { loads } = await reviews().reviewerLoads(PERIOD_ID, unitId);
    const total = [...Object.values(loads)].reduce((a: number, b) => a + Number(b), 0);
    // Every unit in review holds exactly one slot: no slot left behind by the crashed attempt.
    const inReviewCount = (await reports().listPeriod(PERIOD_ID)).filter((r) => r.status !== 'draft').length;
    expect(total).toBe(inReviewCount);
  }, 60_000);
});

describe("a reviewer's decision whose request dies after a write", () => {
  for (const [unitId, point] of [
    ['xa-dong-hoa', 'appraise.after-payload'],
    ['xa-tan-lap', 'appraise.after-claim'],
    ['xa-yen-hoa', 'appraise.after-audit'],
  ] as const) {
    it(`${point}: the same POST again answers 200 and the review ends approved, audited once`, async () => {
      const { reviewUrl } = await inReview(h, unitId);
      const form = formOf(await (await fetch(reviewUrl)).text(), { decision: 'approve' });
      expect(form.get('writeId')).toMatch(/^[A-Za-z0-9_-]{22}$/);
      crashAt(point);
      expect((await postForm(reviewUrl, form)).status).toBe(500);
      delete process.env.THIDUA_CRASH_AT;
      expect((await postForm(reviewUrl, form)).status).toBe(200);
      await h.rt.settle();
      expect(execution(unitId)?.status).toBe('SUCCEEDED');
      const entries = await audit().list(`report/${unitId}/${PERIOD_ID}`);
      expect(entries.filter((x) => x.action === 'appraise.decided')).toHaveLength(1);
      // Another rendering of the page (another write id) is a second decision: refused.
      const other = new URLSearchParams(form);
      other.set('writeId', 'another-rendering-000');
      expect((await postForm(reviewUrl, other)).status).toBe(409);
    }, 60_000);
  }
});
