/**
 * The appraisals file of `thidua score` (format: docs/cli.md): per period, per unit, the status
 * at review close and, for an approved report, the appraised score of every leaf criterion, the
 * survey result or null, bonus and penalty. Checked in full against the district and the
 * criteria set in force before anything is computed; every problem names the file, the field
 * path and the line.
 */

import { criteriaSetFor, formatDate, periodsOf } from '#domain/calendar';
import type { ConfigProblem } from '#domain/config';
import type { LoadedDistrict } from '#domain/config-files';
import { readDataFile } from '#domain/config-files';
import { pointsFromFile } from '#domain/config-values';
import { indexCriteria } from '#domain/criteria-tree';
import { type DataFile, describeValue, type FieldPath, isRecord } from '#domain/data-file';
import type { CriteriaSet, Period, Points, Unit, UnitGroup } from '#domain/model';
import { UNIT_GROUPS } from '#domain/model';
import { formatPoints } from '#domain/points';
import type { UnitStatus } from '#domain/ranking';
import type { UnitPeriodInput } from '#domain/scoring';
import { ProblemsError } from './common.ts';

export const UNIT_STATUSES: readonly UnitStatus[] = ['approved', 'submitted-not-appraised', 'not-submitted'];

const isUnitStatus = (value: unknown): value is UnitStatus => UNIT_STATUSES.some((s) => s === value);

export interface PeriodAppraisals {
  period: Period;
  /** Per unit id; a unit absent from the file's period has no entry (not submitted). */
  inputs: Record<string, UnitPeriodInput>;
  /** The criteria set in force for the period, per group that has units. */
  setsByGroup: Partial<Record<UnitGroup, CriteriaSet>>;
  /** Units of the district the file does not mention for this period. */
  absentUnits: string[];
}

export interface Appraisals {
  file: string;
  /** The file's periods, in calendar order. */
  periods: PeriodAppraisals[];
}

const ROOT_FIELDS = new Set(['district', 'title', 'periods']);
const PERIOD_FIELDS = new Set(['units', 'note']);
const UNIT_FIELDS = new Set(['status', 'scores', 'survey', 'bonus', 'penalty', 'note']);
const APPRAISED_ONLY = ['scores', 'survey', 'bonus', 'penalty'] as const;

/** Reads and checks the whole file; throws ProblemsError listing every problem. */
export function readAppraisals(file: string, loaded: LoadedDistrict): Appraisals {
  const read = readDataFile(file);
  if (!('data' in read))
    throw new ProblemsError(read.problems, 'Tệp thẩm định không hợp lệ (invalid appraisals file)');
  const problems: ConfigProblem[] = [];
  const at = (path: FieldPath, message: string) => problems.push(read.problem(path, message));
  const periods = checkRoot(read, loaded, at);
  for (const k of read.misreadKeys) {
    const last = k.path[k.path.length - 1];
    at(
      k.path,
      `khóa ${k.written} được YAML đọc thành số ${String(last)}: hãy đặt mã trong dấu nháy, "${k.written}" ` +
        `(YAML reads the unquoted key ${k.written} as the number ${String(last)}: quote it)`,
    );
  }
  if (problems.length > 0)
    throw new ProblemsError(problems, 'Tệp thẩm định không hợp lệ (invalid appraisals file)');
  return { file, periods };
}

type At = (path: FieldPath, message: string) => void;

function unknownFields(value: Record<string, unknown>, allowed: Set<string>, path: FieldPath, at: At): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      at(
        [...path, key],
        `trường không được hỗ trợ; các trường hợp lệ: ${[...allowed].join(', ')} (unknown field; allowed: ${[...allowed].join(', ')})`,
      );
    }
  }
}

