/**
 * `npm start` killed (SIGKILL: no handler runs, nothing is flushed) in the middle of a period and
 * started again on the same data folder, four times in a row:
 *
 * 1. during the clock move over 2022Q3's open, after 14 of the 27 invitations (a crash point);
 * 2. while three units' reviews wait for their reviewers (killed from outside);
 * 3. during a clock move over the reviewers' deadlines, after 2 of the 3 escalations (a crash point);
 * 4. then the reviewers decide from the links mailed before the kills.
 *
 * What a person would notice is checked after each restart: the interrupted work finished, every
 * wait's deadline what it was, nobody mailed twice (the outbox, the district's record of its mail:
 * the SES emulator's store dies with the process), and in the end every execution finished.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDistrict } from '#domain/config-files';
import type { ProductStatus } from '#local/product/control';
import { ExecutionJournal } from '#local/runtime/sfn-journal';
import { DynamoOutbox } from '#ports/dynamo/outbox';
import type { OutboxRecord } from '#ports/outbox';
import { reviewForm } from '../e2e/campaign-harness.ts';
import { completeForm, type Harness } from '../http/harness.ts';
import { freePort, type ProductProcess, readStore, startProductProcess } from './fixtures/product-process.ts';

const PERIOD = '2022Q3';
const OPEN = '2022-10-01T01:00:00.000Z';
/** The reviewers' deadline: 5 days after the submissions, made when the period opened. */
const DEADLINE = '2022-10-06T01:00:00.000Z';
const DAY = 86_400_000;

const root = mkdtempSync(join(tmpdir(), 'thidua-crash-'));
const dataDir = join(root, 'demo');
const env: NodeJS.ProcessEnv = { ...process.env, THIDUA_DATA_DIR: root, LOG_LEVEL: 'warn' };
delete env.THIDUA_CRASH_AT;
const { config, criteriaSets } = loadDistrict('districts/demo.yaml', { now: new Date('2022-08-02') });
const district = { config, criteriaSets } as Harness;

let port: number;
let product: ProductProcess | undefined;
/** The three units that report, with their invitation (`/r`) and, later, their reviewer's (`/d`) link. */
let reporting: { unitId: string; reportLink: string; reviewLink?: string }[] = [];
let waitsBefore: ProductStatus['waitingFor'];
let outboxBefore: OutboxRecord[];

afterAll(async () => {
  product?.kill('SIGKILL');
  await product?.ended;
  rmSync(root, { recursive: true, force: true });
});

const start = async (crashAt?: string) => {
  product = await startProductProcess({ ...env, ...(crashAt ? { THIDUA_CRASH_AT: crashAt } : {}) }, port);
  return product;
};
const call = async (
  p: ProductProcess,
  method: 'GET' | 'POST',
  path: string,
  form: Record<string, string> = {},
) =>
  fetch(`${p.base}${path}`, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'POST' ? { body: new URLSearchParams(form).toString() } : {}),
  });
const status = async (p: ProductProcess) =>
  (await (await call(p, 'GET', '/local/status')).json()) as ProductStatus;
/**
 * The outbox as its records are, one per identity. dynalite writes an item's index entries and the
 * item itself in separate LevelDB writes, so a kill between them can leave an index entry (what
 * `list` reads) out of date or without its item: each record is read again by its key.
 */
const outbox = () =>
  readStore(dataDir, async (table) => {
    const store = new DynamoOutbox(table);
    const listed = await store.list(5_000);
    const identities = new Map(listed.map((r) => [r.key, r.identity]));
    const records = await Promise.all([...identities.values()].map((id) => store.get(id)));
    return records.filter((r): r is OutboxRecord => r !== undefined);
  });
const linkIn = (text: string, path: '/r' | '/d') =>
  new RegExp(`http://127\\.0\\.0\\.1:\\d+${path}\\?[^\\s"<>]+`).exec(text)?.[0] ?? '';
