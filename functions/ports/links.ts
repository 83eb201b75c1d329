/**
 * Signed links (DESIGN.md, "Approval by email link"): the link carries a key id, the opaque
 * approval id, the action, the expiry and an HMAC-SHA256 signature; the task token never leaves
 * DynamoDB. Keys come from configuration only (an SSM SecureString in the cloud, a generated local
 * file for local runs: functions/ports/keyring.ts), and a keyring holds several key ids so keys
 * rotate without breaking links already in people's mailboxes.
 *
 * Query parameters: `k` key id, `id` approval id, `a` action, `e` expiry (epoch seconds),
 * `s` signature (base64url). The MAC covers length-prefixed (key id, id, action, expiry).
 *
 * The id and the signature are accepted only in the one spelling `Buffer#toString('base64url')`
 * writes: no padding, no `+`/`/`, no whitespace, and the unused low bits of the last character
 * zero. A decoder ignores those bits, so without this a signature would have four accepted
 * spellings (an id sixteen) and a link could be altered without being refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SigningKey {
  id: string;
  secret: Buffer;
}

export interface Keyring {
  /** Key id new links are signed with. */
  current: string;
  /** Every key id whose links still verify (the current one and those being rotated out). */
  keys: ReadonlyMap<string, Buffer>;
}

export interface LinkParams {
  k: string;
  id: string;
  a: string;
  e: string;
  s: string;
}

export interface SignedLink {
  params: LinkParams;
  /** `k=…&id=…&a=…&e=…&s=…`, to append to a page's path after `?`. */
  query: string;
}

export type LinkCheck =
  | { ok: true; approvalId: string; action: string; expiresAt: Date; keyId: string }
  /** 403: malformed, unknown key or bad signature (forged or tampered); 410: expired. */
  | { ok: false; status: 403 | 410; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'expired' };

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const APPROVAL_ID = /^[A-Za-z0-9_-]{16,64}$/;
const ACTION = /^[a-z][a-z0-9-]{0,31}$/;
const EXPIRY = /^[0-9]{1,12}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url without padding
const MIN_SECRET_CHARS = 32;

/** True when `text` is exactly what encoding its own decoded bytes gives back. */
function isCanonicalBase64url(text: string): boolean {
  return Buffer.from(text, 'base64url').toString('base64url') === text;
}

function mac(secret: Buffer, keyId: string, id: string, action: string, expiry: string): Buffer {
  const h = createHmac('sha256', secret);
  h.update('thidua-link-v1');
  for (const field of [keyId, id, action, expiry]) h.update(`\n${Buffer.byteLength(field)}:${field}`);
  return h.digest();
}

function expirySeconds(expiresAt: Date | string | number): number {
  const ms =
    expiresAt instanceof Date
      ? expiresAt.getTime()
      : typeof expiresAt === 'number'
        ? expiresAt
        : Date.parse(expiresAt);
  if (!Number.isFinite(ms)) throw new Error(`Link expiry is not an instant: ${String(expiresAt)}`);
  return Math.floor(ms / 1000);
}

export function signLink(
  link: { approvalId: string; action: string; expiresAt: Date | string | number },
  key: SigningKey,
): SignedLink {
  if (!KEY_ID.test(key.id))
    throw new Error(`Signing key id ${JSON.stringify(key.id)} is not [A-Za-z0-9_-]{1,32}`);
  if (!APPROVAL_ID.test(link.approvalId) || !isCanonicalBase64url(link.approvalId))
    throw new Error('Approval id is not an opaque id in canonical base64url');
  if (!ACTION.test(link.action))
    throw new Error(`Link action ${JSON.stringify(link.action)} is not a lower-case slug`);
  const e = String(expirySeconds(link.expiresAt));
  const s = mac(key.secret, key.id, link.approvalId, link.action, e).toString('base64url');
  const params: LinkParams = { k: key.id, id: link.approvalId, a: link.action, e, s };
  return { params, query: new URLSearchParams({ ...params }).toString() };
}

/** The key new links are signed with. */
export function currentKey(keyring: Keyring): SigningKey {
  const secret = keyring.keys.get(keyring.current);
  if (!secret) throw new Error(`Keyring has no secret for its current key id ${keyring.current}`);
  return { id: keyring.current, secret };
}

/**
 * Checks a link's parameters (from the query string or a form). The signature is checked before
 * the expiry, so a tampered expired link is 403, and before any database read.
 */
