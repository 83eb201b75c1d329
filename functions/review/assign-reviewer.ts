/**
 * AssignReviewer `{unitId, periodId}` → `{reviewerId}`.
 *
 * The unit-period's reviewer: the one stored if it has one (a re-run, or an admin's
 * reassignment), else the reviewer not from the unit with the fewest units in the period (ties:
 * the config's order). Race-free balance without transactions: the unit is first counted in the
 * chosen reviewer's load only if that load still holds the count the step read
 * (`reserveReviewerLoad`); when another assignment got there first, the loads are read again and
 * the choice made again. Loads only grow during assignment, so the reviewer chosen is still the
 * least loaded when its count is taken: the loads never differ by more than one (among reviewers
 * eligible alike). Then the assignment itself is stored (`assignReviewer`: its put is the lock
 * of the unit-period; the load add there is idempotent).
 */
import type { Person } from '#domain/model';
import { STEP_ERRORS, type StepContext, StepError, stepHandler } from '#steps/middleware';
import { requireCampaign, systemActor } from '#steps/steps';
import { unitPeriodInput } from './inputs.ts';

const STEP = 'assign-reviewer';
/** Rounds of read-choose-reserve before giving up (each lost round means another unit was placed). */
const MAX_ROUNDS = 50;

/** The eligible reviewer with the fewest units (ties: config order). */
export function leastLoaded(
  eligible: readonly Person[],
  loads: Readonly<Record<string, number>>,
): Person | undefined {
  let best: Person | undefined;
  for (const r of eligible) {
    if (!best || (loads[r.id] ?? 0) < (loads[best.id] ?? 0)) best = r;
  }
  return best;
}

export async function assignReviewer(
  input: { unitId: string; periodId: string },
  ctx: Pick<StepContext, 'store' | 'log'>,
): Promise<{ reviewerId: string }> {
  const { unitId, periodId } = input;
  const existing = await ctx.store.getAssignment(periodId, unitId);
  if (existing) return { reviewerId: existing.reviewerId };

  const { config } = await requireCampaign(ctx);
  if (!config.units.some((u) => u.id === unitId)) {
    throw new StepError(STEP_ERRORS.notFound, `unit not found: ${unitId}`);
  }
  if (!(await ctx.store.getPeriod(periodId))) {
    throw new StepError(STEP_ERRORS.notFound, `period not found: ${periodId}`);
  }
  const eligible = config.reviewers.filter((r) => r.unit !== unitId);
  if (eligible.length === 0) {
    throw new StepError(
      STEP_ERRORS.invalidConfig,
      `No reviewer outside unit ${unitId} can appraise its report`,
    );
  }

  let chosen: Person | undefined;
  for (let round = 0; round < MAX_ROUNDS && !chosen; round++) {
    const loads = await ctx.store.getReviewerLoads(periodId);
    const candidate = leastLoaded(eligible, loads) as Person;
    if (await ctx.store.reserveReviewerLoad(periodId, candidate.id, unitId, loads[candidate.id] ?? 0))
      chosen = candidate;
  }
  if (!chosen) throw new StepError(STEP_ERRORS.conflict, `The reviewer loads of ${periodId} kept changing`);

  const { assignment, created } = await ctx.store.assignReviewer(
    periodId,
    unitId,
    chosen.id,
    systemActor(STEP),
  );
  if (!created && assignment.reviewerId !== chosen.id) {
    // Another run assigned this unit meanwhile; its reviewer counts (the reserved count stays).
    ctx.log.warn('unit assigned concurrently; keeping the stored reviewer', {
      reviewerId: assignment.reviewerId,
    });
  } else {
    ctx.log.info('reviewer assigned', { reviewerId: assignment.reviewerId });
  }
  return { reviewerId: assignment.reviewerId };
}

export const handler = stepHandler({ name: STEP, input: unitPeriodInput }, assignReviewer);