function checkRoot(f: DataFile, loaded: LoadedDistrict, at: At): PeriodAppraisals[] {
  const { config } = loaded;
  if (!isRecord(f.data)) {
    at([], 'tệp phải là một đối tượng có trường periods (the file must be a mapping with a periods field)');
    return [];
  }
  const root = f.data;
  unknownFields(root, ROOT_FIELDS, [], at);
  if (root.district !== undefined && root.district !== config.district.slug) {
    at(
      ['district'],
      `tệp dành cho "${String(root.district)}", cấu hình là của "${config.district.slug}" ` +
        `(the file is for district "${String(root.district)}", the config for "${config.district.slug}")`,
    );
  }
  if (root.title !== undefined && typeof root.title !== 'string') {
    at(['title'], 'phải là một chuỗi văn bản (must be text)');
  }
  if (!isRecord(root.periods) || Object.keys(root.periods).length === 0) {
    at(
      ['periods'],
      root.periods === undefined
        ? 'thiếu trường periods: mỗi kỳ báo cáo một mục, ví dụ 2024Q1 (missing periods: one entry per reporting period)'
        : 'phải là một đối tượng, mỗi kỳ báo cáo một mục, ví dụ 2024Q1 (must be a mapping of period ids)',
    );
    return [];
  }
  const calendar = periodsOf(config);
  const out: PeriodAppraisals[] = [];
  for (const [periodId, value] of Object.entries(root.periods)) {
    const entry = checkPeriod(periodId, value, calendar, loaded, at);
    if (entry) out.push(entry);
  }
  return out.sort((a, b) => a.period.start.localeCompare(b.period.start));
}

/** One period of the file: a period of the calendar, each unit a unit of the district, checked against the set in force. */
function checkPeriod(
  periodId: string,
  value: unknown,
  calendar: readonly Period[],
  loaded: LoadedDistrict,
  at: At,
): PeriodAppraisals | undefined {
  const { config } = loaded;
  const path = ['periods', periodId];
  const period = calendar.find((p) => p.id === periodId);
  if (!period) {
    const first = calendar[0];
    const last = calendar[calendar.length - 1];
    at(
      path,
      `không có kỳ "${periodId}" trong lịch báo cáo của ${config.district.name}` +
        (first && last ? ` (các kỳ từ ${first.id} đến ${last.id})` : '') +
        ` (no such period in the district's calendar${first && last ? `: ${first.id}…${last.id}` : ''})`,
    );
    return undefined;
  }
  if (!isRecord(value)) {
    at(
      path,
      `phải là một đối tượng có trường units, nhận được ${describeValue(value)} (must be a mapping with units)`,
    );
    return undefined;
  }
  unknownFields(value, PERIOD_FIELDS, path, at);
  if (value.note !== undefined && typeof value.note !== 'string') {
    at([...path, 'note'], 'phải là một chuỗi văn bản (must be text)');
  }
  const units = value.units;
  if (!isRecord(units)) {
    at(
      [...path, 'units'],
      units === undefined
        ? 'thiếu trường units: mỗi đơn vị một mục theo mã đơn vị (missing units: one entry per unit id)'
        : 'phải là một đối tượng, mỗi đơn vị một mục theo mã đơn vị (must be a mapping of unit ids)',
    );
    return undefined;
  }
  const setsByGroup: Partial<Record<UnitGroup, CriteriaSet>> = {};
  for (const group of UNIT_GROUPS) {
    if (config.units.some((u) => u.group === group)) {
      setsByGroup[group] = criteriaSetFor(config, loaded.criteriaSets, group, period);
    }
  }
  const unitsById = new Map(config.units.map((u) => [u.id, u]));
  const inputs: Record<string, UnitPeriodInput> = {};
  for (const [unitId, entry] of Object.entries(units)) {
    const unitPath = [...path, 'units', unitId];
    const unit = unitsById.get(unitId);
    if (!unit) {
      at(
        unitPath,
        `không có đơn vị "${unitId}" trong cấu hình của ${config.district.name} (no unit with this id in the district config)`,
      );
      continue;
    }
    const set = setsByGroup[unit.group];
    if (!set) continue; // not reachable: every group with units has a set in force (checked by loadDistrict)
    const input = checkUnit(entry, unit, set, period, unitPath, at);
    if (input) inputs[unitId] = input;
  }
  return {
    period,
    inputs,
    setsByGroup,
    absentUnits: config.units.filter((u) => !(u.id in units)).map((u) => u.id),
  };
}

