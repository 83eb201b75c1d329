/**
 * A candidate as a council member reads it, on the ballot page and in the vote request: who, from
 * which unit, for which form, and the proposal's grounds one reason a line, an initiative named by
 * its title (the proposal's reasons name it by its id within the unit's report, "sk-1", which
 * means nothing to a member).
 */
import type { Candidate } from '#domain/commendation-model';
import { reports } from '#ports/dynamo/reports';
import { KIND_LABELS, nominationKey } from './award.ts';

export interface BallotCandidateView {
  id: string;
  name: string;
  kindLabel: string;
  unitName: string;
  formLabel: string;
  position?: string;
  /** The grounds, one reason a line. */
  reasons: string[];
}

/** The reasons citing the candidate's initiative name it by title instead of by id and key. */
function withTitle(message: string, initiative: NonNullable<Candidate['initiative']>, title: string): string {
  return message.replace(` (${initiative.key})`, '').replaceAll(`“${initiative.id}”`, `“${title}”`);
}

/**
 * `titles`: initiative titles by the initiative's key (`<unit>/<initiative id>`, as the proposal
 * keys them); a candidate whose initiative has no title there keeps the id.
 */
export function ballotCandidateView(c: Candidate, titles: ReadonlyMap<string, string>): BallotCandidateView {
  const initiative = c.initiative;
  const title = initiative ? titles.get(initiative.key) : undefined;
  return {
    id: c.id,
    name: c.name,
    kindLabel: KIND_LABELS[c.kind],
    unitName: c.unitName,
    formLabel: c.formLabel,
    ...(c.position ? { position: c.position } : {}),
    reasons: c.reasons.map((r) =>
      initiative && title && r.code.startsWith('initiative')
        ? withTitle(r.message, initiative, title)
        : r.message,
    ),
  };
}

/**
 * The titles of the initiatives the ballot's candidates cite, by initiative key: the proposal
 * names them by their id within the unit's report ("sk-1"), which means nothing to a member. Each
 * is read from the report whose nomination the candidate is (its id names unit, period and
 * nomination), so an "sk-1" of another period never lends its title.
 */
export async function initiativeTitles(
  candidates: readonly Candidate[],
  periodIds: readonly string[],
): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const cited = candidates.filter((c) => c.initiative);
  const units = [...new Set(cited.map((c) => c.unitId))];
  const wanted = new Map(cited.map((c) => [c.id, c]));
  const reads = units.flatMap((unitId) => periodIds.map((periodId) => ({ unitId, periodId })));
  const stored = await Promise.all(reads.map(({ unitId, periodId }) => reports().get(unitId, periodId)));
  for (const [i, { unitId, periodId }] of reads.entries()) {
    const report = stored[i]?.report;
    for (const n of report?.nominations ?? []) {
      const c = wanted.get(`individual:${nominationKey(unitId, periodId, n.id)}`);
      const title = report?.initiatives.find((x) => x.id === n.initiativeId)?.title;
      if (c?.initiative && title) titles.set(c.initiative.key, title);
    }
  }
  return titles;
}
