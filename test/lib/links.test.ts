/**
 * Signed links: a valid link verifies; any change to it, an unknown key or an old expiry is
 * refused with the right status; a rotated-out key still verifies links already mailed.
 * Keys come from a generated local file or a Secrets Manager secret, never from code.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { EnvKeyring } from '#ports/keyring';
import { currentKey, type Keyring, serializeKeyring, signLink, verifyLink } from '#ports/links';
import { awsError, startJsonService } from '../helpers/json-service.ts';

const k1 = Buffer.from(randomBytes(32).toString('base64url'));
const k2 = Buffer.from(randomBytes(32).toString('base64url'));
const keyring: Keyring = { current: 'k1', keys: new Map([['k1', k1]]) };
// 16 bytes in canonical base64url: the last character's four unused bits are zero.
const approvalId = 'AbCdEfGhIjKlMnOpQrStUg';
const expiresAt = new Date('2024-12-31T17:00:00Z');
const before = new Date('2024-10-01T00:00:00Z');
const credentials = { accessKeyId: 't', secretAccessKey: 't' };

function sign(ring: Keyring = keyring) {
  return signLink({ approvalId, action: 'appraise', expiresAt }, currentKey(ring));
}

describe('signLink / verifyLink', () => {
  it('verifies a valid link read back from its query string', () => {
    const link = sign();
    expect(link.query).toMatch(/^k=k1&id=AbCdEfGhIjKlMnOpQrStUg&a=appraise&e=\d+&s=[A-Za-z0-9_-]{43}$/);
    const check = verifyLink(new URLSearchParams(link.query), keyring, before);
    expect(check).toEqual({ ok: true, approvalId, action: 'appraise', expiresAt, keyId: 'k1' });
  });

  it('refuses a tampered action, id, expiry or signature with 403', () => {
    const { params } = sign();
    const tampered = [
      { ...params, a: 'explain' },
      { ...params, id: 'AbCdEfGhIjKlMnOpQrStUw' },
      { ...params, e: String(Number(params.e) + 86_400) },
      { ...params, s: `${params.s[0] === 'A' ? 'B' : 'A'}${params.s.slice(1)}` },
      {
        ...params,
        s: signLink(
          { approvalId, action: 'appraise', expiresAt },
          { id: 'k1', secret: Buffer.from(randomBytes(32).toString('base64url')) },
        ).params.s,
      },
    ];
    for (const p of tampered) {
      expect(verifyLink(p, keyring, before)).toEqual({ ok: false, status: 403, reason: 'bad-signature' });
    }
  });

  it('refuses an unknown key id and a malformed link with 403', () => {
    const { params } = sign();
    expect(verifyLink({ ...params, k: 'k9' }, keyring, before)).toMatchObject({
      status: 403,
      reason: 'unknown-key',
    });
    expect(verifyLink({ ...params, s: undefined }, keyring, before)).toMatchObject({
      status: 403,
      reason: 'malformed',
    });
    expect(verifyLink({ ...params, id: '../../etc' }, keyring, before)).toMatchObject({ status: 403 });
    const doubled = new URLSearchParams(sign().query);
    doubled.append('a', 'explain');
    expect(verifyLink(doubled, keyring, before)).toMatchObject({ status: 403, reason: 'malformed' });
  });

  it('accepts the signature and the id only in their canonical base64url spelling', () => {
    // A link whose signature has a - or _, so that the standard alphabet spells it differently.
    let params = sign().params;
    for (let day = 1; !/[-_]/.test(params.s); day++) {
      params = signLink(
        { approvalId, action: 'appraise', expiresAt: expiresAt.getTime() + day * 86_400_000 },
        currentKey(keyring),
      ).params;
    }
    expect(verifyLink(params, keyring, before)).toMatchObject({ ok: true });
    const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Every other last character that decodes to the same bytes (only the unused low bits differ).
    const sameBytes = (text: string): string[] =>
      [...B64URL]
        .map((c) => `${text.slice(0, -1)}${c}`)
        .filter((t) => t !== text && Buffer.from(t, 'base64url').equals(Buffer.from(text, 'base64url')));
    const signatures = sameBytes(params.s);
    const ids = sameBytes(params.id);
    expect(signatures).toHaveLength(3);
    expect(ids).toHaveLength(15);
    const standardAlphabet = params.s.replaceAll('-', '+').replaceAll('_', '/');
    expect(Buffer.from(standardAlphabet, 'base64').equals(Buffer.from(params.s, 'base64url'))).toBe(true);
    // An id is refused by its spelling before its signature is even computed.
    for (const id of ids) {
      expect(verifyLink({ ...params, id }, keyring, before)).toMatchObject({
        status: 403,
        reason: 'malformed',
      });
    }
    const refused = [
      ...signatures.map((s) => ({ ...params, s })),
      { ...params, s: standardAlphabet },
      { ...params, s: `${params.s}=` },
      { ...params, s: ` ${params.s}` },
      { ...params, s: `${params.s}\n` },
      { ...params, s: `${params.s.slice(0, 20)} ${params.s.slice(20)}` },
      { ...params, id: `${params.id}==` },
      { ...params, id: `${params.id} ` },
    ];
    for (const p of refused) {
      expect(verifyLink(p, keyring, before), JSON.stringify(p)).toMatchObject({ ok: false, status: 403 });
    }
    expect(() =>
      signLink({ approvalId: ids[0] as string, action: 'appraise', expiresAt }, currentKey(keyring)),
    ).toThrow(/canonical/);
  });

  it('refuses an expired link with 410, but a tampered expired one with 403', () => {
    const { params } = sign();
    expect(verifyLink(params, keyring, expiresAt)).toEqual({ ok: false, status: 410, reason: 'expired' });
    expect(verifyLink({ ...params, a: 'explain' }, keyring, expiresAt)).toMatchObject({ status: 403 });
  });

  it('after rotation, links signed with the old key still verify until it is removed', () => {
    const old = sign();
    const rotated: Keyring = {
      current: 'k2',
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
    };
    expect(verifyLink(old.params, rotated, before)).toMatchObject({ ok: true, keyId: 'k1' });
    const fresh = sign(rotated);
    expect(fresh.params.k).toBe('k2');
    expect(verifyLink(fresh.params, rotated, before)).toMatchObject({ ok: true, keyId: 'k2' });
    const retired: Keyring = { current: 'k2', keys: new Map([['k2', k2]]) };
    expect(verifyLink(old.params, retired, before)).toMatchObject({ status: 403, reason: 'unknown-key' });
  });
});

describe('the keyring from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a private local key file on first use and reads the same key after', async () => {
    const file = join(dir, 'nested', 'signing-key.json');
    const env = { SIGNING_KEY_FILE: file };
    const first = await new EnvKeyring(env).load();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.keys.get(first.current)?.toString()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await new EnvKeyring(env).load();
    expect(serializeKeyring(again)).toBe(readFileSync(file, 'utf8'));
    expect(again.keys.get(again.current)).toEqual(first.keys.get(first.current));
  });

  it('reads the SSM SecureString that `thidua keys init` made, with decryption, keeping every key id', async () => {
    const stored = serializeKeyring({
      current: 'k2',
      keys: new Map([
        ['k1', k1],
        ['k2', k2],
      ]),
    });
    const ssm = await startJsonService({
      GetParameter: (input) => ({
        body: { Parameter: { Name: input.Name, Type: 'SecureString', Value: stored, Version: 2 } },
      }),
    });
    try {
      const client = new SSMClient({ endpoint: ssm.endpoint, region: 'ap-southeast-1', credentials });
      const ring = await new EnvKeyring(
        { SIGNING_KEY_PARAMETER: '/thidua/demo/signing-key' },
        { ssm: client },
      ).load();
      expect(ring.current).toBe('k2');
      expect(ring.keys.get('k1')).toEqual(k1);
      expect(ssm.calls[0]?.input).toEqual({ Name: '/thidua/demo/signing-key', WithDecryption: true });
      const link = signLink({ approvalId, action: 'vote', expiresAt }, currentKey(ring));
      expect(verifyLink(link.params, ring, before)).toMatchObject({ ok: true, action: 'vote', keyId: 'k2' });
    } finally {
      await ssm.close();
    }
  });

  it('says to run `thidua keys init` when the parameter does not exist', async () => {
    const ssm = await startJsonService({
      GetParameter: () => awsError('ParameterNotFound', 'Parameter /thidua/demo/signing-key not found.'),
    });
    try {
      const client = new SSMClient({ endpoint: ssm.endpoint, region: 'ap-southeast-1', credentials });
      await expect(
        new EnvKeyring({ SIGNING_KEY_PARAMETER: '/thidua/demo/signing-key' }, { ssm: client }).load(),
      ).rejects.toThrow(/thidua keys init/);
    } finally {
      await ssm.close();
    }
  });

  it('names the settings when no key is configured, and refuses a weak key', async () => {
    await expect(new EnvKeyring({}).load()).rejects.toThrow(/SIGNING_KEY_PARAMETER.*SIGNING_KEY_FILE/);
    const weak = join(dir, 'weak.json');
    (await import('node:fs')).writeFileSync(weak, JSON.stringify({ current: 'k1', keys: { k1: 'short' } }));
    await expect(new EnvKeyring({ SIGNING_KEY_FILE: weak }).load()).rejects.toThrow(/at least 32/);
  });
});
