/**
 * The HTTP bed (test/http/harness.ts) for tests of the cloud's shape: started once per file, and
 * a named crash point armed to throw `CrashPoint` on its first pass — an invocation that died
 * after its write — and disarmed after each test.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type Harness, startHarness } from '../http/harness.ts';

export interface CrashBed {
  /** The running bed (after `beforeAll`). */
  readonly h: Harness;
  /** The next pass of `point` throws. */
  crashAt(point: string): void;
  /** No point throws any more. */
  disarm(): void;
}

/** The next pass of `point` in this process throws `CrashPoint`, as an invocation that died after its write. */
export function armCrash(point: string): void {
  process.env.THIDUA_CRASH_MODE = 'throw';
  process.env.THIDUA_CRASH_AT = `${point}:1`;
}

/** No point throws any more. */
export function disarmCrash(): void {
  delete process.env.THIDUA_CRASH_AT;
  delete process.env.THIDUA_CRASH_MODE;
}

export function crashBed(): CrashBed {
  let harness: Harness | undefined;
  const disarm = disarmCrash;
  beforeAll(async () => {
    harness = await startHarness();
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
  });
  afterEach(disarm);
  return {
    get h() {
      if (!harness) throw new Error('the bed is not started');
      return harness;
    },
    crashAt: armCrash,
    disarm,
  };
}
