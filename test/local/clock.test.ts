import { afterEach, describe, expect, it } from 'vitest';
import { type ClockPosition, VirtualClock } from '#local/runtime/clock';
import { now } from '#ports/clock';

const at = (iso: string) => new Date(iso);
let uninstall: (() => void) | undefined;
afterEach(() => {
  uninstall?.();
  uninstall = undefined;
});

describe('the virtual clock', () => {
  it('stands still until moved, and handlers read it through #ports/clock', () => {
    const clock = new VirtualClock(at('2022-08-02T01:00:00Z'));
    uninstall = clock.install();
    expect(now().toISOString()).toBe('2022-08-02T01:00:00.000Z');
    uninstall();
    uninstall = undefined;
    expect(Math.abs(now().getTime() - Date.now())).toBeLessThan(1000);
  });

  it('fires what falls due in time order, each at its own time, and not what lies beyond', async () => {
    const clock = new VirtualClock(at('2022-08-02T00:00:00Z'));
    const seen: string[] = [];
    clock.setTimer(at('2022-08-10T00:00:00Z'), () => seen.push(`b@${clock.now().toISOString()}`), {
      label: 'b',
    });
    clock.setTimer(at('2022-08-05T00:00:00Z'), () => {
      seen.push(`a@${clock.now().toISOString()}`);
      // Set by a firing, due before the target: fires in the same move.
      clock.setTimer(at('2022-08-07T00:00:00Z'), () => seen.push(`a2@${clock.now().toISOString()}`));
    });
    clock.setTimer(at('2022-09-01T00:00:00Z'), () => seen.push('late'));
    const fired = await clock.advanceTo(at('2022-08-20T00:00:00Z'));
    expect(seen).toEqual([
      'a@2022-08-05T00:00:00.000Z',
      'a2@2022-08-07T00:00:00.000Z',
      'b@2022-08-10T00:00:00.000Z',
    ]);
    expect(fired.map((f) => f.label)).toEqual(['timer', 'timer', 'b']);
    expect(clock.now().toISOString()).toBe('2022-08-20T00:00:00.000Z');
    expect(clock.nextEventTime()?.toISOString()).toBe('2022-09-01T00:00:00.000Z');
  });

  it('awaits the effects of each firing before the next', async () => {
    const clock = new VirtualClock(at('2022-08-02T00:00:00Z'));
    const log: string[] = [];
    let inFlight: Promise<void> | undefined;
    clock.addSettler(async () => {
      await inFlight;
    });
    clock.setTimer(at('2022-08-03T00:00:00Z'), () => {
      inFlight = new Promise((r) => setTimeout(r, 20)).then(() => {
        log.push('effect of first');
      });
    });
    clock.setTimer(at('2022-08-04T00:00:00Z'), () => log.push('second'));
    await clock.advanceTo(at('2022-08-05T00:00:00Z'));
    expect(log).toEqual(['effect of first', 'second']);
  });

  it('coalesces a recurring timer between one-time events and skips it as a "next event"', async () => {
    const clock = new VirtualClock(at('2022-08-02T00:00:00Z'));
    const sweeps: string[] = [];
    clock.setTimer(at('2022-08-02T00:05:00Z'), () => sweeps.push(clock.now().toISOString()), {
      everyMs: 5 * 60_000,
      label: 'sweep',
    });
    clock.setTimer(at('2022-08-03T12:02:00Z'), () => sweeps.push('event'));
    expect(clock.nextEventTime()?.toISOString()).toBe('2022-08-03T12:02:00.000Z');
    await clock.advanceToNextEvent();
    await clock.advanceTo(at('2022-08-04T00:00:00Z'));
    expect(sweeps).toEqual(['2022-08-03T12:00:00.000Z', 'event', '2022-08-04T00:00:00.000Z']);
  });

  it('refuses to go back', async () => {
    const clock = new VirtualClock(at('2022-08-02T00:00:00Z'));
    await expect(clock.advanceTo(at('2022-08-01T00:00:00Z'))).rejects.toThrow(/cannot go back/);
  });
});

describe('the durable position of the clock', () => {
  it('is written only once every timer due up to it has fired, with the move still to finish', async () => {
    const positions: string[] = [];
    const show = (p: ClockPosition) => `${p.now.toISOString().slice(0, 10)}${p.target ? ' → move' : ''}`;
    const clock = new VirtualClock(at('2022-08-02T00:00:00Z'), (p) => positions.push(show(p)));
    const seen: string[] = [];
    const timers: [string, string][] = [
      ['2022-08-03', 'a'],
      ['2022-08-05', 'b1'],
      ['2022-08-05', 'b2'],
      ['2022-08-07', 'c'],
    ];
    for (const [day, label] of timers) {
      clock.setTimer(at(`${day}T00:00:00Z`), () => seen.push(`${label} fires, on disk ${positions.at(-1)}`), {
        label,
      });
    }
    await clock.advanceTo(at('2022-08-10T00:00:00Z'));
    expect(seen).toEqual([
      'a fires, on disk 2022-08-02 → move',
      'b1 fires, on disk 2022-08-03 → move',
      // b1 has fired, b2 not yet: a restart must fire both, so the position stays before them.
      'b2 fires, on disk 2022-08-03 → move',
      'c fires, on disk 2022-08-05 → move',
    ]);
    expect(positions.at(-1)).toBe('2022-08-10');
  });
});
