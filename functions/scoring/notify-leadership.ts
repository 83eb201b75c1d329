/**
 * NotifyLeadership `{periodId, version}` → `{}` (scoring workflow, after the units).
 *
 * The digest of the period's results (per group: the counts by band, without a report and not
 * appraised, the top and bottom of the ranking; a link to the results page, which an admin and a
 * leader both sign in to) to every leader and every admin, once per address and version (outbox identity `results-summary`,
 * address, period, round = version); for a later version, which units changed. Last, the version is recorded as
 * announced (audit `results/<period>`, `announced-v<n>`): a re-run scoring execution then has
 * nothing left to publish.
 */
import { BAND_LABELS, groupLabelsFor, UNIT_GROUPS } from '#domain/model';
import { resultsSummaryEmail } from '#mail/scoring';
import { audit } from '#ports/dynamo/audit';
import { baseUrl } from '#ports/settings';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { type NotifyLeadershipInput, notifyLeadershipInput } from '#steps/inputs';
import { mailEach } from '#steps/mail';
import { systemActor } from '#steps/records';
import { adminHref } from '#web/admin-routes';
import { announcedId, readPeriodResults, requireHeader, resultsSubject } from './results.ts';

const STEP = 'notify-leadership';

export async function notifyLeadership(
  input: NotifyLeadershipInput,
  ctx: CampaignStepContext,
): Promise<Record<string, never>> {
  const { periodId, version } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const header = await requireHeader(periodId, version);
  const results = await readPeriodResults(header);
  const names = new Map(results.units.map((u) => [u.unitId, u.name]));
  const changedUnits = header.changed === 'all' ? [] : header.changed.map((id) => names.get(id) ?? id);
  const groups = UNIT_GROUPS.map((group) => ({
    label: groupLabelsFor(campaign.config.district.level)[group],
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
  // The results page of this version: the digest names only the ends of each ranking.
  const resultsUrl = `${baseUrl()}${adminHref.periodResults(periodId, version)}`;
  const people = [...campaign.people('leadership'), ...campaign.people('admin')];
  await mailEach(ctx.log, people, 'results-summary', { periodId, round: version }, (recipient) =>
    resultsSummaryEmail(campaign.sender, {
      recipient,
      period,
      version,
      changedUnits,
      groups,
      resultsUrl,
    }),
  );
  await audit().append({
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

export const handler = campaignStep({ name: STEP, input: notifyLeadershipInput }, notifyLeadership);
