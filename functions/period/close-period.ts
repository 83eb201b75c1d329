/**
 * CloseReview + StartScoring `{periodId}` → `{scoring}` (period workflow, event `close`).
 *
 * Review closes: period `open → closed` (a period whose open event never ran is opened first, so
 * the record shows both). Every admin is told, once, which reports are still not approved (they
 * will be *Chưa thẩm định*; outbox identity `review-closed`, admin, period) — nothing is sent
 * when every submitted report is approved; the mail names the first few and links to the period's
 * page, so it stays small whatever the number of units. Then the period's first results are computed by the
 * execution `scoring-<period>-close` (input `{periodId}`; `ExecutionAlreadyExists` is success).
 */
import { reviewClosedEmail } from '#mail/period';
import { callbacks } from '#ports/callbacks';
import { audit } from '#ports/dynamo/audit';
import { campaigns } from '#ports/dynamo/campaigns';
import { reports } from '#ports/dynamo/reports';
import type { ReportSummary } from '#ports/reports';
import { baseUrl, stateMachineArn } from '#ports/settings';
import { type CampaignStepContext, campaignStep } from '#steps/campaign';
import { crashPoint } from '#steps/crash-point';
import { type PeriodInput, periodInput } from '#steps/inputs';
import { mailEach } from '#steps/mail';
import { systemActor } from '#steps/records';
import { adminHref } from '#web/admin-routes';
import { REPORT_STATUS_LABELS } from '#web/pages';
import { scoringExecution } from '#workflows/executions';

const STEP = 'close-period';

export async function closePeriod(
  input: PeriodInput,
  ctx: CampaignStepContext,
): Promise<{ scoring: 'started' | 'already-exists' }> {
  const { periodId } = input;
  const { campaign } = ctx;
  const period = campaign.period(periodId);
  let { status } = await campaigns().getPeriodStatus(periodId);
  if (status === 'scheduled') {
    ctx.log.warn('closing a period that was never opened: opened first');
    status = (await campaigns().setPeriodStatus(periodId, 'scheduled', 'open')).status.status;
  }
  if (status === 'open') await campaigns().setPeriodStatus(periodId, 'open', 'closed');
  crashPoint('close.after-status');

  const byUnit = new Map<string, ReportSummary>(
    (await reports().listPeriod(periodId)).map((r) => [r.unitId, r]),
  );
  const unappraised = campaign.units.flatMap((u) => {
    const r = byUnit.get(u.id);
    return r !== undefined && r.status !== 'draft' && r.status !== 'approved'
      ? [{ unit: u, status: r.status }]
      : [];
  });
  const approved = campaign.units.filter((u) => byUnit.get(u.id)?.status === 'approved').length;
  const counts = {
    approved,
    unappraised: unappraised.length,
    notSubmitted: campaign.units.length - approved - unappraised.length,
  };
  await audit().append({
    id: 'review-closed',
    subject: `period/${periodId}`,
    periodId,
    actor: systemActor(STEP),
    action: 'period.closed',
    // Counts only: which units were unappraised is each unit's line of the period's results.
    detail: counts,
  });

  if (unappraised.length > 0) {
    const progressUrl = `${baseUrl()}${adminHref.period(periodId)}`;
    const list = unappraised.map((u) => ({ name: u.unit.name, statusLabel: REPORT_STATUS_LABELS[u.status] }));
    await mailEach(ctx.log, campaign.people('admin'), 'review-closed', { periodId }, (admin) =>
      reviewClosedEmail(campaign.sender, { admin, period, unappraised: list, counts, progressUrl }),
    );
  }

  const { name, input: scoringInput } = scoringExecution(periodId, { trigger: 'close' });
  crashPoint('close.after-mail');
  const scoring = await callbacks().startExecution(stateMachineArn('scoring'), name, scoringInput);
  ctx.log.info('review closed', { ...counts, scoring });
  return { scoring };
}

export const handler = campaignStep({ name: STEP, input: periodInput }, closePeriod);
