/**
 * The one middy stack of every workflow step (functions/{launch,period,review,scoring,commendation}/*,
 * functions/starter.ts, functions/sweep.ts, functions/record-failure.ts):
 *
 * 1. the input event is parsed with the step's schema (zod/mini: the handler's bundle carries the
 *    validator, not all of zod); a bad event fails with `InvalidInput` and a message that names
 *    the field (never its value: it may be a task token);
 * 2. the handler gets the parsed input and a per-invocation context (clock, a logger carrying the
 *    step's name and the ids it works on). Ports are not here: each handler imports the ports it
 *    uses (functions/ports/registry.ts), so its bundle carries only their AWS clients; a step that
 *    reads the campaign is wrapped by `campaignStep` (functions/steps/campaign.ts);
 * 3. an error is logged through functions/ports/log.ts (never the event) and rethrown with a
 *    stable `name` — the Lambda `errorType` that the state machine's Retry/Catch and RecordFailure
 *    see — and a message scrubbed of anything token-like.
 *
 * No input/output logger middleware: the event carries task tokens (docs/review.md, 15).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { $ZodType, output } from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';
import { now } from '#ports/clock';
import { ConflictError, ItemTooLargeError, NotFoundError, SchemaMismatchError } from '#ports/errors';
import { handlerLogger, type Logger, scrubString } from '#ports/log';

/** The error names a step may end with (its Lambda `errorType`). */
export const STEP_ERRORS = {
  /** The event does not match the step's input schema. Retrying cannot help. */
  invalidInput: 'InvalidInput',
  /** A record the step needs (campaign, period, unit, report, person) does not exist. */
  notFound: 'NotFound',
  /** A stored state the step did not expect (another writer got there first). */
  conflict: 'Conflict',
  /** The stored or given district configuration is invalid. */
  invalidConfig: 'InvalidConfig',
  /** A document would exceed DynamoDB's item size. */
  itemTooLarge: 'ItemTooLarge',
  /** The table holds data of an earlier storage layout (README, "Upgrading"). Not retried. */
  schemaMismatch: 'SchemaMismatch',
  /** Anything else that is not an AWS service error (those keep the service's own name). */
  failed: 'StepFailed',
} as const;

/** An error a step throws on purpose, with one of the stable names. */
export class StepError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** What every step handler works with. */
export interface StepContext {
  /** The current time (the local runtime's virtual clock locally). */
  readonly clock: () => Date;
  /** Carries the step's name and the ids it works on. */
  readonly log: Logger;
  readonly lambda: Context;
}

export interface StepSpec<S extends $ZodType> {
  /** The step's name in logs, e.g. `request-appraisal`. */
  name: string;
  input: S;
}

/** Fields of an input that are safe to put on every log line (ids only, never tokens or content). */
const LOGGED_FIELDS = [
  'unitId',
  'periodId',
  'cycleId',
  'round',
  'reviewerId',
  'kind',
  'executionName',
] as const;

function loggedFields(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input && typeof input === 'object') {
    for (const k of LOGGED_FIELDS) {
      const v = Object.getOwnPropertyDescriptor(input, k)?.value;
      if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    }
  }
  return out;
}

/** "unitId: Invalid input; round: …" — paths and messages, no values. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(event)'}: ${issue.message}`,
    )
    .join('; ');
}

function isAwsServiceError(err: unknown): err is Error {
  return err instanceof Error && '$metadata' in err;
}

/** The error a step rethrows: a stable name, a scrubbed message, the original as `cause`. */
export function stableError(err: unknown): Error {
  if (err instanceof StepError) return err;
  let name: string;
  if (err instanceof ConflictError) name = STEP_ERRORS.conflict;
  else if (err instanceof NotFoundError) name = STEP_ERRORS.notFound;
  else if (err instanceof SchemaMismatchError) name = STEP_ERRORS.schemaMismatch;
  // Matched by name: importing the domain's config module would bring its whole schema into every step.
  else if (err instanceof Error && err.name === 'ConfigError') name = STEP_ERRORS.invalidConfig;
  else if (err instanceof ItemTooLargeError) name = STEP_ERRORS.itemTooLarge;
  else if (isAwsServiceError(err)) name = err.name;
  else name = STEP_ERRORS.failed;
  const original = err instanceof Error ? err : new Error(String(err));
  const prefix =
    name === STEP_ERRORS.failed && original.name && original.name !== 'Error' ? `${original.name}: ` : '';
  const stable = new StepError(name, scrubString(`${prefix}${original.message}`).slice(0, 2000));
  stable.stack = `${stable.name}: ${stable.message}\n${scrubString((original.stack ?? '').split('\n').slice(1).join('\n'))}`;
  return stable;
}

/**
 * Wraps a step: `export const handler = stepHandler({ name, input: schema }, async (input, ctx) => …)`.
 */
export function stepHandler<S extends $ZodType, R>(
  spec: StepSpec<S>,
  fn: (input: output<S>, ctx: StepContext) => Promise<R>,
) {
  const base = async (event: unknown, lambda: Context): Promise<R> => {
    const parsed = safeParse(spec.input, event ?? {});
    if (!parsed.success) {
      throw new StepError(
        STEP_ERRORS.invalidInput,
        `Dữ liệu vào của bước ${spec.name} không hợp lệ (invalid input of step ${spec.name}): ${describeIssues(parsed.error.issues)}`,
      );
    }
    const input = parsed.data;
    return fn(input, { clock: now, log: handlerLogger({ step: spec.name, ...loggedFields(input) }), lambda });
  };
  return middy(base).use({
    onError: (request: { event: unknown; error: unknown }) => {
      const stable = stableError(request.error);
      handlerLogger().error('step failed', {
        step: spec.name,
        ...loggedFields(request.event),
        error: stable,
      });
      request.error = stable;
    },
  });
}
