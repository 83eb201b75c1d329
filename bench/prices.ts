/**
 * The dated price table (`bench/prices/<region>.json`): list prices written by hand from AWS's
 * pricing pages, read here with a check that every item the cost model uses is present, so a
 * missing or misspelt item is an error naming it rather than a silent $0.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The items bench/cost-model.ts prices with; the table must hold each one. */
export const PRICE_IDS = [
  'stepFunctions.standard.stateTransition',
  'lambda.request',
  'lambda.duration.arm64',
  'lambda.duration.x86_64',
  'dynamodb.onDemand.readRequestUnit',
  'dynamodb.onDemand.writeRequestUnit',
  'dynamodb.storage',
  'dynamodb.pitr',
  'ses.email',
  'ses.attachmentData',
  'scheduler.invocation',
  'httpApi.request',
  'dataTransfer.outToInternet',
  'logs.ingestion',
  'logs.storage',
  'cloudwatch.alarmMetric.standard',
  'cloudwatch.alarmMetric.highResolution',
  'cloudwatch.compositeAlarm',
  'cloudwatch.customMetric',
  'cloudwatch.dashboard',
  'xray.traceRecorded',
  'xray.traceRetrieved',
  'secretsManager.secret',
  'secretsManager.apiCall',
  'ssm.standardParameter',
  'ssm.advancedParameter',
  'ssm.higherThroughputApiCall',
  'kms.customerManagedKey',
  'kms.request',
  'sqs.standardRequest',
  's3.standard.storage',
  's3.standard.putRequest',
  's3.standard.getRequest',
] as const;

export type PriceId = (typeof PRICE_IDS)[number];

const priceItem = z.object({
  /** Dollars for `per` units, as the pricing page states it (e.g. 0.025 per 1,000). */
  usd: z.number().nonnegative(),
  per: z.number().positive(),
  unit: z.string().min(1),
  source: z.url(),
  /** Why this regional figure is less certain than the others: re-check it first. */
  check: z.string().optional(),
  note: z.string().optional(),
});
export type PriceItem = z.infer<typeof priceItem>;

const priceTable = z.object({
  region: z.string().min(1),
  regionName: z.string().optional(),
  currency: z.literal('USD'),
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'asOf must be a date, YYYY-MM-DD'),
  source: z.string().min(1),
  note: z.string().min(1),
  items: z.record(z.string(), priceItem),
});
export type PriceTable = z.infer<typeof priceTable>;

export const DEFAULT_PRICE_FILE = join(
  fileURLToPath(new URL('.', import.meta.url)),
  'prices',
  'ap-southeast-1.json',
);

/** A price table from parsed JSON: its shape checked and every item the model uses present. */
export function parsePriceTable(json: unknown, origin = 'price table'): PriceTable {
  const parsed = priceTable.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${origin}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const missing = PRICE_IDS.filter((id) => !(id in parsed.data.items));
  if (missing.length > 0) throw new Error(`${origin}: missing items: ${missing.join(', ')}`);
  return parsed.data;
}

export function loadPriceTable(file = DEFAULT_PRICE_FILE): PriceTable {
  return parsePriceTable(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Dollars for one unit of an item (e.g. one state transition). */
export function unitPrice(table: PriceTable, id: PriceId): number {
  const item = table.items[id];
  if (!item) throw new Error(`price table ${table.region} (${table.asOf}) has no item ${id}`);
  return item.usd / item.per;
}

/** The price as the page states it: `$0.025 per 1,000 state transition`. */
export function listedPrice(table: PriceTable, id: PriceId): string {
  const item = table.items[id];
  if (!item) return '(no price)';
  const per = item.per === 1 ? '' : `${item.per.toLocaleString('en-US')} `;
  return `$${item.usd} per ${per}${item.unit}`;
}
