/**
 * ListRecipients `{purpose, periodId?}` → `{items}`: what a workflow's Map iterates over, each
 * item being the next step's input as is (docs/cycle.md).
 *
 * - `launch` → `{recipient: {unitIds, reviewerId?}}` per person: every unit's focal point and
 *   every reviewer, grouped by email address, so a person who is both (or the focal point of two
 *   units) gets one launch notice;
 * - `invite` → `{unitId, periodId}` per unit not yet counted as invited for the period;
 * - `remind` → `{unitId, periodId, kind: 'remind'}` per unit without a submitted report
 *   (no report, or a draft);
 * - `late` → `{unitId, periodId, kind: 'late'}` for the same units, each counted in the period's
 *   `late` counter here (a set: a re-run counts nobody twice).
 *
 * Items carry ids only: no addresses or report contents in the execution history.
 */
import type { Unit } from '#domain/model';
import type { Store } from '#ports/store';
import { mapLimited } from '#steps/concurrency';
import { listRecipientsInput } from '#steps/inputs';
import { STEP_ERRORS, type StepContext, StepError, stepHandler } from '#steps/middleware';
import { requirePeriod } from '#steps/steps';
import { INVITED_COUNTER } from './invitation.ts';

const STEP = 'list-recipients';

/** Counter of the period's units marked late at the deadline. */
export const LATE_COUNTER = 'late';

type Purpose = 'launch' | 'invite' | 'remind' | 'late';

/** Units with no submitted report for the period (none at all, or only a draft), by unit id. */
export async function unitsWithoutSubmission(store: Store, periodId: string): Promise<Unit[]> {
  const [units, reports] = await Promise.all([store.listUnits(), store.listPeriodReports(periodId)]);
  const submitted = new Set(reports.filter((r) => r.status !== 'draft').map((r) => r.unitId));
  return units.filter((u) => !submitted.has(u.id));
}

export async function listRecipients(
  input: { purpose: Purpose; periodId?: string | undefined },
  ctx: StepContext,
): Promise<{ items: unknown[] }> {
  const { purpose, periodId } = input;
  if (purpose === 'launch') {
    const [units, reviewers] = await Promise.all([ctx.store.listUnits(), ctx.store.listPeople('reviewer')]);
    const byEmail = new Map<string, { unitIds: string[]; reviewerId?: string }>();
    const entry = (email: string) => {
      const key = email.trim().toLowerCase();
      let e = byEmail.get(key);
      if (!e) {
        e = { unitIds: [] };
        byEmail.set(key, e);
      }
      return e;
    };
    for (const u of units) entry(u.focalPoint.email).unitIds.push(u.id);
    for (const r of reviewers) {
      const e = entry(r.email);
      e.reviewerId ??= r.id;
    }
    const items = [...byEmail.values()].map((recipient) => ({ recipient }));
    ctx.log.info('launch recipients listed', { count: items.length });
    return { items };
  }
  if (!periodId) {
    throw new StepError(STEP_ERRORS.invalidInput, `periodId is required for purpose ${purpose}`);
  }
  const stored = await requirePeriod(ctx, periodId);
  if (purpose === 'invite') {
    const invited = new Set(stored.counters[INVITED_COUNTER] ?? []);
    const items = (await ctx.store.listUnits())
      .filter((u) => !invited.has(u.id))
      .map((u) => ({ unitId: u.id, periodId }));
    ctx.log.info('units to invite listed', { count: items.length });
    return { items };
  }
  const units = await unitsWithoutSubmission(ctx.store, periodId);
  if (purpose === 'late') {
    await mapLimited(units, 10, (u) => ctx.store.addToPeriodCounter(periodId, LATE_COUNTER, u.id));
  }
  const items = units.map((u) => ({ unitId: u.id, periodId, kind: purpose }));
  ctx.log.info('units without a submitted report listed', { purpose, count: items.length });
  return { items };
}

export const handler = stepHandler({ name: STEP, input: listRecipientsInput }, listRecipients);
