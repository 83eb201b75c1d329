/**
 * The cold start of every Lambda bundle: a fresh Node process (this one's, which npm's scripts
 * make the Lambda's Node 24) imports the bundle and serves its first invocation against the
 * emulators — the bed of the bundle smoke test (test/infra/bundle-bed.ts: the demo stack's
 * bundles, the function's environment from the template, dynalite, the SES emulator, the local
 * Step Functions endpoint and Scheduler, all started once here), with the last event of the
 * function's smoke-test cases, the one that reaches them (test/infra/bundle-cases.ts).
 *
 * Per function, in each round, one after another: the empty handler (bench/empty-handler.ts, same
 * bundling), the deployed bundle, the same bundle without `--enable-source-maps` when the
 * function's environment turns it on, and the same handler built with the AWS SDK left external
 * (loaded from node_modules at run time: a stand-in for the runtime's own SDK). Ratios are taken
 * within the round (the machine's speed drifts, and it is shared), then their median over the
 * rounds. The handlers' order rotates from round to round. Before the timed rounds every bundle
 * answers all its smoke-test cases once, and every timed answer is checked against its case.
 *
 *   node bench/cold-start.ts [--runs 15] [--only Starter,Sweep]
 *
 * Sizes are in KB of 1,000 bytes. The last line is
 * `cold-start: median ratio to empty <x>x, worst <function> <y>x, bundles <min>-<max> KB`.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { awsClientsOf, type BuiltBundle } from '#infra/bundle';
import type { HandlerName } from '#infra/district-stack';
import { PROJECT_ROOT } from '#infra/project';
import {
  type BundleRun,
  HANDLER_NAMES,
  type Invocation,
  runInvocation,
  startBundleBed,
  THIS_NODE,
} from '../test/infra/bundle-bed.ts';
import { type Case, expectAnswer, reachingCase } from '../test/infra/bundle-cases.ts';
import { intOption, msSince, now, printSummary, spread } from './lib.ts';

const OUTDIR = join(PROJECT_ROOT, 'cdk.out', 'cold-start');
const EMPTY = 'EmptyHandler';
const externalName = (id: string) => `${id}-sdk-external`;
const RUNS = intOption('runs', 15);
const SOURCE_MAPS = '--enable-source-maps';

const onlyAt = process.argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
const only =
  onlyAt < 0
    ? undefined
    : (process.argv[onlyAt]?.split('=')[1] ?? process.argv[onlyAt + 1] ?? '').split(',').filter(Boolean);

type Variant = 'empty' | 'bundle' | 'mapsOff' | 'external';

interface Sample {
  ms: number;
  loadMs: number;
  callMs: number;
}

const started = now();
const loadBefore = loadavg();
const bed = await startBundleBed(OUTDIR, ({ functionOf }) => [
  ...HANDLER_NAMES.map((n) => {
    const fn = functionOf(n);
    return {
      name: externalName(fn.node.id),
      entry: fn.entryPath,
      bundling: { ...fn.bundling, bundleAwsSDK: false },
    };
  }),
  { name: EMPTY, entry: 'bench/empty-handler.ts', bundling: functionOf('starter').bundling },
]);

const names = HANDLER_NAMES.filter(
  (n) => !only || only.includes(n) || only.includes(bed.functionOf(n).node.id),
);
if (names.length === 0) throw new Error(`--only: no function named ${only?.join(', ')}`);
const idOf = (n: HandlerName) => bed.functionOf(n).node.id;
const bundleOf = (id: string) => bed.bundles.get(id) as BuiltBundle;

/** Without `--enable-source-maps` in NODE_OPTIONS; undefined when it was not there. */
function withoutSourceMaps(env: Record<string, string>): Record<string, string> | undefined {
  const options = (env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  if (!options.includes(SOURCE_MAPS)) return undefined;
  const rest = options.filter((o) => o !== SOURCE_MAPS).join(' ');
  const { NODE_OPTIONS: _, ...others } = env;
  return rest ? { ...others, NODE_OPTIONS: rest } : others;
}

function invocationsOf(n: HandlerName, c: Case): Partial<Record<Variant, Invocation>> {
  const bundle = bed.invocation(n, THIS_NODE, [c.event]);
  const noMaps = withoutSourceMaps(bundle.env);
  return {
    empty: { ...bundle, file: bundleOf(EMPTY).file, events: [{}], tag: `${idOf(n)}-empty` },
    bundle,
    ...(noMaps ? { mapsOff: { ...bundle, env: noMaps, tag: `${idOf(n)}-maps-off` } } : {}),
    external: { ...bundle, file: bundleOf(externalName(idOf(n))).file, tag: `${idOf(n)}-sdk-external` },
  };
}

function failure(run: BundleRun): string | undefined {
  if (run.exitError || run.loadError) return run.exitError ?? run.loadError?.message;
  return undefined;
}

/** Runs `inv`; throws with the process's output when it did not answer `c` as documented. */
async function timedRun(inv: Invocation, c: Case | undefined): Promise<Sample> {
  const run = await runInvocation(inv);
  const problem = failure(run);
  const where = `${inv.tag}: ${JSON.stringify(run.answers[0]).slice(0, 600)}\n${run.stderr.slice(-1500)}`;
  if (problem) throw new Error(`${inv.tag} failed: ${problem}\n${where}`);
  if (c) expectAnswer(c, run.answers[0], where);
  return { ms: run.ms, loadMs: run.loadMs ?? Number.NaN, callMs: run.callMs?.[0] ?? Number.NaN };
}

// ---------------------------------------------------------------- every case once, untimed

for (const n of names) {
  const cases = bed.casesOf(n, THIS_NODE);
  const run = await runInvocation(
    bed.invocation(
      n,
      THIS_NODE,
      cases.map((c) => c.event),
      { tag: `${idOf(n)}-all-cases` },
    ),
  );
  const problem = failure(run);
  if (problem) throw new Error(`${idOf(n)} failed: ${problem}\n${run.stderr.slice(-1500)}`);
  cases.forEach((c, i) => {
    expectAnswer(c, run.answers[i], `${idOf(n)}, ${c.what}: ${JSON.stringify(run.answers[i]).slice(0, 600)}`);
  });
  const reaching = reachingCase(cases);
  await timedRun(invocationsOf(n, reaching).external as Invocation, reaching);
}

// ---------------------------------------------------------------- the timed rounds

const samples = new Map<HandlerName, Record<Variant, Sample[]>>(
  names.map((n) => [n, { empty: [], bundle: [], mapsOff: [], external: [] }]),
);
const ratios = new Map<HandlerName, Record<'bundle' | 'mapsOff' | 'external' | 'bundleToExternal', number[]>>(
  names.map((n) => [n, { bundle: [], mapsOff: [], external: [], bundleToExternal: [] }]),
);
const reaching = new Map(names.map((n) => [n, reachingCase(bed.casesOf(n, THIS_NODE))]));

for (let round = 0; round < RUNS; round++) {
  const roundStart = now();
  const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
  for (const n of order) {
    const c = reaching.get(n) as Case;
    const inv = invocationsOf(n, c);
    const got: Partial<Record<Variant, Sample>> = {};
    for (const v of ['empty', 'bundle', 'mapsOff', 'external'] as const) {
      const i = inv[v];
      if (i) got[v] = await timedRun(i, v === 'empty' ? undefined : c);
    }
    const s = samples.get(n) as Record<Variant, Sample[]>;
    const r = ratios.get(n) as Record<'bundle' | 'mapsOff' | 'external' | 'bundleToExternal', number[]>;
    const empty = (got.empty as Sample).ms;
    for (const v of ['empty', 'bundle', 'mapsOff', 'external'] as const) if (got[v]) s[v].push(got[v]);
    r.bundle.push((got.bundle as Sample).ms / empty);
    r.external.push((got.external as Sample).ms / empty);
    r.bundleToExternal.push((got.bundle as Sample).ms / (got.external as Sample).ms);
    if (got.mapsOff) r.mapsOff.push((got.bundle as Sample).ms / got.mapsOff.ms);
  }
  process.stderr.write(`round ${round + 1}/${RUNS}: ${(msSince(roundStart) / 1000).toFixed(1)} s\n`);
}
await bed.stop();

// ---------------------------------------------------------------- the figures

const median = (xs: readonly number[]) => spread(xs).median;
const kb = (bytes: number) => Math.round(bytes / 1000);
const x = (ratio: number) => `${ratio.toFixed(2)}x`;
const ms = (v: number) => v.toFixed(0);

interface Row {
  id: string;
  kb: number;
  clients: string[];
  externalKb: number;
  bundleMs: number;
  toEmpty: number;
  externalMs: number;
  externalToEmpty: number;
  bundleToExternal: number;
  loadMs: number;
  callMs: number;
  mapsOffMs?: number;
  mapsCost?: number;
}

const rows: Row[] = names.map((n) => {
  const s = samples.get(n) as Record<Variant, Sample[]>;
  const r = ratios.get(n) as Record<'bundle' | 'mapsOff' | 'external' | 'bundleToExternal', number[]>;
  const b = bundleOf(idOf(n));
  return {
    id: idOf(n),
    kb: kb(b.bytes),
    clients: awsClientsOf(b),
    externalKb: kb(bundleOf(externalName(idOf(n))).bytes),
    bundleMs: median(s.bundle.map((v) => v.ms)),
    toEmpty: median(r.bundle),
    externalMs: median(s.external.map((v) => v.ms)),
    externalToEmpty: median(r.external),
    bundleToExternal: median(r.bundleToExternal),
    loadMs: median(s.bundle.map((v) => v.loadMs)),
    callMs: median(s.bundle.map((v) => v.callMs)),
    ...(s.mapsOff.length > 0
      ? { mapsOffMs: median(s.mapsOff.map((v) => v.ms)), mapsCost: median(r.mapsOff) }
      : {}),
  };
});
const emptyMs = spread([...samples.values()].flatMap((s) => s.empty.map((v) => v.ms)));
const withMaps = rows.some((r) => r.mapsCost !== undefined);

const header = [
  'function',
  'KB',
  'AWS clients',
  'ms',
  'x empty',
  'SDK ext. KB',
  'SDK ext. ms',
  'x empty',
  'bundle/ext.',
  'import ms',
  '1st call ms',
  ...(withMaps ? ['no maps ms', 'maps cost'] : []),
];
const cells = rows.map((r) => [
  r.id,
  String(r.kb),
  r.clients.join(' '),
  ms(r.bundleMs),
  x(r.toEmpty),
  String(r.externalKb),
  ms(r.externalMs),
  x(r.externalToEmpty),
  x(r.bundleToExternal),
  ms(r.loadMs),
  ms(r.callMs),
  ...(withMaps ? [r.mapsOffMs === undefined ? '-' : ms(r.mapsOffMs), r.mapsCost ? x(r.mapsCost) : '-'] : []),
]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
const line = (c: string[]) =>
  c
    .map((v, i) => (i === 0 || i === 2 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number)))
    .join('  ');

const loadAfter = loadavg();
console.log(
  `cold start: a fresh ${THIS_NODE.label} process (${process.version}) imports the bundle and serves its first invocation against the emulators`,
);
console.log(
  `${RUNS} interleaved rounds, medians; ratios taken within a round; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after`,
);
console.log(
  `empty handler: ${ms(emptyMs.median)} ms median (min ${ms(emptyMs.min)}, max ${ms(emptyMs.max)}, n=${emptyMs.n})\n`,
);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const c of cells) console.log(line(c));

const byRatio = [...rows].sort((a, b) => b.toEmpty - a.toEmpty);
const worst = byRatio[0] as Row;
const medianRatio = median(rows.map((r) => r.toEmpty));
const sizes = rows.map((r) => r.kb);
const figures: Record<string, string> = {
  'median ratio to empty': x(medianRatio),
  worst: `${worst.id} ${x(worst.toEmpty)}`,
  'SDK external, median ratio to empty': x(median(rows.map((r) => r.externalToEmpty))),
  'bundle / SDK external, median': x(median(rows.map((r) => r.bundleToExternal))),
  'empty handler': `${ms(emptyMs.median)} ms`,
  bundles: `${Math.min(...sizes)}-${Math.max(...sizes)} KB`,
  ...(withMaps
    ? { 'with / without --enable-source-maps, median': x(median(rows.flatMap((r) => r.mapsCost ?? []))) }
    : {}),
};
console.log('');
for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
printSummary({ bench: 'cold-start', totalMs: msSince(started), figures });
console.log(
  `cold-start: median ratio to empty ${x(medianRatio)}, worst ${worst.id} ${x(worst.toEmpty)}, bundles ${Math.min(...sizes)}-${Math.max(...sizes)} KB`,
);
