/**
 * A restart while a reviewer is being reminded. The demo district on the local engine with its
 * data on disk: a unit submits, its reviewer does not answer, the first wait times out and the
 * reviewer and the admins are reminded. A day later the runtime stops (Ctrl+C on `npm start`, or a
 * crash) and starts again on the same data: the review resumes from its start, and its first wait,
 * whose deadline passed before the stop, times out again at once — a day after the reminder it
 * caused. Nobody may be reminded again for it: the second reminder comes when the second wait
 * ends, as without the restart (docs/review.md, decision 10: at most once per timeout interval).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outbox } from '#ports/dynamo/outbox';
import { type CampaignHarness, launchAndSubmit, startCampaign } from './campaign-harness.ts';

const PERIOD = '2022Q3';
const UNIT = 'phong-tu-phap';
const DAY = 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), 'thidua-restart-reminder-'));
const signingKeyFile = join(dataDir, 'signing-key.json');
let h: CampaignHarness;

beforeAll(async () => {
  h = await startCampaign({ dataDir, signingKeyFile });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

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
  h.rt.sfn
    .pendingTasks()
    .map((t) => `${t.executionName} ${t.stateName} ${t.timeoutAt?.toISOString()}`)
    .sort();

it('a restart a day after a reviewer reminder reminds nobody again; the next reminder comes when its wait ends', async () => {
  await launchAndSubmit(h, PERIOD, UNIT);
  const [firstWait] = h.rt.sfn.pendingTasks();
  const firstDeadline = firstWait?.timeoutAt?.getTime() ?? Number.NaN;
  expect(firstWait?.stateName).toBe('AwaitAppraisal');

  // The reviewer does not answer: the wait times out, the reviewer and every admin are reminded.
  await h.rt.advanceClock(new Date(firstDeadline + DAY));
  await h.rt.settle();
  const once = await reminders();
  expect(once.filter((r) => r.startsWith('review-reminder-1 '))).toHaveLength(1);
  expect(once.filter((r) => r.startsWith('escalation-1 ')).length).toBeGreaterThan(0);
  expect(once.every((r) => r.startsWith('review-reminder-1 ') || r.startsWith('escalation-1 '))).toBe(true);
  const waiting = reviewWaits();
  expect(waiting).toHaveLength(1);

  // A day later the runtime stops and starts again on the same data; the review resumes.
  const port = h.http.port;
  await h.stop();
  h = await startCampaign({ dataDir, signingKeyFile, port });
  const { resumed } = await h.rt.recover();
  expect(resumed).toEqual([`review-${UNIT}-${PERIOD}-1`]);
  await h.rt.settle();
  expect(await reminders()).toEqual(once);
  // It waits on with the deadline it had: the second wait's, an interval after the reminder.
  expect(reviewWaits()).toEqual(waiting);

  // That wait ends: the second reminder, once, to the same people.
  const secondDeadline = h.rt.sfn.pendingTasks()[0]?.timeoutAt?.getTime() ?? Number.NaN;
  await h.rt.advanceClock(new Date(secondDeadline));
  await h.rt.settle();
  expect(await reminders()).toEqual([...once, ...once.map((r) => r.replace('-1 ', '-2 '))].sort());
}, 120_000);
