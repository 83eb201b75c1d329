/**
 * A council member's vote letter: the cases with their grounds, the member's signed link, the
 * vote's close and the rule. Sent by RequestVote, and again as a reminder by RemindVote (a day
 * before the close) and by the admin (functions/http/admin-actions.ts) — the same approval, so
 * the same link.
 */
import { passRequired, quorumRequired } from '#domain/council';
import type { Person } from '#domain/model';
import { voteRequestEmail } from '#mail/commendation';
import type { Email } from '#mail/letter';
import type { Approval } from '#ports/reviews';
import { approvalUrl } from '#ports/signing';
import type { CampaignContext } from '#steps/campaign';
import { ballotCandidates, type CycleRef, cycleLabel, cycleLabelEn, type StoredCycle } from './award.ts';
import { ballotCandidateView, initiativeTitles } from './ballot-lines.ts';

export async function voteLetter(
  campaign: CampaignContext,
  cycle: CycleRef,
  stored: StoredCycle & { header: NonNullable<StoredCycle['header']> },
  member: Person,
  approval: Approval,
  reminder = false,
): Promise<Email> {
  const { header } = stored;
  const N = header.memberIds.length;
  const titles = await initiativeTitles(ballotCandidates(stored), header.periodIds);
  return voteRequestEmail(campaign.sender, {
    member,
    cycleLabel: cycleLabel(cycle, campaign.config),
    cycleEn: cycleLabelEn(cycle, campaign.config),
    // As the ballot page shows them: an initiative by its title, not its id in the unit's report.
    candidates: ballotCandidates(stored).map((c) => ballotCandidateView(c, titles)),
    voteUrl: await approvalUrl(approval),
    closesAt: header.voteClosesAt,
    rule: {
      N,
      quorumRequired: quorumRequired(N, header.council.quorum),
      passRequired: passRequired(N, header.council.passPercent),
      passPercent: header.council.passPercent,
    },
    ties: header.tiesForCouncil.map((t) => t.message),
    ...(reminder ? { reminder } : {}),
  });
}
