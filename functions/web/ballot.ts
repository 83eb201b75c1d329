/**
 * A candidate as the council member's ballot shows it: who, from which unit, for which form, and
 * the proposal's grounds one reason a line, an initiative named by its title (the proposal's
 * reasons name it by its id within the unit's report, "sk-1", which means nothing to a member).
 */
import type { Candidate } from '#domain/commendation-model';
import { KIND_LABELS } from '#functions/commendation/award';
import { e, type Html } from './pages.ts';

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

/** Kind, unit, form and position on one line; then the reasons, one a line. */
export function candidateDetails(c: BallotCandidateView): Html {
  const line = [c.kindLabel, c.unitName, c.formLabel, ...(c.position ? [c.position] : [])].map(e).join(' · ');
  return `<p>${line}</p>${
    c.reasons.length ? `<ul class="reasons">${c.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''
  }`;
}
