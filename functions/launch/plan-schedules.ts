/**
 * PlanSchedules `{campaignVersion}` → `{created, updated, unchanged, skippedPast, superseded}` (launch
 * workflow; nothing is planned when a newer campaign version superseded this launch).
 *
 * Every calendar event of the stored campaign becomes a one-time EventBridge Scheduler schedule
 * whose target is the starter function (functions/starter.ts), which starts the named execution:
 *
 * | schedule name | when | starts |
 * |---|---|---|
 * | `period-<p>-open` / `-remind` / `-deadline` / `-close` | the period's event instants | `period` execution of the same name, input `{event, periodId}` |
 * | `commendation-<year>` | the year's last review close + 7 days, same wall time | `commendation-<year>-1`, input `{cycleId: "<year>"}` |
 * | `commendation-phase` | the phase's last review close + 7 days | `commendation-phase-1`, input `{cycleId: "phase"}` |
 *
 * Each is `at(yyyy-mm-ddThh:mm:ss)` on the district's wall clock with `ScheduleExpressionTimezone`
 * (Asia/Ho_Chi_Minh), `ActionAfterCompletion: DELETE`, no flexible window, in the stack's group
 * (`SCHEDULE_GROUP`), with the schedules' role (`SCHEDULE_ROLE_ARN`), dead-letter queue
 * (`SCHEDULE_DLQ_ARN`) and a retry policy. Re-entrant: a schedule that exists
 * (`ConflictException`) is read back and updated only if it differs (an edited calendar), so a
 * second run changes nothing. Events already past on the clock are skipped (they would fire at once).
 */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { addDays, COMMENDATION_DELAY_DAYS, localDateOf, toZonedIso, zonedInstant } from '#domain/calendar';
import type { IsoInstant, Period } from '#domain/model';
import type { StarterEvent } from '#functions/starter';
import { region, requireEnv, sharedClient } from '#ports/aws';
import { loadCampaignVersion } from '#steps/campaign';
import { type LaunchStepInput, launchStepInput } from '#steps/inputs';
import { type StepContext, stepHandler } from '#steps/middleware';
import {
  commendationExecution,
  PERIOD_EVENTS,
  type PeriodEvent,
  periodExecution,
} from '#workflows/executions';

const STEP = 'plan-schedules';

/** Scheduler's limit on a schedule name: [0-9a-zA-Z-_.]{1,64}. */
const SCHEDULE_NAME = /^[0-9A-Za-z_.-]{1,64}$/;

const EVENT_INSTANT: Record<PeriodEvent, 'opensAt' | 'remindAt' | 'deadlineAt' | 'reviewClosesAt'> = {
  open: 'opensAt',
  remind: 'remindAt',
  deadline: 'deadlineAt',
  close: 'reviewClosesAt',
};

export interface PlannedSchedule {
  name: string;
  at: IsoInstant;
  event: StarterEvent;
}

/** The day `days` after an instant's local date, at the same wall time, in the zone. */
function sameTimeDaysLater(instant: IsoInstant, days: number, timeZone: string): IsoInstant {
  const local = toZonedIso(Date.parse(instant), timeZone);
  const date = localDateOf(new Date(Date.parse(instant)), timeZone);
  return zonedInstant(addDays(date, days), local.slice(11, 16), timeZone);
}

/** Every schedule of a calendar, in time order (pure: no clock, no AWS). */
export function plannedSchedules(periods: readonly Period[], timeZone: string): PlannedSchedule[] {
  const out: PlannedSchedule[] = [];
  for (const p of periods) {
    for (const event of PERIOD_EVENTS) {
      const execution = periodExecution(p.id, event);
      out.push({
        name: execution.name,
        at: p[EVENT_INSTANT[event]],
        event: { workflow: 'period', name: execution.name, input: { ...execution.input } },
      });
    }
  }
  const lastClose = (ps: readonly Period[]) =>
    ps.reduce<Period | undefined>(
      (a, b) => (!a || Date.parse(b.reviewClosesAt) > Date.parse(a.reviewClosesAt) ? b : a),
      undefined,
    );
  const years = [...new Set(periods.map((p) => p.year))].sort((a, b) => a - b);
  for (const year of years) {
    const last = lastClose(periods.filter((p) => p.year === year));
    if (!last) continue;
    const execution = commendationExecution(String(year));
    out.push({
      name: `commendation-${year}`,
      at: sameTimeDaysLater(last.reviewClosesAt, COMMENDATION_DELAY_DAYS, timeZone),
      event: { workflow: 'commendation', name: execution.name, input: { ...execution.input } },
    });
  }
  const last = lastClose(periods);
  if (last) {
    const execution = commendationExecution('phase');
    out.push({
      name: 'commendation-phase',
      at: sameTimeDaysLater(last.reviewClosesAt, COMMENDATION_DELAY_DAYS, timeZone),
      event: { workflow: 'commendation', name: execution.name, input: { ...execution.input } },
    });
  }
  for (const s of out) {
    if (!SCHEDULE_NAME.test(s.name))
      throw new Error(`Schedule name ${JSON.stringify(s.name)} is not [0-9A-Za-z_.-]{1,64}`);
  }
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.name < b.name ? -1 : 1));
}

