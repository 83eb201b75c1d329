/**
 * `Outbox` on the district table (docs/store.md, "Outbox"): claim = put with `attribute_not_exists`
 * (or `failed → claimed`, attempt + 1); then the send; then `sent`/`failed`/`ambiguous`,
 * conditional on the attempt. A claim left `claimed` past `claimStaleAfterMs` (a crash mid-send) is
 * marked `ambiguous`, never re-sent by guess.
 */
import { ItemTooLargeError } from '../errors.ts';
import type {
  ClaimOutcome,
  MailIdentity,
  Outbox,
  OutboxRecord,
  OutgoingMail,
  ResendClaim,
} from '../outbox.ts';
import { provide } from '../registry.ts';
import { type Item, MAX_DOC_BYTES, names, packed, pad, part, unpacked } from './keys.ts';
import { type Table, table } from './table.ts';

const LISTING = 'OUTBOX';
const ATTENTION = 'MAIL_ATTENTION';
/** Claimed and not yet marked: listed by claim time, so a stale one is found however far the clock jumped. */
const CLAIMED = 'MAIL_CLAIMED';
/** An outbox claim never marked sent or failed after this long is a crash mid-send (docs/review.md, 4). */
export const OUTBOX_CLAIM_STALE_MS = 5 * 60_000;

/** The outbox identity as a stable, readable key string. */
export function mailIdentityKey(identity: MailIdentity): string {
  return [
    part('step', identity.step),
    identity.periodId === undefined ? '-' : part('periodId', identity.periodId),
    identity.subjectId === undefined ? '-' : part('subjectId', identity.subjectId),
    `r${pad(identity.round ?? 0, 3, 'round')}`,
    encodeURIComponent(identity.recipient.trim().toLowerCase()),
  ].join('#');
}

const recordKey = (key: string) => ({ pk: `OUTBOX#${key}`, sk: 'OUTBOX' });
/** A reminder press's pinned day (`pinDay`): no listing keys, read by its key only. */
const pressKey = (scope: string, writeId: string) => ({
  pk: `OUTBOX#PRESS#${part('scope', scope)}#${part('writeId', writeId)}`,
  sk: 'PRESS',
});

/**
 * The letter's text and HTML as one stored attribute (`body`, deflated when large: the record is
 * rewritten at each mark, with its index copies). Records written before read from `text`/`html`.
 */
function bodyOf(mail: OutgoingMail): Item {
  return packed('body', JSON.stringify([mail.text, mail.html]));
}
function textAndHtml(item: Item): { text: string; html: string } {
  if (item.body === undefined && item.bodyz === undefined)
    return { text: String(item.text), html: String(item.html) };
  const [text, html] = JSON.parse(unpacked(item, 'body')) as [string, string]; // written by bodyOf
  return { text, html };
}

function recordOf(item: Item): OutboxRecord {
  return {
    key: String(item.key),
    // The identity and status this module stored.
    identity: item.identity as MailIdentity,
    to: String(item.to),
    subject: String(item.subject),
    ...textAndHtml(item),
    status: item.status as OutboxRecord['status'],
    attempt: Number(item.attempt),
    createdAt: String(item.createdAt),
    claimedAt: String(item.claimedAt),
    ...(item.sentAt ? { sentAt: String(item.sentAt) } : {}),
    ...(item.messageId ? { messageId: String(item.messageId) } : {}),
    ...(item.lastError ? { lastError: String(item.lastError) } : {}),
    ...(item.permanent === true ? { permanent: true } : {}),
    ...(item.resend ? { resend: item.resend as NonNullable<OutboxRecord['resend']> } : {}),
  };
}

export class DynamoOutbox implements Outbox {
  private readonly table: Table;
  private readonly claimStaleAfterMs: number;
  constructor(table: Table, claimStaleAfterMs = OUTBOX_CLAIM_STALE_MS) {
    this.table = table;
    this.claimStaleAfterMs = claimStaleAfterMs;
  }

