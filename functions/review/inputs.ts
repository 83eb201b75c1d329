/**
 * The payloads the `review` state machine sends its Lambda tasks (workflows/review.ts builds them
 * with explicit `Payload` objects; these schemas match them field for field).
 */
import { z } from 'zod';

/** Unit, period and person ids are ASCII slugs (they appear in keys, execution names and URLs). */
const slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be an ASCII id' });

export const unitPeriodInput = z.object({ unitId: slug, periodId: slug });

/** `{unitId, periodId, reviewerId, round}`: the state every step after the assignment reads. */
export const roundInput = unitPeriodInput.extend({
  reviewerId: slug,
  round: z.number().int().min(1).max(999),
});

/** A callback task's payload: the round state plus `$$.Task.Token`. */
export const callbackInput = roundInput.extend({
  taskToken: z.string().min(1).max(8192),
});

/** EscalateReview (`kind: 'appraise'`) and RemindExplanation (`kind: 'explain'`). */
export const remindInput = roundInput.extend({ kind: z.enum(['appraise', 'explain']) });

/** RecordFailure: whatever the state held when the error was caught (ids may be missing). */
export const failureInput = z.object({
  unitId: slug.optional(),
  periodId: slug.optional(),
  executionName: z.string().max(80).optional(),
  error: z.string().nullish(),
  cause: z.string().nullish(),
});
