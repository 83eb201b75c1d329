/**
 * AnnounceLaunch `{recipient: {unitIds, reviewerId?}}` → `{}` (launch workflow, one Map
 * iteration per person).
 *
 * The launch notice: the plan's number, date, title and content, the 05T/05K messages, the
 * person's role (focal point of which units, reviewer) and the calendar's next periods. Sent at
 * most once per person: outbox identity (`launch`, the address), so launching again — or an
 * edited config's new launch — never sends a second notice.
 */
import { periodsOf } from '#domain/calendar';
import { launchNoticeEmail } from '#mail/launch';
import { NotFoundError } from '#ports/store';
import { announceLaunchInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import { mailIdentity, requireCampaign, requirePerson, requireUnit, sendMail } from '#steps/steps';

const STEP = 'announce-launch';

/** How many periods the notice's calendar table shows. */
const FIRST_PERIODS = 4;

export async function announceLaunch(
  input: { recipient: { unitIds: string[]; reviewerId?: string | undefined } },
  ctx: StepContext,
): Promise<Record<string, never>> {
  const { unitIds, reviewerId } = input.recipient;
  const { config, sender } = await requireCampaign(ctx);
  const units = await Promise.all(unitIds.map((id) => requireUnit(ctx, id)));
  const reviewer = reviewerId ? await requirePerson(ctx, 'reviewer', reviewerId) : undefined;
  const email = units[0]?.focalPoint.email ?? reviewer?.email;
  const name = units[0]?.focalPoint.name ?? reviewer?.name;
  if (!email || !name) throw new NotFoundError('launch recipient', JSON.stringify(input.recipient));
  const periods = periodsOf(config);
  // The periods still ahead (a campaign launched mid-phase shows what comes next).
  const now = ctx.clock().getTime();
  const ahead = periods.filter((p) => Date.parse(p.reviewClosesAt) > now);
  const mail = launchNoticeEmail(sender, {
    recipient: { name },
    units,
    reviewer: reviewer !== undefined,
    campaign: config.campaign,
    frequency: config.calendar.frequency,
    firstPeriods: (ahead.length > 0 ? ahead : periods).slice(0, FIRST_PERIODS),
    periodCount: periods.length,
  });
  const outcome = await sendMail(ctx, ctx.log, mailIdentity('launch', email, {}), { to: email, ...mail });
  ctx.log.info('launch announced', {
    units: unitIds.length,
    reviewer: reviewer !== undefined,
    mail: outcome,
  });
  return {};
}

export const handler = stepHandler({ name: STEP, input: announceLaunchInput }, announceLaunch);
