/**
 * The local runtime's controllable clock. Time stands still until it is moved; moving it fires,
 * in time order, everything that falls due on the way (schedule firings, callback timeouts),
 * setting the clock to each one's time and awaiting its effects (the executions it set going)
 * before the next — so a year of a campaign runs in well under a second of real time.
 *
 * Its durable position (`persist`) is written only once every timer due up to it has fired and
 * its effects have settled, together with the target of a move in progress: a process killed
 * during a move restarts from the last position whose timers all ran, and finishes the move.
 *
 * In-process handlers read this time through `#ports/clock` once `install()` is called.
 */
import { setClockSource } from '#ports/clock';

export interface ClockTimer {
  readonly at: Date;
  readonly label: string;
  cancel(): void;
}

export interface TimerOptions {
  /** Shown in `pending()` and in errors. */
  label?: string;
  /**
   * Recurring every `everyMs`. Occurrences missed between two other events are coalesced into
   * one firing at the last of them (a sweep that runs once, late, not a thousand times), and
   * recurring timers are not "next events" for `advanceToNextEvent`.
   */
  everyMs?: number;
  /**
   * Work the system does on its own (a sweep run it planned), not an event a person moves the
   * clock to: like a recurring timer, never a "next event" for `advanceToNextEvent`.
   */
  background?: boolean;
}

export interface FiredTimer {
  at: Date;
  label: string;
  /** Set for a `background` timer. */
  background?: true;
}

/**
 * Where the clock may restart: every timer due at or before `now` has fired and settled; a move to
 * `target` was in progress.
 */
export interface ClockPosition {
  now: Date;
  target?: Date;
}

interface Entry {
  at: number;
  seq: number;
  label: string;
  everyMs?: number;
  background?: true;
  fire: () => unknown;
  cancelled: boolean;
}

export class VirtualClock {
  private current: number;
  private readonly timers = new Set<Entry>();
  private readonly settlers = new Set<() => Promise<void>>();
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** The position last persisted, so that a move writes only when it changes. */
  private persisted?: { now: number; target?: number };
  /** Writes the durable position (see `ClockPosition`); called only when it changes. */
  private readonly persist?: (position: ClockPosition) => void;

  constructor(start: Date, persist?: (position: ClockPosition) => void) {
    this.persist = persist;
    if (Number.isNaN(start.getTime())) throw new Error('VirtualClock: invalid start date');
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Sets the time without firing anything due in between (for a start or a restore). */
  set(date: Date): void {
    this.current = date.getTime();
    this.save();
  }

  /** Makes every handler's `now()` (`#ports/clock`) read this clock; returns the undo. */
  install(): () => void {
    const previous = setClockSource(() => this.now());
    return () => {
      setClockSource(previous);
    };
  }

  /** Calls `fire` when the clock reaches `at` (at once on the next move, if `at` is past). */
  setTimer(at: Date, fire: () => unknown, options: TimerOptions = {}): ClockTimer {
    if (options.everyMs !== undefined && !(options.everyMs > 0)) throw new Error('everyMs must be > 0');
    const entry: Entry = {
      at: at.getTime(),
      seq: this.seq++,
      label: options.label ?? 'timer',
      fire,
      cancelled: false,
      ...(options.everyMs !== undefined ? { everyMs: options.everyMs } : {}),
      ...(options.background ? { background: true as const } : {}),
    };
    this.timers.add(entry);
    return {
      at: new Date(entry.at),
      label: entry.label,
      cancel: () => {
        entry.cancelled = true;
        this.timers.delete(entry);
      },
    };
  }

  /**
   * Registers a function awaited after every firing (and before and after every move), which
   * resolves when the effects in flight are done — e.g. the engine's "every execution is
   * finished or waiting for a callback".
   */
  addSettler(settle: () => Promise<void>): () => void {
    this.settlers.add(settle);
    return () => this.settlers.delete(settle);
  }

  /** The time of the next one-time event (recurring timers excluded), if any. */
  nextEventTime(): Date | undefined {
    let next: number | undefined;
    for (const t of this.timers) {
      if (t.everyMs === undefined && !t.background && (next === undefined || t.at < next)) next = t.at;
    }
    return next === undefined ? undefined : new Date(next);
  }

  /** What is waiting on the clock, in firing order. */
  pending(): FiredTimer[] {
    return this.sorted().map((t) => ({ at: new Date(t.at), label: t.label }));
  }

  /** Awaits every settler until nothing is in flight. */
  async settle(): Promise<void> {
    for (const s of [...this.settlers]) await s();
  }

  /** Moves to `to`, firing everything due on the way in time order; returns what fired. */
  advanceTo(to: Date): Promise<FiredTimer[]> {
    const run = this.queue.then(() => this.doAdvance(to.getTime()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  advanceBy(ms: number): Promise<FiredTimer[]> {
    return this.advanceTo(new Date(this.current + ms));
  }

  /** Moves to the next one-time event (firing it and anything recurring before it). */
  async advanceToNextEvent(): Promise<Date | undefined> {
    await this.queue;
    await this.settle();
    const next = this.nextEventTime();
    if (!next) return undefined;
    await this.advanceTo(new Date(Math.max(next.getTime(), this.current)));
    return next;
  }

  private sorted(): Entry[] {
    return [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  private async doAdvance(target: number): Promise<FiredTimer[]> {
    if (Number.isNaN(target)) throw new Error('advanceTo: invalid date');
    if (target < this.current) {
      throw new Error(
        `The clock cannot go back (now ${this.now().toISOString()}, asked ${new Date(target).toISOString()})`,
      );
    }
    const fired: FiredTimer[] = [];
    await this.settle();
    // From here a restart finishes this move.
    this.save(target);
    for (;;) {
      const [first] = this.sorted();
      if (!first || first.at > target) break;
      const at = this.occurrence(first, target);
      if (at !== this.current) {
        // Every timer due up to the current time has fired and settled: a durable position.
        this.save(target);
        this.current = at;
      }
      fired.push({ at: new Date(at), label: first.label, ...(first.background ? { background: true } : {}) });
      await first.fire();
      await this.settle();
    }
    this.current = target;
    await this.settle();
    this.save();
    return fired;
  }

  /**
   * When `timer` fires now, taken off the list (one-time) or moved to its next occurrence
   * (recurring: the last occurrence before the next one-time event or the target — coalesced).
   */
  private occurrence(timer: Entry, target: number): number {
    let at = Math.max(timer.at, this.current);
    if (timer.everyMs === undefined) {
      this.timers.delete(timer);
      return at;
    }
    const nextOneTime = this.nextEventTime()?.getTime() ?? Number.POSITIVE_INFINITY;
    const horizon = Math.min(target, nextOneTime);
    if (horizon > at) at += Math.floor((horizon - at) / timer.everyMs) * timer.everyMs;
    timer.at = at + timer.everyMs;
    timer.seq = this.seq++;
    return at;
  }

  /** Persists the current time (and the target of a move in progress) when it changed. */
  private save(target?: number): void {
    if (this.persisted?.now === this.current && this.persisted.target === target) return;
    this.persisted = { now: this.current, ...(target !== undefined ? { target } : {}) };
    this.persist?.({
      now: new Date(this.current),
      ...(target !== undefined ? { target: new Date(target) } : {}),
    });
  }
}
