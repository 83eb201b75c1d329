/**
 * The district table's keys and stored documents, without AWS (docs/store.md): key builders, the
 * JSON codec of documents (the domain's exact JSON, domain/json.ts), content hashes and ids. Pure,
 * so what is stored can be checked before the SDK is loaded (`thidua launch --dry-run`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { parseExactJson, toExactJson } from '#domain/json';
import { ItemTooLargeError } from '../errors.ts';

export type Item = Record<string, unknown>;
export interface Key {
  pk: string;
  sk: string;
}

/**
 * The storage layout this code reads and writes, kept in the campaign header. Layout 1 was the
 * single `Store` (one campaign item with every unit, counter sets, one results item per version).
 */
export const LAYOUT_VERSION = 2;

// ---------------------------------------------------------------- keys

const KEY_PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** A key component: an ASCII slug without the `#` separator (a clear error otherwise). */
export function part(field: string, value: string | undefined): string {
  if (value === undefined || !KEY_PART.test(value)) {
    throw new Error(
      `${field} must be an ASCII slug (letters, digits, . _ : -), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** A number as a fixed-width key component, so keys sort as the numbers do. */
export function pad(n: number, width: number, field: string): string {
  if (!Number.isSafeInteger(n) || n < 0 || String(n).length > width) {
    throw new Error(`${field} must be an integer between 0 and ${10 ** width - 1}, got ${n}`);
  }
  return String(n).padStart(width, '0');
}

export const unitPk = (unitId: string) => `UNIT#${part('unitId', unitId)}`;
export const periodPk = (periodId: string) => `PERIOD#${part('periodId', periodId)}`;
/** The sort-key prefix of everything a unit has for one period. */
export const unitPeriodPrefix = (periodId: string) => `P#${part('periodId', periodId)}#`;
export const awardPk = (cycleId: string) => `AWARD#${part('cycleId', cycleId)}`;

/** Approval ids are random base64url (may start with - or _). */
export const APPROVAL_ID = /^[A-Za-z0-9_-]{16,64}$/;

// ---------------------------------------------------------------- documents

/** The largest document stored in one item (DynamoDB's limit is 400 KB for the whole item). */
export const MAX_DOC_BYTES = 350_000;

/** JSON with bigint kept exact (domain fractions use bigint): the domain's one codec (domain/json.ts). */
export function toDoc(value: unknown, what: string): string {
  const doc = toExactJson(value);
  const bytes = Buffer.byteLength(doc);
  if (bytes > MAX_DOC_BYTES) {
    throw new ItemTooLargeError(`${what} is too large to store (${bytes} bytes, at most ${MAX_DOC_BYTES})`, {
      bytes,
      limit: MAX_DOC_BYTES,
    });
  }
  return doc;
}

/** The value `toDoc` wrote; the caller names what it stored there (the table holds JSON text). */
export function fromDoc<T>(doc: unknown): T {
  return parseExactJson(String(doc)) as T;
}

/**
 * Text above this many bytes is stored deflated. DynamoDB bills every write of an item, and of each
 * index copy, by the item's size, per KB: a report (~5 KB of JSON) deflates to ~0.7 KB, a letter's
 * text and HTML (~5 KB) to ~1.6 KB, and the local runtime's in-memory table shrinks with them.
 */
const PACK_ABOVE_BYTES = 1024;

/**
 * A text as one item stores it: under `name` as it is when small, else deflated under `<name>z`
 * (binary). Every reader goes through `unpacked`, which reads either, so items written before
 * packing read as before.
 */
export function packed(name: string, text: string): Item {
  return Buffer.byteLength(text) > PACK_ABOVE_BYTES
    ? { [`${name}z`]: new Uint8Array(deflateRawSync(text)) }
    : { [name]: text };
}

/** The text `packed(name, …)` stored in `item` (either form). */
export function unpacked(item: Item, name: string): string {
  const deflated = item[`${name}z`];
  if (deflated instanceof Uint8Array) return inflateRawSync(deflated).toString('utf8');
  return String(item[name]);
}

/** The stored form of `name` copied from one item to another, packed or not (no inflate). */
export function packedFrom(item: Item, name: string): Item {
  return item[`${name}z`] !== undefined ? { [`${name}z`]: item[`${name}z`] } : { [name]: item[name] };
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** An opaque 128-bit id, base64url (22 characters). */
export const newId = () => randomBytes(16).toString('base64url');

/** Names for every attribute used in an expression (many are DynamoDB reserved words). */
export function names(...attrs: string[]): Record<string, string> {
  return Object.fromEntries(attrs.map((a) => [`#${a}`, a]));
}

export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}
