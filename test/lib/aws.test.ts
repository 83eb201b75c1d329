/**
 * The shared clients take their endpoints from AWS_ENDPOINT_URL_<SERVICE> (the SDK's own
 * setting), so the local runtime needs configuration only, no code path of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEnv, resetAwsClients } from '#ports/aws';
import { SfnCallbacks } from '#ports/callbacks';
import { audit } from '#ports/dynamo/audit';
import { mailer } from '#ports/mailer';
import { resetPorts } from '#ports/registry';
import { startDynalite, type TestTable } from '../helpers/dynalite.ts';
import { type JsonService, startJsonService } from '../helpers/json-service.ts';
import { startSes, type TestSes } from '../helpers/ses.ts';

let table: TestTable;
let ses: TestSes;
let sfn: JsonService;
const saved = { ...process.env };

beforeAll(async () => {
  table = await startDynalite('thidua-env');
  ses = await startSes();
  sfn = await startJsonService({ SendTaskSuccess: () => ({ body: {} }) });
  Object.assign(process.env, {
    AWS_REGION: 'ap-southeast-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    TABLE_NAME: 'thidua-env',
    MAIL_FROM: 'noivu@songlam.example.vn',
  });
  resetAwsClients();
  resetPorts();
});
afterAll(async () => {
  resetAwsClients();
  resetPorts();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  await Promise.all([table.close(), ses.close(), sfn.close()]);
});

describe('the ports made from the environment', () => {
  it('reach dynalite, the SES emulator and a Step Functions endpoint through env endpoints only', async () => {
    await audit().append({
      id: 'probe',
      subject: 'campaign',
      actor: { kind: 'system', id: 'test' },
      action: 'probe',
    });
    expect((await audit().list('campaign')).map((e) => e.action)).toEqual(['probe']);

    const result = await mailer().send(
      { step: 'probe', recipient: 'a@example.vn' },
      { to: 'a@example.vn', subject: 'Thử', text: 't', html: '<p>t</p>' },
    );
    expect(result.status).toBe('sent');
    expect((await ses.emails()).map((e) => e.subject)).toEqual(['Thử']);

    expect(await new SfnCallbacks().sendDecision('tok', { decision: 'approve' })).toBe('delivered');
    expect(sfn.calls.map((c) => c.operation)).toEqual(['SendTaskSuccess']);
  });

  it('requireEnv names the missing variable', () => {
    expect(() => requireEnv('THIDUA_SURELY_UNSET', 'a test')).toThrow(/THIDUA_SURELY_UNSET \(a test\)/);
  });
});
