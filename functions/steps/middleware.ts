/**
 * The one middy stack of every workflow step (functions/review/*, functions/sweep.ts, and the
 * later workflows' steps):
 *
 * 1. the input event is parsed with the step's zod schema; a bad event fails with
 *    `InvalidInput` and a message that names the field (never its value: it may be a task token);
 * 2. the handler gets the parsed input and a per-invocation context (store, mailer, callbacks,
 *    clock, a logger carrying the step's name and the unit-period it works on), built once per
 *    container from the environment (functions/ports/deps.ts);
 * 3. an error is logged through functions/ports/log.ts (never the event) and rethrown with a
 *    stable `name` — the Lambda `errorType` that the state machine's Retry/Catch and RecordFailure
 *    see — and a message scrubbed of anything token-like.
 *
 * No input/output logger middleware: the event carries task tokens (docs/review.md, 15).
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { ConfigError } from '#domain/config';
import { type Deps, getDeps } from '#ports/deps';
import { scrubString } from '#ports/log';
import { ConflictError, ItemTooLargeError, NotFoundError } from '#ports/store';

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

/** What a step handler works with. */
export interface StepContext {
  readonly store: Deps['store'];
  readonly mailer: Deps['mailer'];
  readonly callbacks: Deps['callbacks'];
  /** The current time (the local runtime's virtual clock locally). */
  readonly clock: () => Date;
  /** Carries the step's name and the unit-period it works on. */
  readonly log: Deps['log'];
  /** Links, keyring, settings. */
  readonly deps: Deps;
  readonly lambda: Context;
}

export interface StepSpec<S extends z.ZodType> {
  /** The step's name in logs, e.g. `request-appraisal`. */
  name: string;
  input: S;
}

/** Fields of an input that are safe to put on every log line (ids only, never tokens or content). */
const LOGGED_FIELDS = ['unitId', 'periodId', 'round', 'reviewerId', 'kind', 'executionName'] as const;

function loggedFields(input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (input && typeof input === 'object') {
    for (const k of LOGGED_FIELDS) {
      const v = (input as Record<string, unknown>)[k];
      if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    }
  }
  return out;
}

/** "unitId: Invalid input: expected string, received undefined; round: …" — paths and messages, no values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(event)'}: ${issue.message}`,
    )
    .join('; ');
}

function isAwsServiceError(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    '$metadata' in err &&
    typeof (err as { name?: unknown }).name === 'string'
  );
}

/** The error a step rethrows: a stable name, a scrubbed message, the original as `cause`. */
export function stableError(err: unknown): Error {
  if (err instanceof StepError) return err;
  let name: string;
  if (err instanceof ConflictError) name = STEP_ERRORS.conflict;
  else if (err instanceof NotFoundError) name = STEP_ERRORS.notFound;
  else if (err instanceof ConfigError) name = STEP_ERRORS.invalidConfig;
  else if (err instanceof ItemTooLargeError) name = STEP_ERRORS.itemTooLarge;
  else if (isAwsServiceError(err)) name = (err as Error).name;
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
export function stepHandler<S extends z.ZodType, R>(
  spec: StepSpec<S>,
  fn: (input: z.output<S>, ctx: StepContext) => Promise<R>,
) {
  type Internal = { input?: z.output<S> };
  const base = async (event: unknown, lambdaContext: Context): Promise<R> => {
    const deps = getDeps();
    const ctx: StepContext = {
      get store() {
        return deps.store;
      },
      get mailer() {
        return deps.mailer;
      },
      get callbacks() {
        return deps.callbacks;
      },
      clock: deps.clock,
      log: deps.log.child({ step: spec.name, ...loggedFields(event) }),
      deps,
      lambda: lambdaContext,
    };
    return fn(event as z.output<S>, ctx);
  };
  return middy(base).use({
    before: (request: { event: unknown; internal: Internal }) => {
      const parsed = spec.input.safeParse(request.event ?? {});
      if (!parsed.success) {
        throw new StepError(
          STEP_ERRORS.invalidInput,
          `Dữ liệu vào của bước ${spec.name} không hợp lệ (invalid input of step ${spec.name}): ${describeIssues(parsed.error)}`,
        );
      }
      request.event = parsed.data;
      // Nothing returned: a value here would end the request early (middy 6).
    },
    onError: (request: { event: unknown; error: unknown }) => {
      const stable = stableError(request.error);
      getDeps().log.error('step failed', {
        step: spec.name,
        ...loggedFields(request.event),
        error: stable,
      });
      request.error = stable;
    },
  });
}
