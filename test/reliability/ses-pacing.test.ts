/**
 * Sends paced to the account's SES rate: the SES emulator behind the fault proxy, which answers a
 * share of the sends with 429 `TooManyRequestsException` as SES does when the account's rate is
 * exceeded. The pacer runs on a clock the test moves only when the mailer waits, so the figures
 * are the product's own: sends start one every 1/14 s, never more than 14 in a second, a throttled send waits and goes
 * out once, nothing is failed or sent twice.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DynamoOutbox } from '#ports/dynamo/outbox';
import { Table } from '#ports/dynamo/table';
import { createSesClient, SesMailer } from '#ports/mailer';
import { SendPacer } from '#ports/send-pacer';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.ts';
import { startSes, type TestSes } from '../helpers/ses.ts';

const SEED = process.env.THIDUA_FAULT_SEED ?? 'ses-pacing';
let table: TestTable;
let ses: TestSes;
let proxy: FaultProxy;

beforeAll(async () => {
  process.env.AWS_REGION ??= 'ap-southeast-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  table = await startDynalite();
  ses = await startSes();
  proxy = await startFaultProxy({ target: ses.endpoint, rate: 0.3, seed: SEED, kinds: ['throttled'] });
});
afterAll(async () => {
  await proxy.close();
  await ses.close();
  await table.close();
});

/** The time, moved only by the pacer's waits; each send's start is noted. */
class PacedClock {
  t = Date.parse('2022-10-01T01:00:00Z');
  readonly starts: number[] = [];
  now = () => this.t;
  sleep = async (ms: number) => {
    this.t += ms;
  };
}

class NotingPacer extends SendPacer {
  private readonly noted: PacedClock;
  constructor(noted: PacedClock) {
    super(14, noted);
    this.noted = noted;
  }
  override async take(): Promise<number> {
    const waited = await super.take();
    this.noted.starts.push(this.noted.t);
    return waited;
  }
}

/** A mailer over a fresh outbox and `endpoint`, paced on its own noted clock. */
function pacedMailer(endpoint: string, tableName: string) {
  const clock = new PacedClock();
  const pacer = new NotingPacer(clock);
  const outbox = new DynamoOutbox(
    new Table({ client: table.client, tableName, clock: () => new Date(clock.t) }),
  );
  const mailer = new SesMailer({
    outbox,
    ses: createSesClient({ endpoint }),
    from: 'noivu@songlam.example.vn',
    pacer,
  });
  return { clock, pacer, mailer };
}

async function invite(mailer: SesMailer, n: number, batch: string) {
  const results = [];
  for (let i = 0; i < n; i++) {
    const to = `donvi-${batch}-${i}@songlam.example.vn`;
    results.push(
      await mailer.send(
        { step: 'invitation', recipient: to, subjectId: `don-vi-${i}`, periodId: '2022Q3' },
        { to, subject: `Mời nộp báo cáo – ${batch} ${i}`, text: 'Kính gửi…', html: '<p>Kính gửi…</p>' },
      ),
    );
  }
  return results;
}

/** The most sends that started within any one second of the clock. */
const busiest = (starts: number[]) =>
  Math.max(...starts.map((s) => starts.filter((x) => x >= s && x < s + 1000).length));

it('42 invitations start one every 1/14 s: never more than 14 in a second', async () => {
  const { clock, mailer } = pacedMailer(ses.endpoint, table.tableName);
  const results = await invite(mailer, 42, 'a');
  expect(results.filter((r) => r.status !== 'sent')).toEqual([]);
  expect(busiest(clock.starts)).toBe(14);
  const last = (clock.starts.at(-1) ?? 0) - (clock.starts[0] ?? 0);
  expect(last).toBeGreaterThanOrEqual(Math.floor(((42 - 14) * 1000) / 14));
  console.log(
    `42 sends over ${(last / 1000).toFixed(2)} s of the clock, busiest second ${busiest(clock.starts)}`,
  );
});

it('60 invitations, 30 % of sends throttled by SES: each waits, goes out once, none failed', async () => {
  await ses.clear();
  const { clock, pacer, mailer } = pacedMailer(proxy.url, table.tableName);
  const results = await invite(mailer, 60, 'b');
  expect(
    results.filter((r) => r.status !== 'sent'),
    `seed ${SEED}`,
  ).toEqual([]);
  const emails = await ses.emails();
  expect(emails).toHaveLength(60);
  expect(new Set(emails.map((m) => m.subject)).size).toBe(60);
  const throttled = proxy.injected.length;
  expect(throttled, `seed ${SEED}`).toBeGreaterThan(5);
  expect(busiest(clock.starts)).toBeLessThanOrEqual(14);
  console.log(
    `60 sends, ${throttled} answered 429 and sent again after a wait; ${(pacer.waitedMs / 1000).toFixed(1)} s waited on the clock`,
  );
});
