/**
 * How documents write numbers, dates and labels: Vietnamese style, exact until the last step.
 *
 * Values arrive exact (integer hundredths of a point, bigint fractions) and are rounded half-up
 * to two decimals only here, for display (DOMAIN.md, "Arithmetic"). Nothing in this module
 * compares or adds rounded values.
 */
import { localDateOf } from '#domain/calendar';
import {
  type AdministrativeLevel,
  type Fraction,
  groupLabelsFor,
  type IsoDate,
  type Period,
  type Points,
  type UnitGroup,
} from '#domain/model';
import { formatPoints, fraction, multiplyFraction, roundHalfUp } from '#domain/points';
import { type AssessedScale, rescaledAssessed } from '#domain/unit-score';

/** A value to show with exactly two decimals, already rounded: integer hundredths. */
export type Hundredths = number;

/** A percentage (90 means 90 %) rounded half-up to hundredths of a percent. */
export function percentHundredths(percent: Fraction): Hundredths {
  return Number(roundHalfUp(multiplyFraction(percent, 100n)));
}

/** A total in hundredths of a point, exact, rounded half-up to whole hundredths. */
export function pointsHundredths(total: Fraction): Hundredths {
  return Number(roundHalfUp(total));
}

/** An appraised sum beside the most the set's appraised areas give: "42/70" (survey excluded). */
export function assessedOfMax(assessed: Points, scale: AssessedScale): string {
  return `${formatPoints(assessed)}/${formatPoints(scale.assessedMax)}`;
}

/**
 * What an appraised sum counts on the set's scale for a unit without a survey result, beside the
 * sum: "42/70 → 60,00 trên thang 100" (DOMAIN.md, "Arithmetic": sum × setMax / (setMax −
 * surveyMax), before bonus and penalty). Undefined for a set without a survey area (no rescaling).
 */
export function rescaledText(assessed: Points, scale: AssessedScale): string | undefined {
  const onScale = onScaleText(assessed, scale);
  return onScale && `${assessedOfMax(assessed, scale)} → ${onScale}`;
}

/** The same without the sum: "60,00 trên thang 100"; undefined for a set without a survey area. */
export function onScaleText(assessed: Points, scale: AssessedScale): string | undefined {
  if (scale.assessedMax === scale.max || scale.assessedMax <= 0) return undefined;
  const onScale = formatHundredths(pointsHundredths(rescaledAssessed(assessed, scale)));
  return `${onScale} trên thang ${formatPoints(scale.max)}`;
}

