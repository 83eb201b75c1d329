/**
 * The checks of a district config and a criteria set that span several fields (docs/config.md
 * "Cross-checks"): ids unique, maxima that add up, a reviewer outside every unit, the phase, the
 * calendar, the quorum, the criteria sets of each group. They read the raw input tolerantly, so
 * that they still run (and report) when some other field is malformed: the admin sees every
 * problem at once. The field-by-field schemas are domain/config.ts's.
 */
import { formatDate, localDateOf, periodsOf } from './calendar.ts';
import {
  DEFAULT_REMINDER_LEAD_DAYS,
  DEFAULT_SUBMISSION_DAYS,
  DEFAULT_TIME_ZONE,
  DEFAULT_VOTE_DAYS,
  formatPath,
  isIsoDate,
  isTimeZone,
  type PathProblem,
  pointsFromFile,
  SLUG,
} from './config-values.ts';
import type { CriteriaSet, DistrictConfig, Points } from './model.ts';
import { UNIT_GROUPS } from './model.ts';
import { formatPoints, pointsToNumber } from './points.ts';

type Loose = Record<string, unknown>;
type Path = (string | number)[];

function obj(v: unknown): Loose | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  // A plain object from JSON or YAML: its keys are strings.
  return v as Loose;
}
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function pts(v: unknown): Points | undefined {
  const r = pointsFromFile(v);
  return 'points' in r ? r.points : undefined;
}

const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;

/** "max differs from the sum", with points in Vietnamese ("1,5") and as written in files ("1.5"). */
function maxMismatch(max: Points, sum: Points, partsVi: string, partsEn: string): string {
  return (
    `điểm tối đa ${formatPoints(max)} khác tổng điểm tối đa của ${partsVi} là ${formatPoints(sum)} ` +
    `(max ${pointsToNumber(max)} differs from the sum of ${partsEn}' max, ${pointsToNumber(sum)})`
  );
}

// ---------------------------------------------------------------- criteria set

/** What the checks of one criteria set share: the problems found and the ids seen. */
class SetChecks {
  readonly problems: PathProblem[] = [];
  private readonly seen = new Map<string, string>();

  noteId(id: string | undefined, path: Path): void {
    if (id === undefined) return;
    const first = this.seen.get(id);
    if (first !== undefined) {
      this.problems.push({
        path: [...path, 'id'],
        message: `mã "${id}" bị trùng với ${first} (duplicate id)`,
      });
    } else {
      this.seen.set(id, formatPath([...path, 'id']));
    }
  }

  /** A node's children against its max, each child's id extending the parent's; leaves above 0. */
  children(
    children: unknown[],
    parent: { id: string | undefined; max: Points | undefined },
    path: Path,
    childKey: 'criteria' | 'children',
  ): void {
    let sum = 0;
    let known = true;
    children.forEach((child, i) => {
      const c = obj(child);
      const cpath = [...path, childKey, i];
      if (!c) return;
      const id = idOf(c.id);
      this.noteId(id, cpath);
      if (id !== undefined && parent.id !== undefined && !id.startsWith(`${parent.id}.`)) {
        this.problems.push({
          path: [...cpath, 'id'],
          message: `mã "${id}" phải bắt đầu bằng mã cha "${parent.id}." (a child's id extends its parent's id)`,
        });
      }
      const max = pts(c.max);
      if (max === undefined) known = false;
      else sum += max;
      const grand = arr(c.children);
      if (grand.length > 0) this.children(grand, { id, max }, cpath, 'children');
      else if (max === 0) {
        this.problems.push({
          path: [...cpath, 'max'],
          message:
            'tiêu chí lá phải có điểm tối đa lớn hơn 0 (a scored leaf criterion needs a maximum above 0)',
        });
      }
    });
    if (known && parent.max !== undefined && children.length > 0 && sum !== parent.max) {
      const [partsVi, partsEn] =
        childKey === 'criteria' ? ['các tiêu chí', 'its criteria'] : ['các tiêu chí con', 'its sub-criteria'];
      this.problems.push({ path: [...path, 'max'], message: maxMismatch(parent.max, sum, partsVi, partsEn) });
    }
  }

