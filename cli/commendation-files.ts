/**
 * The files of `thidua commend` (docs/cli.md): the units' nominations and the council's ballots.
 * What a file must hold is checked here; what its content means (refusals, the tally) is the
 * domain's (domain/commendation.ts, domain/council.ts).
 */
import { z } from 'zod';
import { parseInstant } from '#domain/calendar';

const isoInstant = z
  .string()
  .refine(
    (s) => parseInstant(s) !== null,
    'expected an ISO 8601 instant with offset, e.g. 2024-12-20T09:00:00+07:00',
  );

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'expected an ASCII slug (a-z, 0-9, -)');

/** `nominations.json`: `{ "nominations": [...], "initiativesApproved"?: ["unitId/initiativeId", …] }`. */
export const NominationsFileSchema = z.object({
  nominations: z.array(
    z.object({
      id: slug,
      name: z.string().min(1),
      position: z.string().optional(),
      unitId: slug,
      // Any string: an unknown form is refused with a reason, not rejected as a file error.
      form: z.string().min(1),
      achievements: z.string(),
      initiativeId: z.string().min(1).optional(),
      status: z.enum(['none', 'discipline', 'investigation', 'inspection', 'complaint']),
      submittedAt: isoInstant,
    }),
  ),
  initiativesApproved: z.array(z.string().min(1)).optional(),
});

/** `ballots.json`: `{ "closesAt"?: instant, "ballots": [{ memberId, castAt, votes: {candidateId: vote} }] }`. */
export const BallotsFileSchema = z.object({
  closesAt: isoInstant.optional(),
  ballots: z.array(
    z.object({
      memberId: z.string().min(1),
      castAt: z.string(),
      // Values are checked by the tally, which reports invalid ones instead of failing the file.
      votes: z.record(z.string(), z.string()),
    }),
  ),
});

export type NominationsFile = z.infer<typeof NominationsFileSchema>;
export type BallotsFile = z.infer<typeof BallotsFileSchema>;
