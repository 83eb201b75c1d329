/**
 * The launch workflow's steps, invoked as Lambda would (their middy handlers with the payloads of
 * docs/cycle.md), against dynalite, aws-ses-v2-local and the local EventBridge Scheduler: the
 * campaign is stored once, every unit's focal point and every reviewer gets one launch notice
 * however often the launch runs, and every calendar event gets its one-time schedule.
 */
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodsOf } from '#domain/calendar';
import { handler as announceLaunch } from '#functions/launch/announce-launch';
import { plannedSchedules, handler as planSchedules } from '#functions/launch/plan-schedules';
import { handler as storeCampaign } from '#functions/launch/store-campaign';
import { handler as listRecipients } from '#functions/period/list-recipients';
import { type CycleBed, LAUNCH, SCHEDULE_GROUP, STARTER_ARN, startCycleBed } from './cycle-harness.ts';

let bed: CycleBed;

beforeAll(async () => {
  bed = await startCycleBed(LAUNCH, { store: false });
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

type Item = { recipient: { unitIds: string[]; reviewerId?: string } };

/** The launch workflow's Lambda steps in order (the Map iterations one after the other). */
async function launchOnce() {
  const stored = await bed.invoke(storeCampaign, { config: bed.config, criteriaSets: bed.criteriaSets });
  expect(stored).toMatchObject({ periods: periodsOf(bed.config).map((p) => p.id) });
  const schedules = await bed.invoke(planSchedules, {});
  const { items } = (await bed.invoke(listRecipients, { purpose: 'launch' })) as { items: Item[] };
  for (const item of items) await bed.invoke(announceLaunch, item);
  return { items, schedules };
}

describe('launch', { timeout: 60_000 }, () => {
  it('stores the campaign once: an identical second store changes nothing', async () => {
    const first = await bed.invoke(storeCampaign, { config: bed.config, criteriaSets: bed.criteriaSets });
    expect(first).toMatchObject({ version: 1, changed: true });
    expect(first.periods).toHaveLength(14);
    expect(first.periods[0]).toBe('2022Q3');
    expect(first.periods.at(-1)).toBe('2025Q4');
    const again = await bed.invoke(storeCampaign, { config: bed.config, criteriaSets: bed.criteriaSets });
    expect(again).toMatchObject({ version: 1, changed: false });
    expect((await bed.deps.store.listPeriods()).every((p) => p.status === 'scheduled')).toBe(true);
  });

  it('refuses an invalid config with InvalidConfig naming the field, storing nothing new', async () => {
    const bad = { ...bed.config, calendar: { ...bed.config.calendar, submissionDays: -3 } };
    await expect(
      bed.invoke(storeCampaign, { config: bad, criteriaSets: bed.criteriaSets }),
    ).rejects.toMatchObject({
      name: 'InvalidConfig',
      message: expect.stringContaining('calendar.submissionDays'),
    });
    expect((await bed.deps.store.getCampaign())?.version).toBe(1);
  });

  it('sends every focal point and reviewer one launch notice, however often the launch runs', async () => {
    await bed.clearEmails();
    const { items, schedules } = await launchOnce();
    // Every period's four events, each year's commendation and the phase's, at the launch date.
    expect(schedules).toEqual({ created: 14 * 4 + 4 + 1, updated: 0, unchanged: 0, skippedPast: 0 });
    const focalPoints = new Set(bed.config.units.map((u) => u.focalPoint.email.toLowerCase()));
    const reviewers = new Set(bed.config.reviewers.map((r) => r.email.toLowerCase()));
    const people = new Set([...focalPoints, ...reviewers]);
    expect(items).toHaveLength(people.size);

    const mails = await bed.emails();
    const to = mails.map((m) => m.destination.to[0]!.toLowerCase());
    expect(new Set(to)).toEqual(people);
    expect(to).toHaveLength(people.size); // one each

    const tuPhap = mails.find((m) => m.destination.to[0] === 'namtv.tuphap@song-lam.example.org')!;
    expect(tuPhap.subject).toBe(
      '[Thi đua CCHC] Phát động phong trào thi đua cải cách hành chính – Kế hoạch số 111/KH-UBND',
    );
    const text = tuPhap.body.text!;
    expect(text).toContain('Kính gửi đồng chí Trần Văn Nam,');
    expect(text).toContain('Kế hoạch số 111/KH-UBND ngày 02/08/2022');
    expect(text).toContain('Giai đoạn: 02/08/2022 – 31/12/2025');
    expect(text).toContain('trọng tâm cải cách thủ tục hành chính'); // the plan's content
    expect(text).toContain('- Tiếp xúc lịch sự, vui vẻ, thân thiện, cởi mở'); // 05T
    expect(text).toContain('- Không nhận quà, tiền bôi trơn'); // 05K
    expect(text).toContain('cán bộ đầu mối của Phòng Tư pháp');
    expect(text).toContain('Quý III năm 2022 (02/08/2022 – 30/09/2022)');
    expect(text).toContain('08:00 ngày 01/10/2022'); // opens
    expect(text).toContain('17:00 ngày 11/10/2022'); // deadline
    expect(text).toContain('[English] Launch notice');
    expect(tuPhap.body.html).toContain('<li>Không để hồ sơ trễ hẹn</li>');

    const reviewer = mails.find((m) => m.destination.to[0] === 'lanpt.vp@song-lam.example.org')!;
    expect(reviewer.body.text).toContain('thành viên Tổ thẩm định');
    expect(reviewer.body.text).not.toContain('cán bộ đầu mối của');

    // Launching again (a restart, or the same config twice) sends nobody a second notice and
    // creates no second schedule.
    const again = await launchOnce();
    expect(again.schedules).toEqual({ created: 0, updated: 0, unchanged: 61, skippedPast: 0 });
    expect(await bed.emails()).toHaveLength(people.size);
    const outbox = (await bed.deps.store.listOutbox(500)).filter((r) => r.identity.step === 'launch');
    expect(outbox).toHaveLength(people.size);
    expect(outbox.every((r) => r.status === 'sent')).toBe(true);
  });
});

describe('schedules', { timeout: 60_000 }, () => {
  const client = () => new SchedulerClient({});

  it('are planned for every period event, year and the phase, in the zone, deleted after firing', () => {
    const planned = plannedSchedules(periodsOf(bed.config), 'Asia/Ho_Chi_Minh');
    expect(planned).toHaveLength(14 * 4 + 4 + 1);
    const names = planned.map((s) => s.name);
    expect(names).toContain('period-2024Q3-remind');
    expect(names.filter((n) => n.startsWith('commendation-'))).toEqual([
      'commendation-2022',
      'commendation-2023',
      'commendation-2024',
      'commendation-2025',
      'commendation-phase',
    ]);
    expect(names.every((n) => /^[0-9A-Za-z_.-]{1,64}$/.test(n))).toBe(true);
    // 2024's last review close: 2024Q4 → 21/01/2025 17:00; commendation a week later.
    expect(planned.find((s) => s.name === 'commendation-2024')).toMatchObject({
      at: '2025-01-28T17:00:00+07:00',
      event: { workflow: 'commendation', name: 'commendation-2024-1', input: { cycleId: '2024' } },
    });
  });

  it('exist in the local scheduler as Scheduler returns them: at() in the zone, the starter as target', async () => {
    expect(bed.scheduler.listSchedules({ groupName: SCHEDULE_GROUP })).toHaveLength(14 * 4 + 5);

    const open = await client().send(
      new GetScheduleCommand({ Name: 'period-2022Q3-open', GroupName: SCHEDULE_GROUP }),
    );
    expect(open).toMatchObject({
      ScheduleExpression: 'at(2022-10-01T08:00:00)',
      ScheduleExpressionTimezone: 'Asia/Ho_Chi_Minh',
      ActionAfterCompletion: 'DELETE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: STARTER_ARN,
        RoleArn: process.env.SCHEDULE_ROLE_ARN,
        DeadLetterConfig: { Arn: process.env.SCHEDULE_DLQ_ARN },
      },
    });
    expect(JSON.parse(open.Target!.Input!)).toEqual({
      workflow: 'period',
      name: 'period-2022Q3-open',
      input: { event: 'open', periodId: '2022Q3' },
    });
    expect(bed.scheduler.nextEventTime()?.toISOString()).toBe('2022-10-01T01:00:00.000Z');
  });

  it('skips events already past and updates a schedule whose time changed', async () => {
    const store = bed.deps.store;
    const q3 = (await store.getPeriod('2022Q3'))!.period;
    // The admin moved 2022Q3's deadline by a day (an edited calendar).
    await store.putPeriods([{ ...q3, deadlineAt: '2022-10-12T17:00:00+07:00' }]);
    bed.setNow(new Date('2022-10-05T00:00:00Z')); // after the open, before the reminder
    const counts = await bed.invoke(planSchedules, {});
    expect(counts).toEqual({ created: 0, updated: 1, unchanged: 59, skippedPast: 1 });
    const deadline = await client().send(
      new GetScheduleCommand({ Name: 'period-2022Q3-deadline', GroupName: SCHEDULE_GROUP }),
    );
    expect(deadline.ScheduleExpression).toBe('at(2022-10-12T17:00:00)');
    await store.putPeriods([q3]);
    bed.setNow(LAUNCH);
  });
});
