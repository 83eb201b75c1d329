/**
 * The unit's explanation in the cloud's shape: the page's request dies (throws) after each of its
 * writes, and the same request again, or the sweep, finishes it with the answer the first would
 * have given. The review gets the explanation once, the reviewer a round-2 link, the unit no 409.
 */
import { describe, expect, it } from 'vitest';
import { audit } from '#ports/dynamo/audit';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { crashBed } from '../helpers/crash-bed.ts';
import { completeForm, inReview, PERIOD_ID, postForm, returnFormOf } from '../http/harness.ts';

const bed = crashBed();
const { crashAt } = bed;

const hiddenWriteId = (page: string) => /name="writeId" value="([^"]+)"/.exec(page)?.[1] ?? '';

/** A report returned by its reviewer, and the explanation form its page renders (with its write id). */
async function returnedReport(unitId: string): Promise<{ reportUrl: string; form: URLSearchParams }> {
  const { reportUrl, reviewUrl } = await inReview(bed.h, unitId);
  const page = await (await fetch(reviewUrl)).text();
  const form = returnFormOf(page);
  expect((await postForm(reviewUrl, form)).status).toBe(200);
  await bed.h.rt.settle();
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('returned');
  const unitPage = await (await fetch(reportUrl)).text();
  const writeId = hiddenWriteId(unitPage);
  expect(writeId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
  const explain = completeForm(bed.h, unitId, version, 'explain');
  explain.set('response', 'Kế hoạch số 05/KH-TP ngày 10/01/2022.');
  explain.set('writeId', writeId);
  return { reportUrl, form: explain };
}

async function explainApproval(unitId: string) {
  const approvals = await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID);
  return approvals.find((a) => a.kind === 'explain' && a.round === 1);
}

/** The review went on to round 2: the explanation was delivered to the waiting execution. */
async function expectRoundTwo(unitId: string): Promise<void> {
  await bed.h.rt.settle();
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('in-review');
  const approvals = await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID);
  expect(approvals.filter((a) => a.kind === 'appraise' && a.round === 2)).toHaveLength(1);
  const explained = await explainApproval(unitId);
  expect(explained?.decision?.action).toBe('explained');
  expect(explained?.deliveredAt).toBeDefined();
  // The admin's audit lists the explanation once, whichever request or step finished it.
  const entries = await audit().list(`report/${unitId}/${PERIOD_ID}`);
  expect(entries.filter((x) => x.action === 'explain.decided')).toHaveLength(1);
}

describe('an explanation whose request dies after a write', () => {
  for (const [unitId, point] of [
    ['phong-tu-phap', 'explain.after-revision'],
    ['phong-noi-vu', 'explain.after-claim'],
    ['phong-tai-chinh-ke-hoach', 'explain.after-decision'],
  ] as const) {
    it(`${point}: the same request again answers 303 and the review goes on, once`, async () => {
      const { reportUrl, form } = await returnedReport(unitId);
      crashAt(point);
      expect((await postForm(reportUrl, form)).status).toBe(500);
      expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('explained');
      bed.disarm();

      const again = await postForm(reportUrl, form);
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toContain('ok=explained');
      await expectRoundTwo(unitId);
      // A third time still the same answer, and nothing more happens.
      expect((await postForm(reportUrl, form)).status).toBe(303);
      await bed.h.rt.settle();
      const rounds = (await reviews().listUnitPeriodApprovals(unitId, PERIOD_ID)).filter(
        (a) => a.kind === 'appraise',
      );
      expect(rounds).toHaveLength(2);
    }, 60_000);
  }

  it('nobody retries: the sweep finishes it; a different form on the claimed round is the conflict', async () => {
    const unitId = 'phong-van-hoa-thong-tin';
    const { reportUrl, form } = await returnedReport(unitId);
    crashAt('explain.after-revision');
    expect((await postForm(reportUrl, form)).status).toBe(500);
    bed.disarm();
    expect((await explainApproval(unitId))?.status).toBe('pending');

    const other = new URLSearchParams(form);
    other.set('writeId', 'another-page-rendering-0');
    expect((await postForm(reportUrl, other)).status).toBe(409);

    // The page asked for a sweep run with its claim: past the grace that run decides and delivers.
    await bed.h.rt.advanceClock(new Date(bed.h.rt.clock.now().getTime() + 11 * 60_000));
    await expectRoundTwo(unitId);
  }, 60_000);
});
