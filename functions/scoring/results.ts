/**
 * Reading and writing a period's published results: stored as the documented results JSON
 * (`periodResultsToJson`, docs/scoring.md "Results JSON"), one immutable item per version, and
 * whether a version has been announced (the audit entry `results.announced` that NotifyLeadership
 * appends last), which tells a re-run scoring execution whether publishing is still to be done.
 */
import { type PeriodResultsJson, periodResultsFromJson, periodResultsToJson } from '#domain/results-json';
import { publishResults } from '#domain/results-versions';
import type { PeriodResults } from '#domain/scoring';
import { NotFoundError, type Store } from '#ports/store';

export async function listPeriodResults(store: Store, periodId: string): Promise<PeriodResults[]> {
  return (await store.listResults<PeriodResultsJson>(periodId))
    .map((r) => periodResultsFromJson(r.results))
    .sort((a, b) => a.version - b.version);
}

export async function latestPeriodResults(
  store: Store,
  periodId: string,
): Promise<PeriodResults | undefined> {
  return (await listPeriodResults(store, periodId)).at(-1);
}

export async function requirePeriodResults(
  store: Store,
  periodId: string,
  version: number,
): Promise<PeriodResults> {
  const stored = await store.getResults<PeriodResultsJson>(periodId, version);
  if (!stored) throw new NotFoundError('results', `${periodId} v${version}`);
  return periodResultsFromJson(stored.results);
}

export async function storePeriodResults(
  store: Store,
  results: PeriodResults,
): Promise<'created' | 'unchanged'> {
  return store.putResults(results.periodId, results.version, periodResultsToJson(results));
}

/** The units whose line differs in `version` from the version before it (all units for v1). */
export function changedIn(versions: readonly PeriodResults[], version: number): string[] {
  const target = versions.find((v) => v.version === version);
  if (!target) return [];
  const before = versions.filter((v) => v.version < version);
  return publishResults(before, target).changed;
}

export const resultsSubject = (periodId: string) => `results/${periodId}`;
export const announcedId = (version: number) => `announced-v${version}`;

export async function isAnnounced(store: Store, periodId: string, version: number): Promise<boolean> {
  return (await store.listAudit(resultsSubject(periodId))).some((e) => e.id === announcedId(version));
}