/** Waits (polling the product, not timing it) until `done` holds for its status. */
async function until(p: ProductProcess, done: (s: ProductStatus) => boolean): Promise<ProductStatus> {
  for (let i = 0; i < 600; i++) {
    const s = await status(p);
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The product never got there:\n${JSON.stringify(await status(p), null, 2)}`);
}
const waits = (s: ProductStatus) =>
  s.waitingFor
    .map((w) => ({ execution: w.execution, state: w.state, timeoutAt: w.timeoutAt }))
    .sort((a, b) => (a.execution < b.execution ? -1 : 1));
/** Sent mail keeps its message id: the same record, never sent again. */
function expectSentAsBefore(before: OutboxRecord[], after: OutboxRecord[]): void {
  const now = new Map(after.map((r) => [r.key, r]));
  for (const r of before.filter((x) => x.status === 'sent')) {
    expect(now.get(r.key)?.messageId, r.key).toBe(r.messageId);
  }
  expect(after.filter((r) => r.attempt > 1)).toEqual([]);
}

describe('npm start killed mid-period and started again on the same data', () => {
  it('a kill during the move over the open: after the restart the open finishes, every unit invited once', async () => {
    port = await freePort();
    const first = await start('local.after-task.InviteUnit:14');
    expect((await call(first, 'POST', '/local/launch')).status).toBe(200);
    await expect(call(first, 'POST', '/local/advance')).rejects.toThrow();
    expect((await first.ended).signal).toBe('SIGKILL');

    const invited = (await outbox()).filter((r) => r.identity.step === 'invitation');
    expect(invited.length).toBeGreaterThanOrEqual(14);
    expect(invited.length).toBeLessThan(config.units.length);
    const open = new ExecutionJournal(join(dataDir, 'executions.jsonl'))
      .read()
      .find((x) => x.name === `period-${PERIOD}-open`);
    expect(open?.end).toBeUndefined();
    reporting = invited
      .filter((r) => r.status === 'sent')
      .slice(0, 3)
      .map((r) => ({ unitId: r.identity.subjectId ?? '', reportLink: linkIn(r.text, '/r') }));
    expect(reporting).toHaveLength(3);

    const second = await start();
    const s = await status(second);
    expect(s.resumed).toContain(`period-${PERIOD}-open`);
    expect(s.clock.now).toBe(OPEN);
    expect(s.executions.recent.find((x) => x.name === `period-${PERIOD}-open`)?.status).toBe('SUCCEEDED');
    outboxBefore = invited;
  }, 240_000);

  it('a kill while reviews wait: after the restart they wait again with the same deadlines, nobody mailed again', async () => {
    const second = product as ProductProcess;
    for (const unit of reporting) {
      const res = await fetch(unit.reportLink, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: completeForm(district, unit.unitId, 0, 'submit').toString(),
      });
      expect(res.status, unit.unitId).toBe(303);
    }
    // A move to the clock's own time fires nothing and answers once everything in flight has
    // settled: the reviews wait and their requests are mailed.
    const { now } = (await status(second)).clock;
    expect((await call(second, 'POST', '/local/advance', { to: now })).status).toBe(200);
    const waiting = await status(second);
    expect(waiting.waitingFor).toHaveLength(reporting.length);
    waitsBefore = waiting.waitingFor;
    expect(new Set(waitsBefore.map((w) => w.timeoutAt))).toEqual(new Set([DEADLINE]));
    second.kill('SIGKILL');
    await second.ended;

    const mail = await outbox();
    // Every unit invited once: the units the first process had not reached were invited after it.
    const invitations = mail.filter((r) => r.identity.step === 'invitation');
    expect(new Set(invitations.map((r) => r.identity.subjectId)).size).toBe(config.units.length);
    expect(invitations).toHaveLength(config.units.length);
    expectSentAsBefore(outboxBefore, mail);
    for (const unit of reporting) {
      const request = mail.find(
        (r) => r.identity.step === 'review-request' && r.identity.subjectId === unit.unitId,
      );
      unit.reviewLink = linkIn(request?.text ?? '', '/d');
      expect(unit.reviewLink, unit.unitId).not.toBe('');
    }
    outboxBefore = mail;

    const third = await start('local.after-task.EscalateReview:2');
    const s = await status(third);
    expect([...s.resumed].sort()).toEqual(waits(waiting).map((w) => w.execution));
    expect(waits(s)).toEqual(waits(waiting));
  }, 240_000);

  it('a kill during the move over the deadlines: the move finishes after the restart, each review escalated once', async () => {
    const third = product as ProductProcess;
    await expect(call(third, 'POST', '/local/advance', { to: '2022-10-07' })).rejects.toThrow();
    expect((await third.ended).signal).toBe('SIGKILL');
    expectSentAsBefore(outboxBefore, await outbox());

    const fourth = await start();
    const s = await status(fourth);
    expect(s.clock.local).toBe('07/10/2022 08:00');
    // Each review waits again behind the same link, from its deadline on: as without the kills.
    expect(waits(s)).toEqual(
      waits({ ...s, waitingFor: waitsBefore }).map((w) => ({
        ...w,
        timeoutAt: new Date(Date.parse(DEADLINE) + 5 * DAY).toISOString(),
      })),
    );
  }, 240_000);

  it('after the restarts every execution finishes: the links mailed before the kills decide', async () => {
    const fourth = product as ProductProcess;
    for (const unit of reporting) {
      const link = unit.reviewLink ?? '';
      const page = await (await fetch(link)).text();
      const decided = await fetch(link, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: reviewForm(page, 'approve').toString(),
      });
      expect(decided.status, unit.unitId).toBe(200);
    }
    const s = await until(fourth, (x) => x.waitingFor.length === 0 && !x.executions.byStatus.RUNNING);
    expect(Object.keys(s.executions.byStatus)).toEqual(['SUCCEEDED']);
    fourth.kill('SIGTERM');
    expect((await fourth.ended).code).toBe(0);

    const mail = await outbox();
    expectSentAsBefore(outboxBefore, mail);
    for (const unit of reporting) {
      const about = mail.filter((r) => r.identity.subjectId === unit.unitId);
      // One escalation per admin, though two processes reached the deadline — but none to an admin
      // who is the unit's reviewer: while the review runs they are reminded as the reviewer.
      const reviewer = about.find((r) => r.identity.step === 'review-request')?.identity.recipient;
      const told = config.admins.filter((a) => a.email !== reviewer).length;
      expect(
        about.filter((r) => r.identity.step.startsWith('escalation-')).map((r) => r.identity.step),
      ).toEqual(Array(told).fill('escalation-1'));
      expect(about.filter((r) => r.identity.step === 'approved')).toHaveLength(1);
    }
  }, 240_000);
});
