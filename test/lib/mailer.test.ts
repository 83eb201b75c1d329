/**
 * The mailer against the real aws-ses-v2-local and dynalite: at most one email per identity,
 * a failed send retried and then delivered once, a timeout recorded as ambiguous and not re-sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOutbox } from '#ports/dynamo/outbox';
import { Table } from '#ports/dynamo/table';
import { createSesClient, SesMailer } from '#ports/mailer';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';
import { closedPort, silentServer, startSes, type TestSes } from '../helpers/ses.ts';

let table: TestTable;
let ses: TestSes;
let outbox: DynamoOutbox;

beforeAll(async () => {
  process.env.AWS_REGION ??= 'ap-southeast-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  table = await startDynalite();
  ses = await startSes();
  outbox = new DynamoOutbox(new Table({ client: table.client, tableName: table.tableName }));
});
afterAll(async () => {
  await ses.close();
  await table.close();
});
beforeEach(async () => {
  await ses.clear();
});

const FROM = 'Phòng Nội vụ <noivu@songlam.example.vn>';
const identity = (step: string) => ({
  step,
  recipient: 'tuphap@songlam.example.vn',
  subjectId: 'phong-tu-phap',
  periodId: '2024Q3',
  round: 1,
});
const mail = {
  to: 'tuphap@songlam.example.vn',
  subject: 'Mời nộp báo cáo thi đua quý III/2024',
  text: 'Kính gửi Phòng Tư pháp, …',
  html: '<p>Kính gửi Phòng Tư pháp, …</p>',
};

describe('SesMailer', () => {
  it('sends an identity once: the second send is a duplicate and SES holds one email', async () => {
    const mailer = new SesMailer({ outbox, ses: createSesClient({ endpoint: ses.endpoint }), from: FROM });
    const first = await mailer.send(identity('invitation'), mail);
    const second = await mailer.send(identity('invitation'), mail);
    expect(first.status).toBe('sent');
    expect(second.status).toBe('duplicate');

    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toBe(mail.subject);
    expect(emails[0]?.destination.to).toEqual([mail.to]);
    expect(emails[0]?.body.text).toBe(mail.text);

    const record = await outbox.get(identity('invitation'));
    expect([record?.status, record?.messageId]).toEqual(['sent', emails[0]?.messageId]);
    expect(second).toEqual({ status: 'duplicate', messageId: emails[0]?.messageId });
    expect((await outbox.list(10)).map((r) => r.subject)).toContain(mail.subject);
  });

  it('a failed send is recorded, retried by the next send of the identity, then delivered once', async () => {
    const broken = new SesMailer({
      outbox,
      ses: createSesClient({ endpoint: await closedPort() }),
      from: FROM,
    });
    const failed = await broken.send(identity('review-request'), mail);
    expect(failed.status).toBe('failed');
    expect((await outbox.get(identity('review-request')))?.status).toBe('failed');
    expect((await outbox.listAttention()).map((r) => r.identity.step)).toContain('review-request');
    expect(await ses.emails()).toHaveLength(0);

    const working = new SesMailer({ outbox, ses: createSesClient({ endpoint: ses.endpoint }), from: FROM });
    const retried = await working.send(identity('review-request'), mail);
    expect(retried).toMatchObject({ status: 'sent', attempt: 2 });
    expect((await working.send(identity('review-request'), mail)).status).toBe('duplicate');
    expect(await ses.emails()).toHaveLength(1);
    expect((await outbox.listAttention()).map((r) => r.identity.step)).not.toContain('review-request');
  });

  it('a timeout is ambiguous: recorded for the admin and never re-sent by guess', async () => {
    const silent = await silentServer();
    try {
      const slow = new SesMailer({
        outbox,
        ses: createSesClient({ endpoint: silent.endpoint, requestTimeoutMs: 300 }),
        from: FROM,
      });
      const result = await slow.send(identity('approved'), mail);
      expect(result.status).toBe('ambiguous');
      const working = new SesMailer({ outbox, ses: createSesClient({ endpoint: ses.endpoint }), from: FROM });
      expect((await working.send(identity('approved'), mail)).status).toBe('ambiguous');
      expect(await ses.emails()).toHaveLength(0);
      expect((await outbox.get(identity('approved')))?.status).toBe('ambiguous');
    } finally {
      await silent.close();
    }
  });

  it('takes the sender from MAIL_FROM and says so when it is missing', () => {
    const saved = process.env.MAIL_FROM;
    delete process.env.MAIL_FROM;
    try {
      expect(() => new SesMailer({ outbox })).toThrow(/MAIL_FROM/);
    } finally {
      if (saved !== undefined) process.env.MAIL_FROM = saved;
    }
  });
});
