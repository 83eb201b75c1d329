/**
 * The admin's recorded inputs for scoring — the satisfaction survey result, bonus and penalty of
 * each unit-period (DOMAIN.md "Arithmetic"; docs/scoring.md steps 2–3) — read from a file and
 * stored one item per unit-period (./record-adjustments.ts). `npm start`'s `POST /local/record`
 * calls `recordAdjustments` (with the posted text: `AdjustmentsSource`); `thidua record` calls its
 * steps — `readAdjustments`, `checkAdjustments` (problems with their YAML lines), `storeAdjustments`
 * — to print the plan before writing and each line as it is written. This module reads and
 * checks only: no AWS client, so the command line loads the SDK only when it writes.
 *
 * File (YAML or JSON; points are decimals with at most two places, `8.5` or `"8,5"`):
 *
 * ```yaml
 * periods:
 *   "2024Q3":                       # a period of the district's calendar (quote it in YAML)
 *     phong-noi-vu:                 # a unit id of the district
 *       survey: 25.5                # 0..the survey area's maximum; null or absent: no survey (rescaled)
 *       bonus: 0.5                  # ≥ 0, default 0 (the cap applies when scoring)
 *       penalty: 0                  # ≥ 0, default 0 (the cap applies when scoring)
 *       note: Phiếu khảo sát số 12/BC-UBND   # optional
 * ```
 *
 * Everything is checked before anything is stored: an unknown period or unit, a bad number, a
 * survey above the maximum of the criteria set in force (or given where the set has no survey
 * area) is an error naming it, and then nothing is stored. Recording again overwrites; every
 * change is audited with the values before and after.
 */
import { criteriaSetFor, periodsOf } from '#domain/calendar';
import type { ConfigProblem } from '#domain/config';
import { surveyArea } from '#domain/criteria-tree';
import type { CriteriaSet, DistrictConfig, Period, Points, Unit, UnitGroup } from '#domain/model';
import { formatPoints, tryParsePoints } from '#domain/points';
import type { Adjustments } from '#ports/results';

export interface AdjustmentsEntry extends Adjustments {
  unitId: string;
  periodId: string;
  /**
   * The stored version the writer saw (0: none stored): a different one is a ConflictError, unless
   * the stored values are already these. Absent (a file), the latest version is replaced.
   */
  expectedVersion?: number;
}

export interface RecordAdjustmentsResult {
  /** Every entry of the file, with whether the stored values changed. */
  recorded: { unitId: string; periodId: string; changed: boolean; version: number }[];
  /**
   * Periods of the file whose results are already published: their results change only when the
   * period is scored again (the admin's rerun).
   */
  periodsWithResults: string[];
  /** The latest stored results version of each of those periods (a rerun that changes them stores v(n+1)). */
  latestResults: Record<string, number>;
  /**
   * The rerun's execution name per period with results: `scoring-<p>-admin-<n>`, n counting the
   * changes recorded for the period so far (the sum of its units' adjustment versions), so a rerun
   * after each change is a new execution and a repeated one is the same.
   */
  rerunAs: Record<string, string>;
}

const ENTRY_FIELDS = new Set(['survey', 'bonus', 'penalty', 'note']);

/** A parsed adjustments file: its data, and the line of a field for the problems' messages. */
export interface AdjustmentsDocument {
  file: string;
  data: unknown;
  /** 1-based line of the field (`periods.2024Q3.phong-noi-vu.survey`) or of its nearest parent; YAML only. */
  lineOf(path: string): number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the file's content against the district: returns the entries, or every problem (each
 * names the period, the unit and the field).
 */