  async claim(identity: MailIdentity, mail: OutgoingMail): Promise<ClaimOutcome> {
    const key = mailIdentityKey(identity);
    const itemKey = recordKey(key);
    const size = Buffer.byteLength(mail.subject + mail.text + mail.html);
    if (size > MAX_DOC_BYTES)
      throw new ItemTooLargeError(`Email ${key} is too large to record (${size} bytes)`);
    const { iso, ms } = this.table.now();
    const fresh: Item = {
      ...itemKey,
      key,
      identity: { ...identity },
      to: mail.to,
      subject: mail.subject,
      ...bodyOf(mail),
      status: 'claimed',
      attempt: 1,
      createdAt: iso,
      claimedAt: iso,
      claimedAtMs: ms,
      gsi1pk: LISTING,
      gsi1sk: `${iso}#${key}`,
      gsi2pk: CLAIMED,
      gsi2sk: `${iso}#${key}`,
    };
    if (await this.table.putIf({ Item: fresh, ConditionExpression: 'attribute_not_exists(pk)' })) {
      return { outcome: 'claimed', record: recordOf(fresh) };
    }
    for (let tries = 0; tries < 5; tries++) {
      const item = await this.table.get(itemKey);
      if (!item) throw new Error(`Outbox record ${key} vanished while being read`);
      const record = recordOf(item);
      if (record.status === 'sent') return { outcome: 'duplicate', record };
      if (record.status === 'ambiguous') return { outcome: 'ambiguous', record };
      if (record.status === 'claimed') {
        if (Number(item.claimedAtMs) > ms - this.claimStaleAfterMs) return { outcome: 'in-progress', record };
        // Claimed long ago and never marked: the sender died mid-send; whether it went out is unknown.
        await this.markAmbiguous(key, record.attempt, 'claimed but never marked sent or failed');
        continue;
      }
      // failed → claimed again (attempt + 1): only one retrier wins. The body is stored again in
      // whichever form it takes now, the other forms removed.
      const stored = bodyOf(mail);
      const bodyName = 'bodyz' in stored ? 'bodyz' : 'body';
      const body = stored[bodyName];
      const stale = ['text', 'html', 'body', 'bodyz'].filter((n) => n !== bodyName);
      const retried = await this.table.updateIf({
        Key: itemKey,
        UpdateExpression: `SET #status = :claimed, claimedAt = :now, claimedAtMs = :nowMs, #to = :to, #subject = :subject, #${bodyName} = :body, gsi2pk = :cq, gsi2sk = :cqs REMOVE ${stale.map((n) => `#${n}`).join(', ')} ADD #attempt :one`,
        ConditionExpression: '#status = :failed AND #attempt = :seen',
        ExpressionAttributeNames: names(
          'status',
          'to',
          'subject',
          'attempt',
          'text',
          'html',
          'body',
          'bodyz',
        ),
        ExpressionAttributeValues: {
          ':claimed': 'claimed',
          ':failed': 'failed',
          ':seen': record.attempt,
          ':now': iso,
          ':nowMs': ms,
          ':one': 1,
          ':cq': CLAIMED,
          ':cqs': `${iso}#${key}`,
          ':to': mail.to,
          ':subject': mail.subject,
          ':body': body,
        },
      });
      if (retried) return { outcome: 'claimed', record: recordOf(retried) };
    }
    throw new Error(`Outbox record ${key} kept changing while being claimed`);
  }

  private async mark(
    key: string,
    attempt: number,
    from: string[],
    update: string,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return this.table.moveStatus(recordKey(key), {
      from,
      guard: { attribute: 'attempt', value: attempt },
      update,
      values,
    });
  }

  markSent(key: string, attempt: number, messageId: string): Promise<boolean> {
    // From `ambiguous` too: a slow send that did finish settles the doubt.
    return this.mark(
      key,
      attempt,
      ['claimed', 'ambiguous'],
      'SET #status = :s, sentAt = :now, messageId = :m REMOVE gsi2pk, gsi2sk, lastError',
      { ':s': 'sent', ':now': this.table.now().iso, ':m': messageId },
    );
  }

  private markForAttention(
    key: string,
    attempt: number,
    status: 'failed' | 'ambiguous',
    error: string,
    permanent = false,
  ) {
    return this.mark(
      key,
      attempt,
      ['claimed'],
      'SET #status = :s, lastError = :e, gsi2pk = :q, gsi2sk = :qs, permanent = :p',
      {
        ':s': status,
        ':e': error.slice(0, 1000),
        ':q': ATTENTION,
        ':qs': `${this.table.now().iso}#${key}`,
        ':p': permanent,
      },
    );
  }