export function verifyLink(
  params: URLSearchParams | { readonly [K in keyof LinkParams]?: string | string[] | undefined },
  keyring: Keyring,
  now: Date,
): LinkCheck {
  const get = (name: keyof LinkParams): string | undefined => {
    const v =
      params instanceof URLSearchParams
        ? params.getAll(name).length === 1
          ? params.get(name)
          : undefined
        : params[name];
    return typeof v === 'string' ? v : undefined;
  };
  const k = get('k');
  const id = get('id');
  const a = get('a');
  const e = get('e');
  const s = get('s');
  if (
    !k ||
    !id ||
    !a ||
    !e ||
    !s ||
    !KEY_ID.test(k) ||
    !APPROVAL_ID.test(id) ||
    !ACTION.test(a) ||
    !EXPIRY.test(e) ||
    !SIGNATURE.test(s) ||
    !isCanonicalBase64url(id)
  ) {
    return { ok: false, status: 403, reason: 'malformed' };
  }
  const secret = keyring.keys.get(k);
  if (!secret) return { ok: false, status: 403, reason: 'unknown-key' };
  // The canonical spelling is compared, not the decoded bytes (see the top of this file).
  const expected = Buffer.from(mac(secret, k, id, a, e).toString('base64url'), 'latin1');
  const given = Buffer.from(s, 'latin1');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, status: 403, reason: 'bad-signature' };
  }
  const expiresAt = new Date(Number(e) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, status: 410, reason: 'expired' };
  return { ok: true, approvalId: id, action: a, expiresAt, keyId: k };
}

// ---------------------------------------------------------------- key source

/**
 * Stored forms (the SSM parameter, a local file, or the Secrets Manager secret earlier stacks
 * generated, which `thidua keys init --from-secret` moves), secrets as strings of at least 32
 * characters whose UTF-8 bytes are the HMAC key:
 * - one key: `{"keyId":"k1","secret":"<64 random characters>"}`;
 * - a keyring, as `thidua keys init` writes it: `{"current":"k2","keys":{"k1":"<secret>","k2":"<secret>"}}`.
 */
export function parseKeyring(json: string, source: string): Keyring {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(`Signing key in ${source} is not JSON`);
  }
  const r = raw as { current?: unknown; keys?: unknown; keyId?: unknown; secret?: unknown };
  let current: unknown = r.current;
  let entries: [string, unknown][];
  if (typeof r.keyId === 'string' && r.secret !== undefined) {
    current = r.keyId;
    entries = [[r.keyId, r.secret]];
  } else if (typeof r.current === 'string' && typeof r.keys === 'object' && r.keys !== null) {
    entries = Object.entries(r.keys);
  } else {
    throw new Error(
      `Signing key in ${source} must be {"keyId": "<id>", "secret": "<secret>"} or {"current": "<id>", "keys": {"<id>": "<secret>"}}`,
    );
  }
  const keys = new Map<string, Buffer>();
  for (const [id, value] of entries) {
    if (!KEY_ID.test(id))
      throw new Error(`Signing key in ${source}: key id ${JSON.stringify(id)} is not [A-Za-z0-9_-]{1,32}`);
    if (typeof value !== 'string' || value.length < MIN_SECRET_CHARS) {
      throw new Error(
        `Signing key in ${source}: the secret of ${id} must be a random string of at least ${MIN_SECRET_CHARS} characters`,
      );
    }
    keys.set(id, Buffer.from(value, 'utf8'));
  }
  if (typeof current !== 'string' || !keys.has(current)) {
    throw new Error(`Signing key in ${source}: current key ${String(current)} is not among its keys`);
  }
  return { current, keys };
}

export function serializeKeyring(keyring: Keyring): string {
  const keys = Object.fromEntries([...keyring.keys].map(([id, secret]) => [id, secret.toString('utf8')]));
  return `${JSON.stringify({ current: keyring.current, keys }, null, 2)}\n`;
}

/** A new keyring with one key of 32 random bytes (written as 43 base64url characters). */
export function generateKeyring(keyId = 'k1'): Keyring {
  return {
    current: keyId,
    keys: new Map([[keyId, Buffer.from(randomBytes(32).toString('base64url'), 'utf8')]]),
  };
}

/** Reads the local key file, creating it (mode 0600) with a fresh random key if missing. */
export function readOrCreateKeyFile(path: string): Keyring {
  try {
    return parseKeyring(readFileSync(path, 'utf8'), path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, serializeKeyring(generateKeyring()), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
  }
  return parseKeyring(readFileSync(path, 'utf8'), path);
}
