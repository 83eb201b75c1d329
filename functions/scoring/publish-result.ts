/**
 * PublishToUnit `{periodId, version, unitId}` → `{sent}` (scoring workflow, one Map iteration per
 * unit whose line is new in the version).
 *
 * The unit's results of the period: total out of the set's maximum, percentage (half-up, decimal
 * comma), band, rank in its group as r/n (n = the group's ranked units, from the version's header;
 * a unit without a report reads "Không nộp báo cáo – xếp cuối khối", not the shared number), the
 * score's parts and the change against the previous period — or that it is *Chưa thẩm định*.
 * From version 2, what changed for the unit since the version before, or that nothing did (its
 * line differs only in the order of others: the domain notes every line that differs, so that no
 * published rank changes silently, and the letter says why it comes again).
 * Reads the version's header and the unit's own line, and from version 2 those of the version before.
 * Once per unit and version: outbox identity (`results`, focal point, unit, period, round = version).
 */
import { BAND_LABELS, groupLabelsFor } from '#domain/model';
import type { UnitPeriodResult } from '#domain/scoring';
import { assessedScaleOf } from '#domain/unit-score';
import { periodName } from '#mail/letter';
import { resultsEmail } from '#mail/scoring';
import { results } from '#ports/dynamo/results';
import { NotFoundError } from '#ports/errors';
import { baseUrl } from '#ports/settings';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { reportLink } from '#steps/grants';
import { type PublishResultInput, publishResultInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { unitHref } from '#web/admin-routes';
import { type PeriodResultsHeader, type ResultsBody, requireHeader, unitLine } from './results.ts';

const STEP = 'publish-result';

export async function publishResult(
  input: PublishResultInput,
  ctx: CampaignStepContext,
): Promise<{ sent: boolean }> {
  const { periodId, version, unitId } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  const unit = campaign.unit(unitId);
  const header = await requireHeader(periodId, version);
  const line = await unitLine(header, unitId);
  if (!line) throw new NotFoundError('results line', `${unitId} in ${periodId} v${version}`);
  const setRef = header.criteriaSets[line.group];
  const set = setRef ? campaign.criteriaSet(setRef.id) : undefined;
  const setMax = set?.max ?? 10_000;
  const before = version > 1 ? await results().getHeader<ResultsBody>(periodId, version - 1) : undefined;
  const previousLine = before ? await unitLine(before, unitId) : undefined;
  const previousPeriod = line.change
    ? campaign.periods.find((p) => p.id === line.change?.previousId)
    : undefined;
  const previousLabel = previousPeriod ? periodName(previousPeriod) : (line.change?.previousId ?? '');
  let reportUrl: string | undefined;
  let reportUrlUntil: string | undefined;
  if (line.status === 'approved') {
    // The unit's own report link, a convenience: the results go out without it if links cannot be signed.
    try {
      const link = await reportLink(unitId, period);
      if (ctx.clock().getTime() < Date.parse(link.grant.expiresAt)) {
        reportUrl = link.url;
        reportUrlUntil = link.grant.expiresAt;
      }
    } catch (error) {
      ctx.log.warn('results sent without the report link (no signing key?)', { error });
    }
  }
  const mail = resultsEmail(campaign.sender, {
    unit,
    period,
    version,
    ...shownResult(line, header),
    setMax,
    groupLabel: groupLabelsFor(campaign.config.district.level)[line.group],
    breakdown: line.breakdown
      ? {
          assessed: line.breakdown.assessed,
          ...(set ? { assessedMax: assessedScaleOf(set).assessedMax } : {}),
          survey: line.breakdown.survey,
          rescaled: line.breakdown.rescaled,
          bonus: line.breakdown.bonusCounted,
          penalty: line.breakdown.penaltyCounted,
        }
      : null,
    change: line.change
      ? { previousLabel, percentPoints: line.change.percentPoints, rankChange: line.change.rankChange }
      : null,
    ...(before && previousLine
      ? { previous: { version: before.version, ...shownResult(previousLine, before) } }
      : {}),
    ...(reportUrl ? { reportUrl } : {}),
    ...(reportUrlUntil ? { reportUrlUntil } : {}),
    unitPagesUrl: `${baseUrl()}${unitHref.request()}`,
  });
  const outcome = await mailTo(
    ctx.log,
    unit.focalPoint,
    'results',
    { unitId, periodId, round: version },
    mail,
  );
  return { sent: outcome === 'sent' };
}

/** A version's line as the letter shows a result (the rank over the group's ranked units). */
function shownResult(line: UnitPeriodResult, header: PeriodResultsHeader) {
  return {
    status: line.status,
    total: line.total,
    percent: line.percent,
    bandLabel: line.band ? BAND_LABELS[line.band] : null,
    rank: line.rank,
    rankedInGroup: header.counts[line.group]?.ranked ?? 0,
  };
}

export const handler = campaignStep({ name: STEP, input: publishResultInput }, publishResult);
