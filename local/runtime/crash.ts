/**
 * Named crash points, for tests that kill the product at an exact place instead of after a guessed
 * delay: with `THIDUA_CRASH_AT=<point>:<n>` in its environment, the process kills itself
 * (SIGKILL: no handler, no flush, as a power cut or `kill -9` would) on the n-th pass of `<point>`.
 * Without the variable a point costs one comparison.
 *
 * The runtime's own points:
 * - `local.after-journal` — an execution's start is on disk, nothing of it has run;
 * - `local.after-task.<State>` — a task of that state returned, its result not yet handed on.
 */

/** `THIDUA_CRASH_AT`, read on first use: `{ point, n }`, or undefined when unset or malformed. */
let target: { point: string; n: number } | null | undefined;
const passes = new Map<string, number>();

function crashTarget(): { point: string; n: number } | null {
  if (target === undefined) {
    const m = /^(.+):(\d+)$/.exec(process.env.THIDUA_CRASH_AT?.trim() ?? '');
    target = m?.[1] && Number(m[2]) >= 1 ? { point: m[1], n: Number(m[2]) } : null;
  }
  return target;
}

/** Kills this process if `point` is the configured one and this is its n-th pass. */
export function crashPoint(point: string): void {
  const t = crashTarget();
  if (!t || t.point !== point) return;
  const pass = (passes.get(point) ?? 0) + 1;
  passes.set(point, pass);
  if (pass === t.n) process.kill(process.pid, 'SIGKILL');
}
