/**
 * NotifyLeadership `{periodId, version}` → `{}` (scoring workflow, after the units).
 *
 * The digest of the period's results (per group: the counts by band, without a report and not
 * appraised, the top and bottom of the ranking; a link to the admin's results page) to every
 * leader and every admin, once per address and version (outbox identity `results-summary`,
 * address, period, round = version); for a later version, which units changed. Last, the version is recorded as
 * announced (audit `results/<period>`, `announced-v<n>`): a re-run scoring execution then has
 * nothing left to publish.
 */
import { BAND_LABELS, GROUP_LABELS, UNIT_GROUPS } from '#domain/model';
import { appendAuditOnce } from '#functions/review/records';
import { resultsSummaryEmail } from '#mail/scoring';
import { NotFoundError } from '#ports/store';
import { notifyLeadershipInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { mailIdentity, requireCampaign, requirePeriod, sendMail, systemActor } from '#steps/steps';
import { announcedId, changedIn, listPeriodResults, resultsSubject } from './results.ts';

const STEP = 'notify-leadership';

export async function notifyLeadership(
  input: { periodId: string; version: number },
  ctx: StepContext,
): Promise<Record<string, never>> {
  const { periodId, version } = input;
  const [{ period }, { sender }, versions, leaders, adminList] = await Promise.all([
    requirePeriod(ctx, periodId),
    requireCampaign(ctx),
    listPeriodResults(ctx.store, periodId),
    ctx.store.listPeople('leadership'),
    ctx.store.listPeople('admin'),
  ]);
  const results = versions.find((v) => v.version === version);
  if (!results) throw new NotFoundError('results', `${periodId} v${version}`);
  const names = new Map(results.units.map((u) => [u.unitId, u.name]));
  const changedUnits = version > 1 ? changedIn(versions, version).map((id) => names.get(id) ?? id) : [];
  const groups = UNIT_GROUPS.map((group) => ({
    label: GROUP_LABELS[group],
    rows: results.units
      .filter((u) => u.group === group)
      .map((u) => ({
        rank: u.rank,
        notSubmitted: u.status === 'not-submitted',
        name: u.name,
        total: u.total,
        percent: u.percent,
        bandLabel: u.band ? BAND_LABELS[u.band] : null,
      })),
  })).filter((g) => g.rows.length > 0);
  // The admin's results page of this version: the digest names only the ends of each ranking.
  const resultsUrl = `${ctx.deps.baseUrl()}/admin/periods/${encodeURIComponent(periodId)}/results?version=${version}`;
  for (const person of [...leaders, ...adminList]) {
    const mail = resultsSummaryEmail(sender, {
      recipient: person,
      period,
      version,
      changedUnits,
      groups,
      resultsUrl,
    });
    await sendMail(
      ctx,
      ctx.log,
      mailIdentity('results-summary', person.email, { periodId, round: version }),
      {
        to: person.email,
        ...mail,
      },
    );
  }
  await appendAuditOnce(ctx.store, {
    id: announcedId(version),
    subject: resultsSubject(periodId),
    periodId,
    actor: systemActor(STEP),
    action: 'results.announced',
    detail: { version, changed: changedUnits.length },
  });
  ctx.log.info('results announced', { version });
  return {};
}

export const handler = stepHandler({ name: STEP, input: notifyLeadershipInput }, notifyLeadership);
