/**
 * District configuration and criteria sets: schemas, validation and helpers.
 *
 * Files write points as decimals with at most two places (8.5, 0.25); parsing turns them into
 * integer hundredths (Points) without binary floating point. Every problem found is reported,
 * each naming the file, the field path (e.g. `units[3].focalPoint.email`) and what is wrong, in
 * Vietnamese first with English in parentheses. Pure: no I/O here (see config-files.ts).
 */
import * as z from 'zod';
import {
  type CheckDistrictOptions,
  criteriaSetCrossProblems,
  districtCrossProblems,
} from './config-checks.ts';
import {
  DEFAULT_REMINDER_LEAD_DAYS,
  DEFAULT_SUBMISSION_DAYS,
  DEFAULT_TIME_ZONE,
  DEFAULT_VOTE_DAYS,
  describeConfigValue,
  formatPath,
  isIsoDate,
  isTimeZone,
  type PathProblem,
  pointsFromFile,
  SLUG,
} from './config-values.ts';
import type {
  AdministrativeLevel,
  Band,
  CriteriaSet,
  Criterion,
  DistrictConfig,
  Points,
  UnitGroup,
} from './model.ts';

// ---------------------------------------------------------------- problems

export interface ConfigProblem {
  file: string;
  /** Field path such as `units[3].focalPoint.email`; '' for the file as a whole. */
  path: string;
  message: string;
  /** 1-based line in the file, when the loader could tell (YAML files). */
  line?: number;
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

const PointsSchema = z.unknown().transform((value, ctx): Points => {
  const r = pointsFromFile(value);
  if ('error' in r) {
    ctx.addIssue({ code: 'custom', message: r.error, input: value });
    return z.NEVER;
  }
  return r.points;
});

// ---------------------------------------------------------------- small field schemas

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Dotted criterion ids: "3", "3.2", "3.2.1"; ASCII, used as keys in reports. */
const CRITERION_ID = /^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*$/;

/**
 * Control characters (but tab and line ends) and the bidirectional embedding, override and isolate
 * marks: invisible in an editor, yet a NUL or backspace breaks the CSV downloads and a right-to-left
 * override makes a unit's or a person's name read otherwise, on every page, letter and document,
 * than it was written. The pages' forms drop them (functions/web/http.ts); a config names them.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const INVISIBLE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

function invisibleControlProblem(value: unknown): string {
  const s = typeof value === 'string' ? value : '';
  const at = s.search(INVISIBLE_CONTROL);
  const code = `U+${(s.codePointAt(at) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return (
    `chứa ký tự điều khiển không nhìn thấy ${code} ở vị trí ${at + 1}; hãy xóa rồi gõ lại đoạn đó ` +
    `(contains the invisible control character ${code} at position ${at + 1})`
  );
}

/** A string without invisible control characters (a title, a guidance note). */
const plain = z.string().refine((v) => !INVISIBLE_CONTROL.test(v), {
  error: (iss) => invisibleControlProblem(iss.input),
});

const text = z
  .string()
  .trim()
  .min(1, { error: 'không được để trống (must not be empty)' })
  .refine((v) => !INVISIBLE_CONTROL.test(v), { error: (iss) => invisibleControlProblem(iss.input) });

const slug = z.string().regex(SLUG, {
  error: (iss) =>
    `phải là mã ASCII viết thường (a-z, 0-9, dấu gạch nối, bắt đầu bằng chữ hoặc số, tối đa 40 ký tự), ` +
    `nhận được ${describeConfigValue(iss.input)} (must be an ASCII slug matching ^[a-z0-9][a-z0-9-]{0,39}$)`,
});

const email = z.email({
  // Only the format: a missing or non-string email gets the general message.
  error: (iss) =>
    iss.code === 'invalid_format'
      ? `không phải địa chỉ email hợp lệ: ${describeConfigValue(iss.input)} (not a valid email address)`
      : undefined,
});

const isoDate = z.string().refine(isIsoDate, {
  error: (iss) =>
    `phải là ngày dạng yyyy-mm-dd có thật, nhận được ${describeConfigValue(iss.input)} (must be a real date written yyyy-mm-dd)`,
});

const hhmm = z.string().regex(HH_MM, {
  error: (iss) =>
    `phải là giờ dạng HH:mm (00:00–23:59), nhận được ${describeConfigValue(iss.input)} (must be a time HH:mm)`,
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
      `phải là mã dạng "3.2.1" (chữ số, chữ cái ASCII và dấu chấm), nhận được ${describeConfigValue(iss.input)} ` +
      '(must be a dotted ASCII id such as "3.2.1"; quote ids like "1.10" in YAML)',
  });

// ---------------------------------------------------------------- criteria set schema

const CriterionSchema = z.strictObject({
  id: criterionId,
  name: text,
  max: PointsSchema,
  /** Defaults to true: a claim without evidence is a reason to return the report. */
  evidenceRequired: z.boolean().default(true),
  guidance: plain.optional(),
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
  title: plain.optional(),
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

/** A band's lowest percentage: above 0, at most 100, at most two decimals. */
const bandPercent = percent
  .gt(0, { error: 'phải lớn hơn 0 (must be greater than 0)' })
  .refine((x) => Math.abs(x * 100 - Math.round(x * 100)) < 1e-9, {
    error: 'tối đa hai chữ số thập phân (at most two decimals)',
  });

/** DOMAIN.md's bands are a default: each one's lowest percentage, Yếu being everything below. */
const BandsSchema = z
  .strictObject({ 'xuat-sac': bandPercent, tot: bandPercent, kha: bandPercent, 'trung-binh': bandPercent })
  .refine((b) => b['xuat-sac'] > b.tot && b.tot > b.kha && b.kha > b['trung-binh'], {
    error:
      'ngưỡng phải giảm dần: xuat-sac > tot > kha > trung-binh (the thresholds must decrease from xuat-sac to trung-binh)',
  });

const CommendationSchema = z.strictObject({
  /** Defaults to the district's own level (its chairman grants the movement's award). */
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
      voteDays: days(DEFAULT_VOTE_DAYS, 1),
      // 0: no reminder. The default, 1, is dropped when the vote lasts a single day.
      reminderLeadDays: days(1),
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
            `không phải múi giờ IANA hợp lệ: ${describeConfigValue(iss.input)} (not a valid IANA time zone, e.g. Asia/Ho_Chi_Minh)`,
        })
        .default(DEFAULT_TIME_ZONE),
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
      /** SES's sending rate of the account, messages a second (default 14; a sandbox allows 1). */
      sendRatePerSecond: z
        .number({ error: 'phải là một số (must be a number)' })
        .positive({ error: 'phải lớn hơn 0 (must be greater than 0)' })
        .max(1000, { error: 'tối đa 1000 (at most 1000)' })
        .optional(),
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
      submissionDays: days(DEFAULT_SUBMISSION_DAYS, 1),
      reminderLeadDays: days(DEFAULT_REMINDER_LEAD_DAYS),
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
    bands: BandsSchema.optional(),
  })
  .transform(
    ({ bands, ...c }): DistrictConfig => ({
      ...c,
      commendation: { ...c.commendation, issuerLevel: c.commendation.issuerLevel ?? c.district.level },
      ...(bands
        ? {
            bands: [
              { band: 'xuat-sac', minPercent: bands['xuat-sac'] },
              { band: 'tot', minPercent: bands.tot },
              { band: 'kha', minPercent: bands.kha },
              { band: 'trung-binh', minPercent: bands['trung-binh'] },
              { band: 'yeu', minPercent: 0 },
            ],
          }
        : {}),
    }),
  ) satisfies z.ZodType<DistrictConfig>;

// ---------------------------------------------------------------- zod issues as sentences

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
      return `phải là ${TYPE_NAMES[iss.expected] ?? iss.expected}, nhận được ${describeConfigValue(iss.input)}`;
    case 'invalid_value':
      return `phải là một trong ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, nhận được ${describeConfigValue(iss.input)} (must be one of these values)`;
    case 'invalid_union':
      return `giá trị không hợp lệ: ${describeConfigValue(iss.input)} (invalid value)`;
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
