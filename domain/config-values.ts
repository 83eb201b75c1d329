/**
 * The values people write in config files, each with its check: slugs, dates, time zones, points
 * (integer hundredths, without binary floating point), and field paths for the problems. Shared by
 * the schemas (config.ts), the cross-field checks (config-checks.ts) and the file loaders.
 */
import type { Points } from './model.ts';
import { tryParsePoints } from './points.ts';

/** Defaults of the schemas (config.ts) that the checks on the config as written also need. */
export const DEFAULT_SUBMISSION_DAYS = 10;
export const DEFAULT_REMINDER_LEAD_DAYS = 3;
export const DEFAULT_VOTE_DAYS = 7;
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** A problem before it is tied to a file: the path is still a list of keys and indexes. */
export interface PathProblem {
  path: (string | number)[];
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Points (integer hundredths) from a file value, or a message saying what is wrong. The parsing
 * itself is points.ts's, shared with reports and appraisals; this adds the bilingual message.
 */
export function pointsFromFile(value: unknown): { points: Points } | { error: string } {
  const r = tryParsePoints(value);
  if (r.ok) return { points: r.value };
  const shown =
    typeof value === 'number' || typeof value === 'string'
      ? String(value).trim()
      : describeConfigValue(value);
  switch (r.code) {
    case 'negative':
      return { error: `không được âm, nhận được ${shown} (must not be negative)` };
    case 'too-many-decimals':
      return { error: `có nhiều hơn hai chữ số thập phân: ${shown} (at most two decimal places, e.g. 0.25)` };
    case 'too-large':
      return { error: `quá lớn: ${shown} (too large)` };
    default:
      return {
        error: `phải là một số điểm như 8.5, nhận được ${shown} (must be a number of points such as 8.5)`,
      };
  }
}

export const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A value as a message shows it, in Vietnamese. */
export function describeConfigValue(v: unknown): string {
  if (v === undefined) return 'không có gì';
  if (v === null) return 'giá trị rỗng (null)';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'một danh sách';
  return 'một đối tượng';
}
