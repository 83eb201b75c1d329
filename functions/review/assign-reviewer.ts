/**
 * AssignReviewer `{unitId, periodId}` → `{reviewerId}`.
 *
 * The unit-period's reviewer: the one stored if it has one (a re-run; the first one stored when
 * the admin has reassigned the review since, as the first run answered), else the reviewer not from
 * the unit with the fewest units in the period (ties: the config's order from a place the unit's id
 * gives). Race-free balance
 * without transactions: the chosen reviewer's next load slot is taken only while the reviewer
 * still holds the count the step believes (`takeLoadSlot`). The counts come from the period's
 * load summary in one read, whatever the number of units: each is a lower bound (a slot is noted
 * just after it is taken), so a slot found taken raises that reviewer's count by one and the
 * choice is made again. When the slot is taken, its reviewer held exactly the count used and every
 * other reviewer at least theirs: the chosen one is the least loaded, as if every slot had been
 * counted, and the loads never differ by more than one (among reviewers eligible alike). A run
 * marks the unit before its first try; a re-run that finds the mark (the run before stopped before
 * storing the assignment) lists the period's slots once and keeps the one the unit holds. Then the
 * assignment itself is stored (its put is the lock of the unit-period).
 */
import { reviewReminderSeconds, waitSeconds } from '#domain/calendar';
import type { Person } from '#domain/model';
import { reviews } from '#ports/dynamo/reviews';
import type { AssignmentStart } from '#ports/reviews';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type UnitPeriodInput, unitPeriodInput } from '#steps/inputs';
import { STEP_ERRORS, StepError } from '#steps/middleware';
import { systemActor } from '#steps/records';

const STEP = 'assign-reviewer';
/** Slots tried before giving up (each lost one means another unit was placed meanwhile). */
const MAX_TRIES = 2_000;

/**
 * The eligible reviewer with the fewest units; ties in config order, starting at a place the
 * unit's id gives, so that units assigned at the same moment try different reviewers rather than
 * all racing for the first one (a herd whose tries grow with the square of the units at once).
 */
export function leastLoaded(
  eligible: readonly Person[],
  loads: Readonly<Record<string, number>>,
  unitId = '',
): Person | undefined {
  const start = eligible.length ? tieStart(unitId) % eligible.length : 0;
  let best: Person | undefined;
  for (let i = 0; i < eligible.length; i++) {
    const r = eligible[(start + i) % eligible.length];
    if (r && (!best || (loads[r.id] ?? 0) < (loads[best.id] ?? 0))) best = r;
  }
  return best;
}

/** A small stable number from the unit id (FNV-1a). */
function tieStart(unitId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < unitId.length; i++) h = Math.imul(h ^ unitId.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The reviewer whose load slot the unit holds now: an earlier one, or one taken here. */
async function takeSlot(
  periodId: string,
  unitId: string,
  eligible: readonly Person[],
  start: AssignmentStart,
): Promise<string> {
  const { loads } = start;
  if (start.tried) {
    // A run stopped after marking (a crash, a timeout): it may hold a slot, found by listing them.
    const { holder } = await reviews().reviewerLoads(periodId, unitId);
    if (holder) return holder;
  } else {
    await reviews().markTakingSlot(periodId, unitId);
  }
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const candidate = leastLoaded(eligible, loads, unitId);
    if (!candidate) break;
    const load = loads[candidate.id] ?? 0;
    if (await reviews().takeLoadSlot(periodId, candidate.id, unitId, load)) return candidate.id;
    // Taken by another assignment, which notes it on the summary.
    loads[candidate.id] = load + 1;
  }
  throw new StepError(STEP_ERRORS.conflict, `The reviewer loads of ${periodId} kept changing`);
}

export interface Assigned {
  reviewerId: string;
  /** How long the first round's wait lasts (docs/review.md, "How long a wait lasts"). */
  waitSeconds: number;
}

export async function assignReviewer(input: UnitPeriodInput, ctx: CampaignStepContext): Promise<Assigned> {
  const { unitId, periodId } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const assigned = (reviewerId: string): Assigned => ({
    reviewerId,
    waitSeconds: waitSeconds(
      ctx.clock(),
      reviewReminderSeconds(campaign.config.calendar),
      period.lateAppraisalUntil,
    ),
  });
  const start = await reviews().assignmentStart(periodId, unitId);
  // A re-run answers as the first run did: the reviewer first assigned, even after the admin
  // handed the review to another (the steps read the current one from the assignment). The answer
  // is in the state every wait of the execution passes on, so a run resumed from its start (locally,
  // after a restart) finds its waits again, with their deadlines, instead of starting them afresh.
  if (start.assignment) return assigned(start.assignment.firstReviewerId ?? start.assignment.reviewerId);

  campaign.unit(unitId);
  const eligible = campaign.people('reviewer').filter((r) => r.unit !== unitId);
  if (eligible.length === 0) {
    throw new StepError(
      STEP_ERRORS.invalidConfig,
      `No reviewer outside unit ${unitId} can appraise its report`,
    );
  }
  const chosen = await takeSlot(periodId, unitId, eligible, start);
  crashPoint('assign.after-slot');
  const { assignment, created } = await reviews().assign(periodId, unitId, chosen, systemActor(STEP));
  if (!created && assignment.reviewerId !== chosen) {
    // Another run assigned this unit meanwhile; its reviewer counts (the slot taken stays).
    ctx.log.warn('unit assigned concurrently; keeping the stored reviewer', {
      reviewerId: assignment.reviewerId,
    });
  } else {
    ctx.log.info('reviewer assigned', { reviewerId: assignment.reviewerId });
  }
  return assigned(assignment.reviewerId);
}

export const handler = campaignStep({ name: STEP, input: unitPeriodInput }, assignReviewer);
