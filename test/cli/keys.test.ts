/**
 * `thidua keys init` as an operator runs it, against a small SSM Parameter Store stand-in (no SSM
 * emulator exists for this machine; test/helpers/json-service.ts speaks the SDK's JSON protocol):
 * a key made once, never overwritten without --rotate, rotation keeping the earlier keys (links
 * already mailed still verify), an earlier key retired, a Secrets Manager key moved with its ids.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentKey, type Keyring, parseKeyring, signLink, verifyLink } from '#ports/links';
import { type CliResult, tempDir, thiduaAgainst } from '../helpers/cli.ts';
import { awsError, type JsonService, startJsonService } from '../helpers/json-service.ts';

const NAME = '/thidua/demo/signing-key';
const MOVED = { current: 'k3', keys: { k2: 'b'.repeat(43), k3: 'c'.repeat(43) } };
const SECRET_ARN = 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:Thidua-demo-SigningKey-AbCdEf';

let parameters: Map<string, { Value: string; Type: string; KeyId: string }>;
let ssm: JsonService;
let secrets: JsonService;
const dir = tempDir('thidua-keys-');

beforeAll(async () => {
  ssm = await startJsonService({
    GetParameter: (input) => {
      const p = parameters.get(String(input.Name));
      if (!p) return awsError('ParameterNotFound', `Parameter ${String(input.Name)} not found.`);
      // A SecureString read without decryption would be ciphertext: the command must ask for it.
      const value = p.Type === 'SecureString' && input.WithDecryption !== true ? 'AQICAH…' : p.Value;
      return { body: { Parameter: { Name: input.Name, Type: p.Type, Value: value, Version: 1 } } };
    },
    PutParameter: (input) => {
      const name = String(input.Name);
      if (parameters.has(name) && input.Overwrite !== true) {
        return awsError('ParameterAlreadyExists', 'The parameter already exists.');
      }
      parameters.set(name, {
        Value: String(input.Value),
        Type: String(input.Type),
        KeyId: String(input.KeyId),
      });
      return { body: { Version: 1, Tier: input.Tier } };
    },
  });
  secrets = await startJsonService({
    GetSecretValue: (input) =>
      input.SecretId === SECRET_ARN
        ? { body: { ARN: SECRET_ARN, SecretString: JSON.stringify(MOVED) } }
        : awsError('ResourceNotFoundException', 'Secrets Manager can’t find the specified secret.'),
  });
});
afterAll(async () => {
  await ssm.close();
  await secrets.close();
});
beforeEach(() => {
  parameters = new Map();
});

const keys = (...args: string[]): Promise<CliResult> =>
  thiduaAgainst(
    { AWS_ENDPOINT_URL_SSM: ssm.endpoint, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint },
    dir,
    'keys',
    'init',
    ...args,
  );

function stored(): Keyring {
  const p = parameters.get(NAME);
  expect(p).toBeDefined();
  return parseKeyring(p?.Value ?? '', NAME);
}

describe('thidua keys init', () => {
  it('creates one SecureString with aws/ssm named from the district, and never prints the key', async () => {
    const made = await keys('--district', 'districts/demo.yaml');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('Đã tạo khoá ký k1');
    expect(made.stdout).toContain(NAME);
    expect(parameters.get(NAME)).toMatchObject({ Type: 'SecureString', KeyId: 'alias/aws/ssm' });
    const ring = stored();
    expect(ring.current).toBe('k1');
    const secret = ring.keys.get('k1')?.toString() ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    expect(made.stdout + made.stderr).not.toContain(secret);
  }, 60_000);

  it('refuses to overwrite an existing key without --rotate, and changes nothing', async () => {
    expect((await keys('--district', 'demo')).code).toBe(0);
    const before = parameters.get(NAME)?.Value;
    const again = await keys('--district', 'demo');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('không ghi đè');
    expect(again.stderr).toContain('--rotate');
    expect(parameters.get(NAME)?.Value).toBe(before);
  }, 60_000);

  it('rotates: new links are signed with k2, links signed with k1 still verify; then k1 is retired', async () => {
    expect((await keys('--district', 'demo')).code).toBe(0);
    const first = stored();
    const expiresAt = new Date('2030-01-01T00:00:00Z');
    const now = new Date('2029-06-01T00:00:00Z');
    const mailed = signLink(
      { approvalId: 'AAAAAAAAAAAAAAAAAAAAAA', action: 'appraise', expiresAt },
      currentKey(first),
    );

    const rotated = await keys('--district', 'demo', '--rotate');
    expect(rotated.code, rotated.stderr).toBe(0);
    const second = stored();
    expect(second.current).toBe('k2');
    expect(second.keys.get('k1')).toEqual(first.keys.get('k1'));
    expect(verifyLink(mailed.params, second, now)).toMatchObject({ ok: true, keyId: 'k1' });

    expect((await keys('--district', 'demo', '--retire', 'k2')).code).toBe(1); // the current key
    const retired = await keys('--district', 'demo', '--retire', 'k1');
    expect(retired.code, retired.stderr).toBe(0);
    expect([...stored().keys.keys()]).toEqual(['k2']);
    expect(verifyLink(mailed.params, stored(), now)).toMatchObject({ ok: false, reason: 'unknown-key' });
  }, 60_000);

  it('moves the key of a Secrets Manager secret with its key ids, only into an empty parameter', async () => {
    const moved = await keys('--district', 'demo', '--from-secret', SECRET_ARN);
    expect(moved.code, moved.stderr).toBe(0);
    const ring = stored();
    expect(ring.current).toBe('k3');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k3']);
    const again = await keys('--district', 'demo', '--from-secret', SECRET_ARN);
    expect(again.code).toBe(1);
  }, 60_000);

  it('refuses a command line it cannot run, before calling AWS', async () => {
    const calls = ssm.calls.length;
    expect((await keys('--district', 'Xã Hưng Lộc')).code).toBe(2);
    expect((await keys()).code).toBe(2);
    expect((await keys('--district', 'demo', '--from-secret', 'not-an-arn')).code).toBe(2);
    expect((await thiduaAgainst({}, dir, 'keys', 'make', '--district', 'demo')).code).toBe(2);
    expect(ssm.calls.length).toBe(calls);
  }, 60_000);
});
