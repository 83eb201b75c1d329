/** The two store methods the review steps and the sweep added (functions/ports/store.ts, at the end). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '#ports/dynamo-store';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';

let table: TestTable;
let now = new Date('2022-10-12T03:00:00Z');
let store: DynamoStore;

beforeAll(async () => {
  table = await startDynalite();
  store = new DynamoStore({ client: table.client, tableName: table.tableName, clock: () => now });
});
afterAll(async () => {
  await table?.close();
});

describe('reserveReviewerLoad', () => {
  it('counts the unit only while the load still holds the count the caller saw', async () => {
    expect(await store.reserveReviewerLoad('2022Q3', 'le-thi-mai', 'xa-a', 0)).toBe(true);
    // Another caller that also saw 0 loses, and nothing changes for it.
    expect(await store.reserveReviewerLoad('2022Q3', 'le-thi-mai', 'xa-b', 0)).toBe(false);
    expect(await store.getReviewerLoads('2022Q3')).toEqual({ 'le-thi-mai': 1 });
    // Re-reserving the same unit (a retry) is success and counts once.
    expect(await store.reserveReviewerLoad('2022Q3', 'le-thi-mai', 'xa-a', 0)).toBe(true);
    expect(await store.reserveReviewerLoad('2022Q3', 'le-thi-mai', 'xa-b', 1)).toBe(true);
    expect(await store.getReviewerLoads('2022Q3')).toEqual({ 'le-thi-mai': 2 });
  });

  it('agrees with assignReviewer: the assignment adds the same unit without counting it twice', async () => {
    expect(await store.reserveReviewerLoad('2022Q4', 'vo-thi-thu', 'xa-c', 0)).toBe(true);
    await store.assignReviewer('2022Q4', 'xa-c', 'vo-thi-thu', { kind: 'system', id: 'test' });
    expect(await store.getReviewerLoads('2022Q4')).toEqual({ 'vo-thi-thu': 1 });
  });
});

describe('listStaleOutboxClaims', () => {
  const mail = { to: 'a@song-lam.example.org', subject: 's', text: 't', html: '<p>t</p>' };
  const identity = (n: number) => ({
    step: 'invitation',
    recipient: mail.to,
    subjectId: `xa-${n}`,
    periodId: '2022Q3',
  });

  it('lists claims never marked, older than the cut-off and within the window, oldest first', async () => {
    const t0 = now.getTime();
    now = new Date(t0);
    const stale = await store.claimOutbox(identity(1), mail);
    const sent = await store.claimOutbox(identity(2), mail);
    await store.markOutboxSent(sent.record.key, 1, 'm-2');
    const failed = await store.claimOutbox(identity(3), mail);
    await store.markOutboxFailed(failed.record.key, 1, 'refused');
    now = new Date(t0 + 4 * 60_000);
    await store.claimOutbox(identity(4), mail); // too fresh

    now = new Date(t0 + 6 * 60_000);
    const cutOff = new Date(now.getTime() - 5 * 60_000);
    const found = await store.listStaleOutboxClaims(cutOff, new Date(t0 - 3_600_000));
    expect(found.map((r) => r.key)).toEqual([stale.record.key]);
    // Outside the window: not read at all.
    expect(await store.listStaleOutboxClaims(cutOff, new Date(t0 + 1000))).toEqual([]);
  });
});
