/**
 * The payloads the state machines send their Lambda tasks (docs/cycle.md and docs/review.md,
 * "Step functions"); each step parses its event with one of these and takes its input type from
 * it. zod/mini: a step's bundle carries these checks, not the whole of zod. Objects are not strict:
 * a state machine may pass more than a step reads.
 */
import * as z from 'zod/mini';

/** Unit, period and person ids are ASCII (they appear in keys, execution names and URLs). */
export const id = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be an ASCII id' }));

/** A commendation cycle: a year (`2024`) or `phase`, optionally a later vote round (`2024-2`). */
export const cycleId = z.string().check(
  z.regex(/^(?:\d{4}|phase)(?:-[1-9]\d{0,2})?$/, {
    error: 'must be a year (2024) or phase, optionally -<round>',
  }),
);

const wholeNumber = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));
const taskToken = z.string().check(z.minLength(1), z.maxLength(8192));

export const periodInput = z.object({ periodId: id });
export const unitPeriodInput = z.object({ unitId: id, periodId: id });
export const cycleInput = z.object({ cycleId });

/** A launch step: the campaign version its execution launches (workflows/executions.ts). */
export const launchStepInput = z.object({
  campaignVersion: wholeNumber(1, 9999),
  contentHash: z.optional(
    z.string().check(z.regex(/^[0-9a-f]{64}$/, { error: 'must be a sha256 hex digest' })),
  ),
});

export const listRecipientsInput = z.object({
  purpose: z.enum(['launch', 'invite', 'remind', 'late']),
  periodId: z.optional(id),
  campaignVersion: z.optional(wholeNumber(1, 9999)),
});

/**
 * A launch notice's addressee, as the Map item list-recipients returns: `unit:<id>` (the unit's
 * focal point) or `reviewer:<id>`, standing for everyone at that person's address.
 */
export const recipientId = z.string().check(
  z.regex(/^(?:unit|reviewer):[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, {
    error: 'must be unit:<id> or reviewer:<id>',
  }),
);

export const announceLaunchInput = z.object({ recipientId, campaignVersion: wholeNumber(1, 9999) });

export const remindUnitInput = z.extend(unitPeriodInput, { kind: z.enum(['remind', 'late']) });

export const publishResultInput = z.extend(unitPeriodInput, { version: wholeNumber(1, 9999) });

export const notifyLeadershipInput = z.extend(periodInput, { version: wholeNumber(1, 9999) });

export const computeResultsInput = z.extend(periodInput, {
  executionName: z.optional(z.string().check(z.maxLength(80))),
});

/** A council member's part of a cycle's vote. */
const cycleMemberInput = z.extend(cycleInput, { memberId: id });

export const requestVoteInput = z.extend(cycleMemberInput, { taskToken });

/** An instant as the store writes it (`toISOString`). */
const instant = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/));

/** RemindVote: the member, and the vote's close and reminder as the proposal stored them. */
export const remindVoteInput = z.extend(cycleMemberInput, { closesAt: instant, remindAt: instant });

/** `{unitId, periodId, reviewerId, round}`: the state every review step after the assignment reads. */
export const roundInput = z.extend(unitPeriodInput, { reviewerId: id, round: wholeNumber(1, 999) });

/** A review callback task's payload: the round state plus `$$.Task.Token`. */
export const callbackInput = z.extend(roundInput, { taskToken });

/** EscalateReview (`kind: 'appraise'`) and RemindExplanation (`kind: 'explain'`). */
export const remindInput = z.extend(roundInput, { kind: z.enum(['appraise', 'explain']) });

/** RecordFailure: whatever the state held when the error was caught (ids may be missing). */
export const failureInput = z.object({
  unitId: z.optional(id),
  periodId: z.optional(id),
  executionName: z.optional(z.string().check(z.maxLength(80))),
  error: z.nullish(z.string()),
  cause: z.nullish(z.string()),
});

export type PeriodInput = z.output<typeof periodInput>;
export type UnitPeriodInput = z.output<typeof unitPeriodInput>;
export type CycleInput = z.output<typeof cycleInput>;
export type LaunchStepInput = z.output<typeof launchStepInput>;
export type ListRecipientsInput = z.output<typeof listRecipientsInput>;
export type AnnounceLaunchInput = z.output<typeof announceLaunchInput>;
export type RemindUnitInput = z.output<typeof remindUnitInput>;
export type PublishResultInput = z.output<typeof publishResultInput>;
export type NotifyLeadershipInput = z.output<typeof notifyLeadershipInput>;
export type ComputeResultsInput = z.output<typeof computeResultsInput>;
export type RemindVoteInput = z.output<typeof remindVoteInput>;
export type RequestVoteInput = z.output<typeof requestVoteInput>;
export type RoundInput = z.output<typeof roundInput>;
export type CallbackInput = z.output<typeof callbackInput>;
export type RemindInput = z.output<typeof remindInput>;
export type FailureInput = z.output<typeof failureInput>;
