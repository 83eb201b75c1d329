/**
 * NotifyOutcome + InitiativesDigest `{cycleId}` → `{}` (commendation workflow, last).
 *
 * 1. The outcome to every council member and leader (every ballot candidate: votes, passed or
 *    not, final status; outbox identity `commendation-outcome`, address, cycle) and to each unit
 *    concerned (its own candidates on the ballot and its refused nominees; identity with the unit).
 * 2. The digest of approved initiatives (title, unit, description, effect) to every unit, once
 *    per scope (`initiatives-digest`, focal point, unit, `2024`/`phase`: a second vote round of the
 *    same year does not send it again). Nothing is sent when there are none.
 */
import type { Candidate } from '#domain/commendation-model';
import { FINAL_STATUS_LABELS } from '#domain/final-list';
import { commendationOutcomeEmail, initiativesDigestEmail, type OutcomeLine } from '#mail/commendation';
import { periodName } from '#mail/letter';
import { NotFoundError } from '#ports/errors';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { mapLimited } from '#steps/concurrency';
import { type CycleInput, cycleInput } from '#steps/inputs';
import { mailEach, mailTo } from '#steps/mail';
import {
  approvedMaterial,
  type CandidateDoc,
  type CycleRef,
  cycleLabel,
  cycleLabelEn,
  KIND_LABELS,
  parseCycle,
  readCycle,
} from './award.ts';

const STEP = 'notify-outcome';
/** Mails in flight at once (a district has up to 1,000 units; SES allows tens per second). */
const SEND_CONCURRENCY = 8;

function lineOf(doc: CandidateDoc): OutcomeLine {
  const c: Candidate = doc.candidate;
  const final = doc.final;
  const status = final?.status ?? (c.status === 'excluded' ? 'excluded' : 'not-passed');
  const council = final?.reasons.filter((r) =>
    ['council-passed', 'council-rejected', 'no-quorum', 'tie-undecided', 'tie-resolved'].includes(r.code),
  );
  const note =
    status === 'excluded'
      ? c.reasons
          .filter((r) => r.code !== 'ranking')
          .map((r) => r.message)
          .join(' ')
      : (council ?? []).map((r) => r.message).join(' ');
  return {
    name: c.name,
    kindLabel: KIND_LABELS[c.kind],
    unitName: c.unitName,
    formLabel: c.formLabel,
    votes: final?.votes
      ? { yes: final.votes.yes, no: final.votes.no, abstain: final.votes.abstain, absent: final.votes.absent }
      : null,
    statusLabel: FINAL_STATUS_LABELS[status],
    note,
  };
}

/**
 * The digest of the approved initiatives of the cycle's periods, to every unit, once per scope
 * (a later vote round of the same year sends nothing again); how many initiatives it listed.
 */
async function sendInitiativesDigest(
  ctx: CampaignStepContext,
  cycle: CycleRef,
  periodIds: readonly string[],
): Promise<number> {
  const material = await approvedMaterial(periodIds);
  if (material.initiatives.length === 0) return 0;
  const { campaign } = ctx;
  const periods = new Map(campaign.periods.map((p) => [p.id, p]));
  const initiatives = material.initiatives.map((i) => {
    const period = periods.get(i.periodId);
    return {
      title: i.initiative.title,
      unitName: campaign.findUnit(i.unitId)?.name ?? i.unitId,
      description: i.initiative.description,
      ...(i.initiative.effect ? { effect: i.initiative.effect } : {}),
      periodLabel: period ? periodName(period) : i.periodId,
    };
  });
  const scope = { ...cycle, round: 1 };
  await mapLimited(campaign.units, SEND_CONCURRENCY, async (unit) => {
    const mail = initiativesDigestEmail(campaign.sender, {
      unit,
      cycleLabel: cycleLabel(scope, campaign.config),
      cycleEn: cycleLabelEn(scope, campaign.config),
      initiatives,
    });
    await mailTo(
      ctx.log,
      unit.focalPoint,
      'initiatives-digest',
      { unitId: unit.id, periodId: cycle.scopeId },
      mail,
    );
  });
  return material.initiatives.length;
}

export async function notifyOutcome(
  input: CycleInput,
  ctx: CampaignStepContext,
): Promise<Record<string, never>> {
  const cycle = parseCycle(input.cycleId);
  const stored = await readCycle(cycle.cycleId);
  const { header, outcome } = stored;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  if (!outcome) throw new NotFoundError('tally', cycle.cycleId);
  const { campaign } = ctx;
  const { config, sender } = campaign;
  const label = cycleLabel(cycle, config);
  const labelEn = cycleLabelEn(cycle, config);
  const council = outcome.council;
  const counts = {
    awardedCount: outcome.awarded.length,
    upwardCount: outcome.proposedUpward.length,
    ballotSize: header.ballot.length,
  };

  const onBallot = header.ballot.flatMap((id) => {
    const doc = stored.candidates.get(id);
    return doc ? [doc.proposal] : [];
  });
  const people = [...campaign.people('council'), ...campaign.people('leadership')];
  await mailEach(ctx.log, people, 'commendation-outcome', { periodId: cycle.cycleId }, (recipient) =>
    commendationOutcomeEmail(sender, {
      recipient,
      cycleLabel: label,
      cycleEn: labelEn,
      council,
      entries: onBallot.map(lineOf),
      ...counts,
    }),
  );

  // Each unit: its ballot candidates, and its nominees refused before the vote.
  const byUnit = new Map<string, CandidateDoc[]>();
  for (const id of header.candidateIds) {
    const doc = stored.candidates.get(id)?.proposal;
    if (!doc) continue;
    const c = doc.candidate;
    if (!header.ballot.includes(id) && c.kind !== 'individual') continue;
    byUnit.set(c.unitId, [...(byUnit.get(c.unitId) ?? []), doc]);
  }
  const units = campaign.units;
  await mapLimited(units, SEND_CONCURRENCY, async (unit) => {
    const docs = byUnit.get(unit.id);
    if (!docs) return;
    const mail = commendationOutcomeEmail(sender, {
      recipient: unit.focalPoint,
      unitName: unit.name,
      cycleLabel: label,
      cycleEn: labelEn,
      council,
      entries: docs.map(lineOf),
      ...counts,
    });
    await mailTo(
      ctx.log,
      unit.focalPoint,
      'commendation-outcome',
      { unitId: unit.id, periodId: cycle.cycleId },
      mail,
    );
  });

  const initiatives = await sendInitiativesDigest(ctx, cycle, header.periodIds);
  ctx.log.info('commendation outcome sent', { units: byUnit.size, initiatives });
  return {};
}

export const handler = campaignStep({ name: STEP, input: cycleInput }, notifyOutcome);
