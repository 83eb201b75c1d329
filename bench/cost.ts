/**
 * Prices a district-year at list prices (bench/prices/): the counted usage of one period (from a
 * JSON file of bench/usage.ts's shape, written by the period benchmark) × 4 periods, plus the
 * launch and the commendation when measured, plus the stack's fixed items read from its
 * synthesized template. Prints every item with its share, the dominant one, the floor (the
 * emails the process must send), and ends with `cost N units: usage $x, all-in $y per year`.
 *
 *   node bench/cost.ts [--usage usage.json] [--template stack.template.json | --district demo]
 *                         [--prices bench/prices/ap-southeast-1.json] [--units N]
 *   npm run bench -- cost --units 40
 *
 * With `--units N` and no `--usage`, it first runs the period benchmark for N units
 * (bench/period.ts, its own process) and prices what it counted. Without either it prices the
 * fixed items only. Without `--template` it synthesizes the district's stack (`--district`,
 * default demo: the fixed items do not depend on the number of units).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '#infra/project';
import { type CostReport, type CostRow, priceYear } from './cost-model.ts';
import { intOption, msSince, now, printSummary } from './lib.ts';
import { DEFAULT_PRICE_FILE, listedPrice, loadPriceTable, type PriceTable } from './prices.ts';
import { findFunction, readStackTemplate, type StackInventory } from './stack-template.ts';
import { completeUsage, parseUsageFile, type YearUsage } from './usage.ts';

const started = now();

/** `--name value` or `--name=value`, as text. */
function option(name: string, argv: readonly string[] = process.argv): string | undefined {
  const flag = `--${name}`;
  let value: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === flag) value = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  });
  return value;
}

const usd = (n: number): string => (n === 0 ? '$0' : n >= 1 ? `$${n.toFixed(2)}` : `$${n.toPrecision(3)}`);
const quantity = (n: number): string =>
  Number.isInteger(n) ? n.toLocaleString('en-US') : Number(n.toPrecision(4)).toLocaleString('en-US');
const percent = (part: number, whole: number): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function yearUsage(file: string, inventory: StackInventory): YearUsage {
  return completeUsage(parseUsageFile(readJson(file), file), (name) => findFunction(inventory, name));
}

function printTable(rows: CostRow[], total: number, prices: PriceTable): void {
  const header = ['kind', 'service', 'item', 'a year', 'price', '$ a year', 'share'];
  const cells = rows.map((r) => [
    r.kind,
    r.service,
    `${r.item}${r.estimated ? ' (estimated)' : ''}`,
    quantity(r.quantity),
    listedPrice(prices, r.priceId),
    usd(r.usd),
    percent(r.usd, total),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const right = new Set([3, 5, 6]);
  const line = (c: string[]) =>
    c.map((v, i) => (right.has(i) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

function printReport(report: CostReport, prices: PriceTable): void {
  printTable(report.rows, report.allInUsd, prices);
  const byService = new Map<string, number>();
  for (const r of report.rows) byService.set(r.service, (byService.get(r.service) ?? 0) + r.usd);
  console.log('\nby service');
  for (const [service, cost] of [...byService].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${service.padEnd(22)} ${usd(cost).padStart(8)}  ${percent(cost, report.allInUsd)}`);
  }
  console.log(
    `\nusage ${usd(report.usageUsd)}, fixed ${usd(report.fixedUsd)}, all-in ${usd(report.allInUsd)} a year`,
  );
  if (report.dominant) {
    const d = report.dominant;
    console.log(`dominant: ${d.service}, ${d.item} — ${usd(d.usd)} (${percent(d.usd, report.allInUsd)})`);
  }
  if (report.floor) {
    const kinds = report.floor.kinds.filter((k) => k.emails > 0).map((k) => `${k.emails} ${k.kind}`);
    console.log(
      `floor: ${report.floor.emails} emails the process must send, ${usd(report.floor.usd)} (${kinds.join('; ')})`,
    );
  }
  for (const note of report.notes) console.log(`note: ${note}`);
}

/** Runs bench/period.ts for `units` in its own process; answers the usage file it wrote. */
function measurePeriod(units: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'thidua-cost-'));
  const file = join(dir, `period-${units}.usage.json`);
  console.log(`measuring one period of ${units} units (bench/period.ts) …`);
  const run = spawnSync(
    process.execPath,
    ['bench/period.ts', '--units', String(units), '--usage-out', file],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'inherit', 'pipe'],
    },
  );
  if (run.status !== 0) {
    process.stderr.write(run.stderr);
    throw new Error(`bench/period.ts --units ${units} failed (exit ${run.status})`);
  }
  console.log();
  return file;
}

const unitsAsked = option('units');
const usageFile =
  option('usage') ?? (unitsAsked !== undefined ? measurePeriod(intOption('units', 1)) : undefined);
const templateFile = option('template');
const district = option('district') ?? 'demo';
const prices = loadPriceTable(option('prices') ?? DEFAULT_PRICE_FILE);
const template = templateFile
  ? readJson(templateFile)
  : await (await import('./synth-template.ts')).synthesizeDistrictTemplate(district);
const inventory = readStackTemplate(template);
const usage = usageFile ? yearUsage(usageFile, inventory) : undefined;
const units = intOption('units', usage?.units ?? (0 || 1));
if (usage && option('units') !== undefined && units !== usage.units) {
  throw new Error(`--units ${units} but ${usageFile} counts ${usage.units} units`);
}

const report = priceYear(usage, inventory, prices);
console.log(
  `Cost of a district-year at list prices: ${prices.region}, prices as of ${prices.asOf} ` +
    '(written by hand, not fetched: re-check before quoting), no free tiers',
);
console.log(`template: ${templateFile ?? `synthesized ${district} stack`}`);
console.log(
  usage
    ? `usage: ${usageFile} — ${usage.units} units, ${usage.periodsPerYear} periods a year` +
        `${usage.launch ? ', launch' : ''}${usage.commendation ? ', commendation' : ''}`
    : 'usage: none given (--usage <file>): fixed items only',
);
console.log();
printReport(report, prices);

printSummary({
  bench: 'cost',
  totalMs: msSince(started),
  figures: {
    ...(usage ? { units: String(usage.units), 'usage $/yr': report.usageUsd.toFixed(2) } : {}),
    'fixed $/yr': report.fixedUsd.toFixed(2),
    'all-in $/yr': report.allInUsd.toFixed(2),
    dominant: report.dominant ? `${report.dominant.service}: ${report.dominant.item}` : '–',
    ...(report.floor ? { 'floor $/yr': report.floor.usd.toFixed(2) } : {}),
  },
});
console.log(
  usage
    ? `cost ${usage.units} units: usage $${report.usageUsd.toFixed(2)}, all-in $${report.allInUsd.toFixed(2)} per year`
    : `cost fixed items only: all-in $${report.allInUsd.toFixed(2)} per year (no usage counted)`,
);
