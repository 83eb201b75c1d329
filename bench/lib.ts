/**
 * What the benchmarks share: a seeded random source (the same figures run after run), a
 * synthetic district of any size built on the demo's config and criteria sets, timing and memory
 * read-outs, and the one summary line `bench/run-all.ts` collects from each benchmark's output.
 * Benchmarks print figures; they assert nothing about time.
 */
import { performance } from 'node:perf_hooks';
import { loadDistrict } from '#domain/config-files';
import type { CriteriaSet, DistrictConfig, Unit, UnitGroup } from '#domain/model';

export const DEMO_DISTRICT = 'districts/demo.yaml';

/** Mulberry32: a small, fast, seeded generator; the same seed gives the same sequence. */
export { seededRandom } from '../examples/synthetic-names.ts';

/** A whole number in lo..hi (both included). */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

export function loadDemo(): { config: DistrictConfig; criteriaSets: CriteriaSet[] } {
  // The demo replays 2022–2025 (allowPastPhase), so any "today" loads it.
  return loadDistrict(DEMO_DISTRICT, { now: new Date('2022-08-02T00:00:00Z') });
}

/** `n` synthetic units of a group: `phong-so-001` "Phòng số 001", `xa-so-001` "Xã số 001". */
export function syntheticUnits(group: UnitGroup, n: number): Unit[] {
  const [slug, label] = group === 'office' ? ['phong-so', 'Phòng số'] : ['xa-so', 'Xã số'];
  return Array.from({ length: n }, (_, i) => {
    const no = String(i + 1).padStart(3, '0');
    return {
      id: `${slug}-${no}`,
      name: `${label} ${no}`,
      group,
      focalPoint: { name: `Đầu mối ${label} ${no}`, email: `${slug}-${no}@song-lam.example.org` },
    };
  });
}

/** `perGroup` synthetic offices, then as many communes. */
export function syntheticDistrictUnits(perGroup: number): Unit[] {
  return [...syntheticUnits('office', perGroup), ...syntheticUnits('commune', perGroup)];
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function msSince(start: number): number {
  return performance.now() - start;
}

export function now(): number {
  return performance.now();
}

/** Runs `fn` and returns its result with the milliseconds it took. */
export function timed<T>(fn: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

export interface Spread {
  n: number;
  min: number;
  median: number;
  mean: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { n: 0, min: 0, median: 0, mean: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    n: sorted.length,
    min: sorted[0]!,
    median,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    max: sorted[sorted.length - 1]!,
  };
}

export const fmtMs = (ms: number): string => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
export const fmtSpread = (s: Spread): string =>
  `median ${fmtMs(s.median)} (min ${fmtMs(s.min)}, mean ${fmtMs(s.mean)}, max ${fmtMs(s.max)}, n=${s.n})`;
export const mib = (bytes: number): number => Math.round((bytes / 1_048_576) * 10) / 10;

export interface MemoryFigures {
  rssMiB: number;
  heapUsedMiB: number;
  /** The process's largest resident set so far (getrusage maxrss). */
  peakRssMiB: number;
}

/** RSS and heapUsed now (process.memoryUsage) and the peak RSS so far (process.resourceUsage). */
export function memory(): MemoryFigures {
  const m = process.memoryUsage();
  return {
    rssMiB: mib(m.rss),
    heapUsedMiB: mib(m.heapUsed),
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
  };
}

export const fmtMemory = (m: MemoryFigures): string =>
  `RSS ${m.rssMiB} MiB, heapUsed ${m.heapUsedMiB} MiB, peak RSS ${m.peakRssMiB} MiB`;

/** `--name value` or `--name=value` from the command line, as a positive whole number. */
export function intOption(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const flag = `--${name}`;
  let raw: string | undefined;
  argv.forEach((arg, i) => {
    if (arg === flag) raw = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) raw = arg.slice(flag.length + 1);
  });
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${flag} must be a whole number > 0, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** The prefix of the one line per benchmark that `bench/run-all.ts` reads. */
export const SUMMARY_PREFIX = 'BENCH-SUMMARY ';

export interface BenchSummary {
  bench: string;
  /** Wall time of the whole benchmark process's work, ms. */
  totalMs: number;
  /** The headline figures, label → value as printed. */
  figures: Record<string, string>;
  skipped?: string;
}

/** Prints the machine-readable summary line (last thing a benchmark prints). */
export function printSummary(summary: BenchSummary): void {
  console.log(`${SUMMARY_PREFIX}${JSON.stringify(summary)}`);
}

/** A heading and aligned `label: value` lines. */
export function printBlock(title: string, rows: readonly [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}
