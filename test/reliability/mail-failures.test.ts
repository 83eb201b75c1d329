/**
 * Mail that SES refuses stops, and is shown with its reason: a refusal for good (a suppressed
 * address: `MessageRejected`) is never retried; a passing one (throttled) is sent again within the
 * call (after 1, 2, 4 s), then by the sweep with backoff on the product's clock, at most
 * `MAIL_MAX_ATTEMPTS` times. SES here is a small server answering as SES v2 does when it refuses.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_MAX_ATTEMPTS, retryDue } from '#functions/sweep';
import { DynamoOutbox } from '#ports/dynamo/outbox';
import { Table } from '#ports/dynamo/table';
import { log } from '#ports/log';
import { createSesClient, mailer as mailerPort, SesMailer } from '#ports/mailer';
import { replacePort } from '#ports/registry';
import { SendPacer } from '#ports/send-pacer';
import { sendMail } from '#steps/mail';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';

let table: TestTable;
let ses: Server;
let endpoint: string;
let answer: { status: number; type: string; message: string } = {
  status: 400,
  type: 'MessageRejected',
  message: '',
};
let clock = new Date('2022-10-01T01:00:00Z');
let outbox: DynamoOutbox;

beforeAll(async () => {
  process.env.AWS_REGION ??= 'ap-southeast-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  table = await startDynalite();
  outbox = new DynamoOutbox(
    new Table({ client: table.client, tableName: table.tableName, clock: () => clock }),
  );
  ses = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(answer.status, { 'content-type': 'application/json', 'x-amzn-errortype': answer.type });
      res.end(JSON.stringify({ message: answer.message }));
    });
  });
  await new Promise<void>((r) => ses.listen(0, '127.0.0.1', r));
  const address = ses.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => ses.close(r));
  await table.close();
});

const mailTo = (to: string) => ({
  to,
  subject: 'Mời nộp báo cáo',
  text: 'Kính gửi…',
  html: '<p>Kính gửi…</p>',
});
const identity = (step: string, to: string) => ({
  step,
  recipient: to,
  subjectId: 'xa-hung-loc',
  periodId: '2022Q3',
});

describe('SES refusals', () => {
  it('a suppressed address is refused for good: recorded with the address and the reason, never retried', async () => {
    answer = { status: 400, type: 'MessageRejected', message: 'Email address is on the suppression list' };
    const mailer = new SesMailer({
      outbox,
      ses: createSesClient({ endpoint }),
      from: 'noivu@songlam.example.vn',
    });
    const to = 'bi-chan@songlam.example.vn';
    const result = await mailer.send(identity('invitation', to), mailTo(to));
    expect(result).toMatchObject({ status: 'failed', permanent: true });
    const [shown] = await outbox.listAttention(10, { newestFirst: true });
    expect(shown).toMatchObject({ to, status: 'failed', permanent: true });
    expect(shown?.lastError).toContain('suppression list');
    // However long the sweep waits, it does not send it again.
    expect(retryDue(shown as never, new Date(clock.getTime() + 365 * 86_400_000))).toBe(false);
  });

  it('a throttled send is retried with backoff on the clock, then left to the admin after the last attempt', async () => {
    answer = { status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' };
    // The mailer's own waits between throttled sends pass on the test's clock.
    const waited: number[] = [];
    const pacer = new SendPacer(14, {
      now: () => clock.getTime(),
      sleep: async (ms) => {
        waited.push(ms);
      },
    });
    const mailer = new SesMailer({
      outbox,
      ses: createSesClient({ endpoint }),
      from: 'noivu@songlam.example.vn',
      pacer,
    });
    const to = 'tuphap@songlam.example.vn';
    const id = identity('review-request', to);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
      const result = await mailer.send(id, mailTo(to));
      expect(result).toMatchObject({ status: 'failed', permanent: false, attempt });
      const record = await outbox.get(id);
      const claimedAt = clock.getTime();
      let minutes = 0;
      while (record && minutes < 100_000 && !retryDue(record, new Date(claimedAt + minutes * 60_000)))
        minutes++;
      waits.push(minutes);
      clock = new Date(claimedAt + minutes * 60_000);
    }
    // Each attempt waited out SES's throttling within the call (1, 2, 4 s) before it gave up.
    expect(waited.filter((ms) => ms >= 1000)).toEqual(
      Array.from({ length: MAIL_MAX_ATTEMPTS }, () => [1000, 2000, 4000]).flat(),
    );
    // 5, 10, 20, 40 minutes between the sends; after the fifth, no more (the loop found no due time).
    expect(waits.slice(0, MAIL_MAX_ATTEMPTS - 1)).toEqual([5, 10, 20, 40]);
    const last = await outbox.get(id);
    expect(last?.attempt).toBe(MAIL_MAX_ATTEMPTS);
    expect(retryDue(last as never, new Date(clock.getTime() + 365 * 86_400_000))).toBe(false);
  });
});

describe('mail the outbox cannot record', () => {
  it("fails the step that sends it (an outbox item over DynamoDB's limit), and nothing is sent", async () => {
    answer = { status: 200, type: '', message: '' };
    replacePort(
      mailerPort,
      new SesMailer({ outbox, ses: createSesClient({ endpoint }), from: 'noivu@songlam.example.vn' }),
    );
    try {
      const to = 'lanhdao@songlam.example.vn';
      const huge = { ...mailTo(to), html: `<p>${'x'.repeat(400_000)}</p>` };
      await expect(sendMail(log, identity('results-summary', to), huge)).rejects.toThrow(/too large/);
      expect(await outbox.get(identity('results-summary', to))).toBeUndefined();
    } finally {
      replacePort(mailerPort, undefined);
    }
  });
});

describe('a connection SES closed while it sat idle', () => {
  it('is never used again: each send has its own connection, so a reset of an idle one loses nothing', async () => {
    // A server that answers the first request on each connection and drops the connection when a
    // second one arrives on it: what a client sees when it writes on a kept-alive socket at the
    // moment the server closes it for idleness (a frozen Lambda container, an emulator's 5 s).
    let connections = 0;
    const strict = createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: boolean };
      if (socket.served) {
        socket.destroy();
        return;
      }
      socket.served = true;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ MessageId: `m-${connections}` }));
      });
    });
    strict.on('connection', () => connections++);
    await new Promise<void>((r) => strict.listen(0, '127.0.0.1', r));
    try {
      const address = strict.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const mailer = new SesMailer({
        outbox,
        ses: createSesClient({ endpoint: `http://127.0.0.1:${port}` }),
        from: 'noivu@songlam.example.vn',
      });
      const to = ['vanhoa@songlam.example.vn', 'yte@songlam.example.vn', 'giaoduc@songlam.example.vn'];
      const results = [];
      for (const address of to)
        results.push(await mailer.send(identity('invitation', address), mailTo(address)));
      expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
      expect(connections).toBe(3);
    } finally {
      await new Promise((r) => strict.close(r));
    }
  });
});
