/**
 * A reviewer who writes at length: a comment at its limit (2,000 characters) on every criterion
 * and a general comment at its own (5,000), each allowed by the review page. The letter returning
 * the report to the unit carries them all; in Vietnamese that was ~440 KB, over what the outbox
 * records in one item, so the letter was never sent and the review's step failed on every retry:
 * the unit, its report marked returned, never heard of it. Through real HTTP and the real review
 * workflow on the local system.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LETTER_MAX_BYTES, SHORTENED_NOTE } from '#mail/letter';
import { reports } from '#ports/dynamo/reports';
import {
  completeForm,
  formOf,
  type Harness,
  inReview,
  leavesOf,
  PERIOD_ID,
  postForm,
  setOf,
  startHarness,
} from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const SENTENCE =
  'Đơn vị chưa cung cấp đầy đủ minh chứng về việc ban hành kế hoạch; đề nghị bổ sung số, ngày văn bản. ';
const atLength = (n: number) => SENTENCE.repeat(Math.ceil(n / SENTENCE.length)).slice(0, n);

it('a return with every comment at its limit reaches the unit, shortened to fit, and the review goes on', async () => {
  const unitId = 'phong-tu-phap';
  const { reportUrl, reviewUrl, focal, reviewer } = await inReview(h, unitId);
  const page = await (await fetch(reviewUrl)).text();
  const fields: Record<string, string> = { decision: 'return', general: atLength(5000) };
  for (const leaf of leavesOf(setOf(h, unitId))) fields[`comment[${leaf.id}]`] = atLength(2000);
  const first = await postForm(reviewUrl, formOf(page, fields));
  expect(first.status).toBe(200);
  const confirmed = await postForm(reviewUrl, formOf(await first.text(), { confirm: 'yes' }));
  expect(confirmed.status).toBe(200);
  await h.rt.settle();
  expect((await reports().get(unitId, PERIOD_ID))?.status).toBe('returned');

  // The letter arrived, within what the outbox records, saying its comments were shortened.
  const letter = (await h.mails())
    .filter((m) => m.destination.to.includes(focal) && /trả lại/.test(m.subject))
    .at(-1);
  expect(letter).toBeDefined();
  const text = letter?.body.text ?? '';
  const html = letter?.body.html ?? '';
  expect(Buffer.byteLength(`${letter?.subject}${text}${html}`)).toBeLessThanOrEqual(LETTER_MAX_BYTES);
  expect(text).toContain(SHORTENED_NOTE);
  expect(text).toContain(`${SENTENCE.slice(0, 40)}`);
  expect(text).toContain(' …');
  expect(text).toContain(reportUrl);

  // The review waits for the explanation: the unit explains and the reviewer gets round 2.
  const version = (await reports().get(unitId, PERIOD_ID))?.version as number;
  const explain = completeForm(h, unitId, version, 'explain');
  explain.set('response', 'Đã bổ sung kế hoạch số 05/KH-TP.');
  expect((await postForm(reportUrl, explain)).status).toBe(303);
  await h.rt.settle();
  const round2 = (await h.mails()).filter((m) => m.destination.to.includes(reviewer)).at(-1);
  expect(round2?.body.text).toMatch(/vòng 2/i);
  const execution = h.rt.sfn.listExecutions().find((e) => e.name === `review-${unitId}-${PERIOD_ID}-1`);
  expect(execution?.status).toBe('RUNNING');
}, 120_000);