function checkUnit(
  entry: unknown,
  unit: Unit,
  set: CriteriaSet,
  period: Period,
  path: FieldPath,
  at: At,
): UnitPeriodInput | undefined {
  if (!isRecord(entry)) {
    at(
      path,
      `phải là một đối tượng có trường status, nhận được ${describeValue(entry)} (must be a mapping with a status)`,
    );
    return undefined;
  }
  unknownFields(entry, UNIT_FIELDS, path, at);
  if (entry.note !== undefined && typeof entry.note !== 'string') {
    at([...path, 'note'], 'phải là một chuỗi văn bản (must be text)');
  }
  const status = entry.status;
  if (!isUnitStatus(status)) {
    at(
      [...path, 'status'],
      status === undefined
        ? `thiếu trạng thái của ${unit.name}: ${UNIT_STATUSES.join(', ')} (missing status)`
        : `trạng thái ${describeValue(status)} không hợp lệ; dùng ${UNIT_STATUSES.join(', ')} (invalid status)`,
    );
    return undefined;
  }
  if (status !== 'approved') {
    let ok = true;
    for (const key of APPRAISED_ONLY) {
      if (entry[key] !== undefined) {
        at(
          [...path, key],
          `đơn vị có trạng thái ${status} không có điểm thẩm định; bỏ trường này hoặc đổi trạng thái thành approved ` +
            `(a unit with status ${status} has no appraisal: remove this field or set the status to approved)`,
        );
        ok = false;
      }
    }
    return ok ? { status } : undefined;
  }

  return approvedInput(entry, unit, set, period, path, at);
}

/** An approved unit: the appraised score of every leaf, its survey result (or null), bonus and penalty. */
function approvedInput(
  entry: Record<string, unknown>,
  unit: Unit,
  set: CriteriaSet,
  period: Period,
  path: FieldPath,
  at: At,
): UnitPeriodInput | undefined {
  let ok = true;
  const fail: At = (p, message) => {
    ok = false;
    at(p, message);
  };
  const index = indexCriteria(set);
  const appraised = checkScores(entry.scores, unit, set, index, period, [...path, 'scores'], fail);
  const survey = checkSurvey(entry, unit, set, index, path, fail);
  const extra = (key: 'bonus' | 'penalty', label: string): Points => {
    if (entry[key] === undefined) return 0;
    const r = pointsFromFile(entry[key]);
    if ('error' in r) {
      fail([...path, key], `${label} ${r.error}`);
      return 0;
    }
    return r.points;
  };
  const bonus = extra('bonus', 'điểm thưởng');
  const penalty = extra('penalty', 'điểm trừ');
  return ok ? { status: 'approved', appraised, survey, bonus, penalty } : undefined;
}

type CriterionIndex = ReturnType<typeof indexCriteria>;