  /** A survey area: the only one, without criteria, above 0. */
  survey(criteria: unknown[], max: Points | undefined, path: Path, surveyPath: string | undefined): void {
    if (surveyPath !== undefined) {
      this.problems.push({
        path: [...path, 'kind'],
        message: `chỉ được có một lĩnh vực khảo sát, đã có ${surveyPath} (at most one survey area)`,
      });
    }
    if (criteria.length > 0) {
      this.problems.push({
        path: [...path, 'criteria'],
        message:
          'lĩnh vực khảo sát không có tiêu chí: điểm lấy từ kết quả khảo sát (a survey area has no criteria; its score is the survey result)',
      });
    }
    if (max === 0)
      this.problems.push({ path: [...path, 'max'], message: 'phải lớn hơn 0 (must be above 0)' });
  }
}

export function criteriaSetCrossProblems(raw: unknown): PathProblem[] {
  const set = obj(raw);
  if (!set) return [];
  const checks = new SetChecks();
  const areas = arr(set.areas);
  let areaSum = 0;
  let areasKnown = true;
  let surveyPath: string | undefined;
  areas.forEach((a, i) => {
    const area = obj(a);
    const path = ['areas', i];
    if (!area) return;
    const id = idOf(area.id);
    checks.noteId(id, path);
    const max = pts(area.max);
    if (max === undefined) areasKnown = false;
    else areaSum += max;
    const criteria = arr(area.criteria);
    if (area.kind === 'survey') {
      checks.survey(criteria, max, path, surveyPath);
      surveyPath ??= formatPath(path);
    } else if (criteria.length === 0) {
      checks.problems.push({
        path: [...path, 'criteria'],
        message:
          'lĩnh vực được chấm điểm cần ít nhất một tiêu chí (an assessed area needs at least one criterion)',
      });
    } else {
      checks.children(criteria, { id, max }, path, 'criteria');
    }
  });
  const setMax = pts(set.max);
  if (areasKnown && setMax !== undefined && areas.length > 0 && areaSum !== setMax) {
    checks.problems.push({
      path: ['max'],
      message: maxMismatch(setMax, areaSum, 'các lĩnh vực', 'the areas'),
    });
  }
  return checks.problems;
}

// ---------------------------------------------------------------- district config

export interface CheckDistrictOptions {
  now?: Date;
  /** Criteria set ids whose own files were already reported missing or invalid: not reported again. */
  reportedSetIds?: ReadonlySet<string>;
}

export function districtCrossProblems(
  raw: unknown,
  criteriaSets: readonly CriteriaSet[],
  opts: CheckDistrictOptions,
): PathProblem[] {
  const c = obj(raw);
  if (!c) {
    return [
      { path: [], message: 'tệp cấu hình phải là một đối tượng có các trường (must be a mapping of fields)' },
    ];
  }
  return [
    ...peopleProblems(c),
    ...reviewerCoverage(c),
    ...phaseProblems(c, opts),
    ...calendarProblems(c),
    ...quorumProblems(c),
    ...voteReminderProblems(c),
    ...UNIT_GROUPS.flatMap((group) => groupSetProblems(c, group, criteriaSets, opts)),
  ];
}

function uniqueIds(list: unknown[], key: string, what: string): PathProblem[] {
  const problems: PathProblem[] = [];
  const first = new Map<string, number>();
  list.forEach((item, i) => {
    const id = str(obj(item)?.id);
    if (id === undefined) return;
    const j = first.get(id);
    if (j === undefined) first.set(id, i);
    else
      problems.push({
        path: [key, i, 'id'],
        message: `mã ${what} "${id}" bị trùng với ${key}[${j}].id (duplicate ${key === 'units' ? 'unit' : 'person'} id)`,
      });
  });
  return problems;
}

/** Unit and person ids unique; a person's unit is a unit of the config. */
function peopleProblems(c: Loose): PathProblem[] {
  const units = arr(c.units);
  const unitIds = new Set(units.map((u) => str(obj(u)?.id)).filter((id) => id !== undefined));
  const problems = uniqueIds(units, 'units', 'đơn vị');
  for (const role of ['reviewers', 'council', 'admins', 'leadership'] as const) {
    const people = arr(c[role]);
    problems.push(...uniqueIds(people, role, 'người'));
    people.forEach((p, i) => {
      const unit = str(obj(p)?.unit);
      if (unit !== undefined && SLUG.test(unit) && !unitIds.has(unit)) {
        problems.push({
          path: [role, i, 'unit'],
          message: `không có đơn vị nào mang mã "${unit}" trong units (no unit has this id)`,
        });
      }
    });
  }
  return problems;
}

