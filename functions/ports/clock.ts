/**
 * The time every handler reads. In the cloud it is the real clock; the local runtime sets a
 * source so in-process handlers see its controllable (virtual) clock instead — configuration,
 * not an `if (local)` in the handlers.
 */
export type ClockSource = () => Date;

// Kept on globalThis so that every copy of this module in one process (a test runner may load
// a file twice under different ids) reads the same source.
const KEY = Symbol.for('thidua.clockSource');
const holder = globalThis as { [KEY]?: ClockSource | undefined };

/** The current time: the configured source's, or the real time when none is set. */
export function now(): Date {
  const source = holder[KEY];
  return source ? new Date(source().getTime()) : new Date();
}

/** Makes `now()` read `next` (or the real time again with `undefined`); returns the previous source. */
export function setClockSource(next: ClockSource | undefined): ClockSource | undefined {
  const previous = holder[KEY];
  holder[KEY] = next;
  return previous;
}

/**
 * Waits `ms` on the product's clock: real time in the cloud; with a configured source (the local
 * runtime's virtual clock, which only its operator moves) the wait passes in that clock's time —
 * at once, since nothing inside a step may move it.
 */
export function pause(ms: number): Promise<void> {
  if (holder[KEY] || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
