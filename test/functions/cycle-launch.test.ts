/**
 * The launch workflow's steps, invoked as Lambda would (their middy handlers with the payloads of
 * docs/cycle.md), against dynalite, aws-ses-v2-local and the local EventBridge Scheduler: the
 * campaign is stored once before its launch, every unit's focal point and every reviewer gets one
 * launch notice however often the launch runs, every calendar event gets its one-time schedule,
 * and a launch a newer campaign version superseded does nothing.
 */
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodsOf } from '#domain/calendar';
import type { DistrictConfig } from '#domain/model';
import { handler as announceLaunch } from '#functions/launch/announce-launch';
import { storeCampaign } from '#functions/launch/campaign';
import { plannedSchedules, handler as planSchedules } from '#functions/launch/plan-schedules';
import { handler as checkCampaign } from '#functions/launch/store-campaign';
import { handler as listRecipients } from '#functions/period/list-recipients';
import { campaigns } from '#ports/dynamo/campaigns';
import { outbox } from '#ports/dynamo/outbox';
import { launchExecution } from '#workflows/executions';
import { type CycleBed, LAUNCH, SCHEDULE_GROUP, STARTER_ARN, startCycleBed } from './cycle-harness.ts';

let bed: CycleBed;

beforeAll(async () => {
  bed = await startCycleBed(LAUNCH, { store: false });
}, 30_000);
afterAll(async () => {
  await bed?.stop();
});

/** Stores a config as the next campaign version, as `thidua launch` does before it starts the execution. */
async function store(config: DistrictConfig = bed.config) {
  return storeCampaign({ config, criteriaSets: bed.criteriaSets });
}

/** The launch workflow's Lambda steps in order (the Map iterations one after the other). */
async function launchOnce(config: DistrictConfig = bed.config) {
  const { input } = launchExecution(await store(config));
  const checked = await bed.invoke(checkCampaign, input);
  const campaignVersion = input.campaignVersion;
  const schedules = await bed.invoke(planSchedules, { campaignVersion });
  const { items } = await bed.invoke(listRecipients, { purpose: 'launch', campaignVersion });
  for (const recipientId of items) await bed.invoke(announceLaunch, { recipientId, campaignVersion });
  return { checked, items, schedules };
}

describe('launch', { timeout: 60_000 }, () => {
  it('stores the campaign once; the first step reads the launched version back with its periods', async () => {
    const first = await store();
    expect(first).toMatchObject({ version: 1, changed: true });
    expect(await store()).toEqual({ ...first, changed: false });
    const { name, input } = launchExecution(first);
    expect(name).toBe(`launch-v1-${first.contentHash.slice(0, 12)}`);
    expect(input).toEqual({ campaignVersion: 1, contentHash: first.contentHash });
    const checked = await bed.invoke(checkCampaign, input);
    expect(checked).toEqual({
      campaignVersion: 1,
      superseded: false,
      periods: periodsOf(bed.config).map((p) => p.id),
    });
    expect(checked.periods).toHaveLength(14);
    expect((await campaigns().listPeriodStatuses()).size).toBe(0);
  });

  it('refuses a launch whose version holds other content, and one whose version was never stored', async () => {
    await expect(
      bed.invoke(checkCampaign, { campaignVersion: 1, contentHash: 'f'.repeat(64) }),
    ).rejects.toMatchObject({
      name: 'Conflict',
    });
    await expect(bed.invoke(checkCampaign, { campaignVersion: 9 })).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('sends every focal point and reviewer one launch notice, however often the launch runs', async () => {
    await bed.clearEmails();
    const { items, schedules } = await launchOnce();
    // Every period's four events, each year's commendation and the phase's, at the launch date.
    expect(schedules).toEqual({
      created: 14 * 4 + 4 + 1,
      updated: 0,
      unchanged: 0,
      skippedPast: 0,
      superseded: false,
    });
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
    expect(again.schedules).toEqual({
      created: 0,
      updated: 0,
      unchanged: 61,
      skippedPast: 0,
      superseded: false,
    });
    expect(await bed.emails()).toHaveLength(people.size);
    const sent = (await outbox().list(500)).filter((r) => r.identity.step === 'launch');
    expect(sent).toHaveLength(people.size);
    expect(sent.every((r) => r.status === 'sent')).toBe(true);
  });

  it('a launch superseded by a newer campaign version plans nothing and mails nobody', async () => {
    await bed.clearEmails();
    const edited: DistrictConfig = structuredClone(bed.config);
    edited.campaign.title = `${edited.campaign.title} (sửa đổi)`;
    const older = launchExecution(await store()).input;
    await store(edited);
    expect(await bed.invoke(checkCampaign, older)).toMatchObject({ superseded: true, periods: [] });
    expect(await bed.invoke(planSchedules, { campaignVersion: older.campaignVersion })).toMatchObject({
      created: 0,
      updated: 0,
      superseded: true,
    });
    expect(
      await bed.invoke(listRecipients, { purpose: 'launch', campaignVersion: older.campaignVersion }),
    ).toEqual({
      items: [],
    });
    expect(await bed.emails()).toHaveLength(0);
    // Back to the demo for the schedules below (a newer version with the demo's content).
    await store();
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

  it('skips events already past and updates the schedules an edited calendar moved', async () => {
    // The admin reminds a day earlier (an edited calendar, launched as a new campaign version).
    const edited: DistrictConfig = structuredClone(bed.config);
    edited.calendar.reminderLeadDays += 1;
    const { version } = await store(edited);
    bed.setNow(new Date('2022-10-05T00:00:00Z')); // after 2022Q3's open, before its reminder
    const counts = await bed.invoke(planSchedules, { campaignVersion: version });
    expect(counts).toEqual({ created: 0, updated: 14, unchanged: 46, skippedPast: 1, superseded: false });
    const remind = await client().send(
      new GetScheduleCommand({ Name: 'period-2022Q3-remind', GroupName: SCHEDULE_GROUP }),
    );
    expect(remind.ScheduleExpression).toBe('at(2022-10-07T08:00:00)');
    await store();
    bed.setNow(LAUNCH);
  });
});