interface ScheduleSettings {
  group: string;
  starterArn: string;
  roleArn: string;
  dlqArn: string;
  timeZone: string;
}

function settingsFromEnv(timeZone: string): ScheduleSettings {
  return {
    group: requireEnv('SCHEDULE_GROUP', "the stack's schedule group"),
    starterArn: requireEnv('STARTER_ARN', 'the starter function every schedule targets'),
    roleArn: requireEnv('SCHEDULE_ROLE_ARN', "the schedules' execution role"),
    dlqArn: requireEnv('SCHEDULE_DLQ_ARN', "the schedules' dead-letter queue"),
    timeZone,
  };
}

/** The CreateSchedule/UpdateSchedule request of a planned schedule. */
export function scheduleRequest(s: PlannedSchedule, settings: ScheduleSettings): CreateScheduleCommandInput {
  return {
    Name: s.name,
    GroupName: settings.group,
    ScheduleExpression: `at(${toZonedIso(Date.parse(s.at), settings.timeZone).slice(0, 19)})`,
    ScheduleExpressionTimezone: settings.timeZone,
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    State: 'ENABLED',
    Description: `thidua ${s.event.workflow} ${s.event.name}`,
    Target: {
      Arn: settings.starterArn,
      RoleArn: settings.roleArn,
      Input: JSON.stringify(s.event),
      DeadLetterConfig: { Arn: settings.dlqArn },
      RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 10 },
    },
  };
}

function differs(want: CreateScheduleCommandInput, have: GetScheduleCommandOutput): boolean {
  return (
    want.ScheduleExpression !== have.ScheduleExpression ||
    want.ScheduleExpressionTimezone !== have.ScheduleExpressionTimezone ||
    want.Target?.Arn !== have.Target?.Arn ||
    want.Target?.RoleArn !== have.Target?.RoleArn ||
    want.Target?.Input !== have.Target?.Input ||
    want.Target?.DeadLetterConfig?.Arn !== have.Target?.DeadLetterConfig?.Arn ||
    want.ActionAfterCompletion !== (have.ActionAfterCompletion ?? 'NONE') ||
    want.FlexibleTimeWindow?.Mode !== have.FlexibleTimeWindow?.Mode ||
    (have.State ?? 'ENABLED') !== 'ENABLED'
  );
}

export interface PlanCounts {
  created: number;
  updated: number;
  unchanged: number;
  skippedPast: number;
  /** A newer campaign version was stored since: its own launch plans the schedules. */
  superseded: boolean;
}

/** At most this many Scheduler calls in flight (its API rates are per account). */
const CONCURRENCY = 5;

export async function planSchedules(input: LaunchStepInput, ctx: StepContext): Promise<PlanCounts> {
  const counts: PlanCounts = { created: 0, updated: 0, unchanged: 0, skippedPast: 0, superseded: false };
  const loaded = await loadCampaignVersion(input.campaignVersion);
  if (loaded.superseded) {
    ctx.log.info('launch superseded by a newer campaign version: nothing planned');
    return { ...counts, superseded: true };
  }
  const { config, periods } = loaded.campaign;
  const settings = settingsFromEnv(config.district.timeZone);
  const now = ctx.clock().getTime();
  const due: PlannedSchedule[] = [];
  for (const s of plannedSchedules(periods, config.district.timeZone)) {
    if (Date.parse(s.at) <= now) counts.skippedPast++;
    else due.push(s);
  }
  const scheduler = sharedClient('scheduler', () => new SchedulerClient({ region: region() }));
  const one = async (s: PlannedSchedule) => {
    const request = scheduleRequest(s, settings);
    try {
      await scheduler.send(new CreateScheduleCommand(request));
      counts.created++;
      return;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConflictException') throw err;
    }
    const have = await scheduler.send(new GetScheduleCommand({ Name: s.name, GroupName: settings.group }));
    if (!differs(request, have)) {
      counts.unchanged++;
      return;
    }
    await scheduler.send(new UpdateScheduleCommand(request));
    counts.updated++;
  };
  for (let i = 0; i < due.length; i += CONCURRENCY) {
    await Promise.all(due.slice(i, i + CONCURRENCY).map(one));
  }
  ctx.log.info('schedules planned', { ...counts });
  return counts;
}

export const handler = stepHandler({ name: STEP, input: launchStepInput }, planSchedules);
