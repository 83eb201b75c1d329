/**
 * The payloads the `launch`, `period`, `scoring` and `commendation` state machines send their
 * Lambda tasks (docs/cycle.md, "Step functions"); each step parses its event with one of these.
 * Objects are not strict: a state machine may pass more than a step reads.
 */
import { z } from 'zod';

/** Unit, period and person ids are ASCII (they appear in keys, execution names and URLs). */
export const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be an ASCII id' });

/** A commendation cycle: a year (`2024`) or `phase`, optionally a later vote round (`2024-2`). */
export const cycleId = z.string().regex(/^(?:\d{4}|phase)(?:-[1-9]\d{0,2})?$/, {
  error: 'must be a year (2024) or phase, optionally -<round>',
});

export const periodInput = z.object({ periodId: id });
export const unitPeriodInput = z.object({ unitId: id, periodId: id });
export const cycleInput = z.object({ cycleId });

/** StoreCampaign: the district config and its criteria sets, validated again by the step. */
export const storeCampaignInput = z.object({
  config: z.record(z.string(), z.unknown()),
  criteriaSets: z.array(z.record(z.string(), z.unknown())),
});

export const listRecipientsInput = z.object({
  purpose: z.enum(['launch', 'invite', 'remind', 'late']),
  periodId: id.optional(),
});

/** A launch notice's addressee: the units whose focal point they are, and/or a reviewer. */
export const launchRecipient = z.object({
  unitIds: z.array(id),
  reviewerId: id.optional(),
});

export const announceLaunchInput = z.object({ recipient: launchRecipient });

export const remindUnitInput = unitPeriodInput.extend({ kind: z.enum(['remind', 'late']) });

export const publishResultInput = unitPeriodInput.extend({ version: z.number().int().min(1).max(9999) });

export const notifyLeadershipInput = periodInput.extend({ version: z.number().int().min(1).max(9999) });

export const requestVoteInput = cycleInput.extend({
  memberId: id,
  taskToken: z.string().min(1).max(8192),
});
