/**
 * A period's published results as stored (functions/ports/results.ts): the documented results JSON
 * (`periodResultsToJson`, docs/scoring.md "Results JSON") split into one line per unit and the
 * header that names them, written last; and whether a version was announced (the audit entry
 * `results.announced` NotifyLeadership appends last), which tells a re-run scoring execution
 * whether publishing is still to be done.
 */
import type { UnitGroup } from '#domain/model';
import {
  type PeriodResultsJson,
  periodResultsFromJson,
  periodResultsToJson,
  type UnitResultJson,
} from '#domain/results-json';
import type { PeriodResults, UnitPeriodResult } from '#domain/scoring';
import type { CampaignHeader } from '#ports/campaigns';
import { audit } from '#ports/dynamo/audit';
import { results } from '#ports/dynamo/results';
import { NotFoundError } from '#ports/errors';
import type { GroupCounts, ResultsHeader, ResultsReason } from '#ports/results';

/** What a version's header says besides its lines: the results JSON without `units`. */
export type ResultsBody = Omit<PeriodResultsJson, 'units'>;
export type PeriodResultsHeader = ResultsHeader<ResultsBody>;

/** Ranked, not reported, not appraised: per group, so a reader needs no line to say "r of n". */
function groupCounts(r: PeriodResults): Record<string, GroupCounts> {
  const counts: Partial<Record<UnitGroup, GroupCounts>> = {};
  for (const u of r.units) {
    const c = counts[u.group] ?? { ranked: 0, notSubmitted: 0, notAppraised: 0 };
    counts[u.group] = c;
    if (u.rank !== null) c.ranked++;
    if (u.status === 'not-submitted') c.notSubmitted++;
    if (u.status === 'submitted-not-appraised') c.notAppraised++;
  }
  return counts;
}

/**
 * Stores a version: its lines, then its header with the units whose line changed (`all` for v1),
 * why it was computed, and the criteria sets by content hash. ConflictError('exists') when another
 * computation's header won the version.
 */
export function storePeriodResults(
  r: PeriodResults,
  meta: {
    changed: 'all' | string[];
    reason: ResultsReason | null;
    campaign: Pick<CampaignHeader, 'criteriaSets'>;
  },
): Promise<'created' | 'unchanged'> {
  const { units, ...body } = periodResultsToJson(r);
  const hashOf = new Map(meta.campaign.criteriaSets.map((s) => [s.id, s.hash]));
  const criteriaSets: Record<string, { id: string; hash: string }> = {};
  for (const [group, set] of Object.entries(r.criteriaSets)) {
    if (set) criteriaSets[group] = { id: set.id, hash: hashOf.get(set.id) ?? '' };
  }
  return results().putVersion<ResultsBody, UnitResultJson>({
    periodId: r.periodId,
    version: r.version,
    lines: units.map((line) => ({ unitId: line.unitId, line })),
    counts: groupCounts(r),
    criteriaSets,
    changed: meta.changed,
    reason: meta.reason,
    body,
  });
}

/** A version read whole: its lines under its header, checked against the header's count. */
export async function readPeriodResults(header: PeriodResultsHeader): Promise<PeriodResults> {
  const lines = await results().getLines<UnitResultJson>(header);
  return periodResultsFromJson({ ...header.body, units: lines.map((l) => l.line) });
}

/** One unit's line of a version, read alone; undefined when the version has none for it. */
export async function unitLine(
  header: PeriodResultsHeader,
  unitId: string,
): Promise<UnitPeriodResult | undefined> {
  try {
    const json = await results().getLine<UnitResultJson>(header, unitId);
    return periodResultsFromJson({ ...header.body, units: [json] }).units[0];
  } catch (error) {
    // A version computed before the unit joined the campaign has no line for it.
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export async function latestHeader(periodId: string): Promise<PeriodResultsHeader | undefined> {
  return (await results().listHeaders<ResultsBody>(periodId)).at(-1);
}

export async function latestPeriodResults(periodId: string): Promise<PeriodResults | undefined> {
  const header = await latestHeader(periodId);
  return header ? readPeriodResults(header) : undefined;
}

export async function requireHeader(periodId: string, version: number): Promise<PeriodResultsHeader> {
  const header = await results().getHeader<ResultsBody>(periodId, version);
  if (!header) throw new NotFoundError('results', `${periodId} v${version}`);
  return header;
}

/** The units whose line is new in the version (every unit of version 1). */
export function changedUnits(header: PeriodResultsHeader, unitIds: readonly string[]): string[] {
  return header.changed === 'all' ? [...unitIds] : header.changed;
}

export const resultsSubject = (periodId: string) => `results/${periodId}`;
export const announcedId = (version: number) => `announced-v${version}`;

export function isAnnounced(periodId: string, version: number): Promise<boolean> {
  return audit().has(resultsSubject(periodId), announcedId(version));
}