/** Every leaf of the set in force scored, within its maximum, and nothing else. */
function checkScores(
  scores: unknown,
  unit: Unit,
  set: CriteriaSet,
  index: CriterionIndex,
  period: Period,
  scoresPath: FieldPath,
  fail: At,
): Record<string, Points> {
  const appraised: Record<string, Points> = {};
  if (!isRecord(scores)) {
    fail(
      scoresPath,
      scores === undefined
        ? `thiếu điểm thẩm định (scores) của ${unit.name} kỳ ${period.id}: mỗi tiêu chí thành phần của bộ "${set.id}" một điểm ` +
            `(missing scores: one per leaf criterion of "${set.id}")`
        : `phải là một đối tượng "mã tiêu chí: điểm", nhận được ${describeValue(scores)} (must map criterion ids to scores)`,
    );
    return appraised;
  }
  for (const [id, raw] of Object.entries(scores)) {
    const p = [...scoresPath, id];
    const leaf = index.leafById.get(id)?.leaf;
    if (!leaf) {
      fail(p, unknownCriterionMessage(id, set, index));
      continue;
    }
    const r = pointsFromFile(raw);
    if ('error' in r) {
      fail(p, `điểm của tiêu chí ${id} ${r.error}`);
      continue;
    }
    if (r.points > leaf.max) {
      fail(
        p,
        `điểm thẩm định ${formatPoints(r.points)} của ${unit.name} (${unit.id}) cho tiêu chí ${id} "${leaf.name}" ` +
          `vượt điểm tối đa ${formatPoints(leaf.max)} ` +
          `(score ${r.points / 100} of unit ${unit.id} for criterion ${id} is above its maximum ${leaf.max / 100})`,
      );
      continue;
    }
    appraised[id] = r.points;
  }
  const missing = index.leaves.map((l) => l.leaf).filter((leaf) => !(leaf.id in scores));
  if (missing.length > 0 && missing.length <= 3) {
    for (const leaf of missing) {
      fail(
        [...scoresPath, leaf.id],
        `thiếu điểm thẩm định của ${unit.name} cho tiêu chí ${leaf.id} "${leaf.name}" (tối đa ${formatPoints(leaf.max)}) ` +
          `(missing the score of leaf criterion ${leaf.id})`,
      );
    }
  } else if (missing.length > 3) {
    fail(
      scoresPath,
      `thiếu điểm thẩm định của ${unit.name} cho ${missing.length} tiêu chí thành phần của bộ "${set.id}": ` +
        `${missing.map((l) => l.id).join(', ')} (missing the scores of ${missing.length} leaf criteria)`,
    );
  }
  return appraised;
}

/** The survey result: required, points up to the survey area's maximum, or null (the unit is rescaled). */
function checkSurvey(
  entry: Record<string, unknown>,
  unit: Unit,
  set: CriteriaSet,
  index: CriterionIndex,
  path: FieldPath,
  fail: At,
): Points | null {
  const surveyPath = [...path, 'survey'];
  if (!('survey' in entry)) {
    fail(
      surveyPath,
      index.survey
        ? `thiếu kết quả khảo sát (survey) của ${unit.name}: ghi điểm 0–${formatPoints(index.survey.max)}, hoặc null nếu đơn vị không có khảo sát ` +
            '(điểm thẩm định khi đó được quy đổi) (missing survey: a score, or null when the unit has none and is rescaled)'
        : `thiếu trường survey: bộ "${set.id}" không có lĩnh vực khảo sát, ghi null (missing survey: write null)`,
    );
    return null;
  }
  if (entry.survey === null) return null;
  const r = pointsFromFile(entry.survey);
  if ('error' in r) fail(surveyPath, `điểm khảo sát ${r.error}`);
  else if (!index.survey) {
    fail(
      surveyPath,
      `bộ tiêu chí "${set.id}" không có lĩnh vực khảo sát sự hài lòng: ghi null (the criteria set has no survey area: write null)`,
    );
  } else if (r.points > index.survey.max) {
    fail(
      surveyPath,
      `điểm khảo sát ${formatPoints(r.points)} của ${unit.name} vượt điểm tối đa ${formatPoints(index.survey.max)} của lĩnh vực ` +
        `${index.survey.id} (survey score above the survey area's maximum ${index.survey.max / 100})`,
    );
  } else return r.points;
  return null;
}

function unknownCriterionMessage(id: string, set: CriteriaSet, index: CriterionIndex): string {
  if (index.surveyIds.has(id)) {
    return (
      `"${id}" là lĩnh vực khảo sát sự hài lòng: ghi kết quả khảo sát vào trường survey, không vào scores ` +
      '(the survey area is recorded in survey, not scored)'
    );
  }
  if (index.groupIds.has(id)) {
    return (
      `"${id}" là nhóm tiêu chí của bộ "${set.id}": chỉ chấm điểm các tiêu chí thành phần ` +
      '(a group criterion: only leaf criteria are scored)'
    );
  }
  return `không có tiêu chí "${id}" trong bộ tiêu chí "${set.id}" (no such criterion in "${set.id}")`;
}

/** "2024Q3 (01/07/2024–30/09/2024)". */
export function describePeriod(period: Period): string {
  return `${period.id} (${formatDate(period.start)}–${formatDate(period.end)})`;
}
