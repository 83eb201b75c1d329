/**
 * The local inbox lists mail by when it went out, newest first, to the millisecond: two mails of
 * the same minute show in the order they were sent, not in the outbox index's key order.
 */
import { describe, expect, it } from 'vitest';
import { bySendTime } from '#local/product/pages/inbox';
import type { OutboxRecord } from '#ports/outbox';

function mail(subject: string, createdAt: string, sentAt?: string): OutboxRecord {
  return {
    key: subject,
    identity: { step: 'test', recipient: 'a@example.org' },
    status: sentAt ? 'sent' : 'claimed',
    attempt: 1,
    createdAt,
    claimedAt: createdAt,
    ...(sentAt ? { sentAt } : {}),
    to: 'a@example.org',
    subject,
    text: '',
    html: '',
  };
}

describe('the inbox order', () => {
  it('is by send time, newest first, within the same minute too; unsent mail by when it was queued', () => {
    const listed = [
      mail('a', '2022-10-01T02:00:00.000Z', '2022-10-01T02:00:00.900Z'),
      mail('b', '2022-10-01T02:00:00.500Z', '2022-10-01T02:00:00.600Z'),
      mail('c', '2022-10-01T02:00:00.700Z'),
      mail('d', '2022-10-01T01:59:59.000Z', '2022-10-01T02:00:01.000Z'),
    ];
    expect(bySendTime(listed).map((m) => m.subject)).toEqual(['d', 'a', 'c', 'b']);
  });

  it("orders the mails of one clock instant by the SES emulator's order, the later sent first", () => {
    const at = '2022-10-12T01:00:00.000Z';
    const sent = (subject: string, messageId: string) => ({ ...mail(subject, at, at), messageId });
    // The outbox lists them in its keys' order; the emulator received the request, then the return.
    const listed = [sent('trả lại', 'm-2'), sent('yêu cầu thẩm định', 'm-1'), mail('chưa gửi', at)];
    const order = new Map([
      ['m-1', 0],
      ['m-2', 1],
    ]);
    expect(bySendTime(listed, order).map((m) => m.subject)).toEqual([
      'trả lại',
      'yêu cầu thẩm định',
      'chưa gửi',
    ]);
    expect(bySendTime([...listed].reverse(), order).map((m) => m.subject)).toEqual([
      'trả lại',
      'yêu cầu thẩm định',
      'chưa gửi',
    ]);
  });
});
