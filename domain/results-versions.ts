/**
 * Results versions (DOMAIN.md: results are versioned; nobody's published rank silently changes;
 * docs/scoring.md "Results versions"). Two results compare by their results JSON, line by line.
 */

import type { AggregateResults } from '#domain/aggregate';
import { aggregateResultsToJson, periodResultsToJson } from '#domain/results-json';
import type { PeriodResults } from '#domain/scoring';

export interface PublishedResults<R> {
  version: number;
  results: R;
  /** Unit ids whose published line differs from the previous version (all units for version 1). */
  changed: string[];
  /** False when the recomputation was identical to the latest version (nothing to publish). */
  isNew: boolean;
}

/**
 * A recomputation never silently rewrites published results: if it differs from the latest
 * published version it becomes version n+1, with the units whose line changed; if it is
 * identical, the latest version is returned unchanged (so publishing is idempotent).
 */
export function publishResults<R extends PeriodResults | AggregateResults>(
  existingVersions: readonly R[],
  recomputed: R,
): PublishedResults<R> {
  const scope = scopeOf(recomputed);
  for (const existing of existingVersions) {
    if (scopeOf(existing) !== scope) {
      throw new RangeError(`Không thể so sánh kết quả ${scopeOf(existing)} với kết quả ${scope}.`);
    }
  }
  const latest = existingVersions.reduce<R | undefined>(
    (a, b) => (!a || b.version > a.version ? b : a),
    undefined,
  );
  if (!latest) {
    const results = { ...recomputed, version: 1 };
    return { version: 1, results, changed: recomputed.units.map((u) => u.unitId), isNew: true };
  }
  const before = unitLines(latest);
  const after = unitLines(recomputed);
  const changed = [...new Set([...before.keys(), ...after.keys()])]
    .filter((id) => before.get(id) !== after.get(id))
    .sort();
  if (changed.length === 0 && bodyOf(latest) === bodyOf(recomputed)) {
    return { version: latest.version, results: latest, changed: [], isNew: false };
  }
  const version = latest.version + 1;
  return { version, results: { ...recomputed, version }, changed, isNew: true };
}

function scopeOf(r: PeriodResults | AggregateResults): string {
  return r.kind === 'period' ? `period:${r.periodId}` : `${r.kind}:${r.scopeId}`;
}

function unitLines(r: PeriodResults | AggregateResults): Map<string, string> {
  const json = r.kind === 'period' ? periodResultsToJson(r) : aggregateResultsToJson(r);
  return new Map(json.units.map((u) => [u.unitId, JSON.stringify(u)]));
}

/** Everything but the version number and the units' lines. */
function bodyOf(r: PeriodResults | AggregateResults): string {
  const json = r.kind === 'period' ? periodResultsToJson(r) : aggregateResultsToJson(r);
  const { version: _version, units: _units, ...rest } = json;
  return JSON.stringify(rest);
}
