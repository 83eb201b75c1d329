/**
 * Propose `{cycleId}` → `{memberIds, waitSeconds, closesAt, remindAt}` (commendation workflow;
 * docs/commendation.md).
 *
 * 1. The cycle's results: a year cycle (`2024`) aggregates the latest results version of each of
 *    the calendar's periods of that year, `phase` all of them (`aggregateResults`; a period without
 *    results fails the step with a message naming it).
 * 2. Nominations: those of every approved report of those periods, each under a cycle-wide id
 *    (`<unit>.<period>.<id>`), submitted when its report first carried it (./award.ts);
 *    approved initiatives: the initiatives of those reports.
 * 3. `proposeCommendations` on the decision date (today on the district's clock) with the issuer
 *    list in force then; stored one item per candidate, then the header (ballot, ties, council
 *    members, the vote's close = now + voteDays, the reminder `reminderLeadDays` before it) as the
 *    commit point. `waitSeconds`: how long each member's first wait lasts (`voteWaitSeconds`).
 *
 * Re-entrant: a stored header means the proposal was made (and members may be voting): it is
 * returned as it is, never recomputed under them. An empty ballot returns no members (no vote).
 */
import { aggregateResults } from '#domain/aggregate';
import { localDateOf, MIN_WAIT_SECONDS, periodsOfYear } from '#domain/calendar';
import { proposeCommendations } from '#domain/commendation';
import { voteTimes, voteWaitSeconds } from '#domain/council';
import type { PeriodResults } from '#domain/scoring';
import { latestPeriodResults } from '#functions/scoring/results';
import { audit } from '#ports/dynamo/audit';
import { awards } from '#ports/dynamo/awards';
import { results } from '#ports/dynamo/results';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type CycleInput, cycleInput } from '#steps/inputs';
import { systemActor } from '#steps/records';
import {
  approvedMaterial,
  type CandidateDoc,
  type CycleHeader,
  HEADER_ID,
  parseCycle,
  readCycle,
} from './award.ts';

const STEP = 'propose-commendations';
const CONCURRENCY = 10;

/**
 * What the vote reads: the members to ask (none when the ballot is empty), how long their first
 * wait lasts (until the reminder, or the close), and the vote's close and reminder times, which
 * RemindVote decides from without a read (`remindAt` is `closesAt` when no reminder is sent).
 */
export interface ProposalAnswer {
  memberIds: string[];
  waitSeconds: number;
  closesAt: string;
  remindAt: string;
}

function answerOf(header: CycleHeader, now: Date): ProposalAnswer {
  const closesAt = header.voteClosesAt;
  const remindAt = header.remindAt ?? closesAt;
  const t = now.getTime();
  // Proposed again after the reminder time (a restart): the first wait ends at once, so that the
  // reminder is not skipped (RemindVote mails only whom it has not mailed).
  const reminderDue = Date.parse(remindAt) <= t && t < Date.parse(closesAt);
  return {
    memberIds: header.ballot.length > 0 ? header.memberIds : [],
    waitSeconds: reminderDue
      ? MIN_WAIT_SECONDS
      : voteWaitSeconds(now, { closesAt, ...(header.remindAt ? { remindAt: header.remindAt } : {}) }),
    closesAt,
    remindAt,
  };
}

/** The proposal's audit entry, from its stored header alone (the same entry whoever writes it). */
async function auditProposed(header: CycleHeader): Promise<void> {
  await audit().append({
    id: 'proposed',
    subject: `award/${header.cycleId}`,
    actor: systemActor(STEP),
    action: 'commendation.proposed',
    detail: {
      candidates: header.candidateIds.length,
      ballot: header.ballot.length,
      voteClosesAt: header.voteClosesAt,
      sources: header.sources,
      warnings: header.warnings,
    },
  });
}

export async function proposeCommendationsStep(
  input: CycleInput,
  ctx: CampaignStepContext,
): Promise<ProposalAnswer> {
  const cycle = parseCycle(input.cycleId);
  const stored = await readCycle(cycle.cycleId);
  if (stored.header) {
    ctx.log.info('proposal already stored', { cycleId: cycle.cycleId });
    // The run that stored it may have died before its audit entry: written once, by id.
    await auditProposed(stored.header);
    return answerOf(stored.header, ctx.clock());
  }
  const { campaign } = ctx;
  const { config } = campaign;
  const periods = cycle.year !== undefined ? periodsOfYear(config, cycle.year) : [...campaign.periods];
  const periodIds = periods.map((p) => p.id);
  const perPeriod: PeriodResults[] = [];
  for (const id of periodIds) {
    const latest = await latestPeriodResults(id);
    if (latest) perPeriod.push(latest);
  }
  const aggregate = aggregateResults(cycle.kind, periodIds, perPeriod, config.units, { bands: config.bands });
  const material = await approvedMaterial(periodIds);
  // The units' own standing as the admin recorded it (a unit under inspection is not proposed);
  // units of a later config version the district no longer has are left aside.
  const known = new Set(config.units.map((u) => u.id));
  const unitStatuses = Object.fromEntries(
    (await results().listStandings()).filter((s) => known.has(s.unitId)).map((s) => [s.unitId, s.status]),
  );
  const now = ctx.clock();
  const onDate = localDateOf(now, config.district.timeZone);
  const proposal = proposeCommendations({
    results: aggregate.units,
    units: config.units,
    nominations: material.nominations,
    settings: config.commendation,
    issuerLevel: config.commendation.issuerLevel,
    onDate,
    timeZone: config.district.timeZone,
    initiativesApproved: new Set(material.initiatives.map((i) => `${i.unitId}/${i.initiative.id}`)),
    unitStatuses,
  });

  const candidates = proposal.candidates;
  for (let i = 0; i < candidates.length; i += CONCURRENCY) {
    await Promise.all(
      candidates.slice(i, i + CONCURRENCY).map((candidate) =>
        // A partial earlier run (no header yet: nobody has voted) is overwritten.
        awards().putProposal<CandidateDoc>(
          cycle.cycleId,
          candidate.id,
          { candidate },
          stored.versions.get(candidate.id) ?? 0,
        ),
      ),
    );
  }
  const council = config.commendation.council;
  const times = voteTimes(now, council);
  const header: CycleHeader = {
    cycleId: cycle.cycleId,
    kind: cycle.kind,
    scopeId: aggregate.scopeId,
    periodIds,
    sources: aggregate.sources,
    proposedAt: now.toISOString(),
    onDate,
    voteClosesAt: times.closesAt,
    ...(times.remindAt ? { remindAt: times.remindAt } : {}),
    memberIds: campaign.people('council').map((m) => m.id),
    council: { quorum: council.quorum, passPercent: council.passPercent, voteDays: council.voteDays },
    issuer: proposal.issuer,
    ballot: proposal.ballot,
    tiesForCouncil: proposal.tiesForCouncil,
    warnings: proposal.warnings,
    candidateIds: candidates.map((c) => c.id),
  };
  await awards().putProposal(cycle.cycleId, HEADER_ID, header, 0);
  crashPoint('propose.after-header');
  await auditProposed(header);
  ctx.log.info('commendation proposed', { cycleId: cycle.cycleId, ballot: proposal.ballot.length });
  return answerOf(header, now);
}

export const handler = campaignStep({ name: STEP, input: cycleInput }, proposeCommendationsStep);
