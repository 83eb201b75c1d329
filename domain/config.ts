/**
 * District configuration and criteria sets: schemas, validation and helpers.
 *
 * Files write points as decimals with at most two places (8.5, 0.25); parsing turns them into
 * integer hundredths (Points) without binary floating point. Every problem found is reported,
 * each naming the file, the field path (e.g. `units[3].focalPoint.email`) and what is wrong, in
 * Vietnamese first with English in parentheses. Pure: no I/O here (see config-files.ts).
 */
import { z } from 'zod';
import { formatDate, localDateOf } from './calendar.ts';
import type {
  AdministrativeLevel,
  Area,
  Band,
  CriteriaSet,
  Criterion,
  DistrictConfig,
  Points,
  UnitGroup,
} from './model.ts';
import { UNIT_GROUPS } from './model.ts';
import { formatPoints, pointsToNumber, tryParsePoints } from './points.ts';

// ---------------------------------------------------------------- problems

export interface ConfigProblem {
  file: string;
  /** Field path such as `units[3].focalPoint.email`; '' for the file as a whole. */
  path: string;
  message: string;
  /** 1-based line in the file, when the loader could tell (YAML files). */
  line?: number;
}

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

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.path === '' ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const n = problems.length;
    super(
      [`Cấu hình không hợp lệ: ${n} lỗi (invalid configuration: ${n} problem${n === 1 ? '' : 's'})`]
        .concat(problems.map((p) => `- ${formatProblem(p)}`))
        .join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

// ---------------------------------------------------------------- points

/**
 * Points (integer hundredths) from a file value, or a message saying what is wrong. The parsing
 * itself is points.ts's, shared with reports and appraisals; this adds the bilingual message.
 */
export function pointsFromFile(value: unknown): { points: Points } | { error: string } {
  const r = tryParsePoints(value);
  if (r.ok) return { points: r.value };
  const shown =
    typeof value === 'number' || typeof value === 'string' ? String(value).trim() : describe(value);
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

/** "max differs from the sum", with points in Vietnamese ("1,5") and as written in files ("1.5"). */
function maxMismatch(max: Points, sum: Points, partsVi: string, partsEn: string): string {
  return (
    `điểm tối đa ${formatPoints(max)} khác tổng điểm tối đa của ${partsVi} là ${formatPoints(sum)} ` +
    `(max ${pointsToNumber(max)} differs from the sum of ${partsEn}' max, ${pointsToNumber(sum)})`
  );
}

const PointsSchema = z.unknown().transform((value, ctx): Points => {
  const r = pointsFromFile(value);
  if ('error' in r) {
    ctx.addIssue({ code: 'custom', message: r.error, input: value });
    return z.NEVER;
  }
  return r.points;
});

// ---------------------------------------------------------------- small field schemas

export const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Dotted criterion ids: "3", "3.2", "3.2.1"; ASCII, used as keys in reports. */
const CRITERION_ID = /^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$/;

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

const text = z.string().trim().min(1, { error: 'không được để trống (must not be empty)' });

const slug = z.string().regex(SLUG, {
  error: (iss) =>
    `phải là mã ASCII viết thường (a-z, 0-9, dấu gạch nối, bắt đầu bằng chữ hoặc số, tối đa 40 ký tự), ` +
    `nhận được ${describe(iss.input)} (must be an ASCII slug matching ^[a-z0-9][a-z0-9-]{0,39}$)`,
});

const email = z.email({
  // Only the format: a missing or non-string email gets the general message.
  error: (iss) =>
    iss.code === 'invalid_format'
      ? `không phải địa chỉ email hợp lệ: ${describe(iss.input)} (not a valid email address)`
      : undefined,
});

const isoDate = z.string().refine(isIsoDate, {
  error: (iss) =>
    `phải là ngày dạng yyyy-mm-dd có thật, nhận được ${describe(iss.input)} (must be a real date written yyyy-mm-dd)`,
});

const hhmm = z.string().regex(HH_MM, {
  error: (iss) =>
    `phải là giờ dạng HH:mm (00:00–23:59), nhận được ${describe(iss.input)} (must be a time HH:mm)`,
});

const days = (dflt: number, min = 0) =>
  z
    .number()
    .int({ error: 'phải là số ngày nguyên (must be a whole number of days)' })
    .min(min, { error: `phải lớn hơn hoặc bằng ${min} (must be at least ${min})` })
    .max(366, { error: 'không được quá 366 ngày (must be at most 366 days)' })
    .default(dflt);

const percent = z
  .number()
  .min(0, { error: 'phải từ 0 đến 100 (must be between 0 and 100)' })
  .max(100, { error: 'phải từ 0 đến 100 (must be between 0 and 100)' });

const positiveInt = z
  .number()
  .int({ error: 'phải là số nguyên (must be a whole number)' })
  .min(1, { error: 'phải lớn hơn hoặc bằng 1 (must be at least 1)' });

const LEVELS = ['huyen', 'xa', 'tinh', 'so'] as const satisfies readonly AdministrativeLevel[];
const BANDS = ['xuat-sac', 'tot', 'kha', 'trung-binh', 'yeu'] as const satisfies readonly Band[];
const GROUPS = ['office', 'commune'] as const satisfies readonly UnitGroup[];

/** A criterion or area id: a string, or a whole number YAML read as a number (`id: 1`). */
const criterionId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v))
  .refine((v) => CRITERION_ID.test(v), {
    error: (iss) =>
      `phải là mã dạng "3.2.1" (chữ số, chữ cái ASCII và dấu chấm), nhận được ${describe(iss.input)} ` +
      '(must be a dotted ASCII id such as "3.2.1"; quote ids like "1.10" in YAML)',
  });

