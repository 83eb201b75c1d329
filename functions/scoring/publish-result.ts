/**
 * PublishToUnit `{periodId, version, unitId}` → `{sent}` (scoring workflow, one Map iteration per
 * unit whose line is new in the version).
 *
 * The unit's results of the period: total out of the set's maximum, percentage (half-up, decimal
 * comma), band, rank in its group as r/n (n = the group's ranked units; a unit without a report reads
 * "Không nộp báo cáo – xếp cuối khối", not the shared number), the score's parts and the change
 * against the previous period — or that it is *Chưa thẩm định*.
 * Once per unit and version: outbox identity (`results`, focal point, unit, period, round = version).
 */
import { BAND_LABELS, GROUP_LABELS } from '#domain/model';
import { periodName } from '#mail/letter';
import { resultsEmail } from '#mail/scoring';
import { NotFoundError } from '#ports/store';
import { publishResultInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  ensureReportGrant,
  mailIdentity,
  requireCampaign,
  requirePeriod,
  requireUnit,
  sendMail,
} from '#steps/steps';
import { requirePeriodResults } from './results.ts';

const STEP = 'publish-result';

export async function publishResult(
  input: { periodId: string; version: number; unitId: string },
  ctx: StepContext,
): Promise<{ sent: boolean }> {
  const { periodId, version, unitId } = input;
  const [{ period }, results, unit, { sender }, campaign] = await Promise.all([
    requirePeriod(ctx, periodId),
    requirePeriodResults(ctx.store, periodId, version),
    requireUnit(ctx, unitId),
    requireCampaign(ctx),
    ctx.store.getCampaign(),
  ]);
  const line = results.units.find((u) => u.unitId === unitId);
  if (!line) throw new NotFoundError('results line', `${unitId} in ${periodId} v${version}`);
  const setRef = results.criteriaSets[line.group];
  const set = campaign?.criteriaSets.find((s) => s.id === setRef?.id);
  const setMax = set?.max ?? 10_000;
  const rankedInGroup = results.units.filter((u) => u.group === line.group && u.rank !== null).length;
  let previousLabel = line.change?.previousId ?? '';
  if (line.change) {
    const previous = await ctx.store.getPeriod(line.change.previousId);
    if (previous) previousLabel = periodName(previous.period);
  }
  let reportUrl: string | undefined;
  if (line.status === 'approved') {
    // The unit's own report link, a convenience: the results go out without it if links cannot be signed.
    try {
      const grant = await ensureReportGrant(ctx.deps, unitId, period);
      if (ctx.clock().getTime() < Date.parse(grant.expiresAt)) reportUrl = await ctx.deps.approvalUrl(grant);
    } catch (error) {
      ctx.log.warn('results sent without the report link (no signing key?)', { error });
    }
  }
  const mail = resultsEmail(sender, {
    unit,
    period,
    version,
    status: line.status,
    total: line.total,
    setMax,
    percent: line.percent,
    bandLabel: line.band ? BAND_LABELS[line.band] : null,
    rank: line.rank,
    rankedInGroup,
    groupLabel: GROUP_LABELS[line.group],
    breakdown: line.breakdown
      ? {
          assessed: line.breakdown.assessed,
          survey: line.breakdown.survey,
          rescaled: line.breakdown.rescaled,
          bonus: line.breakdown.bonusCounted,
          penalty: line.breakdown.penaltyCounted,
        }
      : null,
    change: line.change
      ? { previousLabel, percentPoints: line.change.percentPoints, rankChange: line.change.rankChange }
      : null,
    ...(reportUrl ? { reportUrl } : {}),
  });
  const outcome = await sendMail(
    ctx,
    ctx.log,
    mailIdentity('results', unit.focalPoint.email, { unitId, periodId, round: version }),
    { to: unit.focalPoint.email, ...mail },
  );
  return { sent: outcome === 'sent' };
}

export const handler = stepHandler({ name: STEP, input: publishResultInput }, publishResult);