/** "90,01", "-1,20", "+2,35" with `signed`: two decimals, decimal comma, no thousands separator. */
export function formatHundredths(value: Hundredths, options: { signed?: boolean } = {}): string {
  const negative = value < 0;
  const abs = Math.abs(value);
  const text = `${Math.trunc(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
  if (negative) return `-${text}`;
  return options.signed && value > 0 ? `+${text}` : text;
}

/** The number a spreadsheet cell stores for hundredths: the double nearest the two-decimal value. */
export function hundredthsToNumber(value: Hundredths): number {
  return value / 100;
}

/** A points value (integer hundredths) shown with two decimals: 875 → "8,75". */
export function formatPointsFixed(points: Points): string {
  return formatHundredths(points);
}

/**
 * An exact percentage written out to `digits` decimals without rounding, "…" when it goes on:
 * 17999/200 → "89,995"; 6301/70 → "90,014285…". For notes that explain a band.
 */
export function exactDecimal(value: Fraction, digits = 6): string {
  const f = fraction(value.num, value.den);
  const negative = f.num < 0n;
  const num = negative ? -f.num : f.num;
  const whole = num / f.den;
  let rest = num % f.den;
  let decimals = '';
  for (let i = 0; i < digits && rest !== 0n; i++) {
    rest *= 10n;
    decimals += String(rest / f.den);
    rest %= f.den;
  }
  const tail = rest === 0n ? '' : '…';
  return `${negative ? '-' : ''}${whole}${decimals ? `,${decimals}` : ''}${tail}`;
}

// ---------------------------------------------------------------- dates

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "2024-10-01" → "01/10/2024". */
export function formatDateVn(date: IsoDate): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`Ngày không hợp lệ: "${date}".`);
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** The calendar date of an instant in the district's zone (Asia/Ho_Chi_Minh for the demo). */
export function localDate(instant: Date, timeZone: string): IsoDate {
  return localDateOf(instant, timeZone);
}

/**
 * The date part of the place and date line (Nghị định 30/2020, Phụ lục I): a day below 10 and
 * the months 1 and 2 take a leading zero ("ngày 05 tháng 01 năm 2025", "ngày 15 tháng 3 năm
 * 2025"). Without a date the day and month are left blank for the signer.
 */
export function dateLineVn(date: IsoDate | undefined, year: number): string {
  if (!date) return `ngày      tháng      năm ${year}`;
  formatDateVn(date);
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return `ngày ${pad2(d)} tháng ${m <= 2 ? pad2(m) : String(m)} năm ${y}`;
}

// ---------------------------------------------------------------- labels

/**
 * The groups' names in documents at the tenant's level (domain `groupLabelsFor`: a province's
 * communes are xã and phường, no thị trấn since 1/7/2025): headings ("Khối cơ quan chuyên môn"),
 * inside a sentence ("Xếp hạng 2/11 khối cơ quan"), and sheet names (at most 31 characters, none
 * of \ / ? * [ ] : — Excel's rule). A context without a level is a district's.
 */
export function groupNames(level: AdministrativeLevel = 'huyen'): {
  title: Record<UnitGroup, string>;
  inSentence: Record<UnitGroup, string>;
  sheetName: Record<UnitGroup, string>;
} {
  const labels = groupLabelsFor(level);
  const commune = upperFirst(labels.commune);
  return {
    title: { office: 'Khối cơ quan chuyên môn', commune },
    inSentence: labels,
    sheetName: { office: 'Khối cơ quan', commune },
  };
}

const QUARTERS: Record<string, string> = { Q1: 'quý I', Q2: 'quý II', Q3: 'quý III', Q4: 'quý IV' };
const HALVES: Record<string, string> = { H1: '6 tháng đầu năm', H2: '6 tháng cuối năm' };

/** "quý IV năm 2024", "6 tháng đầu năm 2024", "năm 2024" — lower case, for use inside a sentence. */
export function periodLabel(period: Pick<Period, 'id' | 'year'>): string {
  const suffix = period.id.slice(String(period.year).length);
  const quarter = QUARTERS[suffix];
  if (quarter) return `${quarter} năm ${period.year}`;
  const half = HALVES[suffix];
  return half ? `${half} ${period.year}` : `năm ${period.year}`;
}

const QUARTER_SHORT: Record<string, string> = { Q1: 'Quý I', Q2: 'Quý II', Q3: 'Quý III', Q4: 'Quý IV' };
const HALF_SHORT: Record<string, string> = { H1: '6 tháng đầu', H2: '6 tháng cuối' };

/** "Quý I/2024", "6 tháng đầu/2024", "Năm 2024": a column heading. */
export function periodShort(periodId: string): string {
  const m = /^(\d{4})(Q[1-4]|H[12])?$/.exec(periodId);
  if (!m) return periodId;
  const year = m[1] ?? '';
  const part = m[2] ? (QUARTER_SHORT[m[2]] ?? HALF_SHORT[m[2]]) : undefined;
  return part ? `${part}/${year}` : `Năm ${year}`;
}

/** "quý IV năm 2024 (từ 01/10/2024 đến 31/12/2024)". */
export function periodWithDates(period: Pick<Period, 'id' | 'year' | 'start' | 'end'>): string {
  return `${periodLabel(period)} (từ ${formatDateVn(period.start)} đến ${formatDateVn(period.end)})`;
}

/** "Quý IV năm 2024": a label at the start of a line. */
export function upperFirst(text: string): string {
  return text.charAt(0).toLocaleUpperCase('vi') + text.slice(1);
}

/** "Phát động phong trào …" → "phát động phong trào …", to continue a sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
}

/** Capitals as the national heading and the issuing body are written: "UBND HUYỆN SÔNG LAM". */
export function upper(text: string): string {
  return text.toLocaleUpperCase('vi');
}
