/**
 * The sweep on demand, on the local runtime running the demo stack (its hourly backstop schedule
 * and the pages' Lambda invocations of the sweep): a reviewer's decision whose request dies right
 * after its claim is delivered to the waiting review a few minutes later when the page had asked
 * for a sweep run, and within the hour by the backstop when it had not (a request that died before
 * asking). The clock is the runtime's virtual clock; the crash is the cloud's shape (the request
 * throws after its write).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { reports } from '#ports/dynamo/reports';
import { reviews } from '#ports/dynamo/reviews';
import { replacePort } from '#ports/registry';
import { sweepTrigger } from '#ports/sweep-trigger';
import {
  completeForm,
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
async function approvalThatDies(unitId: string): Promise<void> {
  const { reviewUrl } = await inReview(h, unitId);
  const page = await (await fetch(reviewUrl)).text();
  const form = new URLSearchParams({ decision: 'approve' });
  for (const m of page.matchAll(
    /<input type="(?:text|hidden)" (?:id="[^"]*" )?name="([^"]+)" value="([^"]*)"/g,
  )) {
    form.set(m[1] as string, (m[2] as string).replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  }
  form.set('decision', 'approve');
  process.env.THIDUA_CRASH_MODE = 'throw';
  process.env.THIDUA_CRASH_AT = 'appraise.after-claim:1';
  expect((await postForm(reviewUrl, form)).status).toBe(500);
  delete process.env.THIDUA_CRASH_AT;
  await h.rt.settle();
  const decided = await appraisal(unitId);
  expect(decided?.decision?.action).toBe('approve');
  expect(decided?.deliveredAt).toBeUndefined();
}

describe('a decision recorded by a request that died after its claim', () => {
  it('is delivered a few minutes later when the page had asked for a sweep run', async () => {
    const unitId = 'phong-tu-phap';
    await approvalThatDies(unitId);
    // The planned run waits on the clock as background work: not the "next event" a person moves to.
    const run = h.rt.clock.pending().find((t) => t.label.includes('/sweep-'));
    expect(run?.at.getTime()).toBeLessThanOrEqual(minutes(2).getTime());
    expect(h.rt.clock.nextEventTime()?.getTime()).not.toBe(run?.at.getTime());
    await h.rt.advanceClock(minutes(3));
    expect((await appraisal(unitId))?.deliveredAt).toBeDefined();
    // The run came from a one-time schedule the sweep planned, not from the hourly one.
    expect(h.rt.scheduler.firings.some((f) => f.name.startsWith('sweep-'))).toBe(true);
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
});

describe('a submit recorded by a request that died after its claim', () => {
  it('has its review started by the sweep, so the reviewer gets the report', async () => {
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
    expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('in-review');
    expect(await reviews().getAssignment(PERIOD_ID, unitId)).toBeDefined();
  }, 60_000);
});
