/** A candidate's lines on the ballot page (what they say: functions/commendation/ballot-lines.ts). */
import type { BallotCandidateView } from '#functions/commendation/ballot-lines';
import { e, type Html } from './pages.ts';

/** Kind, unit, form and position on one line; then the reasons, one a line. */
export function candidateDetails(c: BallotCandidateView): Html {
  const line = [c.kindLabel, c.unitName, c.formLabel, ...(c.position ? [c.position] : [])].map(e).join(' · ');
  return `<p>${line}</p>${
    c.reasons.length ? `<ul class="reasons">${c.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''
  }`;
}