export function parseAdjustments(
  data: unknown,
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
  file = 'adjustments',
): { entries: AdjustmentsEntry[]; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const entries: AdjustmentsEntry[] = [];
  const at = (path: string, message: string) => problems.push({ file, path, message });
  if (!isRecord(data) || !isRecord(data.periods)) {
    at('periods', 'thiếu mục "periods": các kỳ báo cáo, mỗi kỳ gồm các đơn vị (missing "periods")');
    return { entries, problems };
  }
  for (const key of Object.keys(data)) {
    if (key !== 'periods' && key !== 'district' && key !== 'title')
      at(key, `trường không được hỗ trợ "${key}" (unknown field)`);
  }
  const periods = new Map<string, Period>(periodsOf(district.config).map((p) => [p.id, p]));
  const units = new Map(district.config.units.map((u) => [u.id, u]));
  for (const [periodId, byUnit] of Object.entries(data.periods)) {
    const period = periods.get(periodId);
    if (!period) {
      at(
        `periods.${periodId}`,
        `không có kỳ báo cáo "${periodId}" trong lịch của ${district.config.district.name}; các kỳ: ` +
          `${[...periods.keys()].join(', ')} (unknown period)`,
      );
      continue;
    }
    if (!isRecord(byUnit)) {
      at(
        `periods.${periodId}`,
        'phải là danh sách đơn vị: mã đơn vị → survey, bonus, penalty (expected a map of units)',
      );
      continue;
    }
    for (const [unitId, raw] of Object.entries(byUnit)) {
      const path = `periods.${periodId}.${unitId}`;
      const unit = units.get(unitId);
      if (!unit) {
        at(
          path,
          `không có đơn vị "${unitId}" trong cấu hình của ${district.config.district.name} (unknown unit)`,
        );
        continue;
      }
      const entry = parseEntry(raw, { path, unitId, unit, periodId, period }, district, at);
      if (entry) entries.push(entry);
    }
  }
  return { entries, problems };
}

/** One unit's entry of a period, or undefined after naming its problems. */
function parseEntry(
  raw: unknown,
  where: { path: string; unitId: string; unit: Unit; periodId: string; period: Period },
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
  at: (path: string, message: string) => void,
): AdjustmentsEntry | undefined {
  const { path, unitId, periodId } = where;
  if (!isRecord(raw)) {
    at(path, 'phải gồm survey, bonus, penalty (expected survey, bonus, penalty)');
    return undefined;
  }
  for (const k of Object.keys(raw)) {
    if (!ENTRY_FIELDS.has(k))
      at(`${path}.${k}`, `trường không được hỗ trợ "${k}" (unknown field; use survey, bonus, penalty, note)`);
  }
  const pointsOf = (
    field: 'survey' | 'bonus' | 'penalty',
    fallback: number | null,
  ): number | null | undefined => {
    const value = raw[field];
    if (value === undefined || value === null) return fallback;
    const r = tryParsePoints(value);
    if (!r.ok) {
      at(`${path}.${field}`, `${r.message} (${field} must be a number ≥ 0 with at most two decimals)`);
      return undefined;
    }
    return r.value;
  };
  const survey = pointsOf('survey', null);
  const bonus = pointsOf('bonus', 0);
  const penalty = pointsOf('penalty', 0);
  if (raw.note !== undefined && typeof raw.note !== 'string')
    at(`${path}.note`, 'phải là văn bản (note must be text)');
  // The survey is checked against its area even when another field is wrong: every problem of the
  // row is named at once, not one per attempt.
  const surveyOk = survey === undefined || survey === null || surveyWithinArea(survey, where, district, at);
  if (survey === undefined || bonus === undefined || penalty === undefined || !surveyOk) return undefined;
  return {
    unitId,
    periodId,
    survey: survey ?? null,
    bonus: bonus ?? 0,
    penalty: penalty ?? 0,
    ...(typeof raw.note === 'string' && raw.note.trim() ? { note: raw.note.trim() } : {}),
  };
}

/** Whether the unit's criteria set for the period has a survey area and the points fit in it; else names why. */
function surveyWithinArea(
  survey: number,
  { path, unit, periodId, period }: { path: string; unit: Unit; periodId: string; period: Period },
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
  at: (path: string, message: string) => void,
): boolean {
  let set: CriteriaSet;
  try {
    set = criteriaSetFor(district.config, district.criteriaSets, unit.group, period);
  } catch (err) {
    at(`${path}.survey`, err instanceof Error ? err.message : String(err));
    return false;
  }
  const area = surveyArea(set);
  if (!area) {
    at(
      `${path}.survey`,
      `bộ tiêu chí "${set.id}" áp dụng cho kỳ ${periodId} không có lĩnh vực khảo sát: bỏ trường survey (the set has no survey area)`,
    );
    return false;
  }
  if (survey > area.max) {
    // The area as the admin reads it in the criteria; the set's id means little outside its file.
    at(
      `${path}.survey`,
      `điểm khảo sát ${formatPoints(survey)} vượt điểm tối đa ${formatPoints(area.max)} của lĩnh vực “${area.name}” (survey above the maximum)`,
    );
    return false;
  }
  return true;
}

