/** What every handler reaches through the registry: the keyring, signed approval links, state machine ARNs; and the step middleware's errors. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '#domain/config';
import { ConflictError, NotFoundError, SchemaMismatchError } from '#ports/errors';
import { EnvKeyring, keyring as keyringPort } from '#ports/keyring';
import { generateKeyring, parseKeyring, verifyLink } from '#ports/links';
import { replacePort, resetPorts } from '#ports/registry';
import { baseUrl, stateMachineArn } from '#ports/settings';
import { approvalUrl } from '#ports/signing';
import { STEP_ERRORS, stableError, stepHandler } from '#steps/middleware';
import { type JsonService, startJsonService } from '../helpers/json-service.ts';
import { captureOutput, lambdaContext } from './harness.ts';

const SECRET = `${'Ab3'.repeat(21)}x`; // 64 letters and digits

describe('the signing keyring', () => {
  it('reads the one-key form and the rotation form', () => {
    const single = parseKeyring(JSON.stringify({ keyId: 'k1', secret: SECRET }), 'test');
    expect(single.current).toBe('k1');
    expect(single.keys.get('k1')?.length).toBe(64);
    const rotated = parseKeyring(
      JSON.stringify({ current: 'k2', keys: { k1: 'a'.repeat(43), k2: 'b'.repeat(43) } }),
      'test',
    );
    expect([...rotated.keys.keys()]).toEqual(['k1', 'k2']);
    expect(() => parseKeyring(JSON.stringify({ keyId: 'k1', secret: 'short' }), 'test')).toThrow(
      /at least 32/,
    );
    expect(() => parseKeyring('nope', 'test')).toThrow(/not JSON/);
  });

  describe('from SIGNING_KEY_PARAMETER', () => {
    let sm: JsonService;
    const saved = { ...process.env };
    beforeAll(async () => {
      sm = await startJsonService({
        GetParameter: () => ({
          body: {
            Parameter: { Type: 'SecureString', Value: JSON.stringify({ keyId: 'k9', secret: SECRET }) },
          },
        }),
      });
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_SSM: sm.endpoint,
        AWS_REGION: 'ap-southeast-1',
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
      });
      resetPorts();
    });
    afterAll(async () => {
      process.env = saved;
      resetPorts();
      await sm.close();
    });

    it('fetches the parameter once and caches it', async () => {
      const keyring = new EnvKeyring({ SIGNING_KEY_PARAMETER: '/thidua/demo/signing-key' });
      expect((await keyring.load()).current).toBe('k9');
      expect((await keyring.load()).current).toBe('k9');
      expect(sm.calls.map((c) => c.operation)).toEqual(['GetParameter']);
    });

    it('says which variables to set when none is', async () => {
      await expect(new EnvKeyring({}).load()).rejects.toThrow(/SIGNING_KEY_PARAMETER.*SIGNING_KEY_FILE/);
    });
  });
});

describe('links and ARNs', () => {
  const saved = { ...process.env };
  afterEach(() => {
    resetPorts();
    process.env = { ...saved };
  });

  it("signs an approval's link for its page, with its kind as action and its own expiry", async () => {
    const keyring = generateKeyring('k1');
    replacePort(keyringPort, { load: async () => keyring });
    process.env.BASE_URL = 'https://thidua.test/';
    const approval = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA',
      kind: 'appraise' as const,
      expiresAt: '2022-11-05T10:00:00.000Z',
    };
    const url = new URL(await approvalUrl(approval));
    expect(`${url.origin}${url.pathname}`).toBe('https://thidua.test/d');
    expect(verifyLink(url.searchParams, keyring, new Date('2022-10-12T00:00:00Z'))).toMatchObject({
      ok: true,
      approvalId: approval.id,
      action: 'appraise',
      expiresAt: new Date(approval.expiresAt),
    });
    expect(await approvalUrl(approval)).toBe(url.href);
    expect(new URL(await approvalUrl({ ...approval, kind: 'report' })).pathname).toBe('/r');
  });

  it('finds state machine ARNs in their own variable or the JSON map, and names what is missing', () => {
    process.env.REVIEW_STATE_MACHINE_ARN = 'arn:review';
    process.env.STATE_MACHINE_ARNS = JSON.stringify({ scoring: 'arn:scoring' });
    expect(stateMachineArn('review')).toBe('arn:review');
    expect(stateMachineArn('scoring')).toBe('arn:scoring');
    expect(() => stateMachineArn('period')).toThrow(/PERIOD_STATE_MACHINE_ARN or STATE_MACHINE_ARNS/);
  });

  it('refuses a BASE_URL that is not an http(s) URL', () => {
    process.env.BASE_URL = 'thidua.test';
    expect(() => baseUrl()).toThrow(/BASE_URL/);
  });
});

describe('the step middleware', () => {
  it('gives every error a stable name and scrubs token-like text from its message', () => {
    const token = 'T'.repeat(120);
    expect(stableError(new ConflictError('status', 'x')).name).toBe(STEP_ERRORS.conflict);
    expect(stableError(new NotFoundError('unit', 'u')).name).toBe(STEP_ERRORS.notFound);
    expect(stableError(new ConfigError([])).name).toBe(STEP_ERRORS.invalidConfig);
    expect(stableError(new SchemaMismatchError(1, 2)).name).toBe(STEP_ERRORS.schemaMismatch);
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
