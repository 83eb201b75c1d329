/**
 * A restart while a reviewer is being reminded. The demo district on the local engine with its
 * data on disk: a unit submits, its reviewer does not answer, the first wait times out and the
 * reviewer and the admins are reminded. A day later the runtime stops (Ctrl+C on `npm start`, or a
 * crash) and starts again on the same data: the review resumes from its start, and its first wait,
 * whose deadline passed before the stop, times out again at once — a day after the reminder it
 * caused. Nobody may be reminded again for it: the second reminder comes when the second wait
 * ends, as without the restart (docs/review.md, decision 10: at most once per timeout interval).
 */
import { expect, it } from 'vitest';
import { outbox } from '#ports/dynamo/outbox';
import { campaignOnDisk, launchAndSubmit } from './campaign-harness.ts';

const PERIOD = '2022Q3';
const UNIT = 'phong-tu-phap';
const DAY = 86_400_000;

const disk = campaignOnDisk('restart-reminder');

/** The reminders the outbox holds about the unit: `<step> <recipient>`, sorted. */
const reminders = async () =>
  (await outbox().list(1_000))
    .filter(
      (r) =>
        r.identity.subjectId === UNIT &&
        (r.identity.step.startsWith('escalation-') || r.identity.step.startsWith('review-reminder-')),
    )
    .map((r) => `${r.identity.step} ${r.identity.recipient}`)
    .sort();

const reviewWaits = () =>
  disk.h.rt.sfn
    .pendingTasks()
    .map((t) => `${t.executionName} ${t.stateName} ${t.timeoutAt?.toISOString()}`)
    .sort();

it('a restart a day after a reviewer reminder reminds nobody again; the next reminder comes when its wait ends', async () => {
  await launchAndSubmit(disk.h, PERIOD, UNIT);
  const [firstWait] = disk.h.rt.sfn.pendingTasks();
  const firstDeadline = firstWait?.timeoutAt?.getTime() ?? Number.NaN;
  expect(firstWait?.stateName).toBe('AwaitAppraisal');

  // The reviewer does not answer: the wait times out, the reviewer and every admin are reminded.
  await disk.h.rt.advanceClock(new Date(firstDeadline + DAY));
  await disk.h.rt.settle();
  const once = await reminders();
  expect(once.filter((r) => r.startsWith('review-reminder-1 '))).toHaveLength(1);
  expect(once.filter((r) => r.startsWith('escalation-1 ')).length).toBeGreaterThan(0);
  expect(once.every((r) => r.startsWith('review-reminder-1 ') || r.startsWith('escalation-1 '))).toBe(true);
  const waiting = reviewWaits();
  expect(waiting).toHaveLength(1);

  // A day later the runtime stops and starts again on the same data; the review resumes.
  await disk.restart();
  const { resumed } = await disk.h.rt.recover();
  expect(resumed).toEqual([`review-${UNIT}-${PERIOD}-1`]);
  await disk.h.rt.settle();
  expect(await reminders()).toEqual(once);
  // It waits on with the deadline it had: the second wait's, an interval after the reminder.
  expect(reviewWaits()).toEqual(waiting);

  // That wait ends: the second reminder, once, to the same people.
  const secondDeadline = disk.h.rt.sfn.pendingTasks()[0]?.timeoutAt?.getTime() ?? Number.NaN;
  await disk.h.rt.advanceClock(new Date(secondDeadline));
  await disk.h.rt.settle();
  expect(await reminders()).toEqual([...once, ...once.map((r) => r.replace('-1 ', '-2 '))].sort());
}, 120_000);