  markFailed(
    key: string,
    attempt: number,
    error: string,
    options: { permanent?: boolean } = {},
  ): Promise<boolean> {
    return this.markForAttention(key, attempt, 'failed', error, options.permanent === true);
  }

  markAmbiguous(key: string, attempt: number, error: string): Promise<boolean> {
    return this.markForAttention(key, attempt, 'ambiguous', error);
  }

  async claimResend(key: string, by: { adminId: string; writeId: string }, tries = 5): Promise<ResendClaim> {
    const before = await this.getByKey(key);
    if (!before) return { outcome: 'unknown' };
    if (before.resend?.writeId === by.writeId) return { outcome: 'own', record: before };
    if (before.status !== 'ambiguous') return { outcome: 'settled', record: before };
    const { iso, ms } = this.table.now();
    const claimed = await this.table.updateIf({
      Key: recordKey(key),
      UpdateExpression:
        'SET #status = :claimed, claimedAt = :now, claimedAtMs = :nowMs, resend = :by, gsi2pk = :cq, gsi2sk = :cqs REMOVE lastError ADD #attempt :one',
      ConditionExpression: '#status = :ambiguous AND #attempt = :seen',
      ExpressionAttributeNames: names('status', 'attempt'),
      ExpressionAttributeValues: {
        ':claimed': 'claimed',
        ':ambiguous': 'ambiguous',
        ':seen': before.attempt,
        ':now': iso,
        ':nowMs': ms,
        ':one': 1,
        ':by': { ...by, at: iso },
        ':cq': CLAIMED,
        ':cqs': `${iso}#${key}`,
      },
    });
    if (claimed) return { outcome: 'claimed', record: recordOf(claimed) };
    // Another request changed it meanwhile: this one, retried, or someone else's. Read it again.
    if (tries <= 1) throw new Error(`Outbox record ${key} kept changing while a re-send was claimed`);
    return this.claimResend(key, by, tries - 1);
  }

  async pinDay(scope: string, writeId: string, day: string): Promise<string> {
    const key = pressKey(scope, writeId);
    const pinned = { ...key, day, at: this.table.now().iso };
    if (await this.table.putIf({ Item: pinned, ConditionExpression: 'attribute_not_exists(pk)' })) return day;
    return (await this.pinnedDay(scope, writeId)) ?? day;
  }

  async pinnedDay(scope: string, writeId: string): Promise<string | undefined> {
    const item = await this.table.get(pressKey(scope, writeId));
    return item ? String(item.day) : undefined;
  }

  async getByKey(key: string): Promise<OutboxRecord | undefined> {
    const item = await this.table.get(recordKey(key));
    return item ? recordOf(item) : undefined;
  }

  async get(identity: MailIdentity): Promise<OutboxRecord | undefined> {
    const item = await this.table.get(recordKey(mailIdentityKey(identity)));
    return item ? recordOf(item) : undefined;
  }

  async list(limit: number): Promise<OutboxRecord[]> {
    return (await this.table.queryIndex('gsi1', LISTING, { newestFirst: true, limit })).map(recordOf);
  }

  count(limit: number): Promise<number> {
    return this.table.countIndex('gsi1', LISTING, limit);
  }

  async listAttention(limit?: number, options: { newestFirst?: boolean } = {}): Promise<OutboxRecord[]> {
    const items = await this.table.queryIndex('gsi2', ATTENTION, {
      ...(limit ? { limit } : {}),
      ...(options.newestFirst ? { newestFirst: true } : {}),
    });
    return items.map(recordOf);
  }

  async listStaleClaims(claimedBefore: Date, limit = 100): Promise<OutboxRecord[]> {
    const items = await this.table.queryIndex('gsi2', CLAIMED, {
      before: claimedBefore.toISOString(),
      limit,
    });
    return items.map(recordOf).filter((r) => r.status === 'claimed');
  }
}

export const outbox = provide<Outbox>('outbox', () => new DynamoOutbox(table()));