/** Every unit needs a reviewer from outside it: nobody appraises their own unit. */
function reviewerCoverage(c: Loose): PathProblem[] {
  const reviewers = arr(c.reviewers).map(obj);
  if (reviewers.length === 0) return [];
  return arr(c.units).flatMap((u, i): PathProblem[] => {
    const id = str(obj(u)?.id);
    if (id === undefined || reviewers.some((r) => r !== undefined && str(r.unit) !== id)) return [];
    return [
      {
        path: ['reviewers'],
        message:
          `không có người thẩm định nào ngoài đơn vị "${id}" (units[${i}]): cần ít nhất một người không thuộc đơn vị này ` +
          '(no reviewer outside this unit can appraise it)',
      },
    ];
  });
}

/** The phase's two dates, when both are real dates. */
function phaseOf(c: Loose): { start: string; end: string } | undefined {
  const campaign = obj(c.campaign);
  const start = str(campaign?.phaseStart);
  const end = str(campaign?.phaseEnd);
  return start !== undefined && end !== undefined && isIsoDate(start) && isIsoDate(end)
    ? { start, end }
    : undefined;
}

/** The phase ends after it starts, and is not over (in the district's zone) unless replaying is allowed. */
function phaseProblems(c: Loose, opts: CheckDistrictOptions): PathProblem[] {
  const phase = phaseOf(c);
  if (!phase) return [];
  const problems: PathProblem[] = [];
  if (phase.start > phase.end) {
    problems.push({
      path: ['campaign', 'phaseEnd'],
      message: `ngày kết thúc giai đoạn ${phase.end} trước ngày bắt đầu ${phase.start} (the phase ends before it starts)`,
    });
  }
  if (obj(c.campaign)?.allowPastPhase === true) return problems;
  // The zone the config names, else its default (DistrictConfigSchema's `district.timeZone`).
  const tz = str(obj(c.district)?.timeZone) ?? DEFAULT_TIME_ZONE;
  const today = localDateOf(opts.now ?? new Date(), isTimeZone(tz) ? tz : DEFAULT_TIME_ZONE);
  if (phase.end < today) {
    problems.push({
      path: ['campaign', 'phaseEnd'],
      message:
        `giai đoạn đã kết thúc ngày ${formatDate(phase.end)}, trước hôm nay ${formatDate(today)}: không thể phát động; ` +
        'nếu muốn chạy lại một giai đoạn đã qua (như bản demo), đặt campaign.allowPastPhase: true ' +
        `(the phase ended on ${phase.end}, before today ${today}; set campaign.allowPastPhase: true to replay a past phase)`,
    });
  }
  return problems;
}

function calendarProblems(c: Loose): PathProblem[] {
  const calendar = obj(c.calendar);
  const lead = calendar?.reminderLeadDays ?? DEFAULT_REMINDER_LEAD_DAYS;
  const window = calendar?.submissionDays ?? DEFAULT_SUBMISSION_DAYS;
  if (typeof lead !== 'number' || typeof window !== 'number' || lead < window) return [];
  return [
    {
      path: ['calendar', 'reminderLeadDays'],
      message:
        `số ngày nhắc trước hạn (${lead}) phải nhỏ hơn số ngày nộp báo cáo (${window}), nếu không lời nhắc đến trước khi mở ` +
        '(the reminder must come after the window opens: reminderLeadDays < submissionDays)',
    },
  ];
}

function voteReminderProblems(c: Loose): PathProblem[] {
  const council = obj(obj(c.commendation)?.council);
  const lead = council?.reminderLeadDays;
  const days = council?.voteDays ?? DEFAULT_VOTE_DAYS;
  if (typeof lead !== 'number' || typeof days !== 'number' || lead === 0 || lead < days) return [];
  return [
    {
      path: ['commendation', 'council', 'reminderLeadDays'],
      message:
        `số ngày nhắc trước khi hết hạn bỏ phiếu (${lead}) phải nhỏ hơn số ngày bỏ phiếu (${days}), nếu không lời nhắc đến trước khi ` +
        'thành viên nhận phiếu; đặt 0 để không nhắc (the reminder must come after the vote opens: reminderLeadDays < voteDays, or 0 for none)',
    },
  ];
}

