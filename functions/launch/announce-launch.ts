/**
 * AnnounceLaunch `{recipientId, campaignVersion}` → `{}` (launch workflow, one Map iteration per
 * addressee, functions/launch/recipients.ts).
 *
 * The launch notice: the plan's number, date, title and content, the 05T/05K messages, the
 * person's role (focal point of which units, reviewer) and the calendar's next periods. Sent at
 * most once per person: outbox identity (`launch`, the address), so launching again — or an
 * edited config's new launch — never sends a second notice. Nothing is sent for a launch a newer
 * campaign version superseded.
 */
import { launchNoticeEmail } from '#mail/launch';
import { NotFoundError } from '#ports/errors';
import { loadCampaignVersion } from '#steps/campaign';
import { type AnnounceLaunchInput, announceLaunchInput } from '#steps/inputs';
import { mailTo } from '#steps/mail';
import { type StepContext, stepHandler } from '#steps/middleware';
import { launchRecipients } from './recipients.ts';

const STEP = 'announce-launch';

/** How many periods the notice's calendar table shows. */
const FIRST_PERIODS = 4;

export async function announceLaunch(
  input: AnnounceLaunchInput,
  ctx: StepContext,
): Promise<Record<string, never>> {
  const loaded = await loadCampaignVersion(input.campaignVersion);
  if (loaded.superseded) return {};
  const { campaign } = loaded;
  const recipient = launchRecipients(campaign).find((r) => r.recipientId === input.recipientId);
  if (!recipient) throw new NotFoundError('launch recipient', input.recipientId);
  const { periods, config } = campaign;
  // The periods still ahead (a campaign launched mid-phase shows what comes next).
  const now = ctx.clock().getTime();
  const ahead = periods.filter((p) => Date.parse(p.reviewClosesAt) > now);
  const mail = launchNoticeEmail(campaign.sender, {
    recipient: { name: recipient.name },
    units: recipient.units,
    reviewer: recipient.reviewer !== undefined,
    campaign: config.campaign,
    frequency: config.calendar.frequency,
    firstPeriods: (ahead.length > 0 ? ahead : periods).slice(0, FIRST_PERIODS),
    periodCount: periods.length,
  });
  const outcome = await mailTo(ctx.log, recipient, 'launch', {}, mail);
  ctx.log.info('launch announced', {
    units: recipient.units.length,
    reviewer: recipient.reviewer !== undefined,
    mail: outcome,
  });
  return {};
}

export const handler = stepHandler({ name: STEP, input: announceLaunchInput }, announceLaunch);