// ---------------------------------------------------------------- criteria set schema

const CriterionSchema = z.strictObject({
  id: criterionId,
  name: text,
  max: PointsSchema,
  /** Defaults to true: a claim without evidence is a reason to return the report. */
  evidenceRequired: z.boolean().default(true),
  guidance: z.string().optional(),
  get children(): z.ZodOptional<z.ZodArray<typeof CriterionSchema>> {
    return z
      .array(CriterionSchema)
      .min(1, { error: 'nếu có thì không được rỗng (must not be empty)' })
      .optional();
  },
});

const AreaSchema = z.strictObject({
  id: criterionId,
  name: text,
  kind: z.enum(['assessed', 'survey']).default('assessed'),
  max: PointsSchema,
  criteria: z.array(CriterionSchema).default([]),
});

export const CriteriaSetSchema = z.strictObject({
  id: slug,
  version: z.union([z.string().trim().min(1), z.number().int()]).transform((v) => String(v)),
  name: text,
  effectiveFrom: isoDate,
  source: text,
  max: PointsSchema,
  bonusCap: PointsSchema.default(500),
  penaltyCap: PointsSchema.default(500),
  areas: z.array(AreaSchema).min(1, { error: 'cần ít nhất một lĩnh vực (at least one area is needed)' }),
}) satisfies z.ZodType<CriteriaSet>;

// ---------------------------------------------------------------- district config schema

const PersonSchema = z.strictObject({
  id: slug,
  name: text,
  email,
  unit: slug.optional(),
  title: z.string().optional(),
});

const UnitSchema = z.strictObject({
  id: slug,
  name: text,
  group: z.enum(GROUPS),
  focalPoint: z.strictObject({ name: text, email }),
});

const GroupSettingsSchema = z.strictObject({
  criteriaSets: z.array(slug).default([]),
  bonusCap: PointsSchema.optional(),
  penaltyCap: PointsSchema.optional(),
});

const CollectivesSchema = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('top'), perGroup: positiveInt }),
    z.strictObject({ mode: z.literal('threshold'), minPercent: percent }),
  ],
  { error: 'mode phải là "top" hoặc "threshold" (mode must be "top" or "threshold")' },
);

const CommendationSchema = z.strictObject({
  /** Defaults to the district's own level (its chairman issues the Giấy khen). */
  issuerLevel: z.enum(LEVELS).optional(),
  collectives: CollectivesSchema.default({ mode: 'top', perGroup: 3 }),
  quotaPerGroup: positiveInt.optional(),
  upward: z.strictObject({ minPercent: percent, perGroup: positiveInt }).optional(),
  minBand: z.enum(BANDS).default('tot'),
  council: z
    .strictObject({
      quorum: z
        .strictObject({ numerator: positiveInt, denominator: positiveInt })
        .default({ numerator: 2, denominator: 3 }),
      passPercent: percent.default(70),
      voteDays: days(7, 1),
    })
    .prefault({}),
});

