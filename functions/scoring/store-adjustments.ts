/**
 * Storing the admin's checked adjustments, from a file (`thidua record`, ./record-adjustments.ts)
 * or from the admin's form (functions/http/admin-actions.ts): one item per unit-period, each
 * change audited, and for each period whose results are already published the name of the rerun
 * that scores the change (workflows/executions.ts, `scoring-<p>-admin-<n>`).
 */
import type { Actor } from '#ports/actor';
import { audit } from '#ports/dynamo/audit';
import { results } from '#ports/dynamo/results';
import { crashPoint } from '#steps/crash-point';
import { scoringExecution } from '#workflows/executions';
import type { AdjustmentsEntry, RecordAdjustmentsResult } from './adjustments.ts';

/**
 * Stores checked entries one by one, each change audited (`adjustments-v<n>` under
 * `adjustments/<unit>/<period>`, the values before and after; `onRecorded` hears each, so a caller
 * can say how far it got if a write fails), then lists the periods among them whose results are
 * already published. `writeId` (the form's): stored with each version, so the same request again
 * finds the versions it stored and writes an entry its first try died before.
 */
export async function storeAdjustments(
  entries: readonly AdjustmentsEntry[],
  actor: Actor,
  onRecorded?: (r: RecordAdjustmentsResult['recorded'][number]) => void,
  options: { writeId?: string } = {},
): Promise<RecordAdjustmentsResult> {
  const recorded: RecordAdjustmentsResult['recorded'] = [];
  for (const e of entries) {
    const { unitId, periodId, expectedVersion, ...values } = e;
    const r = await results().putAdjustments(unitId, periodId, values, actor, {
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
      ...(options.writeId ? { writeId: options.writeId } : {}),
    });
    crashPoint('adjustments.after-put');
    if (r.changed) {
      await audit().append({
        id: `adjustments-v${r.adjustments.version}`,
        at: r.adjustments.updatedAt,
        subject: `adjustments/${unitId}/${periodId}`,
        periodId,
        actor,
        action: 'adjustments.recorded',
        detail: { version: r.adjustments.version, before: r.before ?? null, after: values },
      });
    }
    const line = { unitId, periodId, changed: r.changed, version: r.adjustments.version };
    recorded.push(line);
    onRecorded?.(line);
  }
  const out: Pick<RecordAdjustmentsResult, 'periodsWithResults' | 'latestResults' | 'rerunAs'> = {
    periodsWithResults: [],
    latestResults: {},
    rerunAs: {},
  };
  for (const periodId of new Set(entries.map((e) => e.periodId))) {
    const headers = await results().listHeaders(periodId);
    if (headers.length === 0) continue;
    out.periodsWithResults.push(periodId);
    out.latestResults[periodId] = headers.reduce((n, h) => Math.max(n, h.version), 0);
    // The versions just written are read back from the puts (the listing is an index, maybe behind).
    const versions = new Map(
      (await results().listPeriodAdjustments(periodId)).map((a) => [a.unitId, a.version]),
    );
    for (const r of recorded) if (r.periodId === periodId) versions.set(r.unitId, r.version);
    const n = [...versions.values()].reduce((a, b) => a + b, 0);
    out.rerunAs[periodId] = scoringExecution(periodId, { trigger: 'admin', n }).name;
  }
  return { recorded, ...out };
}
