/**
 * The mail preamble of every step that writes to someone: the outbox identity of the message
 * (DESIGN.md: step, recipient, the unit or candidate it concerns, period, round), addressed to the
 * person the identity names, sent through the mailer. A send that fails or may have gone is
 * recorded in the outbox and lands under the admin's *Cần chú ý* (the sweep re-sends `failed`
 * mail; `ambiguous` mail waits for the admin's re-send), so the step goes on; mail that cannot be
 * recorded at all fails the step, which the workflow retries (docs/reliability.md).
 */
import type { Email } from '#mail/letter';
import type { Logger } from '#ports/log';
import { mailer, type SendResult } from '#ports/mailer';
import { type MailAbout, type MailIdentity, mailIdentity } from '#ports/outbox';

export { type MailAbout, mailIdentity };

export type MailOutcome = SendResult['status'];

/** Sends through the outbox; throws only when the outbox cannot record the mail (nothing was sent). */
export async function sendMail(
  log: Logger,
  identity: MailIdentity,
  mail: Email & { to: string },
): Promise<MailOutcome> {
  const result = await mailer().send(identity, mail);
  if (result.status === 'failed' || result.status === 'ambiguous') {
    log.warn('mail not sent; the outbox keeps it for the admin', {
      mailStep: identity.step,
      status: result.status,
    });
  }
  return result.status;
}

/** One letter to one person, once per (step, address, about). */
export function mailTo(
  log: Logger,
  to: { email: string },
  step: string,
  about: MailAbout,
  email: Email,
): Promise<MailOutcome> {
  return sendMail(log, mailIdentity(step, to.email, about), { to: to.email, ...email });
}

/** The same letter, written for each person, to each of them (e.g. every admin). */
export async function mailEach<P extends { email: string }>(
  log: Logger,
  people: readonly P[],
  step: string,
  about: MailAbout,
  write: (person: P) => Email,
): Promise<MailOutcome[]> {
  const outcomes: MailOutcome[] = [];
  for (const person of people) outcomes.push(await mailTo(log, person, step, about, write(person)));
  return outcomes;
}
