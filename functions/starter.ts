/**
 * The starter `{workflow, name, input}` → `{status}`: the target of every one-time schedule
 * (functions/launch/plan-schedules.ts), and what an admin's "start again" calls.
 *
 * `StartExecution` on the named workflow's state machine (ARN from `STATE_MACHINE_ARNS`, a JSON
 * map `{"period": "arn:…", "scoring": …}`, or `<WORKFLOW>_STATE_MACHINE_ARN`) under the given
 * execution name. An execution of that name existing already (`ExecutionAlreadyExists`) is
 * success: EventBridge Scheduler would otherwise send the event to its dead-letter queue, and the
 * named execution did start once. Any other error fails the invocation; Scheduler invokes this
 * function asynchronously, so Lambda retries it and then sends it to the function's on-failure
 * destination (with its own alarm).
 */
import * as z from 'zod/mini';
import { callbacks } from '#ports/callbacks';
import { stateMachineArn } from '#ports/settings';
import { type StepContext, stepHandler } from '#steps/middleware';

const STEP = 'starter';

export const starterInput = z.object({
  workflow: z.enum(['period', 'scoring', 'commendation', 'review']),
  name: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, { error: 'must be 1–80 characters of [A-Za-z0-9_-]' })),
  input: z._default(z.record(z.string(), z.unknown()), {}),
});

export type StarterEvent = z.output<typeof starterInput>;

export async function start(
  event: StarterEvent,
  ctx: StepContext,
): Promise<{ status: 'started' | 'already-exists' }> {
  const arn = stateMachineArn(event.workflow);
  const status = await callbacks().startExecution(arn, event.name, event.input);
  ctx.log.info('execution started', { workflow: event.workflow, executionName: event.name, status });
  return { status };
}

export const handler = stepHandler({ name: STEP, input: starterInput }, start);
