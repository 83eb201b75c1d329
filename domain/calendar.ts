/**
 * The reporting calendar: periods of a campaign and their events as instants in the district's
 * time zone, the criteria set in force for a period, and date formatting.
 *
 * Zone offsets come from Intl (no library, no assumption that the zone has no DST): every
 * instant is written with the offset in force at that moment, e.g. 2024-10-01T08:00:00+07:00.
 */
import type {
  CriteriaSet,
  DistrictConfig,
  Frequency,
  IsoDate,
  IsoInstant,
  Period,
  UnitGroup,
} from './model.ts';

type CalendarConfig = Pick<DistrictConfig, 'district' | 'campaign' | 'calendar'>;

// ---------------------------------------------------------------- plain dates

const DAY_MS = 86_400_000;
export const DAY_SECONDS = 86_400;

function dateToDays(date: IsoDate): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

function daysToDate(days: number): IsoDate {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return daysToDate(dateToDays(date) + n);
}

// ---------------------------------------------------------------- zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** How far the zone's wall clock is ahead of UTC at that instant, in ms (to the second). */
export function offsetMs(epochMs: number, timeZone: string): number {
  const w = wallClockAt(epochMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** The zone's offset from UTC at that instant, in minutes (420 for +07:00). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  return Math.round(offsetMs(epochMs, timeZone) / 60_000);
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An instant written as local time with the zone's offset at that instant. */
export function toZonedIso(epochMs: number, timeZone: string): IsoInstant {
  const off = offsetMinutes(epochMs, timeZone);
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + off * 60_000).toISOString().slice(0, 19);
  return `${local}${offsetText(off)}`;
}

/**
 * The instant at which the zone's wall clock shows `date` `time` (HH:mm). A wall time skipped by
 * a DST jump comes out shifted forward by the jump; a repeated one takes the earlier instant.
 */
export function zonedInstant(date: IsoDate, time: string, timeZone: string): IsoInstant {
  const wall =
    dateToDays(date) * DAY_MS + Number(time.slice(0, 2)) * 3_600_000 + Number(time.slice(3, 5)) * 60_000;
  // Try the offsets in force a day before and a day after; keep the earliest that round-trips.
  const before = offsetMinutes(wall - DAY_MS, timeZone);
  const candidates = [before, offsetMinutes(wall + DAY_MS, timeZone)]
    .map((off) => wall - off * 60_000)
    .sort((a, b) => a - b);
  for (const t of candidates) {
    if (t + offsetMinutes(t, timeZone) * 60_000 === wall) return toZonedIso(t, timeZone);
  }
  // In a gap: read the wall time with the offset before the jump, which lands after it.
  return toZonedIso(wall - before * 60_000, timeZone);
}

/** The calendar date in the zone at that instant. */
export function localDateOf(instant: Date, timeZone: string): IsoDate {
  const w = wallClockAt(instant.getTime(), timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- periods

/** Slots of a year: [id suffix, first month, last month] (months 1-12). */
const SLOTS: Record<Frequency, [string, number, number][]> = {
  quarterly: [
    ['Q1', 1, 3],
    ['Q2', 4, 6],
    ['Q3', 7, 9],
    ['Q4', 10, 12],
  ],
  'half-yearly': [
    ['H1', 1, 6],
    ['H2', 7, 12],
  ],
  yearly: [['', 1, 12]],
};

function lastDayOfMonth(year: number, month: number): IsoDate {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/**
 * The calendar's periods that intersect the phase, in order, clipped to it. Events, from the
 * (clipped) last day L of the period:
 * opens = L + 1 + opensAfterDays at openTime; deadline = opens date + submissionDays at
 * deadlineTime; reminder = deadline date − reminderLeadDays at openTime; review closes =
 * deadline date + reviewDays at deadlineTime; late appraisals until review close date +
 * lateAppraisalGraceDays at deadlineTime.
 */
export function periodsOf(config: CalendarConfig): Period[] {
  const { phaseStart, phaseEnd } = config.campaign;
  const cal = config.calendar;
  const tz = config.district.timeZone;
  const out: Period[] = [];
  const firstYear = Number(phaseStart.slice(0, 4));
  const lastYear = Number(phaseEnd.slice(0, 4));
  for (let year = firstYear; year <= lastYear; year++) {
    for (const [suffix, m1, m2] of SLOTS[cal.frequency]) {
      const slotStart = `${year}-${String(m1).padStart(2, '0')}-01`;
      const slotEnd = lastDayOfMonth(year, m2);
      const start = [slotStart, phaseStart].sort()[1] ?? slotStart; // the later of the two dates
      const end = [slotEnd, phaseEnd].sort()[0] ?? slotEnd; // the earlier
      if (start > end) continue;
      const opens = addDays(end, 1 + cal.opensAfterDays);
      const deadline = addDays(opens, cal.submissionDays);
      const reviewClose = addDays(deadline, cal.reviewDays);
      out.push({
        id: `${year}${suffix}`,
        frequency: cal.frequency,
        year,
        start,
        end,
        opensAt: zonedInstant(opens, cal.openTime, tz),
        remindAt: zonedInstant(addDays(deadline, -cal.reminderLeadDays), cal.openTime, tz),
        deadlineAt: zonedInstant(deadline, cal.deadlineTime, tz),
        reviewClosesAt: zonedInstant(reviewClose, cal.deadlineTime, tz),
        lateAppraisalUntil: zonedInstant(
          addDays(reviewClose, cal.lateAppraisalGraceDays),
          cal.deadlineTime,
          tz,
        ),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- the review's waits

/** The longest reminder interval of a review, in days. */
export const MAX_REVIEW_WAIT_DAYS = 7;

/**
 * A review's reminder interval, in days: how long a reviewer has before the admin is told, and a
 * unit before it is reminded to explain — half the review window (`calendar.reviewDays`), between
 * 1 and 7 days. The wait then continues until the late-appraisal deadline (docs/review.md).
 */
export function reviewReminderDays(calendar: Pick<DistrictConfig['calendar'], 'reviewDays'>): number {
  return Math.min(MAX_REVIEW_WAIT_DAYS, Math.max(1, Math.floor(calendar.reviewDays / 2)));
}

/** `reviewReminderDays` in seconds: the longest a review's wait lasts. */
export function reviewReminderSeconds(calendar: Pick<DistrictConfig['calendar'], 'reviewDays'>): number {
  return reviewReminderDays(calendar) * DAY_SECONDS;
}

/**
 * How long after the late-appraisal deadline a review's last wait ends: a decision sent in the
 * deadline's last second is recorded by a request that may take up to the pages' 20-second
 * timeout; the review ends once it has landed, not while it is landing.
 */
export const DEADLINE_GRACE_SECONDS = 60;

/**
 * The shortest wait: a wait entered at or past the deadline still outlasts the step that arms it
 * (on AWS its timer runs while that function mails the link), then ends the review.
 */
export const MIN_WAIT_SECONDS = 60;

/**
 * How many seconds a review's wait entered at `now` lasts (docs/review.md, "How long a wait
 * lasts"): its interval, cut a minute after the late-appraisal deadline
 * (`DEADLINE_GRACE_SECONDS`) so the review ends then, and at least `MIN_WAIT_SECONDS` (Step
 * Functions' `TimeoutSecondsPath` needs a positive integer).
 */
export function waitSeconds(now: Date, intervalSeconds: number, lateAppraisalUntil: IsoInstant): number {
  const untilDeadline =
    Math.ceil((Date.parse(lateAppraisalUntil) - now.getTime()) / 1000) + DEADLINE_GRACE_SECONDS;
  const seconds = Math.max(MIN_WAIT_SECONDS, Math.min(Math.floor(intervalSeconds), untilDeadline));
  // A missing number here would fail the execution where no catcher sees it: fail the step instead.
  if (!Number.isSafeInteger(seconds)) {
    throw new Error(`No wait length from interval ${intervalSeconds} s and deadline ${lateAppraisalUntil}`);
  }
  return seconds;
}

export function periodById(config: CalendarConfig, id: string): Period | undefined {
  return periodsOf(config).find((p) => p.id === id);
}

/** The calendar's own periods in that year (2022, launched in August, has only Q3 and Q4). */
export function periodsOfYear(config: CalendarConfig, year: number): Period[] {
  return periodsOf(config).filter((p) => p.year === year);
}

/**
 * The criteria set in force for a group in a period: of the group's sets, the one with the
 * latest effectiveFrom on or before the date the period opened (its `open` event, the submission
 * window, in the district's time zone). DOMAIN.md: "a period is scored with the set in force when
 * it opened" — so 2024Q4, opening on 01/01/2025, takes a set effective from 01/01/2025; the form
 * the unit fills at the opening is the one it is scored by.
 */
export function criteriaSetFor(
  config: Pick<DistrictConfig, 'groups' | 'district'>,
  sets: readonly CriteriaSet[],
  group: UnitGroup,
  period: Pick<Period, 'id' | 'opensAt'>,
): CriteriaSet {
  const ids = config.groups[group].criteriaSets;
  const opened = localDateOf(new Date(period.opensAt), config.district.timeZone);
  let best: CriteriaSet | undefined;
  for (const set of sets) {
    if (!ids.includes(set.id) || set.effectiveFrom > opened) continue;
    if (!best || set.effectiveFrom > best.effectiveFrom) best = set;
  }
  if (!best) {
    throw new Error(
      `Không có bộ tiêu chí nào của nhóm "${group}" có hiệu lực cho kỳ ${period.id} (mở ngày ${formatDate(opened)}); ` +
        `các bộ đã khai báo: ${ids.join(', ') || '(không có)'} ` +
        `(no criteria set of group "${group}" is in force for period ${period.id}, which opens on ${opened})`,
    );
  }
  return best;
}

// ---------------------------------------------------------------- formatting

/** "2024-10-01" → "01/10/2024". An instant's date is taken as written (its own offset's date). */
export function formatDate(iso: IsoDate | IsoInstant): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso)) throw new Error(`Ngày không hợp lệ (invalid date): ${iso}`);
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** An instant as "HH:mm dd/mm/yyyy" on the zone's wall clock. */
export function formatDateTime(instant: IsoInstant | Date, timeZone: string, seconds = false): string {
  const t = instant instanceof Date ? instant.getTime() : Date.parse(instant);
  if (Number.isNaN(t)) throw new Error(`Thời điểm không hợp lệ (invalid instant): ${String(instant)}`);
  const w = wallClockAt(t, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  // Seconds for the audit trail, where two entries of one minute must read apart.
  const ss = seconds ? `:${two(w.second)}` : '';
  return `${two(w.hour)}:${two(w.minute)}${ss} ${two(w.day)}/${two(w.month)}/${w.year}`;
}

/** Days after the last review close of a year (or the phase) at which its commendation starts. */
export const COMMENDATION_DELAY_DAYS = 7;

/** An instant as "dd/mm/yyyy HH:mm" on the zone's wall clock (the order commendation texts use). */
export function formatDateAndTime(instant: IsoInstant, timeZone: string): string {
  const t = parseInstant(instant);
  if (t === null) throw new Error(`Thời điểm không hợp lệ (invalid instant): ${instant}`);
  const w = wallClockAt(t, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(w.day)}/${two(w.month)}/${w.year} ${two(w.hour)}:${two(w.minute)}`;
}

// ---------------------------------------------------------------- reading instants

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds since the epoch of an ISO 8601 instant that carries its offset (or Z), or null.
 * A bare local time is refused: it would mean a different instant on every machine.
 */
export function parseInstant(text: string): number | null {
  if (!INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
