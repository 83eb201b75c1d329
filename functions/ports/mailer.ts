/**
 * The mail port: at most one email per message identity (DESIGN.md, "Email").
 *
 * send = claim the outbox record (conditional put) → SES v2 `SendEmail` → mark `sent` (with the
 * SES message id), `failed` (certainly not sent: refused connection, a 4xx refusal from SES —
 * the next `send` of the same identity retries) or `ambiguous` (a 5xx, a timeout or a connection lost
 * after the request went out: it may have been sent, so it is shown to the admin, not guessed).
 * The SES client never retries by itself (functions/ports/aws.ts), or a retry could send twice.
 *
 * `send` never throws for a delivery problem: it returns the outcome and the outbox keeps it.
 * It throws only when the outbox itself cannot be written (then nothing was sent).
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { crashPoint } from '#steps/crash-point';
import { region, requireEnv, sharedClient } from './aws.ts';
import { outbox } from './dynamo/outbox.ts';
import type { MailIdentity, Outbox, OutboxRecord, OutgoingMail } from './outbox.ts';
import { provide } from './registry.ts';
import { SendPacer } from './send-pacer.ts';

/**
 * Email must go out at most once, so the SES client never retries on its own (a retried
 * `SendEmail` after a timeout could send twice) and a request that outlives `requestTimeout` fails
 * with a `TimeoutError` — which the mailer records as ambiguous.
 *
 * Each send opens its own connection. A kept-alive socket the server closed while it sat idle (a
 * Lambda container frozen between invocations; an emulator's 5-second keep-alive) answers the
 * next request with ECONNRESET though the server never read it, and that reset is
 * indistinguishable from one mid-request: the mail would be shown as ambiguous for nothing.
 */
export const SES_CONNECTION_TIMEOUT_MS = 3_000;
export const SES_REQUEST_TIMEOUT_MS = 10_000;

/** `SES_REQUEST_TIMEOUT_MS` from the environment when it is a positive integer, else the default. */
function sesRequestTimeoutMs(): number {
  const configured = Number(process.env.SES_REQUEST_TIMEOUT_MS);
  return Number.isInteger(configured) && configured > 0 ? configured : SES_REQUEST_TIMEOUT_MS;
}

export function createSesClient(
  options: { endpoint?: string; connectionTimeoutMs?: number; requestTimeoutMs?: number } = {},
): SESv2Client {
  return new SESv2Client({
    region: region(),
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? SES_CONNECTION_TIMEOUT_MS,
      requestTimeout: options.requestTimeoutMs ?? sesRequestTimeoutMs(),
      throwOnRequestTimeout: true,
      httpAgent: { keepAlive: false },
      httpsAgent: { keepAlive: false },
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}

/** Sends again after SES's `TooManyRequestsException`, waiting 1, 2, 4 s, before the sweep takes over. */
export const SES_THROTTLE_RETRIES = 3;

export type SendResult =
  | { status: 'sent'; messageId: string; attempt: number }
  /** Sent before: nothing sent now. */
  | { status: 'duplicate'; messageId?: string }
  /**
   * Not sent; recorded. `permanent`: SES refused the message or the account (the address is
   * suppressed, the sender unverified, sending paused): no retry helps, the admin must act.
   * Otherwise the sweep retries with backoff, a few times.
   */
  | { status: 'failed'; error: string; attempt: number; permanent: boolean }
  /** Unknown whether it went out; recorded for the admin; never re-sent automatically. */
  | { status: 'ambiguous'; error?: string }
  /** Another invocation is sending it right now. */
  | { status: 'in-progress' };

export interface Mailer {
  send(identity: MailIdentity, mail: OutgoingMail): Promise<SendResult>;
  /** Sends a record its caller has claimed (the admin's re-send of an ambiguous mail), and marks it. */
  sendClaimed(record: OutboxRecord): Promise<SendResult>;
}

export interface SesMailerOptions {
  outbox: Outbox;
  /** Defaults to the container's client made by `createSesClient` (no SDK retries, request timeout). */
  ses?: SESv2Client;
  /** Defaults to env `MAIL_FROM` (an SES-verified identity). */
  from?: string;
  /** Defaults to env `SES_CONFIGURATION_SET` when set (open/click tracking stays off there). */
  configurationSet?: string;
  /** Defaults to a bucket of `SES_SEND_RATE_PER_SECOND` on the product's clock (functions/ports/send-pacer.ts). */
  pacer?: SendPacer;
}

/** SES's answers that no retry changes (@aws-sdk/client-sesv2 `SendEmail`'s errors). */
const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'AccessDeniedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
]);