function quorumProblems(c: Loose): PathProblem[] {
  const quorum = obj(obj(obj(c.commendation)?.council)?.quorum);
  if (
    typeof quorum?.numerator !== 'number' ||
    typeof quorum.denominator !== 'number' ||
    quorum.numerator <= quorum.denominator
  ) {
    return [];
  }
  return [
    {
      path: ['commendation', 'council', 'quorum'],
      message: 'tử số không được lớn hơn mẫu số (the quorum fraction cannot exceed 1)',
    },
  ];
}

/** A group's criteria sets: present when it has units, known, unambiguous, one in force when the first period opens. */
function groupSetProblems(
  c: Loose,
  group: (typeof UNIT_GROUPS)[number],
  criteriaSets: readonly CriteriaSet[],
  opts: CheckDistrictOptions,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const ids = arr(obj(obj(c.groups)?.[group])?.criteriaSets);
  const hasUnits = arr(c.units).some((u) => obj(u)?.group === group);
  const path = ['groups', group, 'criteriaSets'];
  if (hasUnits && ids.length === 0) {
    problems.push({
      path,
      message: `nhóm "${group}" có đơn vị nhưng chưa có bộ tiêu chí nào (this group has units but no criteria set)`,
    });
  }
  const setsById = new Map(criteriaSets.map((s) => [s.id, s]));
  const reported = opts.reportedSetIds ?? new Set<string>();
  const known: CriteriaSet[] = [];
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || !SLUG.test(id)) return;
    const set = setsById.get(id);
    if (set) known.push(set);
    else if (!reported.has(id)) {
      problems.push({ path: [...path, i], message: `không có bộ tiêu chí "${id}" (unknown criteria set)` });
    }
  });
  const byDate = new Map<string, string>();
  for (const set of known) {
    const other = byDate.get(set.effectiveFrom);
    if (other !== undefined && other !== set.id) {
      problems.push({
        path,
        message:
          `hai bộ tiêu chí "${other}" và "${set.id}" cùng có hiệu lực từ ${formatDate(set.effectiveFrom)}: không biết áp dụng bộ nào ` +
          '(two criteria sets take effect on the same date)',
      });
    }
    byDate.set(set.effectiveFrom, set.id);
  }
  const opening = firstOpening(c);
  const dropped = ids.some((id) => typeof id === 'string' && reported.has(id));
  if (
    hasUnits &&
    opening &&
    known.length > 0 &&
    !dropped &&
    !known.some((s) => s.effectiveFrom <= opening.date)
  ) {
    const first = known.map((s) => s.effectiveFrom).sort()[0] ?? '';
    problems.push({
      path,
      message:
        `chưa có bộ tiêu chí nào có hiệu lực vào ngày ${opening.what} ${formatDate(opening.date)} ` +
        `(sớm nhất từ ${formatDate(first)}) (no criteria set is in force when the first period opens)`,
    });
  }
  return problems;
}

/**
 * When the first period opens (its submission window, in the district's time zone): a period is
 * scored with the set in force then (domain/calendar.ts `criteriaSetFor`), and a set in force
 * then is in force at every later opening. The phase's first day when the calendar cannot be
 * read yet (its own problems are reported).
 */
function firstOpening(c: Loose): { date: string; what: string } | undefined {
  const phase = phaseOf(c);
  if (!phase) return undefined;
  try {
    const config = c as unknown as DistrictConfig;
    const [first] = periodsOf(config);
    const date = first && localDateOf(new Date(first.opensAt), config.district.timeZone);
    if (first && date && isIsoDate(date)) {
      return { date, what: `kỳ đầu tiên (${first.id}) mở nộp báo cáo,` };
    }
  } catch {
    // A calendar that cannot be read: its problems are reported by calendarProblems and the schema.
  }
  return { date: phase.start, what: 'bắt đầu giai đoạn' };
}
