/**
 * SES's sending rate is per account, shared by every district in it (a production account starts
 * at 14 messages a second; the sandbox's is 1). Each invocation paces its own sends at
 * `SES_SEND_RATE_PER_SECOND` on the product's clock (functions/ports/clock.ts): a bucket of one
 * token refilled at that rate, so sends start one every 1/rate s and no second holds more than
 * the rate (a bigger bucket would let a burst and the refill add up to twice the rate).
 * Invocations running side by side may still exceed the account's rate together; SES then answers
 * `TooManyRequestsException` and the mailer waits and sends again (functions/ports/mailer.ts).
 */
import { now, pause } from './clock.ts';

export const DEFAULT_SEND_RATE_PER_SECOND = 14;

/** `SES_SEND_RATE_PER_SECOND` when it is a positive number, else the default. */
export function sendRatePerSecond(): number {
  const configured = Number(process.env.SES_SEND_RATE_PER_SECOND);
  return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_SEND_RATE_PER_SECOND;
}

export interface PacerClock {
  /** Milliseconds on the clock the pacing is measured by. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const productClock: PacerClock = { now: () => now().getTime(), sleep: pause };

export class SendPacer {
  /** When, on the clock, the next send may start. */
  private next = Number.NEGATIVE_INFINITY;
  /** Milliseconds waited so far (what the pacing cost this invocation). */
  waitedMs = 0;
  readonly ratePerSecond: number;
  private readonly clock: PacerClock;

  constructor(ratePerSecond = sendRatePerSecond(), clock: PacerClock = productClock) {
    this.ratePerSecond = ratePerSecond;
    this.clock = clock;
  }

  /** Waits until a send may start; answers how long it waited (ms). */
  async take(): Promise<number> {
    const t = this.clock.now();
    const start = Math.max(this.next, t);
    const wait = start - t;
    // Taken before the wait: sends of one invocation running side by side queue one behind another.
    // Whole milliseconds, rounded up: rate slots summed in floating point could fit rate + 1 in a second.
    this.next = start + Math.ceil(1000 / this.ratePerSecond);
    if (wait > 0) {
      this.waitedMs += wait;
      await this.clock.sleep(wait);
    }
    return wait;
  }

  /** Waits out SES's throttling: `attempt` 1, 2, 3 … wait 1, 2, 4 … seconds. */
  async backOff(attempt: number): Promise<number> {
    const wait = 1000 * 2 ** (attempt - 1);
    this.waitedMs += wait;
    await this.clock.sleep(wait);
    return wait;
  }
}
