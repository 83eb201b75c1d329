/**
 * The sweep's runs on demand (functions/sweep.ts): a request `{"sweepAt": <instant>}` becomes a
 * one-time schedule in the stack's group that invokes the sweep then. One schedule a minute,
 * named from it: many requests for the same minute are one run (`ConflictException` = planned).
 * The schedule deletes itself after it fired; a run it misses is the hourly backstop's.
 */
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import * as z from 'zod/mini';
import { region, requireEnv, sharedClient } from '#ports/aws';
import { sweepMinute } from '#ports/sweep-timing';
import type { StepContext } from '#steps/middleware';

/** What a page sends (functions/ports/sweep-trigger.ts); the schedules send `{}`. */
export const sweepRequestInput = z.object({ sweepAt: z.iso.datetime() });

/** The instant a request asks for, when it is still ahead of `now`; undefined: sweep now. */
export function sweepRequest(input: unknown, now: Date): Date | undefined {
  const parsed = sweepRequestInput.safeParse(input);
  if (!parsed.success) return undefined;
  const at = new Date(parsed.data.sweepAt);
  return at.getTime() > now.getTime() ? at : undefined;
}

/** `sweep-20221001T0105`: the minute of the run, in UTC. */
export function sweepScheduleName(minute: Date): string {
  return `sweep-${minute.toISOString().slice(0, 16).replace(/[-:]/g, '')}`;
}

/** Plans a run at `at` (rounded up to the minute, never before the next one); answers its schedule's name. */
export async function planSweep(at: Date, ctx: StepContext): Promise<string> {
  const earliest = sweepMinute(new Date(ctx.clock().getTime() + 1000));
  const minute = at.getTime() > earliest.getTime() ? sweepMinute(at) : earliest;
  const name = sweepScheduleName(minute);
  const scheduler = sharedClient('scheduler', () => new SchedulerClient({ region: region() }));
  try {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: requireEnv('SCHEDULE_GROUP', "the stack's schedule group"),
        ScheduleExpression: `at(${minute.toISOString().slice(0, 19)})`,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Description: 'thidua: a sweep run asked for by a claim that left follow-ups',
        Target: {
          // This very function, as it was invoked.
          Arn: ctx.lambda.invokedFunctionArn,
          RoleArn: requireEnv('SWEEP_SCHEDULE_ROLE_ARN', 'the role sweep schedules invoke the sweep as'),
          Input: '{}',
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConflictException') throw error;
  }
  return name;
}