export const DistrictConfigSchema = z
  .strictObject({
    district: z.strictObject({
      name: text,
      slug,
      level: z.enum(LEVELS),
      timeZone: z
        .string()
        .refine(isTimeZone, {
          error: (iss) =>
            `không phải múi giờ IANA hợp lệ: ${describe(iss.input)} (not a valid IANA time zone, e.g. Asia/Ho_Chi_Minh)`,
        })
        .default('Asia/Ho_Chi_Minh'),
      authority: text,
      baseUrl: z
        .url({
          error: (iss) =>
            iss.code === 'invalid_format'
              ? 'phải là địa chỉ URL đầy đủ (must be an absolute URL)'
              : undefined,
        })
        .optional(),
      mailFrom: email,
    }),
    campaign: z.strictObject({
      planNumber: text,
      planDate: isoDate,
      title: text,
      phaseStart: isoDate,
      phaseEnd: isoDate,
      content: text,
      allowPastPhase: z.boolean().optional(),
    }),
    units: z.array(UnitSchema).min(1, { error: 'cần ít nhất một đơn vị (at least one unit is needed)' }),
    reviewers: z
      .array(PersonSchema)
      .min(1, { error: 'cần ít nhất một người thẩm định (at least one reviewer is needed)' }),
    council: z.array(PersonSchema).min(3, {
      error: 'Hội đồng Thi đua – Khen thưởng cần ít nhất 3 thành viên (the council needs at least 3 members)',
    }),
    admins: z
      .array(PersonSchema)
      .min(1, { error: 'cần ít nhất một quản trị viên (at least one admin is needed)' }),
    leadership: z.array(PersonSchema).default([]),
    calendar: z.strictObject({
      frequency: z.enum(['quarterly', 'half-yearly', 'yearly']),
      opensAfterDays: days(0),
      submissionDays: days(10, 1),
      reminderLeadDays: days(3),
      reviewDays: days(10),
      lateAppraisalGraceDays: days(15),
      openTime: hhmm.default('08:00'),
      deadlineTime: hhmm.default('17:00'),
    }),
    groups: z.strictObject({
      office: GroupSettingsSchema.prefault({}),
      commune: GroupSettingsSchema.prefault({}),
    }),
    commendation: CommendationSchema.prefault({}),
  })
  .transform(
    (c): DistrictConfig => ({
      ...c,
      commendation: { ...c.commendation, issuerLevel: c.commendation.issuerLevel ?? c.district.level },
    }),
  ) satisfies z.ZodType<DistrictConfig>;

// ---------------------------------------------------------------- zod issues as sentences

function describe(v: unknown): string {
  if (v === undefined) return 'không có gì';
  if (v === null) return 'giá trị rỗng (null)';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'một danh sách';
  return 'một đối tượng';
}

const TYPE_NAMES: Record<string, string> = {
  string: 'chuỗi ký tự (a string)',
  number: 'số (a number)',
  int: 'số nguyên (a whole number)',
  boolean: 'true hoặc false (a boolean)',
  array: 'danh sách (a list)',
  object: 'đối tượng có các trường (an object with fields)',
};

/** Messages for the issues whose schema did not set one. */
function issueMessage(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'thiếu trường bắt buộc (required field is missing)';
      return `phải là ${TYPE_NAMES[iss.expected] ?? iss.expected}, nhận được ${describe(iss.input)}`;
    case 'invalid_value':
      return `phải là một trong ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, nhận được ${describe(iss.input)} (must be one of these values)`;
    case 'invalid_union':
      return `giá trị không hợp lệ: ${describe(iss.input)} (invalid value)`;
    case 'too_small':
      return `phải lớn hơn hoặc bằng ${String(iss.minimum)} (must be at least ${String(iss.minimum)})`;
    case 'too_big':
      return `phải nhỏ hơn hoặc bằng ${String(iss.maximum)} (must be at most ${String(iss.maximum)})`;
    default:
      return undefined;
  }
}

function zodProblems(error: z.ZodError): PathProblem[] {
  const out: PathProblem[] = [];
  for (const iss of error.issues) {
    const path = iss.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) {
        out.push({
          path: [...path, key],
          message: 'trường không được hỗ trợ, có thể viết sai tên (unknown field, possibly misspelt)',
        });
      }
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return out;
}

function safeParse<T>(schema: z.ZodType<T>, raw: unknown): { value?: T; problems: PathProblem[] } {
  const r = schema.safeParse(raw, { error: issueMessage, reportInput: true });
  return r.success ? { value: r.data, problems: [] } : { problems: zodProblems(r.error) };
}

// ---------------------------------------------------------------- loose reading of raw input
// Cross-field checks read the raw input tolerantly, so that they still run (and report) when
// some other field is malformed: the admin sees every problem at once.

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Loose) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// ---------------------------------------------------------------- criteria set checks

