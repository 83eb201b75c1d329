/**
 * The sign-in forms' answer floor (README, "Decisions", admin sign-in): a sign-in POST (`/admin/signin`, `/u`)
 * answers no sooner than `SIGNIN_ANSWER_FLOOR_MS` after the work began, whatever the address, so
 * the time it takes does not tell a known address (a sign-in link claimed, signed and mailed:
 * a few DynamoDB writes and an SES call, ~0.1–0.5 s) from an unknown one (nothing to do).
 *
 * Why a floor and not a hand-off: on Lambda (behind the HTTP API) a container is frozen once it
 * answers, so a send left running after the answer may never finish, and handing it to another
 * service (a queue, an asynchronous invocation, the outbox's sweep, which runs every 5 minutes)
 * would delay a link valid 15 minutes and add a moving part to both runtimes for one form. The
 * floor is the same code on Lambda and in the local runtime; it waits real time (never the
 * product's clock, whose waits pass at once locally: a person timing the form sees real time).
 * What it does not hide: a send slower than the floor (an SES timeout, its throttle backoff),
 * rare for one sign-in mail.
 *
 * The wait is a port so that a test can see that both paths wait on the same floor, without
 * timing anything (test/http/signin-floor.test.ts); the in-process test harnesses replace it with
 * one that passes at once, as they make the product's clock virtual.
 */
import { provide } from './registry.ts';

/** Well above a sign-in mail's usual time (the known path), far below the function's 20 s timeout. */
export const SIGNIN_ANSWER_FLOOR_MS = 2_000;

/** Resolves after `ms` of real time. */
export type RealWait = (ms: number) => Promise<void>;

export const realWait = provide<RealWait>(
  'real-wait',
  () => (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
);

/**
 * Runs `work` and answers its result once the floor has passed too (started with the work; the
 * floor is waited for even when the work throws, so a failed send answers no sooner either).
 */
export async function atFloor<T>(work: () => Promise<T>): Promise<T> {
  const floor = realWait()(SIGNIN_ANSWER_FLOOR_MS);
  try {
    return await work();
  } finally {
    await floor;
  }
}
