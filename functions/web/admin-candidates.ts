/**
 * How a commendation candidate's ranking reads on the admin's cycle page. The proposal's first
 * reason (`ranking`, domain/commendation-rules.ts) writes the unit's rank as "Xếp hạng r/n": for a
 * unit that missed every period in scope, r is the shared last place of units without a report
 * (DOMAIN.md: "ranked last in its group"), which reads as a place earned — third of twelve when two
 * units reported. The page says "Xếp cuối khối …" instead, as a period's results page reads
 * "Cuối khối". Only the words shown change: the stored proposal, its reason codes, statuses and
 * ballot stay as the domain decided.
 */
import type { Candidate, Proposal } from '#domain/commendation-model';
import { BAND_LABELS, groupLabelsFor } from '#domain/model';

/** "Xếp cuối khối cơ quan (không nộp báo cáo kỳ nào trong phạm vi xét), 0,00 % – Yếu". */
export function lastPlaceRankingText(
  c: Pick<Candidate, 'group' | 'percent' | 'band'>,
  where: string,
): string {
  const percent = c.percent === null ? 'chưa có điểm' : `${c.percent} %`;
  const band = c.band ? ` – ${BAND_LABELS[c.band]}` : '';
  return `Xếp cuối ${where} (không nộp báo cáo kỳ nào trong phạm vi xét), ${percent}${band}`;
}

/**
 * The proposal as the page shows it: the `ranking` reason of each candidate whose unit missed
 * every period in scope (`unitIds`) reads its last place in words instead of "r/n".
 */
export function withLastPlaceWords(proposal: Proposal, unitIds: readonly string[]): Proposal {
  if (unitIds.length === 0) return proposal;
  const unplaced = new Set(unitIds);
  const groups = groupLabelsFor(proposal.issuer.level);
  return {
    ...proposal,
    candidates: proposal.candidates.map((c) =>
      unplaced.has(c.unitId) && c.rank !== null
        ? {
            ...c,
            reasons: c.reasons.map((r) =>
              r.code === 'ranking' ? { ...r, message: lastPlaceRankingText(c, groups[c.group]) } : r,
            ),
          }
        : c,
    ),
  };
}