/**
 * `parseAdjustments` on a read file, each problem with its line (YAML): what `thidua record` and
 * the local record page show before anything is stored.
 */
export function checkAdjustments(
  doc: AdjustmentsDocument,
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
): { entries: AdjustmentsEntry[]; problems: ConfigProblem[] } {
  const { entries, problems } = parseAdjustments(doc.data, district, doc.file);
  return {
    entries,
    problems: problems.map((p) => {
      const line = doc.lineOf(p.path);
      return line === undefined ? p : { ...p, line };
    }),
  };
}

/** The most of a unit's bonus and penalty scoring counts in a period. */
export interface AdjustmentCaps {
  bonusCap: Points;
  penaltyCap: Points;
}

/**
 * The caps scoring applies (domain/scoring.ts) to a group's units in a period: the group's own
 * (`groups.<group>.bonusCap`/`penaltyCap` in the config), else the criteria set's in force.
 * Throws as `criteriaSetFor` does when no set is in force.
 */
export function adjustmentCaps(
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
  group: UnitGroup,
  period: Period,
): AdjustmentCaps {
  const set = criteriaSetFor(district.config, district.criteriaSets, group, period);
  const own = district.config.groups[group];
  return { bonusCap: own?.bonusCap ?? set.bonusCap, penaltyCap: own?.penaltyCap ?? set.penaltyCap };
}

/** A bonus or penalty above its cap: recorded as written, counted as the cap when scoring. */
export interface OverCap {
  unitId: string;
  unitName: string;
  periodId: string;
  field: 'bonus' | 'penalty';
  value: Points;
  cap: Points;
}

/**
 * The check `thidua record` and the admin's adjustments page both make before recording: every
 * bonus or penalty above the cap scoring will count (DOMAIN.md's caps: the value is kept as
 * written — where it came from stays on record — and scoring counts the cap), so that neither
 * records one without saying so. Entries of a period or unit the district lacks are left out
 * (`parseAdjustments` refused them).
 */
export function overCaps(
  entries: readonly AdjustmentsEntry[],
  district: { config: DistrictConfig; criteriaSets: readonly CriteriaSet[] },
): OverCap[] {
  const periods = new Map(periodsOf(district.config).map((p) => [p.id, p]));
  const units = new Map(district.config.units.map((u) => [u.id, u]));
  const out: OverCap[] = [];
  for (const entry of entries) {
    const period = periods.get(entry.periodId);
    const unit = units.get(entry.unitId);
    if (!period || !unit) continue;
    let caps: AdjustmentCaps;
    try {
      caps = adjustmentCaps(district, unit.group, period);
    } catch {
      continue;
    }
    const about = { unitId: unit.id, unitName: unit.name, periodId: period.id };
    if (entry.bonus > caps.bonusCap)
      out.push({ ...about, field: 'bonus', value: entry.bonus, cap: caps.bonusCap });
    if (entry.penalty > caps.penaltyCap)
      out.push({ ...about, field: 'penalty', value: entry.penalty, cap: caps.penaltyCap });
  }
  return out;
}

/** "6 (vượt trần 5: tính 5)" above the cap, else "6": what a table shows of a bonus or penalty. */
export function cappedText(points: Points, cap: Points | undefined): string {
  const text = formatPoints(points);
  return cap !== undefined && points > cap
    ? `${text} (vượt trần ${formatPoints(cap)}: tính ${formatPoints(cap)})`
    : text;
}

/**
 * What the admin is told of one, in Vietnamese, naming the unit, the value and the cap:
 * "Xã Thanh Sơn: điểm thưởng 6 vượt mức tối đa 5 — ghi nhận 6 như đã nhập, khi tính điểm chỉ tính 5".
 */
export function overCapText(o: OverCap): string {
  const what = o.field === 'bonus' ? 'điểm thưởng' : 'điểm trừ';
  return `${o.unitName}: ${what} ${formatPoints(o.value)} vượt mức tối đa ${formatPoints(o.cap)} — ghi nhận ${formatPoints(
    o.value,
  )} như đã nhập, khi tính điểm chỉ tính ${formatPoints(o.cap)}`;
}