/** Whether SES refused the send for good (the admin must act), rather than for now. */
export function isPermanentRefusal(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name !== undefined && PERMANENT_SES_ERRORS.has(name);
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether an SES call that threw may nevertheless have sent the email. A refusal (a 4xx: throttled,
 * rejected) means it was not; a refused or never-established connection means it was not; a 5xx
 * (SES failed while handling it), a timeout or a connection lost mid-request may have.
 */
export function mayHaveBeenSent(err: unknown): boolean {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  if (e.code && NOT_SENT_CODES.has(e.code)) return false;
  if (e.name === 'TimeoutError' && /did not establish a connection/.test(e.message ?? '')) return false;
  return e.name === 'TimeoutError' || e.code === 'ECONNRESET' || e.code === 'EPIPE' || e.code === 'ETIMEDOUT';
}

function describe(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string };
  return `${e.name ?? 'Error'}${e.code ? ` (${e.code})` : ''}: ${e.message ?? String(err)}`.slice(0, 1000);
}

export class SesMailer implements Mailer {
  private readonly outbox: Outbox;
  private readonly sesOverride: SESv2Client | undefined;
  private readonly from: string;
  private readonly configurationSet: string | undefined;
  readonly pacer: SendPacer;

  constructor(options: SesMailerOptions) {
    this.pacer = options.pacer ?? new SendPacer();
    this.outbox = options.outbox;
    this.sesOverride = options.ses;
    this.from = options.from ?? requireEnv('MAIL_FROM', 'the SES-verified sender address');
    this.configurationSet =
      options.configurationSet ?? (process.env.SES_CONFIGURATION_SET?.trim() || undefined);
  }

  async send(identity: MailIdentity, mail: OutgoingMail): Promise<SendResult> {
    const claim = await this.outbox.claim(identity, mail);
    switch (claim.outcome) {
      case 'duplicate':
        return {
          status: 'duplicate',
          ...(claim.record.messageId ? { messageId: claim.record.messageId } : {}),
        };
      case 'in-progress':
        return { status: 'in-progress' };
      case 'ambiguous':
        return { status: 'ambiguous', ...(claim.record.lastError ? { error: claim.record.lastError } : {}) };
      case 'claimed':
        break;
    }
    return this.sendClaimed(claim.record);
  }

  async sendClaimed(record: OutboxRecord): Promise<SendResult> {
    const { key, attempt } = record;
    crashPoint('mail.after-claim');
    let messageId: string;
    try {
      messageId = await this.sendPaced(record);
    } catch (err) {
      const error = describe(err);
      if (mayHaveBeenSent(err)) {
        await this.outbox.markAmbiguous(key, attempt, error);
        return { status: 'ambiguous', error };
      }
      const permanent = isPermanentRefusal(err);
      await this.outbox.markFailed(key, attempt, error, { permanent });
      return { status: 'failed', error, attempt, permanent };
    }
    crashPoint('mail.after-send');
    await this.outbox.markSent(key, attempt, messageId);
    return { status: 'sent', messageId, attempt };
  }

  /**
   * `SendEmail` once the pacer allows, sent again after a wait while SES answers that the
   * account's rate is exceeded (a refusal: nothing was sent), `SES_THROTTLE_RETRIES` times.
   */
  private async sendPaced(mail: OutgoingMail): Promise<string> {
    const ses = this.sesOverride ?? sharedClient('sesv2', () => createSesClient());
    for (let throttled = 0; ; throttled++) {
      await this.pacer.take();
      try {
        const out = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: this.from,
            Destination: { ToAddresses: [mail.to] },
            Content: {
              Simple: {
                Subject: { Data: mail.subject, Charset: 'UTF-8' },
                Body: {
                  Text: { Data: mail.text, Charset: 'UTF-8' },
                  Html: { Data: mail.html, Charset: 'UTF-8' },
                },
              },
            },
            ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
          }),
        );
        return out.MessageId ?? '';
      } catch (err) {
        if (
          (err as { name?: string }).name !== 'TooManyRequestsException' ||
          throttled >= SES_THROTTLE_RETRIES
        )
          throw err;
        await this.pacer.backOff(throttled + 1);
      }
    }
  }
}

/** The container's mailer: SES v2 from `MAIL_FROM`, over the district table's outbox. */
export const mailer = provide<Mailer>('mailer', () => new SesMailer({ outbox: outbox() }));
