/**
 * The unit-period progress item (`UNIT#u / P#p#PROGRESS`, listed per period on gsi1
 * `PERIOD#p#PROGRESS`): the marks of the period steps, and a copy of what the admin's unit table
 * shows — the report's status and when it moved, the reviewer and since when — so a period's
 * dashboard is one Query of small items, never the reports themselves (docs/admin.md).
 *
 * The copies are written by the report and review stores right after the write they mirror,
 * "only if newer" (conditional on the instant they carry), so a re-run or a late writer never
 * sets an older state over a newer one; a retried write that finds its own state mirrors it again.
 */
import type { ReportStatus, UnitProgress } from '../reports.ts';
import { type Item, part, periodPk, unitPeriodPrefix, unitPk } from './keys.ts';
import type { Table } from './table.ts';

export const progressKey = (unitId: string, periodId: string) => ({
  pk: unitPk(unitId),
  sk: `${unitPeriodPrefix(periodId)}PROGRESS`,
});

const text = (item: Item, name: string): Record<string, string> =>
  item[name] ? { [name]: String(item[name]) } : {};

// Items read back carry what this module and the stores wrote: the cast names the status field.
export function progressOf(item: Item): UnitProgress {
  return {
    unitId: String(item.unitId),
    periodId: String(item.periodId),
    ...text(item, 'invitedAt'),
    ...text(item, 'remindedAt'),
    ...text(item, 'lateAt'),
    ...text(item, 'finalApprovalId'),
    ...(item.reportStatus ? { reportStatus: item.reportStatus as ReportStatus } : {}),
    ...text(item, 'statusChangedAt'),
    ...text(item, 'submittedAt'),
    ...text(item, 'reviewerId'),
    ...text(item, 'assignedAt'),
  };
}

/**
 * Updates the progress item (creating it, with its listing keys); undefined when `condition`
 * does not hold.
 */
export async function updateProgress(
  table: Table,
  unitId: string,
  periodId: string,
  change: {
    update: string;
    values: Record<string, unknown>;
    names?: Record<string, string>;
    condition?: string;
  },
): Promise<Item | undefined> {
  return table.updateIf({
    Key: progressKey(unitId, periodId),
    UpdateExpression: `${change.update}, unitId = :unit, periodId = :period, gsi1pk = :list, gsi1sk = :unit`,
    ExpressionAttributeValues: {
      ...change.values,
      ':unit': part('unitId', unitId),
      ':period': periodId,
      ':list': `${periodPk(periodId)}#PROGRESS`,
    },
    ...(change.names && Object.keys(change.names).length > 0
      ? { ExpressionAttributeNames: change.names }
      : {}),
    ...(change.condition ? { ConditionExpression: change.condition } : {}),
  });
}

/** Mirrors a report's status onto its progress item, unless a newer status is there already. */
export async function mirrorReportStatus(table: Table, report: Item): Promise<void> {
  const at = String(report.statusChangedAt);
  await updateProgress(table, String(report.unitId), String(report.periodId), {
    update: `SET reportStatus = :s, statusChangedAt = :at${report.submittedAt ? ', submittedAt = :sub' : ''}`,
    values: {
      ':s': String(report.status),
      ':at': at,
      ...(report.submittedAt ? { ':sub': String(report.submittedAt) } : {}),
    },
    condition: 'attribute_not_exists(statusChangedAt) OR statusChangedAt <= :at',
  });
}

/** Mirrors the unit-period's reviewer onto its progress item, unless a later assignment is there. */
export async function mirrorReviewer(
  table: Table,
  unitId: string,
  periodId: string,
  reviewer: { reviewerId: string; assignedAt: string },
): Promise<void> {
  await updateProgress(table, unitId, periodId, {
    update: 'SET reviewerId = :r, assignedAt = :at',
    values: { ':r': reviewer.reviewerId, ':at': reviewer.assignedAt },
    condition: 'attribute_not_exists(assignedAt) OR assignedAt <= :at',
  });
}
