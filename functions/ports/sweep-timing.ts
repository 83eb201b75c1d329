/** When the sweep takes a claim, and the minute a run asked for happens (functions/ports/sweep-trigger.ts). */

/** A claim younger than this is still being finished by the request that made it. */
export const SWEEP_GRACE_MS = 60_000;

/** The minute a run at `at` is planned for: schedules fire by the minute. */
export function sweepMinute(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
}
