/**
 * The write id of a page's form (docs/reliability.md): a nonce rendered in a hidden field, stored
 * by the claim the form's POST makes, so that the same POST again (a retry after a lost answer or
 * a crash) finds its own claim, finishes its follow-ups and answers as the first did.
 */
import { randomBytes } from 'node:crypto';

/** A fresh write id for one rendering of a form (128 bits, base64url). */
export function newWriteId(): string {
  return randomBytes(16).toString('base64url');
}

/** The write id a posted form carries, when well-formed. */
export function writeIdOf(form: URLSearchParams): string | undefined {
  const raw = form.get('writeId') ?? '';
  return /^[A-Za-z0-9_-]{16,64}$/.test(raw) ? raw : undefined;
}
