/**
 * The sweep on demand: a page whose claim leaves follow-ups (a submitted report, an explanation,
 * a recorded decision) asks for a sweep run once the sweep would take them — their grace past —
 * with one asynchronous invocation of the sweep (`{"sweepAt": <instant>}`), which plans that run
 * as a one-time schedule (functions/sweep.ts). The page needs `lambda:InvokeFunction` on the
 * sweep only: no scheduler or PassRole rights.
 *
 * The request is sent right after the claim, before any follow-up, so a request that dies after
 * it is finished within minutes. It is best effort: a request that dies between its claim and
 * this call, or an invocation that fails, leaves the work to the hourly backstop run, which
 * finds every claim by its index — so a failure here is logged, never thrown.
 *
 * Configuration: `SWEEP_FUNCTION_ARN` (the functions the stack grants it). Without it — the
 * workflow steps, which the sweep's own environment would otherwise depend on in a cycle — no
 * request is sent and the backstop finishes their leftovers.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { region, sharedClient } from './aws.ts';
import { now } from './clock.ts';
import { handlerLogger, type Logger } from './log.ts';
import { provide } from './registry.ts';
import { SWEEP_GRACE_MS, sweepMinute } from './sweep-timing.ts';

export interface SweepTrigger {
  /** Asks for a sweep run at `at` or a little after (rounded up to the minute). */
  runAt(at: Date, log: Logger): Promise<void>;
}

export class LambdaSweepTrigger implements SweepTrigger {
  /** The minutes this container already asked for: a burst of claims sends one request. */
  private readonly asked = new Set<number>();
  private readonly client?: LambdaClient;

  constructor(client?: LambdaClient) {
    this.client = client;
  }

  async runAt(at: Date, log: Logger): Promise<void> {
    const sweep = process.env.SWEEP_FUNCTION_ARN?.trim();
    if (!sweep) return;
    const minute = sweepMinute(at);
    if (this.asked.has(minute.getTime())) return;
    const lambda = this.client ?? sharedClient('lambda', () => new LambdaClient({ region: region() }));
    try {
      await lambda.send(
        new InvokeCommand({
          FunctionName: sweep,
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ sweepAt: minute.toISOString() })),
        }),
      );
      this.asked.add(minute.getTime());
    } catch (error) {
      log.warn('the sweep could not be asked for; the hourly run will finish the follow-ups', { error });
    }
  }
}

/** The container's sweep trigger. */
export const sweepTrigger = provide<SweepTrigger>('sweepTrigger', () => new LambdaSweepTrigger());

/**
 * Asks for a sweep run once the sweep would take a claim made now: its grace past, and a second
 * more, since the sweep takes claims strictly older than the grace.
 */
export function askForSweep(): Promise<void> {
  return sweepTrigger().runAt(new Date(now().getTime() + SWEEP_GRACE_MS + 1000), handlerLogger());
}
