/**
 * The test bed of the step handlers: the real emulators (dynalite + aws-ses-v2-local, from
 * local/runtime/emulators.ts) with the district table, the environment a deployed function gets
 * (TABLE_NAME, MAIL_FROM, BASE_URL, SIGNING_KEY_FILE), a clock the test moves, and the demo
 * district's campaign stored through `storeCampaign`. The handlers' ports come from the registry
 * (functions/ports/registry.ts), made from that environment; a test replaces one with `replacePort`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { criteriaSetFor } from '#domain/calendar';
import { loadDistrict } from '#domain/config-files';
import { indexCriteria } from '#domain/criteria-tree';
import type { CriteriaSet, DistrictConfig, Period, Report } from '#domain/model';
import { storeCampaign } from '#functions/launch/campaign';
import { dynamoClient, type Emulators, startEmulators } from '#local/runtime/emulators';
import { realWait } from '#ports/answer-floor';
import { resetAwsClients } from '#ports/aws';
import { setClockSource } from '#ports/clock';
import { replacePort, resetPorts } from '#ports/registry';
import { createTableInput } from '#ports/table-schema';
import type { SesEmail } from '../helpers/ses.ts';

export const DEMO = 'districts/demo.yaml';
export const BASE_URL = 'https://thidua.test';
/** The demo's 2022Q3 period: the window opened 01/10/2022; this is inside review. */
export const IN_REVIEW = new Date('2022-10-12T03:00:00Z');

export interface Bed {
  emulators: Emulators;
  config: DistrictConfig;
  criteriaSets: CriteriaSet[];
  now: Date;
  setNow(d: Date): void;
  emails(): Promise<SesEmail[]>;
  clearEmails(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBed(options: { store?: boolean } = {}): Promise<Bed> {
  const emulators = await startEmulators();
  const keyDir = mkdtempSync(join(tmpdir(), 'thidua-keys-'));
  const tableName = `thidua-${process.pid}`;
  await dynamoClient(emulators.dynamodbUrl).send(new CreateTableCommand(createTableInput(tableName)));
  const env: Record<string, string> = {
    ...emulators.env,
    TABLE_NAME: tableName,
    MAIL_FROM: 'thidua@song-lam.example.org',
    BASE_URL,
    SIGNING_KEY_FILE: join(keyDir, 'signing-key.json'),
    DISTRICT_SLUG: 'demo',
  };
  const previous = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  resetAwsClients();
  resetPorts();
  // The sign-in forms' answer floor passes at once here (test/http/signin-floor.test.ts checks
  // that both paths wait on it): 2 s of real time per sign-in would only slow the tests down.
  replacePort(realWait, async () => {});
  const { config, criteriaSets } = loadDistrict(DEMO, { now: IN_REVIEW });
  const bed: Bed = {
    emulators,
    config,
    criteriaSets,
    now: IN_REVIEW,
    setNow: (d) => {
      bed.now = d;
    },
    emails: async () =>
      ((await (await fetch(`${emulators.sesUrl}/store`)).json()) as { emails: SesEmail[] }).emails,
    clearEmails: async () => {
      await fetch(`${emulators.sesUrl}/clear-store`, { method: 'POST' });
    },
    stop: async () => {
      setClockSource(undefined);
      resetPorts();
      resetAwsClients();
      for (const [k, v] of Object.entries(previous)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await emulators.stop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
  setClockSource(() => bed.now);
  if (options.store !== false) await storeCampaign({ config, criteriaSets });
  return bed;
}

/** A Lambda context for invoking a middy handler in-process. */
export const lambdaContext = { getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** A complete report: every leaf scored `score(leafMax)` with one evidence reference. */
export function fullReport(
  bed: Pick<Bed, 'config' | 'criteriaSets'>,
  unitId: string,
  period: Period,
  score: (max: number) => number = (max) => max,
): Report {
  const unit = bed.config.units.find((u) => u.id === unitId);
  if (!unit) throw new Error(`no unit ${unitId}`);
  const set = criteriaSetFor(bed.config, bed.criteriaSets, unit.group, period);
  if (!set) throw new Error(`no criteria set for ${unitId}`);
  const entries: Report['entries'] = {};
  for (const { leaf } of indexCriteria(set).leaves) {
    entries[leaf.id] = {
      selfScore: score(leaf.max),
      explanation: 'Đã thực hiện đầy đủ.',
      evidence: [{ number: '12/BC-UBND', date: '2022-09-30', issuer: unit.name }],
    };
  }
  return { unitId, periodId: period.id, criteriaSetId: set.id, entries, initiatives: [], nominations: [] };
}

/** Captures every line written to stdout and stderr while `fn` runs. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: unknown) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    const result = await fn();
    return { result, output: lines.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The first link in a mail's text that starts with `${BASE_URL}${path}?`. */
export function linkIn(text: string | undefined, path: '/r' | '/d'): URL {
  const match = new RegExp(`${BASE_URL.replace(/\./g, '\\.')}${path}\\?[^\\s]+`).exec(text ?? '');
  if (!match) throw new Error(`no ${path} link in the mail`);
  return new URL(match[0]);
}
