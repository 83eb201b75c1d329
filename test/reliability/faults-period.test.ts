/**
 * The scripted period (period-script.ts) on the product in this process, with a fault proxy in
 * front of DynamoDB, SES and the Step Functions endpoint failing 20 % of the product's calls
 * after the SDK's own retries — half of them "applied, but the answer lost". A person whose page
 * answers 500 presses again (the same form, the same write id). A fault-free run of the same script
 * runs first; the faulted one must end with the same reports, decisions and results, every
 * email identity once in the SES emulator, and each outbox record sent, or ambiguous where a fault
 * hit the send (the admin's to resolve).
 *
 * The faults are drawn from a seed (`THIDUA_FAULT_SEED`, else a random one), printed with every
 * failure so a failing draw can be run again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { type Product, startProduct } from '#local/start';
import { resetAwsClients } from '#ports/aws';
import { createDocumentClient, Table } from '#ports/dynamo/table';
import { resetPorts } from '#ports/registry';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.ts';
import type { SesEmail } from '../helpers/ses.ts';
import { PeriodRun, periodScript, storedRecord } from './period-script.ts';

const SEED = process.env.THIDUA_FAULT_SEED ?? randomBytes(6).toString('hex');
const RATE = 0.2;
const SERVICES = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  sesv2: 'AWS_ENDPOINT_URL_SESV2',
  sfn: 'AWS_ENDPOINT_URL_SFN',
} as const;

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** The product in this process, its AWS calls through fault proxies; a 5xx page is asked again. */
class FaultRun extends PeriodRun {
  readonly root = mkdtempSync(join(tmpdir(), 'thidua-faults-period-'));
  product: Product | undefined;
  proxies: Partial<Record<keyof typeof SERVICES, FaultProxy>> = {};
  /** Pages that answered 5xx (or no answer) and were asked again. */
  retries = 0;
  record: Awaited<ReturnType<typeof storedRecord>> | undefined;
  emails: SesEmail[] = [];
  private readonly rate: number;

  constructor(rate: number) {
    super();
    this.rate = rate;
    roots.push(this.root);
  }

  protected base(): string {
    return (this.product as Product).url;
  }

  override describe(): string {
    return `fault seed ${SEED}`;
  }

  async start(): Promise<void> {
    this.product = await startProduct({ district: 'demo', port: 0, dataDir: join(this.root, 'demo') });
    const endpoints = this.product.runtime.endpoints;
    for (const service of Object.keys(SERVICES) as (keyof typeof SERVICES)[]) {
      const proxy = await startFaultProxy({
        target: endpoints[service],
        rate: this.rate,
        seed: `${SEED}:${service}`,
      });
      this.proxies[service] = proxy;
      process.env[SERVICES[service]] = proxy.url;
    }
    // The handlers' clients are made again, now through the proxies.
    resetAwsClients();
    resetPorts();
  }

  /** A page that answered a server error is asked again, as a person presses again. */
  protected async recover(what: string, error: unknown, attempt: number): Promise<void> {
    const transient = /: 5\d\d$|fetch failed/.test(String((error as Error).message ?? error));
    if (!transient || attempt >= 30) throw new Error(`${what}: ${String(error)} (${this.describe()})`);
    this.retries++;
  }

  async finish(): Promise<void> {
    const product = this.product as Product;
    for (const proxy of Object.values(this.proxies)) proxy.heal();
    const raw = new DynamoDBClient({
      endpoint: product.runtime.endpoints.dynamodb,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const [tableName] = (await raw.send(new ListTablesCommand({}))).TableNames ?? [];
      this.record = await storedRecord(
        new Table({ client: createDocumentClient(raw), tableName: tableName as string }),
      );
      this.emails = (
        (await (await fetch(`${product.runtime.endpoints.sesv2}/store`)).json()) as { emails: SesEmail[] }
      ).emails;
    } finally {
      raw.destroy();
      await product.stop();
      await Promise.all(Object.values(this.proxies).map((p) => p.close()));
      resetAwsClients();
      resetPorts();
    }
  }

  injected(): string {
    const all = Object.values(this.proxies).flatMap((p) => p.injected);
    const by = new Map<string, number>();
    for (const f of all) by.set(`${f.kind} ${f.operation}`, (by.get(`${f.kind} ${f.operation}`) ?? 0) + 1);
    const calls = Object.values(this.proxies).reduce((n, p) => n + p.calls, 0);
    return `${all.length} faults in ${calls} calls: ${[...by].map(([k, n]) => `${k} ×${n}`).join(', ')}`;
  }
}

it('a period with 20 % of its AWS calls failing ends as a fault-free run does, no email twice', {
  timeout: 300_000,
}, async () => {
  const previousLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'error';
  const faultFree = new FaultRun(0);
  const faulted = new FaultRun(RATE);
  try {
    await periodScript(faultFree);
    await periodScript(faulted);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n(fault seed ${SEED}; ${faulted.injected()})`);
  } finally {
    if (previousLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = previousLevel;
  }
  console.log(`fault seed ${SEED}: ${faulted.injected()}; ${faulted.retries} pages asked again`);
  const [a, b] = [faultFree.record, faulted.record];
  if (!a || !b) throw new Error('a run read nothing');
  const same = (x: unknown, y: unknown, what: string) => expect(x, `${what} (fault seed ${SEED})`).toEqual(y);
  same(b.summaries, a.summaries, 'reports');
  same(b.contents, a.contents, 'report contents');
  same(b.decisions, a.decisions, 'decisions');
  same(b.versions, a.versions, 'results versions');
  expect(a.versions.length).toBeGreaterThan(0);
  same(b.mail.map((r) => r.key).sort(), a.mail.map((r) => r.key).sort(), 'email identities');
  same(
    a.mail.filter((r) => r.status !== 'sent'),
    [],
    'fault-free mail not sent',
  );
  same(
    b.mail.filter((r) => r.status !== 'sent' && r.status !== 'ambiguous').map((r) => `${r.key} ${r.status}`),
    [],
    'mail neither sent nor ambiguous',
  );
  // Each email went out once at most: SES saw every sent identity once (subject and recipient).
  const seen = new Map<string, number>();
  for (const m of faulted.emails) {
    const k = `${m.destination.to.join(',')} ${m.subject}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  same(
    [...seen].filter(([, n]) => n > 1),
    [],
    'emails sent twice',
  );
  const ambiguous = b.mail.filter((r) => r.status === 'ambiguous').length;
  console.log(`${b.mail.length} emails, ${ambiguous} ambiguous (shown to the admin)`);
});
