/**
 * Named crash points, for tests that stop the product at an exact place instead of after a guessed
 * delay (docs/reliability.md lists every point). With `THIDUA_CRASH_AT=<point>:<n>` in the
 * environment, the n-th pass of `<point>` in this process
 * - kills the process (SIGKILL: no handler, no flush, as a power cut or `kill -9` would) — the
 *   local product's shape, restarted on the same data;
 * - or, with `THIDUA_CRASH_MODE=throw`, throws `CrashPoint` — the cloud's shape: the invocation
 *   dies after its write, and the workflow's Retry, the same request again or the sweep finishes it.
 * Unset, a point costs one comparison.
 */

/** The error a point throws in `throw` mode (a Lambda invocation that died there). */
export class CrashPointError extends Error {
  readonly point: string;
  constructor(point: string) {
    super(`Crash point ${point} reached`);
    this.point = point;
    this.name = 'CrashPoint';
  }
}

interface CrashTarget {
  point: string;
  n: number;
  mode: 'kill' | 'throw';
}

/** `THIDUA_CRASH_AT` as last read, so a test may change it between runs in one process. */
let raw: string | undefined;
let target: CrashTarget | null = null;
const passes = new Map<string, number>();

function crashTarget(): CrashTarget | null {
  const now = `${process.env.THIDUA_CRASH_AT ?? ''}|${process.env.THIDUA_CRASH_MODE ?? ''}`;
  if (now !== raw) {
    raw = now;
    passes.clear();
    const m = /^(.+):(\d+)$/.exec(process.env.THIDUA_CRASH_AT?.trim() ?? '');
    target =
      m?.[1] && Number(m[2]) >= 1
        ? { point: m[1], n: Number(m[2]), mode: process.env.THIDUA_CRASH_MODE === 'throw' ? 'throw' : 'kill' }
        : null;
  }
  return target;
}

/** Stops here if `point` is the configured one and this is its n-th pass. */
export function crashPoint(point: string): void {
  const t = crashTarget();
  if (!t || t.point !== point) return;
  const pass = (passes.get(point) ?? 0) + 1;
  passes.set(point, pass);
  if (pass !== t.n) return;
  if (t.mode === 'throw') throw new CrashPointError(point);
  process.kill(process.pid, 'SIGKILL');
}
