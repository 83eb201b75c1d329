/**
 * A unit's published results of a period, as its report page shows them (functions/web/
 * results-page.ts): every version's line for the unit with why the version was made, and the
 * spread of its group over the bands in the latest version. Reads only what was published.
 */
import { groupLabelsFor } from '#domain/model';
import { periodName } from '#mail/letter';
import { results } from '#ports/dynamo/results';
import type { CampaignContext } from '#steps/campaign';
import { type ResultsVersionFacts, type UnitResultsView, unitResultsView } from '#web/results-page';
import { type ResultsBody, readPeriodResults, unitLine } from './results.ts';

/** The unit's results of the period, or undefined while nothing is published for it. */
export async function unitPublishedResults(
  campaign: CampaignContext,
  unitId: string,
  periodId: string,
): Promise<UnitResultsView | undefined> {
  const headers = await results().listHeaders<ResultsBody>(periodId);
  const lines = await Promise.all(headers.map((h) => unitLine(h, unitId)));
  const versions: ResultsVersionFacts[] = [];
  for (const [i, header] of headers.entries()) {
    const line = lines[i];
    if (!line) continue;
    versions.push({
      version: header.version,
      publishedAt: header.publishedAt,
      reason: header.reason,
      line,
      rankedInGroup: header.counts[line.group]?.ranked ?? 0,
    });
  }
  const current = versions.at(-1);
  const latest = headers.find((h) => h.version === current?.version);
  if (!current || !latest) return undefined;
  const group = current.line.group;
  const groupLines = (await readPeriodResults(latest)).units.filter((u) => u.group === group);
  const setRef = latest.criteriaSets[group];
  const previous = current.line.change
    ? campaign.periods.find((p) => p.id === current.line.change?.previousId)
    : undefined;
  return unitResultsView({
    periodLabel: periodName(campaign.period(periodId)),
    groupLabel: groupLabelsFor(campaign.config.district.level)[group],
    setMax: (setRef ? campaign.criteriaSet(setRef.id)?.max : undefined) ?? 10_000,
    versions,
    groupLines,
    unitNames: new Map(campaign.units.map((u) => [u.id, u.name])),
    ...(previous ? { previousLabel: periodName(previous) } : {}),
    ...(campaign.config.bands ? { bands: campaign.config.bands } : {}),
  });
}
