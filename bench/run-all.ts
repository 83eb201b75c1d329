/**
 * Runs every benchmark, each in its own process (so memory figures are its own), one after the
 * other, shows what each prints, then a summary table from the `BENCH-SUMMARY` line each ends with.
 * A benchmark's stderr (the AWS SDK's Node-version warning, mostly) is shown only when it fails.
 *
 *   node bench/run-all.ts [cold-start …] [--only scoring,review-loop] [-- arguments for every benchmark]
 *   npm run bench -- period --units 1000         one benchmark, its options passed on
 *
 * Benchmark names (as in `npm run bench -- cold-start`) select benchmarks as `--only` does; every
 * other argument is passed on to them. `period` and `cost` run only when named (they take minutes
 * at province sizes). With one benchmark selected, no summary table follows: its own last line
 * (`period N units: …`, `cost N units: …`) stays the last.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '#infra/project';
import { type BenchSummary, fmtMs, msSince, now, SUMMARY_PREFIX } from './lib.ts';

const DEFAULT_BENCHES = ['scoring', 'commendation', 'review-loop', 'period-history', 'cold-start'] as const;
const BENCHES: readonly string[] = [...DEFAULT_BENCHES, 'period', 'cost'];

const args = process.argv.slice(2);
const ownArgs = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
const onlyAt = ownArgs.findIndex((a) => a === '--only' || a.startsWith('--only='));
const isOnlyValue = (i: number) => onlyAt >= 0 && i === onlyAt + 1 && !ownArgs[onlyAt]?.includes('=');
const named = ownArgs.filter((a, i) => BENCHES.includes(a) && !isOnlyValue(i));
const onlyListed =
  onlyAt < 0 ? [] : (ownArgs[onlyAt]?.split('=')[1] ?? ownArgs[onlyAt + 1] ?? '').split(',').filter(Boolean);
const only = named.length + onlyListed.length > 0 ? [...named, ...onlyListed] : undefined;
const passThrough = [
  ...ownArgs.filter((a, i) => !BENCHES.includes(a) && i !== onlyAt && !isOnlyValue(i)),
  ...(args.includes('--') ? args.slice(args.indexOf('--') + 1) : []),
];
const selected = only ? BENCHES.filter((b) => only.includes(b)) : [...DEFAULT_BENCHES];
if (only?.some((b) => !BENCHES.includes(b))) {
  throw new Error(`--only: known benchmarks are ${BENCHES.join(', ')}`);
}

interface Outcome {
  bench: string;
  code: number | null;
  wallMs: number;
  summary?: BenchSummary;
}

/** The benches that run a whole period: three busy threads (the handlers', dynalite's, the meter's). */
const WHOLE_PERIOD = ['period', 'cost'];

/**
 * Memory settings for a whole period (measured at 250 units: peak 807–895 MiB → 629 MiB, the same
 * CPU). By default V8 lets each thread's young generation grow to tens of MiB, mostly garbage
 * between scavenges; 4 MiB semi-spaces suit handlers that each keep little. glibc gives each
 * thread malloc arenas of its own, each keeping what it freed: two arenas for all.
 */
function wholePeriodEnv(): Record<string, string> {
  return {
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=4`.trim(),
  };
}

function runBench(name: string): Promise<Outcome> {
  const start = now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join('bench', `${name}.ts`), ...passThrough], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(WHOLE_PERIOD.includes(name) ? wholePeriodEnv() : {}) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      process.stdout.write(
        chunk
          .split('\n')
          .filter((line) => !line.startsWith(SUMMARY_PREFIX))
          .join('\n'),
      );
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(stderr);
      const line = stdout.split('\n').find((l) => l.startsWith(SUMMARY_PREFIX));
      const summary = line ? (JSON.parse(line.slice(SUMMARY_PREFIX.length)) as BenchSummary) : undefined;
      resolve({ bench: name, code, wallMs: msSince(start), ...(summary ? { summary } : {}) });
    });
  });
}

const outcomes: Outcome[] = [];
for (const name of selected) {
  console.log(`\n=== bench/${name}.ts`);
  outcomes.push(await runBench(name));
}

// ---------------------------------------------------------------- summary table

function printTable(): void {
  const rows = outcomes.map((o) => {
    const status = o.code !== 0 ? `failed (exit ${o.code})` : o.summary?.skipped ? 'skipped' : 'ok';
    const figures = o.summary?.skipped
      ? o.summary.skipped
      : Object.entries(o.summary?.figures ?? {})
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ');
    return [o.bench, fmtMs(o.wallMs), status, figures];
  });
  const header = ['benchmark', 'process wall time', 'status', 'figures'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join(' | ');
  console.log(`\n=== Summary (${new Date().toISOString().slice(0, 10)}, Node ${process.version})`);
  console.log(line(header));
  console.log(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? header[i]!.length : w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}
if (outcomes.length > 1) printTable();
if (outcomes.some((o) => o.code !== 0)) process.exitCode = 1;
