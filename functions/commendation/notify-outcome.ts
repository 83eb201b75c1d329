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
import { commendationOutcomeEmail, initiativesDigestEmail, type OutcomeLine } from '#mail/commendation';
import { periodName } from '#mail/letter';
import { NotFoundError } from '#ports/store';
import { mapLimited } from '#steps/concurrency';
import { cycleInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { mailIdentity, requireCampaign, sendMail } from '#steps/steps';
import {
  approvedMaterial,
  type CandidateDoc,
  cycleLabel,
  cycleLabelEn,
  FINAL_STATUS_LABELS,
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

export async function notifyOutcome(
  input: { cycleId: string },
  ctx: StepContext,
): Promise<Record<string, never>> {
  const cycle = parseCycle(input.cycleId);
  const stored = await readCycle(ctx.store, cycle.cycleId);
  const { header, outcome } = stored;
  if (!header) throw new NotFoundError('proposal', cycle.cycleId);
  if (!outcome) throw new NotFoundError('tally', cycle.cycleId);
  const { config, sender } = await requireCampaign(ctx);
  const label = cycleLabel(cycle, config);
  const labelEn = cycleLabelEn(cycle, config);
  const council = outcome.council;
  const counts = { awardedCount: outcome.awarded.length, upwardCount: outcome.proposedUpward.length };

  const onBallot = header.ballot.flatMap((id) => {
    const doc = stored.candidates.get(id);
    return doc ? [doc.proposal] : [];
  });
  const people = [...(await ctx.store.listPeople('council')), ...(await ctx.store.listPeople('leadership'))];
  for (const person of people) {
    const mail = commendationOutcomeEmail(sender, {
      recipient: person,
      cycleLabel: label,
      cycleEn: labelEn,
      council,
      entries: onBallot.map(lineOf),
      ...counts,
    });
    await sendMail(
      ctx,
      ctx.log,
      mailIdentity('commendation-outcome', person.email, { periodId: cycle.cycleId }),
      {
        to: person.email,
        ...mail,
      },
    );
  }

  // Each unit: its ballot candidates, and its nominees refused before the vote.
  const byUnit = new Map<string, CandidateDoc[]>();
  for (const id of header.candidateIds) {
    const doc = stored.candidates.get(id)?.proposal;
    if (!doc) continue;
    const c = doc.candidate;
    if (!header.ballot.includes(id) && c.kind !== 'individual') continue;
    byUnit.set(c.unitId, [...(byUnit.get(c.unitId) ?? []), doc]);
  }
  const units = await ctx.store.listUnits();
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
    await sendMail(
      ctx,
      ctx.log,
      mailIdentity('commendation-outcome', unit.focalPoint.email, {
        unitId: unit.id,
        periodId: cycle.cycleId,
      }),
      { to: unit.focalPoint.email, ...mail },
    );
  });

  const material = await approvedMaterial(ctx.store, header.periodIds);
  if (material.initiatives.length > 0) {
    const [periods, names] = [
      new Map((await ctx.store.listPeriods()).map((p) => [p.period.id, p.period])),
      new Map(units.map((u) => [u.id, u.name])),
    ];
    const initiatives = material.initiatives.map((i) => {
      const period = periods.get(i.periodId);
      return {
        title: i.initiative.title,
        unitName: names.get(i.unitId) ?? i.unitId,
        description: i.initiative.description,
        ...(i.initiative.effect ? { effect: i.initiative.effect } : {}),
        periodLabel: period ? periodName(period) : i.periodId,
      };
    });
    const digestLabel = cycleLabel({ ...cycle, round: 1 }, config);
    await mapLimited(units, SEND_CONCURRENCY, async (unit) => {
      const mail = initiativesDigestEmail(sender, {
        unit,
        cycleLabel: digestLabel,
        cycleEn: cycleLabelEn({ ...cycle, round: 1 }, config),
        initiatives,
      });
      await sendMail(
        ctx,
        ctx.log,
        mailIdentity('initiatives-digest', unit.focalPoint.email, {
          unitId: unit.id,
          periodId: cycle.scopeId,
        }),
        { to: unit.focalPoint.email, ...mail },
      );
    });
  }
  ctx.log.info('commendation outcome sent', { units: byUnit.size, initiatives: material.initiatives.length });
  return {};
}

export const handler = stepHandler({ name: STEP, input: cycleInput }, notifyOutcome);