function criteriaSetCrossProblems(raw: unknown): PathProblem[] {
  const problems: PathProblem[] = [];
  const set = obj(raw);
  if (!set) return problems;
  const seen = new Map<string, string>();
  const pts = (v: unknown): Points | undefined => {
    const r = pointsFromFile(v);
    return 'points' in r ? r.points : undefined;
  };
  const idOf = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;

  const noteId = (id: string | undefined, path: (string | number)[]) => {
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ path: [...path, 'id'], message: `mã "${id}" bị trùng với ${first} (duplicate id)` });
    } else {
      seen.set(id, formatPath([...path, 'id']));
    }
  };

  /** Checks a node's children against its max; returns the node's max when known. */
  const checkChildren = (
    children: unknown[],
    parentId: string | undefined,
    parentMax: Points | undefined,
    path: (string | number)[],
    childKey: 'criteria' | 'children',
  ) => {
    const [partsVi, partsEn] =
      childKey === 'criteria' ? ['các tiêu chí', 'its criteria'] : ['các tiêu chí con', 'its sub-criteria'];
    let sum = 0;
    let known = true;
    children.forEach((child, i) => {
      const c = obj(child);
      const cpath = [...path, childKey, i];
      if (!c) return;
      const id = idOf(c.id);
      noteId(id, cpath);
      if (id !== undefined && parentId !== undefined && !id.startsWith(`${parentId}.`)) {
        problems.push({
          path: [...cpath, 'id'],
          message: `mã "${id}" phải bắt đầu bằng mã cha "${parentId}." (a child's id extends its parent's id)`,
        });
      }
      const max = pts(c.max);
      if (max === undefined) known = false;
      else sum += max;
      const grand = arr(c.children);
      if (grand.length > 0) {
        checkChildren(grand, id, max, cpath, 'children');
      } else if (max === 0) {
        problems.push({
          path: [...cpath, 'max'],
          message:
            'tiêu chí lá phải có điểm tối đa lớn hơn 0 (a scored leaf criterion needs a maximum above 0)',
        });
      }
    });
    if (known && parentMax !== undefined && children.length > 0 && sum !== parentMax) {
      problems.push({
        path: [...path, 'max'],
        message: maxMismatch(parentMax, sum, partsVi, partsEn),
      });
    }
  };

  const areas = arr(set.areas);
  let areaSum = 0;
  let areasKnown = true;
  let surveyPath: string | undefined;
  areas.forEach((a, i) => {
    const area = obj(a);
    const path = ['areas', i];
    if (!area) return;
    const id = idOf(area.id);
    noteId(id, path);
    const max = pts(area.max);
    if (max === undefined) areasKnown = false;
    else areaSum += max;
    const criteria = arr(area.criteria);
    if (area.kind === 'survey') {
      if (surveyPath !== undefined) {
        problems.push({
          path: [...path, 'kind'],
          message: `chỉ được có một lĩnh vực khảo sát, đã có ${surveyPath} (at most one survey area)`,
        });
      } else {
        surveyPath = formatPath(path);
      }
      if (criteria.length > 0) {
        problems.push({
          path: [...path, 'criteria'],
          message:
            'lĩnh vực khảo sát không có tiêu chí: điểm lấy từ kết quả khảo sát (a survey area has no criteria; its score is the survey result)',
        });
      }
      if (max === 0) {
        problems.push({ path: [...path, 'max'], message: 'phải lớn hơn 0 (must be above 0)' });
      }
    } else if (criteria.length === 0) {
      problems.push({
        path: [...path, 'criteria'],
        message:
          'lĩnh vực được chấm điểm cần ít nhất một tiêu chí (an assessed area needs at least one criterion)',
      });
    } else {
      checkChildren(criteria, id, max, path, 'criteria');
    }
  });
  const setMax = pts(set.max);
  if (areasKnown && setMax !== undefined && areas.length > 0 && areaSum !== setMax) {
    problems.push({
      path: ['max'],
      message: maxMismatch(setMax, areaSum, 'các lĩnh vực', 'the areas'),
    });
  }
  return problems;
}

/** Validates a criteria set; returns it when there is no problem. */
export function checkCriteriaSet(raw: unknown): { value?: CriteriaSet; problems: PathProblem[] } {
  const parsed = safeParse(CriteriaSetSchema, raw);
  const problems = [...parsed.problems, ...criteriaSetCrossProblems(raw)];
  return problems.length === 0 ? { value: parsed.value, problems } : { problems };
}

