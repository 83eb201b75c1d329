/**
 * ListRecipients `{purpose, periodId?, campaignVersion?}` → `{items}`: what a workflow's Map
 * iterates over, each item a bare id (the Map's ItemSelector adds the period; docs/storage.md,
 * "Step payloads"):
 *
 * - `launch` → the launch notice's addressees (functions/launch/recipients.ts), none when the
 *   launch's campaign version was superseded;
 * - `invite` → the units whose progress for the period says they were not invited yet;
 * - `remind` → the units without a submitted report (no report, or a draft);
 * - `late` → the same units, each marked late on its progress here (a re-run keeps the first mark).
 *
 * Items carry ids only: no addresses or report contents in the execution history.
 */
import type { Unit } from '#domain/model';
import { reports } from '#ports/dynamo/reports';
import { type CampaignContext, loadCampaign, loadCampaignVersion } from '#steps/campaign';
import { mapLimited } from '#steps/concurrency';
import { type ListRecipientsInput, listRecipientsInput } from '#steps/inputs';
import { STEP_ERRORS, type StepContext, StepError, stepHandler } from '#steps/middleware';
import { launchRecipients } from '../launch/recipients.ts';

const STEP = 'list-recipients';

/** Units with no submitted report for the period (none at all, or only a draft). */
export async function unitsWithoutSubmission(campaign: CampaignContext, periodId: string): Promise<Unit[]> {
  const submitted = new Set(
    (await reports().listPeriod(periodId)).filter((r) => r.status !== 'draft').map((r) => r.unitId),
  );
  return campaign.units.filter((u) => !submitted.has(u.id));
}

export async function listRecipients(
  input: ListRecipientsInput,
  ctx: StepContext,
): Promise<{ items: string[] }> {
  const { purpose, periodId } = input;
  if (purpose === 'launch') {
    if (input.campaignVersion === undefined) {
      throw new StepError(STEP_ERRORS.invalidInput, 'campaignVersion is required for purpose launch');
    }
    const loaded = await loadCampaignVersion(input.campaignVersion);
    if (loaded.superseded) {
      ctx.log.info('launch superseded by a newer campaign version: nobody listed', {
        version: loaded.header.version,
      });
      return { items: [] };
    }
    const items = launchRecipients(loaded.campaign).map((r) => r.recipientId);
    ctx.log.info('launch recipients listed', { count: items.length });
    return { items };
  }
  if (!periodId) throw new StepError(STEP_ERRORS.invalidInput, `periodId is required for purpose ${purpose}`);
  const campaign = await loadCampaign();
  campaign.period(periodId);
  if (purpose === 'invite') {
    const invited = new Set(
      (await reports().listProgress(periodId)).filter((p) => p.invitedAt !== undefined).map((p) => p.unitId),
    );
    const items = campaign.units.filter((u) => !invited.has(u.id)).map((u) => u.id);
    ctx.log.info('units to invite listed', { count: items.length });
    return { items };
  }
  const units = await unitsWithoutSubmission(campaign, periodId);
  if (purpose === 'late') await mapLimited(units, 10, (u) => reports().markProgress(u.id, periodId, 'late'));
  const items = units.map((u) => u.id);
  ctx.log.info('units without a submitted report listed', { purpose, count: items.length });
  return { items };
}

export const handler = stepHandler({ name: STEP, input: listRecipientsInput }, listRecipients);
