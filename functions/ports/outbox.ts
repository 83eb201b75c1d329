/**
 * Outgoing mail by identity: at most one email per identity (DESIGN.md, "Email"). The mailer
 * (functions/ports/mailer.ts) claims a record before it sends and marks how the send went; the
 * sweep re-sends what failed and shows the admin what is ambiguous. Keys: docs/store.md.
 */

/** At most one email per identity (DESIGN.md). */
export interface MailIdentity {
  /** The workflow step, e.g. `invitation`, `review-request`. ASCII. */
  step: string;
  recipient: string;
  /** The unit or candidate it concerns, if any. ASCII. */
  subjectId?: string;
  periodId?: string;
  round?: number;
}

/** What a message is about, beside its step and recipient. */
export interface MailAbout {
  unitId?: string;
  periodId?: string;
  round?: number;
}

/**
 * The outbox identity of a message. Here, beside the type, not with the mailer: a page that only
 * reads the outbox (the admin's vote progress) must not carry the SES client for it.
 */
export function mailIdentity(step: string, recipient: string, about: MailAbout): MailIdentity {
  return {
    step,
    recipient,
    ...(about.unitId !== undefined ? { subjectId: about.unitId } : {}),
    ...(about.periodId !== undefined ? { periodId: about.periodId } : {}),
    round: about.round ?? 0,
  };
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type OutboxStatus = 'claimed' | 'sent' | 'failed' | 'ambiguous';

export interface OutboxRecord extends OutgoingMail {
  /** The identity as a key string (stable, readable). */
  key: string;
  identity: MailIdentity;
  status: OutboxStatus;
  /** 1 for the first claim, +1 per retry claim. Marks are conditional on it. */
  attempt: number;
  createdAt: string;
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
  lastError?: string;
  /** SES refused it for good (a suppressed address, an unverified sender): never retried. */
  permanent?: boolean;
  /** The admin's re-send of an ambiguous mail that claimed the current attempt, if any. */
  resend?: { adminId: string; writeId: string; at: string };
}

export type ResendClaim =
  /** This request owns the re-send (`ambiguous → claimed`, attempt + 1). */
  | { outcome: 'claimed'; record: OutboxRecord }
  /** The same request again: its claim stands (the record says how the send went). */
  | { outcome: 'own'; record: OutboxRecord }
  /** Not ambiguous any more (another admin re-sent it, or a late answer settled it). */
  | { outcome: 'settled'; record: OutboxRecord }
  | { outcome: 'unknown' };

export type ClaimOutcome =
  /** This caller owns the send (first claim, or a retry after `failed`). */
  | { outcome: 'claimed'; record: OutboxRecord }
  /** Sent already: do not send again. */
  | { outcome: 'duplicate'; record: OutboxRecord }
  /** Another caller claimed it moments ago and is sending. */
  | { outcome: 'in-progress'; record: OutboxRecord }
  /** Unknown whether it went out: shown to the admin, never re-sent by guess. */
  | { outcome: 'ambiguous'; record: OutboxRecord };

export interface Outbox {
  /** The first claim of an identity, or a retry claim of a `failed` one (`failed → claimed`, attempt + 1). */
  claim(identity: MailIdentity, mail: OutgoingMail): Promise<ClaimOutcome>;
  markSent(key: string, attempt: number, messageId: string): Promise<boolean>;
  /** `permanent`: SES refused it for good; the sweep does not retry it, the admin must act. */
  markFailed(
    key: string,
    attempt: number,
    error: string,
    options?: { permanent?: boolean },
  ): Promise<boolean>;
  markAmbiguous(key: string, attempt: number, error: string): Promise<boolean>;
  /**
   * The admin's re-send of an ambiguous mail: `ambiguous → claimed` (attempt + 1) carrying who and
   * the request's write id, so of two admins at once one sends, and the same request again finds
   * its own claim.
   */
  claimResend(key: string, by: { adminId: string; writeId: string }): Promise<ResendClaim>;
  /**
   * The day a press of an admin's "remind now" belongs to, pinned by its form's write id (`scope`
   * names what it reminds of, e.g. `remind:<unit>:<period>`): the first call stores `day` and
   * answers it; a later call with the same scope and write id answers the stored day. The
   * reminder's outbox identity carries that day, so the same request sent again after midnight
   * is still its first try's reminder, while another press (another write id) is that day's.
   */
  pinDay(scope: string, writeId: string, day: string): Promise<string>;
  /** The day `pinDay` stored for the press, if any. */
  pinnedDay(scope: string, writeId: string): Promise<string | undefined>;
  getByKey(key: string): Promise<OutboxRecord | undefined>;
  get(identity: MailIdentity): Promise<OutboxRecord | undefined>;
  /** Newest first (the local inbox page, the district's record of its correspondence). */
  list(limit: number): Promise<OutboxRecord[]>;
  /** How many messages `list(limit)` would answer, without reading them (a status line's count). */
  count(limit: number): Promise<number>;
  /** Failed or ambiguous messages, oldest first (newest first with `newestFirst`: the admin's page). */
  listAttention(limit?: number, options?: { newestFirst?: boolean }): Promise<OutboxRecord[]>;
  /**
   * Messages still `claimed` although claimed before `claimedBefore` (the sender died mid-send),
   * oldest first, however long ago: the sweep marks them ambiguous.
   */
  listStaleClaims(claimedBefore: Date, limit?: number): Promise<OutboxRecord[]>;
}