export function parseCriteriaSet(raw: unknown, file: string): CriteriaSet {
  const r = checkCriteriaSet(raw);
  if (!r.value) throw new ConfigError(inFile(file, r.problems));
  return r.value;
}

// ---------------------------------------------------------------- district config checks

export interface CheckDistrictOptions {
  now?: Date;
  /** Criteria set ids whose own files were already reported missing or invalid: not reported again. */
  reportedSetIds?: ReadonlySet<string>;
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

function districtCrossProblems(
  raw: unknown,
  criteriaSets: readonly CriteriaSet[],
  opts: CheckDistrictOptions,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const c = obj(raw);
  if (!c) {
    return [
      { path: [], message: 'tệp cấu hình phải là một đối tượng có các trường (must be a mapping of fields)' },
    ];
  }
  const units = arr(c.units);
  const unitIds = new Set(units.map((u) => str(obj(u)?.id)).filter((id) => id !== undefined));

  problems.push(...uniqueIds(units, 'units', 'đơn vị'));
  const roles = ['reviewers', 'council', 'admins', 'leadership'] as const;
  for (const role of roles) {
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

  // Every unit needs a reviewer from outside it: nobody appraises their own unit.
  const reviewers = arr(c.reviewers).map(obj);
  if (reviewers.length > 0) {
    units.forEach((u, i) => {
      const id = str(obj(u)?.id);
      if (id === undefined) return;
      if (!reviewers.some((r) => r !== undefined && str(r.unit) !== id)) {
        problems.push({
          path: ['reviewers'],
          message:
            `không có người thẩm định nào ngoài đơn vị "${id}" (units[${i}]): cần ít nhất một người không thuộc đơn vị này ` +
            '(no reviewer outside this unit can appraise it)',
        });
      }
    });
  }

  const campaign = obj(c.campaign);
  const district = obj(c.district);
  const phaseStart = str(campaign?.phaseStart);
  const phaseEnd = str(campaign?.phaseEnd);
  const datesOk =
    phaseStart !== undefined && phaseEnd !== undefined && isIsoDate(phaseStart) && isIsoDate(phaseEnd);
  if (datesOk && phaseStart > phaseEnd) {
    problems.push({
      path: ['campaign', 'phaseEnd'],
      message: `ngày kết thúc giai đoạn ${phaseEnd} trước ngày bắt đầu ${phaseStart} (the phase ends before it starts)`,
    });
  }
  if (datesOk && campaign?.allowPastPhase !== true) {
    const tz = str(district?.timeZone) ?? 'Asia/Ho_Chi_Minh';
    const today = localDateOf(opts.now ?? new Date(), isTimeZone(tz) ? tz : 'Asia/Ho_Chi_Minh');
    if (phaseEnd < today) {
      problems.push({
        path: ['campaign', 'phaseEnd'],
        message:
          `giai đoạn đã kết thúc ngày ${formatDate(phaseEnd)}, trước hôm nay ${formatDate(today)}: không thể phát động; ` +
          'nếu muốn chạy lại một giai đoạn đã qua (như bản demo), đặt campaign.allowPastPhase: true ' +
          `(the phase ended on ${phaseEnd}, before today ${today}; set campaign.allowPastPhase: true to replay a past phase)`,
      });
    }
  }

  const calendar = obj(c.calendar);
  const lead = calendar?.reminderLeadDays ?? 3;
  const window = calendar?.submissionDays ?? 10;
  if (typeof lead === 'number' && typeof window === 'number' && lead >= window) {
    problems.push({
      path: ['calendar', 'reminderLeadDays'],
      message:
        `số ngày nhắc trước hạn (${lead}) phải nhỏ hơn số ngày nộp báo cáo (${window}), nếu không lời nhắc đến trước khi mở ` +
        '(the reminder must come after the window opens: reminderLeadDays < submissionDays)',
    });
  }

  const quorum = obj(obj(obj(c.commendation)?.council)?.quorum);
  if (
    typeof quorum?.numerator === 'number' &&
    typeof quorum.denominator === 'number' &&
    quorum.numerator > quorum.denominator
  ) {
    problems.push({
      path: ['commendation', 'council', 'quorum'],
      message: 'tử số không được lớn hơn mẫu số (the quorum fraction cannot exceed 1)',
    });
  }

  // Criteria sets per group: present, known, unambiguous, and in force from the phase's first day.
  const groups = obj(c.groups);
  const setsById = new Map(criteriaSets.map((s) => [s.id, s]));
  const reported = opts.reportedSetIds ?? new Set<string>();
  for (const group of UNIT_GROUPS) {
    const g = obj(groups?.[group]);
    const ids = arr(g?.criteriaSets);
    const hasUnits = units.some((u) => obj(u)?.group === group);
    if (hasUnits && ids.length === 0) {
      problems.push({
        path: ['groups', group, 'criteriaSets'],
        message: `nhóm "${group}" có đơn vị nhưng chưa có bộ tiêu chí nào (this group has units but no criteria set)`,
      });
    }
    const known: CriteriaSet[] = [];
    ids.forEach((id, i) => {
      if (typeof id !== 'string' || !SLUG.test(id)) return;
      const set = setsById.get(id);
      if (set) known.push(set);
      else if (!reported.has(id)) {
        problems.push({
          path: ['groups', group, 'criteriaSets', i],
          message: `không có bộ tiêu chí "${id}" (unknown criteria set)`,
        });
      }
    });
    const byDate = new Map<string, string>();
    for (const set of known) {
      const other = byDate.get(set.effectiveFrom);
      if (other !== undefined && other !== set.id) {
        problems.push({
          path: ['groups', group, 'criteriaSets'],
          message:
            `hai bộ tiêu chí "${other}" và "${set.id}" cùng có hiệu lực từ ${formatDate(set.effectiveFrom)}: không biết áp dụng bộ nào ` +
            '(two criteria sets take effect on the same date)',
        });
      }
      byDate.set(set.effectiveFrom, set.id);
    }
    const dropped = ids.some((id) => typeof id === 'string' && reported.has(id));
    if (
      hasUnits &&
      datesOk &&
      known.length > 0 &&
      !dropped &&
      !known.some((s) => s.effectiveFrom <= phaseStart)
    ) {
      const first = known.map((s) => s.effectiveFrom).sort()[0] ?? '';
      problems.push({
        path: ['groups', group, 'criteriaSets'],
        message:
          `chưa có bộ tiêu chí nào có hiệu lực vào ngày bắt đầu giai đoạn ${formatDate(phaseStart)} ` +
          `(sớm nhất từ ${formatDate(first)}) (no criteria set is in force on the phase's first day)`,
      });
    }
  }
  return problems;
}

/** Validates a district config against the criteria sets available; every problem is returned. */
export function checkDistrictConfig(
  raw: unknown,
  criteriaSets: readonly CriteriaSet[],
  opts: CheckDistrictOptions = {},
): { value?: DistrictConfig; problems: PathProblem[] } {
  const parsed = safeParse(DistrictConfigSchema, raw);
  const problems = [...parsed.problems, ...districtCrossProblems(raw, criteriaSets, opts)];
  return problems.length === 0 ? { value: parsed.value, problems } : { problems };
}

export function parseDistrictConfig(
  raw: unknown,
  file: string,
  criteriaSets: CriteriaSet[],
  now?: Date,
): DistrictConfig {
  const r = checkDistrictConfig(raw, criteriaSets, now ? { now } : {});
  if (!r.value) throw new ConfigError(inFile(file, r.problems));
  return r.value;
}

export function inFile(file: string, problems: readonly PathProblem[]): ConfigProblem[] {
  return problems.map((p) => ({ file, path: formatPath(p.path), message: p.message }));
}

// ---------------------------------------------------------------- criteria set helpers

/** The scored criteria of a set (leaves), in document order, survey area excluded. */
export function leafCriteria(set: CriteriaSet): Criterion[] {
  const out: Criterion[] = [];
  const walk = (list: readonly Criterion[]) => {
    for (const c of list) {
      if (c.children && c.children.length > 0) walk(c.children);
      else out.push(c);
    }
  };
  for (const area of set.areas) walk(area.criteria);
  return out;
}

/** Any criterion (leaf or not) by id. */
export function findCriterion(set: CriteriaSet, id: string): Criterion | undefined {
  const walk = (list: readonly Criterion[]): Criterion | undefined => {
    for (const c of list) {
      if (c.id === id) return c;
      const found = c.children ? walk(c.children) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  for (const area of set.areas) {
    const found = walk(area.criteria);
    if (found) return found;
  }
  return undefined;
}

/** The set's satisfaction-survey area, if it has one. */
export function surveyArea(set: CriteriaSet): Area | undefined {
  return set.areas.find((a) => a.kind === 'survey');
}
