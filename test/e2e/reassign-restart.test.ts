/**
 * A restart after the admin handed a waiting review to another reviewer. The demo district on the
 * local engine with its data on disk: a unit submits, a day later the admin reassigns its review
 * (the same wait goes on behind the new reviewer's link), then the runtime stops and starts again
 * on the same data. The review resumes from its start; its wait must be found again with the
 * deadline it had, so that the new reviewer and the admins are reminded when it ends — not one
 * more interval after each restart (a product restarted daily would never remind them).
 */
import { expect, it } from 'vitest';
import { outbox } from '#ports/dynamo/outbox';
import { reviews } from '#ports/dynamo/reviews';
import { adminCookie, formOf, type Harness, postForm as postWith } from '../http/harness.ts';
import { campaignOnDisk, launchAndSubmit } from './campaign-harness.ts';

const PERIOD = '2022Q3';
const UNIT = 'phong-tu-phap';
const DAY = 86_400_000;

const disk = campaignOnDisk('reassign-restart');

const waits = () =>
  disk.h.rt.sfn
    .pendingTasks()
    .map((t) => `${t.executionName} ${t.stateName} ${t.timeoutAt?.toISOString()}`)
    .sort();

it('a review handed to another reviewer keeps its wait deadline across a restart: the new reviewer is reminded when it ends', async () => {
  await launchAndSubmit(disk.h, PERIOD, UNIT);
  const deadline = disk.h.rt.sfn.pendingTasks()[0]?.timeoutAt?.getTime() ?? Number.NaN;

  // A day later the admin hands the review to another reviewer: the same wait goes on.
  await disk.h.rt.advanceClock(new Date(disk.h.rt.clock.now().getTime() + DAY));
  const cookie = await adminCookie(disk.h as unknown as Harness);
  const page = `${disk.h.base}/admin/periods/${PERIOD}/units/${UNIT}/reassign`;
  const form = await (await fetch(page, { headers: { cookie } })).text();
  const first = (await reviews().getAssignment(PERIOD, UNIT))?.reviewerId;
  const next = [...form.matchAll(/<option value="([^"]+)"/g)]
    .map((m) => m[1])
    .find((id) => id && id !== first) as string;
  const reassigned = await postWith(page, formOf(form, { reviewer: next, reason: 'Đi công tác' }), {
    origin: disk.h.base,
    cookie,
  });
  expect(reassigned.status).toBe(303);
  await disk.h.rt.settle();
  expect((await reviews().getAssignment(PERIOD, UNIT))?.reviewerId).toBe(next);
  const waiting = waits();
  expect(waiting).toEqual([`review-${UNIT}-${PERIOD}-1 AwaitAppraisal ${new Date(deadline).toISOString()}`]);

  // The runtime stops and starts again on the same data; the review resumes from its start.
  await disk.restart();
  expect((await disk.h.rt.recover()).resumed).toEqual([`review-${UNIT}-${PERIOD}-1`]);
  await disk.h.rt.settle();
  expect(waits()).toEqual(waiting);

  // The wait ends when it would have without the restart: the new reviewer is reminded then.
  await disk.h.rt.advanceClock(new Date(deadline));
  await disk.h.rt.settle();
  const reviewer = disk.h.config.reviewers.find((r) => r.id === next);
  const reminded = (await outbox().list(1_000)).filter(
    (r) => r.identity.subjectId === UNIT && r.identity.step === 'review-reminder-1',
  );
  expect(reminded.map((r) => r.identity.recipient)).toEqual([reviewer?.email]);
}, 120_000);
