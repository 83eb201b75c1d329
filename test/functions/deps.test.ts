/** The container of every handler: keyring sources, signed approval links, state machine ARNs; and the step middleware's errors. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '#domain/config';
import { keyringFromEnv, keyringFromSecret, resetDeps, setDeps } from '#ports/deps';
import { generateKeyring, verifyLink } from '#ports/links';
import { ConflictError, NotFoundError } from '#ports/store';
import { STEP_ERRORS, stableError, stepHandler } from '#steps/middleware';
import { type JsonService, startJsonService } from '../helpers/json-service.ts';
import { captureOutput, lambdaContext } from './harness.ts';

const SECRET = `${'Ab3'.repeat(21)}x`; // 64 letters and digits, as the stack generates

describe('the signing keyring', () => {
  it("reads the stack's Secrets Manager form and the rotation form", () => {
    const single = keyringFromSecret(JSON.stringify({ keyId: 'k1', secret: SECRET }), 'test');
    expect(single.current).toBe('k1');
    expect(single.keys.get('k1')?.length).toBe(64);
    const rotated = keyringFromSecret(
      JSON.stringify({ current: 'k2', keys: { k1: 'a'.repeat(43), k2: 'b'.repeat(43) } }),
      'test',
    );
    expect([...rotated.keys.keys()]).toEqual(['k1', 'k2']);
    expect(() => keyringFromSecret(JSON.stringify({ keyId: 'k1', secret: 'short' }), 'test')).toThrow(
      /32 bytes/,
    );
    expect(() => keyringFromSecret('nope', 'test')).toThrow(/not JSON/);
  });

  describe('from SIGNING_KEY_SECRET_ARN', () => {
    let sm: JsonService;
    const saved = { ...process.env };
    beforeAll(async () => {
      sm = await startJsonService({
        GetSecretValue: () => ({ body: { SecretString: JSON.stringify({ keyId: 'k9', secret: SECRET }) } }),
      });
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
      });
      resetDeps();
    });
    afterAll(async () => {
      process.env = saved;
      resetDeps();
      await sm.close();
    });

    it('fetches the secret once and caches it', async () => {
      const env = { SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:ap-southeast-1:1:secret:k' };
      expect((await keyringFromEnv(env)).current).toBe('k9');
      expect((await keyringFromEnv(env)).current).toBe('k9');
      expect(sm.calls.map((c) => c.operation)).toEqual(['GetSecretValue']);
    });

    it('says which variables to set when none is', async () => {
      await expect(keyringFromEnv({})).rejects.toThrow(
        /SIGNING_KEY_SECRET_ARN.*SIGNING_KEY_PARAM.*SIGNING_KEY_FILE/,
      );
    });
  });
});

describe('links and ARNs', () => {
  afterEach(() => resetDeps());

  it("signs an approval's link for its page, with its kind as action and its own expiry", async () => {
    const keyring = generateKeyring('k1');
    const deps = setDeps({ keyring, baseUrl: 'https://thidua.test/' });
    const approval = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      kind: 'appraise' as const,
      expiresAt: '2022-11-05T10:00:00.000Z',
    };
    const url = new URL(await deps.approvalUrl(approval));
    expect(`${url.origin}${url.pathname}`).toBe('https://thidua.test/d');
    expect(verifyLink(url.searchParams, keyring, new Date('2022-10-12T00:00:00Z'))).toMatchObject({
      ok: true,
      approvalId: approval.id,
      action: 'appraise',
      expiresAt: new Date(approval.expiresAt),
    });
    expect(await deps.approvalUrl(approval)).toBe(url.href);
    expect(new URL(await deps.approvalUrl({ ...approval, kind: 'report' })).pathname).toBe('/r');
  });

  it('finds state machine ARNs in their own variable or the JSON map, and names what is missing', () => {
    const saved = { ...process.env };
    try {
      process.env.REVIEW_STATE_MACHINE_ARN = 'arn:review';
      process.env.STATE_MACHINE_ARNS = JSON.stringify({ scoring: 'arn:scoring' });
      const deps = setDeps({});
      expect(deps.stateMachineArn('review')).toBe('arn:review');
      expect(deps.stateMachineArn('scoring')).toBe('arn:scoring');
      expect(() => deps.stateMachineArn('period')).toThrow(/PERIOD_STATE_MACHINE_ARN or STATE_MACHINE_ARNS/);
    } finally {
      process.env = saved;
    }
  });

  it('refuses a BASE_URL that is not an http(s) URL', () => {
    expect(() => setDeps({ baseUrl: 'thidua.test' }).baseUrl()).toThrow(/BASE_URL/);
  });
});

describe('the step middleware', () => {
  it('gives every error a stable name and scrubs token-like text from its message', () => {
    const token = 'T'.repeat(120);
    expect(stableError(new ConflictError('status', 'x')).name).toBe(STEP_ERRORS.conflict);
    expect(stableError(new NotFoundError('unit', 'u')).name).toBe(STEP_ERRORS.notFound);
    expect(stableError(new ConfigError([])).name).toBe(STEP_ERRORS.invalidConfig);
    const aws = Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: {} });
    expect(stableError(aws).name).toBe('ThrottlingException');
    const plain = stableError(new TypeError(`bad ${token}`));
    expect(plain.name).toBe(STEP_ERRORS.failed);
    expect(plain.message).toMatch(/^TypeError: bad /);
    expect(plain.message).not.toContain(token);
    expect(plain.stack).not.toContain(token);
  });

  it('passes the parsed input, and logs a failure without the event', async () => {
    const token = `LTT1${'q'.repeat(64)}`;
    const seen: unknown[] = [];
    const handler = stepHandler(
      { name: 'probe', input: z.object({ unitId: z.string(), taskToken: z.string(), n: z.coerce.number() }) },
      async (input) => {
        seen.push(input);
        throw new Error('it broke');
      },
    );
    const { result, output } = await captureOutput(() =>
      handler({ unitId: 'xa-a', taskToken: token, n: '3', extra: 1 }, lambdaContext).catch((e: Error) => e),
    );
    expect(seen).toEqual([{ unitId: 'xa-a', taskToken: token, n: 3 }]);
    expect((result as Error).name).toBe(STEP_ERRORS.failed);
    expect(output).toContain('"step":"probe"');
    expect(output).toContain('"unitId":"xa-a"');
    expect(output).toContain('it broke');
    expect(output).not.toContain(token);
  });
});
